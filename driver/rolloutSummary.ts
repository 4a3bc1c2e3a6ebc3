// The rollout's one summary in three places: an accounts × Regions matrix for the terminal, the
// same matrix in Markdown for $GITHUB_STEP_SUMMARY, and JSON (.rollout/result.json). Pure.
import { renderTable } from "../cli/table";
import { matrixAxes } from "../components/parts/fleetMatrix";
import type { CellState } from "./rolloutJournal";

export interface CellResult {
    readonly stack: string;
    readonly account: string;
    readonly accountId: string;
    readonly region: string;
    readonly ring: string;
    readonly state: Exclude<CellState, "started" | "destroyed">;
    readonly changes?: Readonly<Record<string, number>>;
    /** One line: why the cell is red, held or locked, or what drifted. */
    readonly reason?: string;
    /** For a locked cell: the command that releases the lock, once you know its holder is gone. */
    readonly command?: string;
    /** The exit code the cell alone would give (cli/exitCodes.ts). */
    readonly exitCode: number;
}

const changeMarks: [string, string][] = [
    ["create", "+"],
    ["update", "~"],
    ["replace", "±"],
    ["delete", "-"],
];

/** A cell as one short string: ✓ 1~ 0+ for green with its changes, ✓v verified, ✗ reason, and so on. */
export function cellText(result: CellResult): string {
    const counts = changeMarks.map(([kind, mark]) => `${result.changes?.[kind] ?? 0}${mark}`).join(" ");
    switch (result.state) {
        case "green":
            return `✓ ${counts}`;
        case "verified":
            return `✓v ${counts}`;
        case "red":
            return `✗ ${result.reason ?? "failed"}`;
        case "locked":
            return "🔒 locked";
        case "interrupted":
            return "⏸ interrupted";
        case "held":
            return "… held";
        case "skipped":
            return "⏭ skipped (current)";
        case "drifted":
            return `⚠ drifted ${counts}`;
        case "current":
            return "✓ no drift";
    }
}

/** Rows: a header of Regions, then one row per account (its ring and id), "·" where it has no cell. */
export function summaryRows(results: readonly CellResult[]): string[][] {
    const { accounts, regions } = matrixAxes(results);
    return [
        ["account", "ring", ...regions],
        ...accounts.map(account => {
            const own = results.filter(r => r.account === account);
            return [
                `${account} (${own[0].accountId})`,
                own[0].ring,
                ...regions.map(region => {
                    const cell = own.find(r => r.region === region);
                    return cell ? cellText(cell) : "·";
                }),
            ];
        }),
    ];
}

function notes(results: readonly CellResult[]): string[] {
    return results
        .filter(r => ["red", "locked", "held", "interrupted", "drifted"].includes(r.state) && (r.reason || r.command))
        .map(r => `${r.stack}: ${r.state}${r.reason ? `: ${r.reason}` : ""}${r.command ? ` (${r.command})` : ""}`);
}

function tally(results: readonly CellResult[]): string {
    const counts = new Map<string, number>();
    results.forEach(r => counts.set(r.state, (counts.get(r.state) ?? 0) + 1));
    return [...counts].map(([state, n]) => `${n} ${state}`).join(", ");
}

export function summaryTerminal(title: string, results: readonly CellResult[]): string {
    return [
        title,
        ...renderTable(summaryRows(results)),
        "",
        ...notes(results).map(note => `  ${note}`),
        `${results.length} cells: ${tally(results)}`,
        "",
    ].join("\n");
}

export function summaryMarkdown(title: string, results: readonly CellResult[]): string {
    const [header, ...rows] = summaryRows(results);
    const line = (cells: string[]) => `| ${cells.map(c => c.replace(/\|/g, "\\|")).join(" | ")} |`;
    return [
        `### ${title}`,
        "",
        line(header),
        line(header.map(() => "---")),
        ...rows.map(line),
        "",
        ...notes(results).map(note => `- ${note}`),
        "",
        `${results.length} cells: ${tally(results)}`,
        "",
    ].join("\n");
}

export function summaryJson(results: readonly CellResult[], exitCode: number): string {
    return `${JSON.stringify({ exitCode, cells: results }, null, 2)}\n`;
}
