// The organization view's dashboard body: the fleet as the rollout's accounts × Regions matrix,
// one band of rows per account and one column per Region, each cell its composite alarm over its
// headline counts. Pure, so tests check it against CloudWatch's documented structure.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
// (its grid is 24 columns wide, and a body holds 0 to 500 widgets)
import { HealthMetrics } from "../parts/healthWatchView";
import { matrixAxes } from "../parts/fleetMatrix";

/** The dashboard grid is 24 columns wide. */
export const gridColumns = 24;
/** A dashboard body holds at most 500 widgets (Dashboard Body Structure, "Overall Structure"). */
export const maxDashboardWidgets = 500;
/** Each cell's tile: its composite alarm's state, and its node counts. */
const widgetsPerCell = 2;
const alarmHeight = 2;
const countsHeight = 4;

/**
 * Why the organization view cannot draw these cells on one dashboard, naming the manifest's size
 * and what to do; empty when it can. One column per Region, at least one grid column wide; two
 * widgets per cell. The manifest reader checks it (driver/fleet.ts), so it stops before any cell runs.
 */
export function organizationViewLimits(
    cells: readonly { readonly accountId: string; readonly region: string }[],
): string[] {
    const { regions } = matrixAxes(cells.map(c => ({ account: c.accountId, region: c.region })));
    const problems: string[] = [];
    if (regions.length > gridColumns) {
        problems.push(
            `the organization view draws one column per Region on CloudWatch's ${gridColumns}-column grid; the manifest has ${regions.length} Regions: split it into manifests of at most ${gridColumns} Regions, each with its own monitoring:`,
        );
    }
    const widgets = cells.length * widgetsPerCell;
    if (widgets > maxDashboardWidgets) {
        problems.push(
            `the organization view draws ${widgetsPerCell} widgets per cell and a CloudWatch dashboard holds at most ${maxDashboardWidgets}; the manifest has ${cells.length} cells (${widgets} widgets): split it into manifests of at most ${maxDashboardWidgets / widgetsPerCell} cells (accounts × Regions), each with its own monitoring:`,
        );
    }
    return problems;
}

/** One account × Region of the manifest, in the rollout's order. */
export interface FleetCell {
    readonly accountId: string;
    readonly accountName: string;
    readonly region: string;
    /** Whether the cell runs the tamper watch (its heartbeat is then one of the cell's alarms). */
    readonly tamperWatch: boolean;
}

export const cellKey = (cell: Pick<FleetCell, "accountId" | "region">) => `${cell.accountId}/${cell.region}`;

export interface OrganizationViewInputs {
    readonly cells: readonly FleetCell[];
    readonly metrics: HealthMetrics;
    /** Each cell's composite alarm, by cellKey. */
    readonly compositeAlarmArns: Readonly<Record<string, string>>;
}

export interface OrgWidget {
    readonly type: "metric" | "alarm";
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly properties: Record<string, any>;
}

/**
 * Accounts are rows and Regions columns, in the rollout summary's order (components/parts/fleetMatrix.ts).
 * Each cell: its composite alarm's state, and below it the source account's headline counts, read
 * through the cell's OAM link: a metric's accountId names the account it is in (cross-account
 * observability), the widget's region the Region.
 */
export function organizationViewBody(inputs: OrganizationViewInputs) {
    const limits = organizationViewLimits(inputs.cells);
    if (limits.length > 0) {
        throw new Error(limits.join("; "));
    }
    const { accounts, regions } = matrixAxes(inputs.cells.map(c => ({ account: c.accountId, region: c.region })));
    const width = Math.floor(gridColumns / regions.length);
    const m = inputs.metrics;
    const widgets: OrgWidget[] = inputs.cells.flatMap(cell => {
        const x = regions.indexOf(cell.region) * width;
        const y = accounts.indexOf(cell.accountId) * (alarmHeight + countsHeight);
        const title = `${cell.accountName} (${cell.accountId}) · ${cell.region}`;
        const count = (name: string, label: string) => [
            m.namespace,
            name,
            { accountId: cell.accountId, label, stat: "Maximum" },
        ];
        return [
            {
                type: "alarm" as const,
                x,
                y,
                width,
                height: alarmHeight,
                properties: { title, alarms: [inputs.compositeAlarmArns[cellKey(cell)]] },
            },
            {
                type: "metric" as const,
                x,
                y: y + alarmHeight,
                width,
                height: countsHeight,
                properties: {
                    title: `${title}: nodes`,
                    region: cell.region,
                    view: "singleValue",
                    period: 300,
                    stat: "Maximum",
                    metrics: [
                        count(m.online, "Online"),
                        count(m.unmanaged, "Unmanaged"),
                        count(m.connectionLost, "Connection lost"),
                        count(m.neverRegistered, "Never registered"),
                    ],
                },
            },
        ];
    });
    return { start: "-PT6H", periodOverride: "inherit", widgets };
}
