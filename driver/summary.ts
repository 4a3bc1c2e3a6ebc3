// Change summaries for the terminal and for GitHub's job summary. Pure.
import { OpMap } from "@pulumi/pulumi/automation";

const order = ["create", "update", "replace", "delete", "same"];

/** Change kinds with their counts, the usual ones first, zero counts left out. */
function changeCounts(changes: OpMap | undefined): [string, number][] {
    const entries = Object.entries(changes ?? {}).filter(([, count]) => (count ?? 0) > 0) as [string, number][];
    const rank = (kind: string) => (order.includes(kind) ? order.indexOf(kind) : order.length);
    return entries.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Whether anything other than "same" (and reads) would change. */
export function hasChanges(changes: OpMap | undefined): boolean {
    return changeCounts(changes).some(([kind]) => kind !== "same" && kind !== "read");
}

export function summaryLine(command: string, stack: string, changes: OpMap | undefined): string {
    const counts = changeCounts(changes);
    return `${command} ${stack}: ${counts.length ? counts.map(([kind, n]) => `${n} ${kind}`).join(", ") : "no resources"}`;
}

export function summaryMarkdown(
    command: string,
    stack: string,
    changes: OpMap | undefined,
    outcome: string,
    notes: readonly string[] = [],
): string {
    const rows = changeCounts(changes).map(([kind, n]) => `| ${kind} | ${n} |`);
    return [
        `### ssm-fleet-baseline: \`${command}\` on \`${stack}\``,
        "",
        `Outcome: **${outcome}**`,
        "",
        ...(rows.length
            ? ["| Change | Resources |", "| --- | ---: |", ...rows]
            : ["No resource changes were reported."]),
        "",
        ...(notes.length ? [...notes, ""] : []),
    ].join("\n");
}
