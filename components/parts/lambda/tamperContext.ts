// What the notifier needs to know about the stack to word a tamper event: the contract between
// the tamper watch, which builds it, and the notifier, which reads it from its environment. Pure:
// serialized by value into the notifier.

/** The stack as the notifier sees it; a JSON object in the notifier's environment (Lambda's limit: 4 KB in all). */
export interface TamperContext {
    /** The Pulumi stack, for the command that restores it. */
    readonly stack: string;
    /** Role (or user) ARNs whose changes are the stack's own deployments: an expected change. */
    readonly deployerArns: readonly string[];
    /** The SSM parameter the dead-man's switch tags on a schedule. */
    readonly heartbeatParameter: string;
    /**
     * The stack's watched resources: physical id (name, id or ARN; or an autoname prefix ending in "*")
     * -> the URN of the component that owns it.
     */
    readonly resources: Readonly<Record<string, string>>;
}

/** The namespace of the notifier's tamper watch metrics, each counted through an Embedded Metric Format log line. */
const tamperWatchNamespace = "SsmFleetBaseline/TamperWatch";

/** The dead-man's switch's heartbeats that came back. */
export const heartbeatMetric = { namespace: tamperWatchNamespace, name: "HeartbeatsReceived" } as const;

/**
 * Changes the notifier mailed as tamper: neither the deployer's expected change nor a failed
 * attempt. The dashboard draws it and the organization view alarms on it.
 */
export const tamperChangesMetric = { namespace: tamperWatchNamespace, name: "TamperChangesDetected" } as const;

/** The tag key the dead-man's switch writes. */
export const heartbeatTagKey = "ssm-fleet-baseline:heartbeat";

/**
 * The context as the notifier's environment holds it, to fit Lambda's 4 KB of environment
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html): the watched ids grouped
 * by owner, and each owner's URN without the prefix every URN of the stack shares.
 */
export function serializeTamperContext(context: TamperContext, urnPrefix: string): string {
    const owners: Record<string, string[]> = {};
    for (const [id, urn] of Object.entries(context.resources)) {
        const owner = urn.startsWith(urnPrefix) ? urn.slice(urnPrefix.length) : urn;
        (owners[owner] ??= []).push(id);
    }
    const { stack, deployerArns, heartbeatParameter } = context;
    return JSON.stringify({ stack, deployerArns, heartbeatParameter, urnPrefix, owners });
}

/** The context as the notifier reads it (serializeTamperContext); undefined when it is absent or not a context. */
export function parseTamperContext(text: string): TamperContext | undefined {
    try {
        const value = JSON.parse(text);
        if (
            typeof value !== "object" ||
            value === null ||
            typeof value.stack !== "string" ||
            !Array.isArray(value.deployerArns) ||
            typeof value.heartbeatParameter !== "string" ||
            typeof value.urnPrefix !== "string" ||
            typeof value.owners !== "object" ||
            value.owners === null
        ) {
            return undefined;
        }
        const resources: Record<string, string> = {};
        for (const [owner, ids] of Object.entries(value.owners)) {
            const urn = owner.startsWith("urn:") ? owner : `${value.urnPrefix}${owner}`;
            for (const id of Array.isArray(ids) ? ids : []) {
                resources[String(id)] = urn;
            }
        }
        const { stack, deployerArns, heartbeatParameter } = value;
        return { stack, deployerArns, heartbeatParameter, resources };
    } catch {
        return undefined;
    }
}
