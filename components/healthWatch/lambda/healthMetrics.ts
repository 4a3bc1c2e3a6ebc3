// The sweep's node counts as CloudWatch Embedded Metric Format documents: one log line per group
// of nodes sharing a status, an agent major.minor and a platform, from which CloudWatch Logs
// extracts dimensioned metrics with no PutMetricData call. Pure of @pulumi imports: serialized by
// value into the sweep Lambda.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
import { metricNamespace, NodeStatus } from "../../parts/lambda/nodeStatus";
import { Observation } from "./nodeHealth";
import { PatchSeverity, patchSeverities } from "./patchCompliance";

/** The dimensionless total of every unhealthy status, which the unmanaged-nodes alarm watches. */
export const unmanagedMetricName = "NodesUnmanaged";

/** The EMF count: nodes of one group, summed over a sweep's documents per dimension set. */
export const nodesMetricName = "Nodes";

export const emfDimensions = {
    status: "Status",
    agentVersion: "AgentVersion",
    platformName: "PlatformName",
} as const;

/** The dimension sets each document declares: by status, and by status split by agent or platform. */
export const emfDimensionSets: readonly (readonly string[])[] = [
    [emfDimensions.status],
    [emfDimensions.status, emfDimensions.agentVersion],
    [emfDimensions.status, emfDimensions.platformName],
];

/**
 * At most this many distinct agent versions and platforms per sweep; the rarest beyond them count
 * as "other", so a mixed fleet cannot grow the number of metrics (each a monthly charge) unbounded.
 */
export const maxValuesPerDimension = 10;

/** EMF's limits: at most 30 dimensions in a set and 100 metrics in a document. */
export const emfLimits = { dimensionsPerSet: 30, metricsPerDocument: 100 } as const;

/** Nodes missing patches, by the `Severity` dimension (patchCompliance.ts). */
export const patchNonCompliantMetricName = "NodesPatchNonCompliant";
export const severityDimension = "Severity";

/** Seconds from an EC2 instance's `running` event to the sweep that first finds it online: one value per node. */
export const timeToManagedMetricName = "TimeToManagedSeconds";

/** EMF's limit on a metric's values array. */
export const maxValuesPerMetric = 100;

/** The `_aws` envelope of an EMF document. */
export interface EmfMetadata {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: {
        readonly Namespace: string;
        readonly Dimensions: string[][];
        readonly Metrics: { readonly Name: string; readonly Unit: "Count" | "Seconds" }[];
    }[];
}

/** Any EMF document the sweep logs: the envelope, and its dimension and metric members. */
export type EmfLine = { readonly _aws: EmfMetadata } & Readonly<Record<string, unknown>>;

/** One EMF document of node counts, as the sweep logs it. */
export interface EmfDocument {
    readonly _aws: EmfMetadata;
    readonly Status: NodeStatus;
    readonly AgentVersion: string;
    readonly PlatformName: string;
    readonly Nodes: number;
}

/** "3.3.1142.0" as "3.3"; "none" for a node SSM has no record of, "unknown" for anything unreadable. */
export function agentMajorMinor(version: string | undefined): string {
    if (version === undefined) {
        return "none";
    }
    const match = /^(\d+)\.(\d+)(\.|$)/.exec(version);
    return match ? `${match[1]}.${match[2]}` : "unknown";
}

/** The most common values, each kept as is; the rest map to "other". */
function bounded(values: readonly string[]): (value: string) => string {
    const counts = new Map<string, number>();
    for (const value of values) {
        counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const kept = new Set(
        [...counts.entries()]
            .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
            .slice(0, maxValuesPerDimension)
            .map(([value]) => value),
    );
    return value => (kept.has(value) ? value : "other");
}

/** One document per group of nodes with the same status, agent major.minor and platform. */
export function emfDocuments(observations: readonly Observation[], now: number): EmfDocument[] {
    const agents = observations.map(o => agentMajorMinor(o.agentVersion));
    const platforms = observations.map(o => o.platformName ?? "unknown");
    const agentOf = bounded(agents);
    const platformOf = bounded(platforms);
    const groups = new Map<string, { status: NodeStatus; agent: string; platform: string; nodes: number }>();
    observations.forEach((o, i) => {
        const agent = agentOf(agents[i]);
        const platform = platformOf(platforms[i]);
        const key = JSON.stringify([o.status, agent, platform]);
        const group = groups.get(key) ?? { status: o.status, agent, platform, nodes: 0 };
        group.nodes++;
        groups.set(key, group);
    });
    return [...groups.values()].map(group => ({
        _aws: {
            Timestamp: now,
            CloudWatchMetrics: [
                {
                    Namespace: metricNamespace,
                    Dimensions: emfDimensionSets.map(set => [...set]),
                    Metrics: [{ Name: nodesMetricName, Unit: "Count" }],
                },
            ],
        },
        Status: group.status,
        AgentVersion: group.agent,
        PlatformName: group.platform,
        Nodes: group.nodes,
    }));
}

const envelope = (now: number, dimensions: string[][], name: string, unit: "Count" | "Seconds"): EmfMetadata => ({
    Timestamp: now,
    CloudWatchMetrics: [{ Namespace: metricNamespace, Dimensions: dimensions, Metrics: [{ Name: name, Unit: unit }] }],
});

/** One document per severity, zeros too, so that the dashboard draws 0 rather than no data. */
export function patchComplianceDocuments(counts: Record<PatchSeverity, number>, now: number): EmfLine[] {
    return patchSeverities.map(severity => ({
        _aws: envelope(now, [[severityDimension]], patchNonCompliantMetricName, "Count"),
        [severityDimension]: severity,
        [patchNonCompliantMetricName]: counts[severity],
    }));
}

/**
 * The sweep's times to managed as values arrays (at most 100 values a document), dimensionless:
 * CloudWatch keeps each value, so the dashboard's p50 and p95 are over nodes, not over documents.
 */
export function timeToManagedDocuments(seconds: readonly number[], now: number): EmfLine[] {
    return Array.from({ length: Math.ceil(seconds.length / maxValuesPerMetric) }, (_, i) => ({
        _aws: envelope(now, [[]], timeToManagedMetricName, "Seconds"),
        [timeToManagedMetricName]: seconds.slice(i * maxValuesPerMetric, (i + 1) * maxValuesPerMetric),
    }));
}
