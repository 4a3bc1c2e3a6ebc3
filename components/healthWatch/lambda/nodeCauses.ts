// The "why" of a node's health: the most recent cause the program has seen for it, from the events
// a rule of the health watch sends to the sweep's Lambda: an EC2 instance state change, a failed
// agent update on the node, the diagnosis runbook's verdict, or a successful write call that takes
// nodes out of management across the Region (CloudTrail, the tamper watch's calls of
// nodeUnmanagingCalls). Each is kept as its own state-table item (key "cause#<node>", or
// "cause#*" for the latest region-wide one; expiring), and the sweep copies a node's cause into its
// transition's log line, which the dashboard's transitions table shows. Pure of @pulumi imports:
// serialized by value into the sweep Lambda.
import {
    associationStateChangeDetailType,
    automationExecutionStatusChangeDetailType,
    cloudTrailApiCallDetailType,
    ec2EventSource,
    instanceStateChangeDetailType,
    ssmEventSource,
} from "../../../aws/events";
import { agentUpdateDocument, diagnosisRunbook, dhmcSettingId, nodeUnmanagingCalls } from "../../../aws/identifiers";

type Item = Record<string, any>;

/** A cause, as stored and as logged: what happened, and when the event says it did. */
export interface NodeCause {
    /** The node, or regionWide. */
    readonly nodeId: string;
    readonly text: string;
    /** Epoch milliseconds, from the event's time. */
    readonly at: number;
}

/** Cause items share the state table, under this key prefix (node ids never contain "#"). */
export const causeKeyPrefix = "cause#";

/** The node id of a region-wide cause: node ids never contain "*". */
export const regionWide = "*";

/** A cause older than this explains nothing the sweep sees now; DynamoDB's TTL removes its item. */
export const causeRetentionSeconds = 7 * 24 * 3600;

/** What recording a cause needs from AWS: the SDK v3 request and response shapes. */
export interface NodeCauseAws {
    putItem(input: Item): Promise<unknown>;
    /** For a diagnosis completion, whose event names the execution but not the node. */
    getAutomationExecution(input: { AutomationExecutionId: string }): Promise<{
        AutomationExecution?: { Parameters?: Record<string, string[]>; Outputs?: Record<string, string[]> };
    }>;
}

type UnmanagingCall = (typeof nodeUnmanagingCalls)[keyof typeof nodeUnmanagingCalls][number];

/** Conditions some calls must meet to unmanage nodes: DHMC's setting (by id or ARN), a DNS attribute turned off. */
const unmanagingConditions: Partial<Record<UnmanagingCall, Item>> = {
    UpdateServiceSetting: { requestParameters: { settingId: [{ suffix: dhmcSettingId }] } },
    ResetServiceSetting: { requestParameters: { settingId: [{ suffix: dhmcSettingId }] } },
    ModifyVpcAttribute: {
        $or: [
            { requestParameters: { enableDnsSupport: { value: [false] } } },
            { requestParameters: { enableDnsHostnames: { value: [false] } } },
        ],
    },
};

/**
 * The region-wide causes as pattern branches: per service, the calls without a condition, then
 * each condition with its calls. Successful calls only: a failed one carries errorCode. Read-only
 * calls are none of these (and rules receive none: aws/events.ts).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
function unmanagingCallBranches(): Item[] {
    return Object.entries(nodeUnmanagingCalls).flatMap(([service, calls]) => {
        const groups = new Map<string, UnmanagingCall[]>();
        for (const call of calls as readonly UnmanagingCall[]) {
            const condition = JSON.stringify(unmanagingConditions[call] ?? {});
            groups.set(condition, [...(groups.get(condition) ?? []), call]);
        }
        return [...groups].map(([condition, eventNames]) => ({
            source: [`aws.${service}`],
            "detail-type": [cloudTrailApiCallDetailType],
            detail: {
                eventSource: [`${service}.amazonaws.com`],
                eventName: eventNames,
                errorCode: [{ exists: false }],
                ...JSON.parse(condition),
            },
        }));
    });
}

/**
 * The event kinds a cause comes from, for the health watch's rule. Its JSON must stay within
 * EventBridge's event pattern size, 2,048 characters by default.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export function causeEventPattern() {
    return {
        $or: [
            { source: [ec2EventSource], "detail-type": [instanceStateChangeDetailType] },
            {
                source: [ssmEventSource],
                "detail-type": [associationStateChangeDetailType],
                detail: { "document-name": [agentUpdateDocument], status: ["Failed"] },
            },
            {
                source: [ssmEventSource],
                "detail-type": [automationExecutionStatusChangeDetailType],
                detail: { Definition: [diagnosisRunbook], Status: ["Success", "Failed", "TimedOut", "Cancelled"] },
            },
            ...unmanagingCallBranches(),
        ],
    };
}

/** Whether an invocation carries a cause event rather than the sweep's schedule. */
export function isCauseEvent(event: unknown): boolean {
    const e = event as Item | undefined;
    return (
        (e?.source === ec2EventSource && e?.["detail-type"] === instanceStateChangeDetailType) ||
        (e?.source === ssmEventSource &&
            [associationStateChangeDetailType, automationExecutionStatusChangeDetailType].includes(
                e?.["detail-type"],
            )) ||
        e?.["detail-type"] === cloudTrailApiCallDetailType
    );
}

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

/** The EC2 ids a call's parameters name, however its API wraps them (EC2's newer APIs nest them). */
function ec2Ids(value: unknown): string[] {
    if (typeof value === "string") {
        return /^(vpce|sg|vpc)-[0-9a-f]+$/.test(value) ? [value] : [];
    }
    return value && typeof value === "object" ? Object.values(value).flatMap(ec2Ids) : [];
}

/** What a call unmanaged, for the cause's text; undefined when it does not unmanage nodes. */
function unmanagedBy(call: string, parameters: Item): string | undefined {
    switch (call) {
        case "UpdateServiceSetting":
        case "ResetServiceSetting":
            return String(parameters.settingId ?? "").endsWith(dhmcSettingId) ? "DHMC" : undefined;
        case "DeregisterDefaultHostManagementConfiguration":
            return "DHMC";
        case "ModifyInstanceMetadataDefaults":
            return "IMDS defaults";
        case "ModifyVpcAttribute": {
            const off = ["enableDnsSupport", "enableDnsHostnames"].filter(name => parameters[name]?.value === false);
            return off.length ? `${ec2Ids(parameters).join(", ")} ${off.join(", ")} off`.trim() : undefined;
        }
        default:
            return ec2Ids(parameters).join(", ") || "?";
    }
}

/**
 * The region-wide cause a CloudTrail record gives: a successful write of nodeUnmanagingCalls that
 * unmanages nodes, with who made it. Undefined for a failed or read-only call, or any other.
 */
function regionWideCause(detail: Item, at: number): NodeCause | undefined {
    const calls: Record<string, readonly string[]> = nodeUnmanagingCalls;
    const service = String(detail.eventSource ?? "").replace(/\.amazonaws\.com$/, "");
    const call = String(detail.eventName ?? "");
    if (!calls[service]?.includes(call) || (detail.errorCode ?? undefined) !== undefined || detail.readOnly === true) {
        return undefined;
    }
    const what = unmanagedBy(call, detail.requestParameters ?? {});
    const actor = detail.userIdentity?.arn ?? detail.userIdentity?.invokedBy ?? detail.userIdentity?.principalId;
    return what === undefined
        ? undefined
        : { nodeId: regionWide, text: clip(`region-wide: ${call} (${what}) by ${actor ?? "unknown"}`), at };
}

const ec2StateText = (state: unknown) => `EC2 instance ${state}`;

/** Whether the cause is the node's EC2 `running` event: where its time to managed starts. */
export const isRunningCause = (cause: NodeCause): boolean => cause.text === ec2StateText("running");

/** Whether the cause is the node's own start (pending, running): when it came, not why it is unmanaged. */
const isStartCause = (cause: NodeCause): boolean =>
    cause.text === ec2StateText("pending") || cause.text === ec2StateText("running");

/**
 * How long after a region-wide cause an EC2 node that turns lost or never registered is still put
 * down to it, counted to the first sweep that found the node so: 30 minutes for nodes to take up a
 * DHMC change (documented for turning it on, managed-instances-default-host-management.html; taken
 * as the same for losing it), up to 60 minutes until the next sweep (the schedule's longest rate),
 * and 30 minutes for SSM to mark a silent agent ConnectionLost (not documented; assumed). A node
 * launched after the change is first called never registered only after its grace, which is added.
 */
export const regionWideWindowMs = 2 * 3600_000;

/** The statuses a region-wide cause explains: nodes that lost SSM or never reached it. */
const explainedByRegionWide: readonly string[] = ["connection-lost", "never-registered"];

/**
 * The cause a transition shows: the node's own latest cause, or the latest region-wide one when the
 * node turned lost or never registered after it, within the window, and has no later cause of its
 * own other than its start (a node launched after DHMC was turned off is explained by that, not
 * by its launch).
 */
export function causeFor(
    transition: { readonly kind: string; readonly change: string; readonly status: string },
    own: NodeCause | undefined,
    region: NodeCause | undefined,
    unhealthySince: number,
    graceMs: number,
): NodeCause | undefined {
    const regionExplains =
        region !== undefined &&
        transition.kind === "ec2" &&
        transition.change === "unhealthy" &&
        explainedByRegionWide.includes(transition.status) &&
        region.at <= unhealthySince &&
        unhealthySince - region.at <= regionWideWindowMs + graceMs;
    if (!regionExplains || (own && own.at > region.at && !isStartCause(own))) {
        return own;
    }
    return region;
}

/**
 * Marks a running cause's item as measured, once: only while it is still that cause (a later start
 * replaces the item, unmarked) and unmarked, so overlapping sweeps measure a node once.
 */
export function measuredPut(tableName: string, item: Item, now: number): Item {
    return {
        TableName: tableName,
        Item: { ...item, managedAt: { N: String(now) } },
        ConditionExpression: "causeAt = :at AND attribute_not_exists(managedAt)",
        ExpressionAttributeValues: { ":at": { N: String(item.causeAt?.N) } },
    };
}

/** Whether a cause item's time to managed was already measured. */
export const isMeasured = (item: Item): boolean => item?.managedAt !== undefined;

/**
 * The cause an event gives its node; for a diagnosis completion, `aws` reads the execution's
 * InstanceId parameter and its outputs. Undefined for anything else.
 */
export async function causeOf(
    event: Item,
    aws: Pick<NodeCauseAws, "getAutomationExecution">,
): Promise<NodeCause | undefined> {
    const at = Date.parse(event?.time);
    const detail: Item = event?.detail ?? {};
    if (Number.isNaN(at) || !isCauseEvent(event)) {
        return undefined;
    }
    if (event["detail-type"] === cloudTrailApiCallDetailType) {
        return regionWideCause(detail, at);
    }
    if (event["detail-type"] === instanceStateChangeDetailType && typeof detail["instance-id"] === "string") {
        return { nodeId: detail["instance-id"], text: ec2StateText(detail.state), at };
    }
    if (
        event["detail-type"] === associationStateChangeDetailType &&
        detail["document-name"] === agentUpdateDocument &&
        typeof detail["instance-id"] === "string"
    ) {
        const why = [detail["error-code"], detail["execution-summary"] || detail["detailed-status"]].filter(Boolean);
        return {
            nodeId: detail["instance-id"],
            text: clip(`agent update ${detail.status}${why.length ? `: ${why.join(", ")}` : ""}`),
            at,
        };
    }
    if (event["detail-type"] === automationExecutionStatusChangeDetailType && detail.Definition === diagnosisRunbook) {
        const execution = (await aws.getAutomationExecution({ AutomationExecutionId: detail.ExecutionId }))
            .AutomationExecution;
        const nodeId = execution?.Parameters?.InstanceId?.[0];
        if (!nodeId) {
            return undefined;
        }
        const outputs = Object.entries(execution?.Outputs ?? {})
            .map(([name, values]) => `${name}: ${values.join(" ")}`)
            .join("; ");
        return {
            nodeId,
            text: clip(`diagnosis ${detail.Status} (${detail.ExecutionId})${outputs ? `: ${outputs}` : ""}`),
            at,
        };
    }
    return undefined;
}

/** A cause's item: written only if no later cause is stored, so the latest wins whatever the delivery order. */
export function causePut(tableName: string, cause: NodeCause): Item {
    return {
        TableName: tableName,
        Item: {
            nodeId: { S: `${causeKeyPrefix}${cause.nodeId}` },
            cause: { S: JSON.stringify(cause) },
            causeAt: { N: String(cause.at) },
            expiresAt: { N: String(Math.floor(cause.at / 1000) + causeRetentionSeconds) },
        },
        ConditionExpression: "attribute_not_exists(causeAt) OR causeAt < :at",
        ExpressionAttributeValues: { ":at": { N: String(cause.at) } },
    };
}

/** Records an event's cause; a later cause already stored wins (the conditional check fails quietly). */
export async function recordCause(aws: NodeCauseAws, tableName: string, event: Item): Promise<NodeCause | undefined> {
    const cause = await causeOf(event, aws);
    if (!cause) {
        return undefined;
    }
    try {
        await aws.putItem(causePut(tableName, cause));
    } catch (error) {
        if ((error as Error)?.name !== "ConditionalCheckFailedException") {
            throw error;
        }
    }
    return cause;
}

/** A cause item as the sweep's Scan returns it; undefined if the item is not one or is expired. */
export function causeFromItem(item: Item, now: number): NodeCause | undefined {
    if (typeof item?.nodeId?.S !== "string" || !item.nodeId.S.startsWith(causeKeyPrefix)) {
        return undefined;
    }
    try {
        const cause = JSON.parse(item.cause?.S ?? "");
        const fresh = now - cause?.at <= causeRetentionSeconds * 1000;
        return typeof cause?.nodeId === "string" && typeof cause?.text === "string" && fresh ? cause : undefined;
    } catch {
        return undefined;
    }
}

/** Whether a state-table item is a cause item (which the sweep must not read as a node's state). */
export const isCauseItem = (item: Item): boolean =>
    typeof item?.nodeId?.S === "string" && item.nodeId.S.startsWith(causeKeyPrefix);
