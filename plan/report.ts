// Renders a stack plan: the --json document and the terminal report. Pure: no I/O.
import { renderTable } from "../cli/table";
import type { Violation } from "../policy/evaluate";
import type { CostEstimate } from "./cost";
import type { PlannedResource } from "../harness/synthesize";

export interface PlanReport {
    readonly stack: string;
    /** The stack's aws:region, if set. */
    readonly region?: string;
    readonly resources: readonly PlannedResource[];
    /** Names of the policies evaluated. */
    readonly policies: readonly string[];
    readonly violations: readonly Violation[];
    readonly cost: CostEstimate;
    /** How many zones the stand-in offered: the Region's real count (config accepts only Regions aws/regions.ts counts). */
    readonly standInZones: { readonly count: number };
}

/** The --json document; its field names are fixed by the issue that asked for the plan. */
export function planDocument(report: PlanReport) {
    return {
        stack: report.stack,
        region: report.region ?? null,
        resources: treeOrder(report.resources).map(({ resource: r }) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            custom: r.custom,
            inputs: r.inputs,
        })),
        policy: {
            policies: report.policies,
            violations: report.violations.map(v => ({
                policy: v.policy,
                level: v.level,
                urn: v.urn ?? null,
                message: v.message,
            })),
        },
        cost: report.cost,
        standInZones: report.standInZones,
    };
}

export const mandatoryViolations = (report: PlanReport) => report.violations.filter(v => v.level === "mandatory");

/** The stderr message for a plan that mandatory violations fail. */
export function mandatoryFailure(report: PlanReport): string {
    const mandatory = mandatoryViolations(report);
    const lines = mandatory.map(v => `  - ${v.policy}: ${target(report, v)}: ${v.message.split("\n").pop()}`);
    return `plan failed: ${plural(mandatory.length, "mandatory policy violation")}\n${lines.join("\n")}\n`;
}

/** The terminal report: resource tree, counts by type, policy verdicts, cost table. */
export function renderText(report: PlanReport): string {
    const { resources, cost } = report;
    const components = resources.filter(r => !r.custom).length;
    const out: string[] = [];
    out.push(
        `Plan of stack ${report.stack}${report.region ? ` (${report.region})` : ""}: ` +
            `${plural(resources.length, "resource")}, ${plural(components, "component")}`,
    );
    out.push(`Stand-in zones: ${report.standInZones.count}, as many as ${report.region} has (aws/regions.ts).`);

    out.push("", "Resources");
    out.push(
        ...renderTable([
            ["TYPE", "NAME"],
            ...treeOrder(resources).map(({ resource, depth }) => [
                "  ".repeat(depth) + displayType(resource.type),
                resource.name,
            ]),
        ]),
    );

    out.push("", "Resources by type");
    const counts = new Map<string, number>();
    for (const r of resources) {
        counts.set(displayType(r.type), (counts.get(displayType(r.type)) ?? 0) + 1);
    }
    out.push(
        ...renderTable(
            [...counts].sort(([a, m], [b, n]) => n - m || a.localeCompare(b)).map(([type, n]) => [String(n), type]),
            [0],
        ),
    );

    out.push("", `Policies (${report.policies.length} evaluated)`);
    if (report.violations.length === 0) {
        out.push("  no violations");
    }
    for (const v of report.violations) {
        out.push(`  ${v.level.padEnd(9)}  ${v.policy}  ${target(report, v)}`);
        out.push(...v.message.split("\n").map(line => `             ${line}`));
    }

    out.push("", "Monthly cost estimate");
    out.push(
        ...renderTable(
            [
                ["ITEM", "QUANTITY", "UNIT", "UNIT PRICE", "PER MONTH"],
                ...cost.lines.map(l => [
                    l.item,
                    l.quantity.toLocaleString("en-US"),
                    l.unit,
                    unitUsd(l.unitUsd),
                    usd(l.monthlyUsd),
                ]),
                ["Total", "", "", "", usd(cost.monthlyUsd)],
            ],
            [1, 3, 4],
        ),
    );
    out.push(...cost.notes.map(note => `  ${note}`), "  Sources:");
    out.push(...cost.lines.map(l => `    ${l.item}: ${l.source}`));
    return `${out.join("\n")}\n`;
}

/** Depth-first over the parent links, children sorted by type and name so that plans diff cleanly. */
export function treeOrder(resources: readonly PlannedResource[]): { resource: PlannedResource; depth: number }[] {
    const urns = new Set(resources.map(r => r.urn));
    const children = new Map<string, PlannedResource[]>();
    for (const r of resources) {
        // A parent outside the plan (the stack itself is not registered under mocks) counts as the top.
        const parent = urns.has(r.parent) ? r.parent : "";
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const ordered: { resource: PlannedResource; depth: number }[] = [];
    const visit = (parent: string, depth: number) => {
        const sorted = [...(children.get(parent) ?? [])].sort(
            (a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
        );
        for (const resource of sorted) {
            ordered.push({ resource, depth });
            visit(resource.urn, depth + 1);
        }
    };
    visit("", 0);
    return ordered;
}

/** Shortens a type token the way the Pulumi CLI shows it: aws:s3/bucket:Bucket is aws:s3:Bucket. */
export function displayType(type: string): string {
    const [pkg, module, name] = type.split(":");
    const [first, last] = module?.split("/") ?? [];
    return name !== undefined && last !== undefined && last.toLowerCase() === name.toLowerCase()
        ? `${pkg}:${first}:${name}`
        : type;
}

/** The resource a violation is about, as type and name, or the stack for stack-wide ones. */
function target(report: PlanReport, violation: Violation): string {
    if (!violation.urn) {
        return "stack";
    }
    const resource = report.resources.find(r => r.urn === violation.urn);
    return resource ? `${displayType(resource.type)} ${resource.name}` : violation.urn;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
export const usd = (amount: number) =>
    `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** Unit prices keep their sub-cent digits ($0.001). */
const unitUsd = (amount: number) =>
    Number.isInteger(Math.round(amount * 1e6) / 1e4) && !(amount > 0 && amount < 0.01)
        ? usd(amount)
        : `$${amount.toLocaleString("en-US", { useGrouping: false, maximumSignificantDigits: 6 })}`;
