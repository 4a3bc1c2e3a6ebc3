// The "why" of a node's health: the most recent cause the program has seen for it, from the events
// a rule of the health watch sends to the sweep's Lambda: an EC2 instance state change, a failed
// agent update on the node, or the diagnosis runbook's verdict. Each is kept as its own state-table
// item (key "cause#<node>", expiring), and the sweep copies a node's cause into its transition's log
// line, which the dashboard's transitions table shows. Pure of @pulumi imports: serialized by value
// into the sweep Lambda.
import {
    associationStateChangeDetailType,
    automationExecutionStatusChangeDetailType,
    ec2EventSource,
    instanceStateChangeDetailType,
    ssmEventSource,
} from "../../../aws/events";
import { agentUpdateDocument, diagnosisRunbook } from "../../../aws/identifiers";

type Item = Record<string, any>;

/** A cause, as stored and as logged: what happened, and when the event says it did. */
export interface NodeCause {
    readonly nodeId: string;
    readonly text: string;
    /** Epoch milliseconds, from the event's time. */
    readonly at: number;
}

/** Cause items share the state table, under this key prefix (node ids never contain "#"). */
export const causeKeyPrefix = "cause#";

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

/** The event kinds a cause comes from, for the health watch's rule. */
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
        ],
    };
}

/** Whether an invocation carries a cause event rather than the sweep's schedule. */
export function isCauseEvent(event: unknown): boolean {
    const e = event as Item | undefined;
    return (
        (e?.source === ec2EventSource && e?.["detail-type"] === instanceStateChangeDetailType) ||
        (e?.source === ssmEventSource &&
            [associationStateChangeDetailType, automationExecutionStatusChangeDetailType].includes(e?.["detail-type"]))
    );
}

const ec2StateText = (state: unknown) => `EC2 instance ${state}`;

/** Whether the cause is the node's EC2 `running` event: where its time to managed starts. */
export const isRunningCause = (cause: NodeCause): boolean => cause.text === ec2StateText("running");

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

const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 299)}…` : text);

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
