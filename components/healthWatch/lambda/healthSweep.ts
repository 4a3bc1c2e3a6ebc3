// One health sweep: list running instances and managed nodes, classify them, advance the stored
// state, and report transitions (one e-mail, one EventBridge event each, marked when the node is
// to be diagnosed) and metrics. AWS calls are injected so the Lambda passes SDK clients and tests
// pass stand-ins. Pure of @pulumi imports: serialized by value into the sweep Lambda.
//
// Say things once: a sweep first claims each changed node with a conditional write (the item must
// be as the sweep read it, and written by an earlier sweep, its sequence being the sweep's start
// time), and reports only the transitions it claimed. A sweep that overlaps another, or runs after
// one that died half way, finds those nodes claimed and says nothing of them. A sweep killed after
// its claims and before its report leaves those transitions unsaid (at most once), and fails: the
// sweep-errors alarm tells. A report that fails is rolled back, so the next sweep says it.
import { healthEventDetailType, healthEventSource } from "../../../aws/events";
import { dhmcReliantMetricName, metricNamespace, NodeStatus, statusMetricNames } from "../../parts/lambda/nodeStatus";
import { emfDocuments, patchComplianceDocuments, timeToManagedDocuments, unmanagedMetricName } from "./healthMetrics";
import { healthMessage } from "./healthMessage";
import {
    causeFor,
    causeFromItem,
    isCauseItem,
    isMeasured,
    isRunningCause,
    measuredPut,
    NodeCause,
    regionWide,
} from "./nodeCauses";
import {
    advanceStates,
    classifyNodes,
    countByStatus,
    countRelyingOnDhmc,
    ManagedNodeInfo,
    NodeState,
    RunningInstance,
    Transition,
    unhealthyStatuses,
} from "./nodeHealth";
import { nonCompliantBySeverity, patchNonCompliantFilters, ResourceComplianceSummary } from "./patchCompliance";
import { withThrottlingRetries } from "./throttling";

type Item = Record<string, any>;

/** The AWS operations a sweep needs, each taking and returning the SDK v3 request and response shapes. */
export interface HealthSweepAws {
    describeInstances(input: Item): Promise<{ Reservations?: { Instances?: RunningInstance[] }[]; NextToken?: string }>;
    describeInstanceInformation(
        input: Item,
    ): Promise<{ InstanceInformationList?: ManagedNodeInfo[]; NextToken?: string }>;
    listResourceComplianceSummaries(
        input: Item,
    ): Promise<{ ResourceComplianceSummaryItems?: ResourceComplianceSummary[]; NextToken?: string }>;
    scan(input: Item): Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>;
    /** A conditional PutItem; rejects with ConditionalCheckFailedException when the condition fails. */
    putItem(input: Item): Promise<unknown>;
    /** A conditional DeleteItem, as putItem. */
    deleteItem(input: Item): Promise<unknown>;
    publish(input: { TopicArn: string; Subject: string; Message: string }): Promise<unknown>;
    putEvents(input: {
        Entries: Item[];
    }): Promise<{ FailedEntryCount?: number; Entries?: { EventId?: string; ErrorCode?: string }[] }>;
    putMetricData(input: Item): Promise<unknown>;
}

export interface SweepSettings {
    readonly region: string;
    readonly tableName: string;
    readonly topicArn: string;
    readonly graceMs: number;
    readonly debounce: number;
    readonly excludeTagKey: string;
    /** Mark newly lost EC2 nodes for diagnosis: an EventBridge rule starts the runbook for each marked event. */
    readonly diagnose: boolean;
    /**
     * At most this many marked in any hour, so a region-wide outage (or a sweep run over and over)
     * does not start hundreds of runbooks: the sweep keeps the last hour's marks in its table.
     */
    readonly maxDiagnoses: number;
    /** The bus the health events go to: the health bus, which only the sweep may put to. */
    readonly eventBusName: string;
}

/** The detail of a health event: the transition, and whether the troubleshooting runbook is to diagnose the node. */
export interface HealthEventDetail extends Transition {
    readonly diagnose: boolean;
}

export interface SweepReport {
    readonly counts: Record<NodeStatus, number>;
    readonly transitions: Transition[];
    readonly unreadable: number;
    readonly excluded: number;
    readonly writes: number;
    readonly messages: number;
    /** Transitions another sweep had claimed (changed the node's item since this one read it): not reported here. */
    readonly contended: number;
    /** State items that failed validation: reset, and counted among the unreadable. */
    readonly reset: number;
    /** Seconds from `running` to online of the EC2 nodes this sweep found online first. */
    readonly timesToManaged: number[];
}

async function pages<T>(
    fetch: (token: Item | string | undefined) => Promise<{ items: T[]; next?: Item | string }>,
): Promise<T[]> {
    const all: T[] = [];
    let token: Item | string | undefined;
    do {
        const page = await fetch(token);
        all.push(...page.items);
        token = page.next;
    } while (token);
    return all;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
    Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** State items: the node id as key, the state as JSON, the sweep that wrote it, and the TTL attribute when set. */
function toItem(state: NodeState, sweep: number): Item {
    return {
        nodeId: { S: state.nodeId },
        state: { S: JSON.stringify(state) },
        sweep: { N: String(sweep) },
        ...(state.expiresAt !== undefined ? { expiresAt: { N: String(state.expiresAt) } } : {}),
    };
}

const statuses: readonly string[] = [...Object.keys(statusMetricNames), "gone"];
const isCount = (value: unknown) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/**
 * A stored state, checked field by field; undefined when anything is off. An item edited to
 * `alerted: "false"` or `badSweeps: "x"` would otherwise silence its node for good.
 */
export function validState(text: unknown, nodeId: string): NodeState | undefined {
    let state: any;
    try {
        state = JSON.parse(typeof text === "string" ? text : "");
    } catch {
        return undefined;
    }
    const valid =
        typeof state === "object" &&
        state !== null &&
        state.nodeId === nodeId &&
        (state.kind === "ec2" || state.kind === "hybrid") &&
        statuses.includes(state.status) &&
        isCount(state.badSweeps) &&
        typeof state.alerted === "boolean" &&
        isCount(state.since) &&
        (state.expiresAt === undefined || isCount(state.expiresAt));
    return valid ? state : undefined;
}

/** The condition that the item is still as the sweep read it, and no later sweep wrote it. */
function unchangedSince(read: Item | undefined, sweep: number): Item {
    if (read === undefined) {
        return { ConditionExpression: "attribute_not_exists(nodeId)" };
    }
    return {
        ConditionExpression: "#state = :read AND (attribute_not_exists(#sweep) OR #sweep < :sweep)",
        ExpressionAttributeNames: { "#state": "state", "#sweep": "sweep" },
        ExpressionAttributeValues: { ":read": { S: String(read.state?.S) }, ":sweep": { N: String(sweep) } },
    };
}

/** The condition that this sweep wrote the item last: what its rollback may undo. */
function writtenBy(sweep: number): Item {
    return {
        ConditionExpression: "#sweep = :sweep",
        ExpressionAttributeNames: { "#sweep": "sweep" },
        ExpressionAttributeValues: { ":sweep": { N: String(sweep) } },
    };
}

const isConditionFailure = (error: unknown) => (error as Error)?.name === "ConditionalCheckFailedException";

/** Runs the calls, at most `width` at a time. */
async function pooled<T>(items: readonly T[], width: number, call: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            await call(items[next++]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/**
 * The table item that holds the times of the runbook starts the sweep marked in the last hour
 * (`state`: a JSON array of epoch milliseconds), written under the same conditions as node items.
 */
export const diagnosisStartsKey = "diagnoses#lastHour";

/** The start times of a stored list that fall within the hour before `now`; anything malformed counts as none. */
export function startsWithinHour(text: unknown, now: number): number[] {
    let starts: unknown;
    try {
        starts = JSON.parse(typeof text === "string" ? text : "[]");
    } catch {
        return [];
    }
    return Array.isArray(starts)
        ? starts.filter((at): at is number => typeof at === "number" && at > now - 3_600_000 && at <= now)
        : [];
}

/** Conditional writes in flight at once: a few, so that the first sweep of a large fleet does not burst the table. */
const writeConcurrency = 10;

/**
 * A transition as the sweep logs it, for the dashboard's Logs Insights table (components/dashboard):
 * why is the node's latest recorded cause (nodeCauses.ts), when there is one, else what SSM reports.
 */
export function transitionRecord(transition: Transition, cause?: NodeCause) {
    return {
        record: "transition",
        nodeId: transition.nodeId,
        kind: transition.kind,
        change: transition.change,
        status: transition.status,
        previous: transition.previous,
        why: cause ? `${cause.text} at ${new Date(cause.at).toISOString()}` : transition.detail,
        detail: transition.detail,
    };
}

export async function runSweep(
    aws: HealthSweepAws,
    settings: SweepSettings,
    now: number,
    sleep: (ms: number) => Promise<void>,
    log: (line: string) => void = () => undefined,
): Promise<SweepReport> {
    const retry = <T>(call: () => Promise<T>) => withThrottlingRetries(call, sleep);

    const instances = await pages<RunningInstance>(async token => {
        const page = await retry(() =>
            aws.describeInstances({
                Filters: [{ Name: "instance-state-name", Values: ["running"] }],
                MaxResults: 1000,
                NextToken: token,
            }),
        );
        return { items: (page.Reservations ?? []).flatMap(r => r?.Instances ?? []), next: page.NextToken };
    });
    const nodes = await pages<ManagedNodeInfo>(async token => {
        const page = await retry(() => aws.describeInstanceInformation({ MaxResults: 50, NextToken: token }));
        return { items: page.InstanceInformationList ?? [], next: page.NextToken };
    });
    const nonCompliant = await pages<ResourceComplianceSummary>(async token => {
        const page = await retry(() =>
            aws.listResourceComplianceSummaries({
                Filters: patchNonCompliantFilters,
                MaxResults: 50,
                NextToken: token,
            }),
        );
        return { items: page.ResourceComplianceSummaryItems ?? [], next: page.NextToken };
    });
    let unreadableStates = 0;
    /** Every item as read, by node id: the conditions of this sweep's writes. */
    const read = new Map<string, Item>();
    const malformed: string[] = [];
    const causes = new Map<string, NodeCause>();
    /** The latest region-wide cause (one item, the latest wins): see causeFor. */
    let regionCause: NodeCause | undefined;
    /** Cause items of EC2 `running` events not yet measured, by node: where times to managed start. */
    const started = new Map<string, Item>();
    const stored = await pages<NodeState>(async key => {
        const page = await retry(() => aws.scan({ TableName: settings.tableName, ExclusiveStartKey: key }));
        const states: NodeState[] = [];
        for (const item of page.Items ?? []) {
            if (item?.nodeId?.S === diagnosisStartsKey) {
                read.set(diagnosisStartsKey, item);
                continue;
            }
            if (isCauseItem(item)) {
                const cause = causeFromItem(item, now);
                if (cause?.nodeId === regionWide) {
                    regionCause = cause;
                } else if (cause) {
                    causes.set(cause.nodeId, cause);
                    if (isRunningCause(cause) && !isMeasured(item)) {
                        started.set(cause.nodeId, item);
                    }
                }
                continue;
            }
            const nodeId = item?.nodeId?.S;
            if (typeof nodeId !== "string") {
                unreadableStates++;
                continue;
            }
            read.set(nodeId, item);
            const state = validState(item?.state?.S, nodeId);
            if (state) {
                states.push(state);
            } else {
                // Reset, never trusted: the node counts as new, and its item is rewritten or deleted below.
                unreadableStates++;
                malformed.push(nodeId);
                log(JSON.stringify({ record: "reset", nodeId, item: String(item?.state?.S).slice(0, 200) }));
            }
        }
        return { items: states, next: page.LastEvaluatedKey };
    });

    const { observations, unreadable, excluded } = classifyNodes(instances, nodes, {
        now,
        graceMs: settings.graceMs,
        excludeTagKey: settings.excludeTagKey,
    });
    const advanced = advanceStates(new Map(stored.map(s => [s.nodeId, s])), observations, now, settings.debounce);
    const written = new Set(advanced.writes.map(w => w.nodeId));
    const writes = [
        ...advanced.writes,
        ...malformed.filter(nodeId => !written.has(nodeId)).map(nodeId => ({ nodeId, state: undefined })),
    ];
    const counts = countByStatus(observations);

    // Claim, then report: only what this sweep's conditional write changed is reported.
    const lost = new Set<string>();
    const claimed: string[] = [];
    await pooled(writes, writeConcurrency, async ({ nodeId, state }) => {
        const key = { TableName: settings.tableName, ...unchangedSince(read.get(nodeId), now) };
        try {
            await retry(() =>
                state
                    ? aws.putItem({ ...key, Item: toItem(state, now) })
                    : aws.deleteItem({ ...key, Key: { nodeId: { S: nodeId } } }),
            );
            claimed.push(nodeId);
        } catch (error) {
            if (!isConditionFailure(error)) {
                throw error;
            }
            lost.add(nodeId);
        }
    });
    const transitions = advanced.transitions.filter(t => !lost.has(t.nodeId));

    let messages = 0;
    if (transitions.length > 0) {
        const { diagnosed, capped } = await claimDiagnoses(transitions);
        if (capped.size > 0) {
            log(JSON.stringify({ record: "diagnosis-capped", perHour: settings.maxDiagnoses, nodeIds: [...capped] }));
        }
        try {
            await retry(() =>
                aws.publish({
                    TopicArn: settings.topicArn,
                    ...healthMessage(transitions, diagnosed, settings.region, unreadable + unreadableStates, {
                        nodeIds: capped,
                        perHour: settings.maxDiagnoses,
                    }),
                }),
            );
        } catch (error) {
            await rollBack(transitions.map(t => t.nodeId));
            throw error;
        }
        messages = 1;
        await putTransitionEvents(transitions, diagnosed);
    }
    await retry(() =>
        aws.putMetricData({
            Namespace: metricNamespace,
            MetricData: [
                ...Object.entries(counts).map(([status, value]) => ({
                    MetricName: statusMetricNames[status as NodeStatus],
                    Value: value,
                    Unit: "Count",
                })),
                {
                    MetricName: unmanagedMetricName,
                    Value: unhealthyStatuses.reduce((sum, status) => sum + counts[status], 0),
                    Unit: "Count",
                },
                { MetricName: "UnreadableRecords", Value: unreadable + unreadableStates, Unit: "Count" },
                {
                    MetricName: dhmcReliantMetricName,
                    Value: countRelyingOnDhmc(instances, observations),
                    Unit: "Count",
                },
            ],
        }),
    );
    // CloudWatch Logs extracts the dimensioned counts from these lines; the transitions are what the dashboard lists.
    const timesToManaged = await measureTimesToManaged();
    for (const document of [
        ...emfDocuments(observations, now),
        ...patchComplianceDocuments(nonCompliantBySeverity(nonCompliant), now),
        ...timeToManagedDocuments(timesToManaged, now),
    ]) {
        log(JSON.stringify(document));
    }
    // When each node was first found unhealthy: a region-wide cause explains only nodes that turned so after it.
    const unhealthySince = new Map(advanced.writes.map(({ nodeId, state }) => [nodeId, state?.since ?? now]));
    for (const transition of transitions) {
        const cause = causeFor(
            transition,
            causes.get(transition.nodeId),
            regionCause,
            unhealthySince.get(transition.nodeId) ?? now,
            settings.graceMs,
        );
        log(JSON.stringify(transitionRecord(transition, cause)));
    }
    return {
        counts,
        transitions,
        unreadable: unreadable + unreadableStates,
        excluded,
        writes: claimed.length,
        messages,
        contended: advanced.transitions.length - transitions.length,
        reset: malformed.length,
        timesToManaged,
    };

    /**
     * Each EC2 node online now whose latest cause is its unmeasured `running` event: the time from
     * that event to its last ping, at most now. SSM keeps no first-ping time, so this is an upper
     * bound, late by at most the agent's ping interval. Claimed by marking the cause item, so that a
     * node is measured once.
     */
    async function measureTimesToManaged(): Promise<number[]> {
        const pings = new Map(nodes.map(n => [n?.InstanceId, n?.LastPingDateTime]));
        const online = observations.filter(o => o.kind === "ec2" && o.status === "online" && started.has(o.nodeId));
        const seconds: number[] = [];
        await pooled(online, writeConcurrency, async ({ nodeId }) => {
            const item = started.get(nodeId)!;
            const ping = new Date(pings.get(nodeId) ?? now).getTime();
            const managedAt = Math.min(now, Number.isNaN(ping) ? now : ping);
            const runningAt = causes.get(nodeId)!.at;
            // A ping from before the start (SSM still shows the node as it was before a stop): wait for a newer one.
            if (managedAt < runningAt) {
                return;
            }
            try {
                await retry(() => aws.putItem(measuredPut(settings.tableName, item, now)));
            } catch (error) {
                if (!isConditionFailure(error)) {
                    throw error;
                }
                return;
            }
            seconds.push(Math.round((managedAt - runningAt) / 1000));
        });
        return seconds;
    }

    /** Puts back the items of nodes whose report failed, where this sweep still wrote them last; the next sweep reports them. */
    async function rollBack(nodeIds: readonly string[]): Promise<void> {
        await pooled(nodeIds, writeConcurrency, async nodeId => {
            const before = read.get(nodeId);
            const key = { TableName: settings.tableName, ...writtenBy(now) };
            await retry(() =>
                before
                    ? aws.putItem({ ...key, Item: before })
                    : aws.deleteItem({ ...key, Key: { nodeId: { S: nodeId } } }),
            ).catch(() => undefined);
        });
    }

    /**
     * The EC2 nodes that just became unhealthy (the troubleshooting runbook takes EC2 ids only), as
     * many as the last hour's starts leave room for, and those left out. The starts are claimed with
     * a conditional write first: a sweep that finds them changed by another marks none.
     */
    async function claimDiagnoses(
        found: readonly Transition[],
    ): Promise<{ diagnosed: Set<string>; capped: Set<string> }> {
        const candidates = settings.diagnose
            ? found.filter(t => t.change === "unhealthy" && t.kind === "ec2").map(t => t.nodeId)
            : [];
        const before = read.get(diagnosisStartsKey);
        const recent = startsWithinHour(before?.state?.S, now);
        let chosen = candidates.slice(0, Math.max(0, settings.maxDiagnoses - recent.length));
        if (chosen.length > 0) {
            const starts = [...recent, ...chosen.map(() => now)];
            const item = {
                nodeId: { S: diagnosisStartsKey },
                state: { S: JSON.stringify(starts) },
                sweep: { N: String(now) },
            };
            try {
                await retry(() =>
                    aws.putItem({ TableName: settings.tableName, ...unchangedSince(before, now), Item: item }),
                );
            } catch (error) {
                if (!isConditionFailure(error)) {
                    throw error;
                }
                chosen = [];
            }
        }
        const diagnosed = new Set(chosen);
        return { diagnosed, capped: new Set(candidates.filter(nodeId => !diagnosed.has(nodeId))) };
    }

    async function putTransitionEvents(found: readonly Transition[], diagnosed: ReadonlySet<string>): Promise<void> {
        const entries = found.map(t => {
            const detail: HealthEventDetail = { ...t, diagnose: diagnosed.has(t.nodeId) };
            return {
                EventBusName: settings.eventBusName,
                Source: healthEventSource,
                DetailType: healthEventDetailType,
                Detail: JSON.stringify(detail),
            };
        });
        for (const batch of chunks(entries, 10)) {
            const result = await retry(() => aws.putEvents({ Entries: batch }));
            if ((result.FailedEntryCount ?? 0) > 0) {
                throw new Error(
                    `EventBridge rejected ${result.FailedEntryCount} of ${batch.length} health events: ${(
                        result.Entries ?? []
                    )
                        .map(e => e?.ErrorCode)
                        .filter(Boolean)
                        .join(", ")}`,
                );
            }
        }
    }
}
