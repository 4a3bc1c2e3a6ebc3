// The accounts × Regions matrix's order, shared by the rollout's summary and the organization view,
// so that "rolled out" and "healthy" read side by side: accounts and Regions each in the order they
// first appear in the cells (the rollout's order: ring by ring, each account's home Region first).

export interface MatrixCell {
    readonly account: string;
    readonly region: string;
}

export interface MatrixAxes {
    readonly accounts: readonly string[];
    readonly regions: readonly string[];
}

export function matrixAxes(cells: readonly MatrixCell[]): MatrixAxes {
    return {
        accounts: [...new Set(cells.map(c => c.account))],
        regions: [...new Set(cells.map(c => c.region))],
    };
}
