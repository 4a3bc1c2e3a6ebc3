// Columns for terminal reports (the plan, the benchmarks). Pure.

/** Rows as left-aligned columns two spaces apart (right-aligned where asked), indented by two. */
export function renderTable(rows: readonly (readonly string[])[], rightAligned: readonly number[] = []): string[] {
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map(row => row[i].length))) ?? [];
    return rows.map(
        row =>
            `  ${row
                .map((cell, i) => (rightAligned.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
                .join("  ")
                .trimEnd()}`,
    );
}
