// Managed-node health decisions: classify each node from one sweep's EC2 and SSM listings, then
// advance its stored state so that only debounced transitions alert. Pure and free of @pulumi
// imports: serialized by value into the sweep Lambda.
import { compareAgentVersions, dhmcMinimumAgentVersion, parseAgentVersion } from "../../../aws/agentVersion";
import { NodeStatus } from "../../parts/lambda/nodeStatus";

/** The statuses of a node that is not manageable: each alerts, and NodesUnmanaged counts them all. */
export const unhealthyStatuses: readonly NodeStatus[] = [
    "connection-lost",
    "never-registered",
    "agent-outdated",
    "hybrid-lost",
];

/** A running EC2 instance as DescribeInstances reports it (fields may be missing). */
export interface RunningInstance {
    readonly InstanceId?: string;
    readonly LaunchTime?: Date | string;
    readonly IamInstanceProfile?: { readonly Arn?: string };
    readonly Tags?: readonly { Key?: string; Value?: string }[];
}

/** A managed node as DescribeInstanceInformation reports it (fields may be missing). */
export interface ManagedNodeInfo {
    readonly InstanceId?: string;
    readonly PingStatus?: string;
    readonly AgentVersion?: string;
    readonly LastPingDateTime?: Date | string;
    readonly ResourceType?: string;
    readonly ComputerName?: string;
    readonly PlatformName?: string;
}

export interface Observation {
    readonly nodeId: string;
    readonly kind: "ec2" | "hybrid";
    readonly status: NodeStatus;
    /** One line for the e-mail: agent version, last ping, name. */
    readonly detail: string;
    /** As SSM reports them; undefined for a node SSM has no record of. For the dimensioned metrics. */
    readonly agentVersion?: string;
    readonly platformName?: string;
}

export interface ClassifyOptions {
    readonly now: number;
    readonly graceMs: number;
    /** Instances carrying this tag key are not watched. */
    readonly excludeTagKey: string;
}

export interface Classification {
    readonly observations: Observation[];
    /** Records that could not be read (no id), so the sweep can say so. */
    readonly unreadable: number;
    readonly excluded: number;
}

function timeOf(value: Date | string | undefined): number | undefined {
    if (value === undefined) {
        return undefined;
    }
    const time = new Date(value).getTime();
    return Number.isNaN(time) ? undefined : time;
}

function onlineStatus(node: ManagedNodeInfo): NodeStatus {
    const version = node.AgentVersion ?? "";
    return parseAgentVersion(version) && compareAgentVersions(version, dhmcMinimumAgentVersion) < 0
        ? "agent-outdated"
        : "online";
}

function detailOf(node: ManagedNodeInfo | undefined): string {
    if (!node) {
        return "no SSM record";
    }
    const ping = timeOf(node.LastPingDateTime);
    return [
        `ping ${node.PingStatus ?? "unknown"}`,
        `last ping ${ping === undefined ? "unknown" : new Date(ping).toISOString()}`,
        `agent ${node.AgentVersion ?? "unknown"}`,
        ...(node.ComputerName ? [node.ComputerName] : []),
    ].join(", ");
}

function reportedBy(node: ManagedNodeInfo | undefined): Pick<Observation, "agentVersion" | "platformName"> {
    return node ? { agentVersion: node.AgentVersion ?? "", platformName: node.PlatformName ?? "unknown" } : {};
}

/**
 * Joins running instances with SSM's node list. Stopped instances are not listed as running, so
 * they never alert; hybrid (mi-) nodes come from the SSM list alone.
 */
export function classifyNodes(
    instances: readonly RunningInstance[],
    nodes: readonly ManagedNodeInfo[],
    options: ClassifyOptions,
): Classification {
    let unreadable = 0;
    let excluded = 0;
    const byId = new Map<string, ManagedNodeInfo>();
    for (const node of nodes) {
        if (typeof node?.InstanceId !== "string" || node.InstanceId === "") {
            unreadable++;
            continue;
        }
        byId.set(node.InstanceId, node);
    }
    const observations: Observation[] = [];
    for (const instance of instances) {
        const id = instance?.InstanceId;
        if (typeof id !== "string" || id === "") {
            unreadable++;
            continue;
        }
        if ((instance.Tags ?? []).some(tag => tag?.Key === options.excludeTagKey)) {
            excluded++;
            continue;
        }
        const node = byId.get(id);
        let status: NodeStatus;
        if (!node) {
            const launched = timeOf(instance.LaunchTime);
            // An instance with no launch time is judged at once: better one early alert than a silent node.
            status =
                launched !== undefined && options.now - launched < options.graceMs ? "starting" : "never-registered";
        } else if (node.PingStatus === "Online") {
            status = onlineStatus(node);
        } else {
            status = "connection-lost";
        }
        observations.push({ nodeId: id, kind: "ec2", status, detail: detailOf(node), ...reportedBy(node) });
    }
    for (const [id, node] of byId) {
        if (id.startsWith("mi-")) {
            observations.push({
                nodeId: id,
                kind: "hybrid",
                status: node.PingStatus === "Online" ? onlineStatus(node) : "hybrid-lost",
                detail: detailOf(node),
                ...reportedBy(node),
            });
        }
    }
    return { observations, unreadable, excluded };
}

/** What the state table keeps for a node that is, or recently was, unhealthy. Healthy nodes have no item. */
export interface NodeState {
    readonly nodeId: string;
    readonly kind: "ec2" | "hybrid";
    readonly status: NodeStatus | "gone";
    /** Consecutive sweeps that found the node unhealthy. */
    readonly badSweeps: number;
    /** Whether an alert went out and no recovery has yet. */
    readonly alerted: boolean;
    readonly since: number;
    /** DynamoDB TTL (epoch seconds): set once a node is gone, so its item expires a week later. */
    readonly expiresAt?: number;
}

export interface Transition {
    readonly nodeId: string;
    readonly kind: "ec2" | "hybrid";
    readonly change: "unhealthy" | "recovered" | "gone";
    readonly status: NodeStatus | "gone";
    readonly previous: NodeStatus | "gone";
    readonly detail: string;
}

export interface StateChange {
    /** Items to write; a state of undefined means delete the node's item. */
    readonly writes: { nodeId: string; state: NodeState | undefined }[];
    readonly transitions: Transition[];
}

export const goneRetentionSeconds = 7 * 24 * 3600;

/**
 * Advances every node's state by one sweep. A node alerts after `debounce` consecutive unhealthy
 * sweeps, once; it recovers once; a watched node that disappears (stopped, terminated, excluded)
 * resolves as gone. Only nodes whose item changes are written.
 */
export function advanceStates(
    previous: ReadonlyMap<string, NodeState>,
    observations: readonly Observation[],
    now: number,
    debounce: number,
): StateChange {
    const writes: StateChange["writes"] = [];
    const transitions: Transition[] = [];
    const seen = new Set<string>();
    for (const observation of observations) {
        seen.add(observation.nodeId);
        const before = previous.get(observation.nodeId);
        const unhealthy = unhealthyStatuses.includes(observation.status);
        if (!unhealthy) {
            if (before && observation.status === "online") {
                if (before.alerted) {
                    transitions.push({
                        nodeId: observation.nodeId,
                        kind: observation.kind,
                        change: "recovered",
                        status: "online",
                        previous: before.status,
                        detail: observation.detail,
                    });
                }
                writes.push({ nodeId: observation.nodeId, state: undefined });
            }
            continue;
        }
        const badSweeps = before && before.status !== "gone" ? before.badSweeps + 1 : 1;
        const alerting = !before?.alerted && badSweeps >= debounce;
        if (alerting) {
            // Until it alerts, a node counts as it was last reported: online, or gone if it had left.
            transitions.push({
                nodeId: observation.nodeId,
                kind: observation.kind,
                change: "unhealthy",
                status: observation.status,
                previous: before?.status === "gone" ? "gone" : "online",
                detail: observation.detail,
            });
        }
        // Once alerted, further unhealthy sweeps change nothing worth a write.
        if (!before?.alerted || before.status !== observation.status) {
            writes.push({
                nodeId: observation.nodeId,
                state: {
                    nodeId: observation.nodeId,
                    kind: observation.kind,
                    status: observation.status,
                    badSweeps,
                    alerted: Boolean(before?.alerted) || alerting,
                    since: before && before.status !== "gone" ? before.since : now,
                },
            });
        }
    }
    for (const [nodeId, before] of previous) {
        if (seen.has(nodeId) || before.status === "gone") {
            continue;
        }
        if (before.alerted) {
            transitions.push({
                nodeId,
                kind: before.kind,
                change: "gone",
                status: "gone",
                previous: before.status,
                detail: "no longer running or no longer watched",
            });
        }
        writes.push({
            nodeId,
            state: {
                ...before,
                status: "gone",
                badSweeps: 0,
                alerted: false,
                expiresAt: Math.floor(now / 1000) + goneRetentionSeconds,
            },
        });
    }
    return { writes, transitions };
}

/**
 * EC2 nodes online with no instance profile. The agent tries the instance profile's credentials
 * first and falls back to DHMC's (amazon-ssm-agent ec2_role_provider.go), so without a profile DHMC
 * is all these nodes have. A lower bound: a profile without ssm:UpdateInstanceInformation leaves its
 * node on DHMC too, which DescribeInstances cannot show.
 */
export function countRelyingOnDhmc(
    instances: readonly RunningInstance[],
    observations: readonly Observation[],
): number {
    const withoutProfile = new Set(instances.filter(i => !i?.IamInstanceProfile?.Arn).map(i => i?.InstanceId));
    return observations.filter(o => o.kind === "ec2" && o.status === "online" && withoutProfile.has(o.nodeId)).length;
}

/** Node counts per status, for the sweep's metrics. */
export function countByStatus(observations: readonly Observation[]): Record<NodeStatus, number> {
    const counts: Record<NodeStatus, number> = {
        online: 0,
        starting: 0,
        "connection-lost": 0,
        "never-registered": 0,
        "agent-outdated": 0,
        "hybrid-lost": 0,
    };
    for (const { status } of observations) {
        counts[status]++;
    }
    return counts;
}
