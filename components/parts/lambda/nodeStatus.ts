// What a node's health status is called, in words and in metrics: the health watch's sweep
// decides it, the notifier and the sweep's own e-mail word it, and the metrics that count it are
// named here for whoever draws or alarms on them. Pure: serialized by value into the Lambdas.
import { dhmcMinimumAgentVersion } from "../../../aws/agentVersion";

/** What a sweep can say about a node. "starting" is a new instance still inside the grace period. */
export type NodeStatus =
    "online" | "starting" | "connection-lost" | "never-registered" | "agent-outdated" | "hybrid-lost";

const statusText: Record<NodeStatus, string> = {
    online: "online",
    starting: "starting",
    "connection-lost": "SSM connection lost",
    "never-registered": "never registered with SSM",
    "agent-outdated": `SSM Agent older than ${dhmcMinimumAgentVersion} (DHMC cannot manage it)`,
    "hybrid-lost": "hybrid node connection lost",
};

/** The namespace of the sweep's metrics; the sweep's role may put metrics only there. */
export const metricNamespace = "SsmFleetBaseline/HealthWatch";

/** One CloudWatch metric per status, plus NodesUnmanaged (every unhealthy status) and UnreadableRecords. */
export const statusMetricNames: Record<NodeStatus, string> = {
    online: "NodesOnline",
    starting: "NodesStarting",
    "connection-lost": "NodesConnectionLost",
    "never-registered": "NodesNeverRegistered",
    "agent-outdated": "NodesAgentOutdated",
    "hybrid-lost": "NodesHybridLost",
};

/**
 * EC2 nodes online at the latest sweep with no instance profile: their agent has no credentials but
 * DHMC's, so a DHMC change takes them out of management. The sweep puts it (dimensionless); the
 * notifier reads it for the tamper mail.
 */
export const dhmcReliantMetricName = "NodesRelyingOnDhmc";

/** A status in words, as the e-mails print it. */
export function describeStatus(status: NodeStatus): string {
    return statusText[status];
}
