// One health sweep: list running instances and managed nodes, classify them, advance the stored
// state, and report transitions (one e-mail, one EventBridge event each, marked when the node is
// to be diagnosed) and metrics. AWS calls are injected so the Lambda passes SDK clients and tests
// pass stand-ins. Pure of @pulumi imports: serialized by value into the sweep Lambda.
import { healthEventDetailType, healthEventSource } from "../../../aws/events";
import { metricNamespace, NodeStatus, statusMetricNames } from "../../parts/lambda/nodeStatus";
import { emfDocuments, unmanagedMetricName } from "./healthMetrics";
import { healthMessage } from "./healthMessage";
import { causeFromItem, isCauseItem, NodeCause } from "./nodeCauses";
import {
    advanceStates,
    classifyNodes,
    countByStatus,
    ManagedNodeInfo,
    NodeState,
    RunningInstance,
    Transition,
    unhealthyStatuses,
} from "./nodeHealth";
import { withThrottlingRetries } from "./throttling";

type Item = Record<string, any>;

/** The AWS operations a sweep needs, each taking and returning the SDK v3 request and response shapes. */
export interface HealthSweepAws {
    describeInstances(input: Item): Promise<{ Reservations?: { Instances?: RunningInstance[] }[]; NextToken?: string }>;
    describeInstanceInformation(
        input: Item,
    ): Promise<{ InstanceInformationList?: ManagedNodeInfo[]; NextToken?: string }>;
    scan(input: Item): Promise<{ Items?: Item[]; LastEvaluatedKey?: Item }>;
    batchWriteItem(input: Item): Promise<{ UnprocessedItems?: Record<string, Item[]> }>;
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
    /** At most this many marked per sweep, so a region-wide outage does not start hundreds of runbooks. */
    readonly maxDiagnoses: number;
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

const partition = <T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] => [
    items.filter(test),
    items.filter(item => !test(item)),
];

const chunks = <T>(items: readonly T[], size: number): T[][] =>
    Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** State items: the node id as key, the state as JSON, and the TTL attribute when set. */
function toItem(state: NodeState): Item {
    return {
        nodeId: { S: state.nodeId },
        state: { S: JSON.stringify(state) },
        ...(state.expiresAt !== undefined ? { expiresAt: { N: String(state.expiresAt) } } : {}),
    };
}

function fromItem(item: Item): NodeState | undefined {
    try {
        const state = JSON.parse(item?.state?.S ?? "");
        return typeof state?.nodeId === "string" ? state : undefined;
    } catch {
        return undefined;
    }
}

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
    let unreadableStates = 0;
    const causes = new Map<string, NodeCause>();
    const stored = await pages<NodeState>(async key => {
        const page = await retry(() => aws.scan({ TableName: settings.tableName, ExclusiveStartKey: key }));
        const [causeItems, stateItems] = partition(page.Items ?? [], isCauseItem);
        for (const cause of causeItems.map(item => causeFromItem(item, now))) {
            if (cause) {
                causes.set(cause.nodeId, cause);
            }
        }
        const states = stateItems.map(fromItem);
        unreadableStates += states.filter(s => !s).length;
        return { items: states.filter((s): s is NodeState => s !== undefined), next: page.LastEvaluatedKey };
    });

    const { observations, unreadable, excluded } = classifyNodes(instances, nodes, {
        now,
        graceMs: settings.graceMs,
        excludeTagKey: settings.excludeTagKey,
    });
    const { writes, transitions } = advanceStates(
        new Map(stored.map(s => [s.nodeId, s])),
        observations,
        now,
        settings.debounce,
    );
    const counts = countByStatus(observations);

    // Report before recording: if a report fails, the sweep fails and the next one reports again.
    let messages = 0;
    if (transitions.length > 0) {
        const diagnosed = toDiagnose(transitions);
        await retry(() =>
            aws.publish({
                TopicArn: settings.topicArn,
                ...healthMessage(transitions, diagnosed, settings.region, unreadable + unreadableStates),
            }),
        );
        messages = 1;
        await putTransitionEvents(transitions, diagnosed);
    }
    for (const batch of chunks(writes, 25)) {
        let request: Record<string, Item[]> | undefined = {
            [settings.tableName]: batch.map(({ nodeId, state }) =>
                state ? { PutRequest: { Item: toItem(state) } } : { DeleteRequest: { Key: { nodeId: { S: nodeId } } } },
            ),
        };
        for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
            if (attempt > 0) {
                await sleep(Math.min(5_000, 100 * 2 ** attempt));
            }
            const pending: Record<string, Item[]> = request;
            request = (await retry(() => aws.batchWriteItem({ RequestItems: pending }))).UnprocessedItems;
        }
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
            ],
        }),
    );
    // CloudWatch Logs extracts the dimensioned counts from these lines; the transitions are what the dashboard lists.
    for (const document of emfDocuments(observations, now)) {
        log(JSON.stringify(document));
    }
    for (const transition of transitions) {
        log(JSON.stringify(transitionRecord(transition, causes.get(transition.nodeId))));
    }
    return {
        counts,
        transitions,
        unreadable: unreadable + unreadableStates,
        excluded,
        writes: writes.length,
        messages,
    };

    /** The EC2 nodes that just became unhealthy, up to maxDiagnoses; the troubleshooting runbook takes EC2 ids only. */
    function toDiagnose(found: readonly Transition[]): Set<string> {
        if (!settings.diagnose) {
            return new Set();
        }
        const candidates = found.filter(t => t.change === "unhealthy" && t.kind === "ec2");
        return new Set(candidates.slice(0, settings.maxDiagnoses).map(t => t.nodeId));
    }

    async function putTransitionEvents(found: readonly Transition[], diagnosed: ReadonlySet<string>): Promise<void> {
        const entries = found.map(t => {
            const detail: HealthEventDetail = { ...t, diagnose: diagnosed.has(t.nodeId) };
            return { Source: healthEventSource, DetailType: healthEventDetailType, Detail: JSON.stringify(detail) };
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
