// An in-process stand-in for the AWS APIs a health sweep calls, holding a simulated fleet. It
// pages as AWS does (DescribeInstances MaxResults 5-1000, DescribeInstanceInformation 5-50,
// DynamoDB Scan pages of at most 1 MB, PutEvents 10 entries), evaluates the sweep's conditional
// PutItem and DeleteItem as DynamoDB would, rejects requests AWS would reject, counts calls per operation, and can add latency and
// throttle chosen calls.
import type { HealthSweepAws, SweepSettings } from "../components/healthWatch/lambda/healthSweep";
import type { ManagedNodeInfo } from "../components/healthWatch/lambda/nodeHealth";
import type { ResourceComplianceSummary } from "../components/healthWatch/lambda/patchCompliance";
import type { NodeCauseAws } from "../components/healthWatch/lambda/nodeCauses";
import type { SubscriptionListing, TopicSubscription } from "../components/healthWatch/lambda/subscriptionWatch";

type Item = Record<string, any>;

export interface SimulatedInstance {
    readonly InstanceId: string;
    readonly LaunchTime: Date;
    readonly IamInstanceProfile?: { Arn: string; Id: string };
    readonly Tags: { Key: string; Value: string }[];
    state: "running" | "stopped";
}

/** Every operation the stand-in answers, in the order a sweep calls them. */
export const sweepOperations = [
    "DescribeInstances",
    "DescribeInstanceInformation",
    "ListResourceComplianceSummaries",
    "Scan",
    "PutItem",
    "DeleteItem",
    "Publish",
    "PutEvents",
    "PutMetricData",
] as const;

const throttlingError = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });

export class SimulatedFleet implements HealthSweepAws, NodeCauseAws, SubscriptionListing {
    readonly instances = new Map<string, SimulatedInstance>();
    readonly nodes = new Map<string, ManagedNodeInfo>();
    readonly table = new Map<string, Item>();
    /** Patch compliance summaries by node, as ListResourceComplianceSummaries returns them. */
    readonly compliance = new Map<string, ResourceComplianceSummary>();
    readonly published: { TopicArn: string; Subject: string; Message: string }[] = [];
    readonly events: Item[] = [];
    readonly metrics: Item[][] = [];
    readonly calls: Record<string, number> = {};
    /** Automation executions by id, as GetAutomationExecution returns them. */
    readonly automationExecutions = new Map<
        string,
        { Parameters?: Record<string, string[]>; Outputs?: Record<string, string[]> }
    >();
    /** The notification topic's subscriptions, as ListSubscriptionsByTopic lists them (the sweep's Lambda checks them). */
    subscriptions: TopicSubscription[] = [];
    /** Added to every call, as a network round trip would. */
    latencyMs = 0;
    /** How many of the next calls of an operation fail with ThrottlingException. */
    readonly throttle: Record<string, number> = {};
    /** Each listing is a snapshot taken at its first page, so paging through it stays linear. */
    private readonly listings: Record<string, any[]> = {};

    private listing<T>(operation: string, token: unknown, snapshot: () => T[]): T[] {
        if (token === undefined) {
            this.listings[operation] = snapshot();
        }
        return this.listings[operation];
    }

    /** Adds an EC2 instance, and an SSM record unless `ssm` is null; with an instance profile if named. */
    addInstance(
        id: string,
        launched: Date,
        ssm: Partial<ManagedNodeInfo> | null = { PingStatus: "Online", AgentVersion: "3.3.1142.0" },
        tags: Record<string, string> = {},
        instanceProfile?: string,
    ): void {
        this.instances.set(id, {
            InstanceId: id,
            LaunchTime: launched,
            ...(instanceProfile
                ? {
                      IamInstanceProfile: {
                          Arn: `arn:aws:iam::123456789012:instance-profile/${instanceProfile}`,
                          Id: "AIPAEXAMPLE",
                      },
                  }
                : {}),
            Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
            state: "running",
        });
        if (ssm) {
            this.nodes.set(id, { InstanceId: id, ResourceType: "EC2Instance", LastPingDateTime: launched, ...ssm });
        }
    }

    setPing(id: string, PingStatus: string): void {
        this.nodes.set(id, { ...this.nodes.get(id), InstanceId: id, PingStatus });
    }

    private async call(operation: string): Promise<void> {
        this.calls[operation] = (this.calls[operation] ?? 0) + 1;
        if (this.latencyMs > 0) {
            await new Promise(resolve => setTimeout(resolve, this.latencyMs));
        }
        if ((this.throttle[operation] ?? 0) > 0) {
            this.throttle[operation]--;
            throw throttlingError();
        }
    }

    async describeInstances(input: Item) {
        await this.call("DescribeInstances");
        const max = input.MaxResults ?? 1000;
        if (max < 5 || max > 1000) {
            throw Object.assign(new Error("MaxResults must be between 5 and 1000"), { name: "InvalidParameterValue" });
        }
        const states: string[] = input.Filters?.find((f: Item) => f.Name === "instance-state-name")?.Values ?? [
            "running",
            "stopped",
        ];
        const all = this.listing("DescribeInstances", input.NextToken, () =>
            [...this.instances.values()].filter(i => states.includes(i.state)),
        );
        const start = Number(input.NextToken ?? 0);
        const page = all.slice(start, start + max);
        return {
            Reservations: page.map(({ state, ...instance }) => ({
                Instances: [{ ...instance, State: { Name: state } }],
            })),
            NextToken: start + max < all.length ? String(start + max) : undefined,
        };
    }

    async describeInstanceInformation(input: Item) {
        await this.call("DescribeInstanceInformation");
        const max = input.MaxResults ?? 50;
        if (max < 5 || max > 50) {
            throw Object.assign(new Error("MaxResults must be between 5 and 50"), { name: "ValidationException" });
        }
        const all = this.listing("DescribeInstanceInformation", input.NextToken, () => [...this.nodes.values()]);
        const start = Number(input.NextToken ?? 0);
        return {
            InstanceInformationList: all.slice(start, start + max),
            NextToken: start + max < all.length ? String(start + max) : undefined,
        };
    }

    /** Missing patches on a node, by severity: a NON_COMPLIANT patch summary. */
    setMissingPatches(id: string, counts: Partial<Record<string, number>>): void {
        const summary = Object.fromEntries(Object.entries(counts).map(([severity, n]) => [`${severity}Count`, n]));
        this.compliance.set(id, {
            ResourceId: id,
            ComplianceType: "Patch",
            Status: "NON_COMPLIANT",
            NonCompliantSummary: {
                NonCompliantCount: Object.values(counts).reduce((sum: number, n) => sum + (n ?? 0), 0),
                SeveritySummary: summary,
            },
        });
    }

    /** Pages of at most 50 (the API's range is 1 to 50), filtered by EQUAL filters on the items' fields. */
    async listResourceComplianceSummaries(input: Item) {
        await this.call("ListResourceComplianceSummaries");
        const max = input.MaxResults ?? 50;
        if (max < 1 || max > 50) {
            throw Object.assign(new Error("MaxResults must be between 1 and 50"), { name: "ValidationException" });
        }
        const all = this.listing("ListResourceComplianceSummaries", input.NextToken, () =>
            [...this.compliance.values()].filter(item =>
                (input.Filters ?? []).every(
                    (f: Item) => f.Type === "EQUAL" && f.Values.includes((item as Item)[f.Key]),
                ),
            ),
        );
        const start = Number(input.NextToken ?? 0);
        return {
            ResourceComplianceSummaryItems: all.slice(start, start + max),
            NextToken: start + max < all.length ? String(start + max) : undefined,
        };
    }

    async scan(input: Item) {
        await this.call("Scan");
        const all = [...this.table.values()];
        let index = input.ExclusiveStartKey
            ? all.findIndex(item => item.nodeId.S === input.ExclusiveStartKey.nodeId.S) + 1
            : 0;
        const items: Item[] = [];
        let bytes = 0;
        while (index < all.length && bytes < 1024 * 1024) {
            bytes += JSON.stringify(all[index]).length;
            items.push(all[index++]);
        }
        return {
            Items: items,
            LastEvaluatedKey: index < all.length ? { nodeId: items[items.length - 1].nodeId } : undefined,
        };
    }

    async putItem(input: Item) {
        await this.call("PutItem");
        this.check(input, input.Item.nodeId.S);
        this.table.set(input.Item.nodeId.S, input.Item);
        return {};
    }

    async deleteItem(input: Item) {
        await this.call("DeleteItem");
        this.check(input, input.Key.nodeId.S);
        this.table.delete(input.Key.nodeId.S);
        return {};
    }

    /** The conditions the sweep writes with, evaluated against the stored item; any other expression is refused. */
    private check(input: Item, nodeId: string): void {
        const item = this.table.get(nodeId);
        const values = input.ExpressionAttributeValues ?? {};
        const sweep = item?.sweep === undefined ? undefined : Number(item.sweep.N);
        const conditions: Record<string, () => boolean> = {
            "attribute_not_exists(nodeId)": () => item === undefined,
            "#state = :read AND (attribute_not_exists(#sweep) OR #sweep < :sweep)": () =>
                item?.state?.S === values[":read"]?.S && (sweep === undefined || sweep < Number(values[":sweep"].N)),
            "#sweep = :sweep": () => sweep !== undefined && sweep === Number(values[":sweep"].N),
            // A node's cause item (nodeCauses.ts) is replaced only by a newer cause.
            "attribute_not_exists(causeAt) OR causeAt < :at": () =>
                item?.causeAt === undefined || Number(item.causeAt.N) < Number(values[":at"].N),
            // A running cause is marked once its time to managed is measured (healthSweep.ts).
            "causeAt = :at AND attribute_not_exists(managedAt)": () =>
                item?.causeAt?.N === values[":at"]?.N && item?.managedAt === undefined,
        };
        const condition = conditions[input.ConditionExpression];
        if (!condition) {
            throw Object.assign(new Error(`unsupported condition ${input.ConditionExpression}`), {
                name: "ValidationException",
            });
        }
        if (!condition()) {
            throw Object.assign(new Error("The conditional request failed"), {
                name: "ConditionalCheckFailedException",
            });
        }
    }

    async getAutomationExecution(input: { AutomationExecutionId: string }) {
        await this.call("GetAutomationExecution");
        const execution = this.automationExecutions.get(input.AutomationExecutionId);
        if (!execution) {
            throw Object.assign(new Error("Automation execution not found"), {
                name: "AutomationExecutionNotFoundException",
            });
        }
        return { AutomationExecution: execution };
    }

    async publish(input: { TopicArn: string; Subject: string; Message: string }) {
        await this.call("Publish");
        if (input.Subject.length >= 100 || /[\r\n]/.test(input.Subject) || Buffer.byteLength(input.Message) > 262144) {
            throw Object.assign(new Error("Invalid parameter: Subject or Message"), {
                name: "InvalidParameterException",
            });
        }
        this.published.push(input);
        return { MessageId: String(this.published.length) };
    }

    async listSubscriptionsByTopic(input: { TopicArn: string; NextToken?: string }) {
        await this.call("ListSubscriptionsByTopic");
        const start = Number(input.NextToken ?? 0);
        const page = this.subscriptions.slice(start, start + 100);
        return {
            Subscriptions: page,
            NextToken: start + 100 < this.subscriptions.length ? String(start + 100) : undefined,
        };
    }

    async putEvents(input: { Entries: Item[] }) {
        await this.call("PutEvents");
        if (input.Entries.length > 10) {
            throw Object.assign(new Error("Entries must have at most 10 items"), { name: "ValidationException" });
        }
        this.events.push(...input.Entries);
        return {
            FailedEntryCount: 0,
            Entries: input.Entries.map((_, i) => ({ EventId: String(this.events.length + i) })),
        };
    }

    async putMetricData(input: Item) {
        await this.call("PutMetricData");
        if (input.MetricData.length > 1000) {
            throw Object.assign(new Error("MetricData must have at most 1000 items"), {
                name: "InvalidParameterValue",
            });
        }
        this.metrics.push(input.MetricData);
        return {};
    }

    /** The metric values of the latest sweep, by name. */
    latestMetrics(): Record<string, number> {
        return Object.fromEntries((this.metrics[this.metrics.length - 1] ?? []).map(m => [m.MetricName, m.Value]));
    }
}

/** The health benchmark's shares of unhealthy nodes: 5% connection lost, 1% never registered. */
/**
 * The sweep's settings against the simulated fleet (as the Lambda's environment gives them): the
 * deployed defaults (15-minute grace, two bad sweeps, diagnosis off), with what a caller needs changed.
 */
export function sweepSettings(overrides: Partial<SweepSettings> = {}): SweepSettings {
    return {
        region: "eu-west-1",
        tableName: "node-health",
        topicArn: "arn:aws:sns:eu-west-1:123456789012:notify",
        graceMs: 15 * 60_000,
        debounce: 2,
        excludeTagKey: "ssm-fleet-baseline:unwatched",
        diagnose: false,
        maxDiagnoses: 5,
        eventBusName: "node-health-bus",
        ...overrides,
    };
}

export const benchmarkShares = { connectionLostPercent: 5, neverRegisteredPercent: 1 } as const;

/** Patches the benchmark's online nodes miss, by slots (of 100): 10 and 11 critical and high ones, and so on. */
const missingPatches: [number, number, Record<string, number>][] = [
    [10, 12, { Critical: 1, High: 2 }],
    [12, 17, { High: 1, Medium: 3 }],
    [17, 25, { Medium: 1, Low: 2 }],
    [25, 27, { Unspecified: 1 }],
];

export function instanceId(index: number): string {
    return `i-${index.toString(16).padStart(17, "0")}`;
}

/**
 * The health benchmark's fleet (npm run bench:health), which the plan's dashboard preview also
 * draws: `nodes` instances launched a day before `now`, the benchmark's shares of them lost an
 * hour ago or never registered, the rest online: a quarter of them with an instance profile (the rest
 * relying on DHMC), 17% missing patches.
 */
export function benchmarkFleet(
    nodes: number,
    now: number,
): { fleet: SimulatedFleet; connectionLost: number; neverRegistered: number } {
    const { connectionLostPercent, neverRegisteredPercent } = benchmarkShares;
    const fleet = new SimulatedFleet();
    const launched = new Date(now - 24 * 3600_000);
    let connectionLost = 0;
    let neverRegistered = 0;
    for (let i = 0; i < nodes; i++) {
        const slot = i % 100;
        if (slot < connectionLostPercent) {
            fleet.addInstance(instanceId(i), launched, {
                PingStatus: "ConnectionLost",
                AgentVersion: "3.3.1142.0",
                LastPingDateTime: new Date(now - 3600_000),
            });
            connectionLost++;
        } else if (slot < connectionLostPercent + neverRegisteredPercent) {
            fleet.addInstance(instanceId(i), launched, null);
            neverRegistered++;
        } else {
            fleet.addInstance(
                instanceId(i),
                launched,
                { PingStatus: "Online", AgentVersion: "3.3.1142.0", LastPingDateTime: new Date(now - 60_000) },
                {},
                slot % 4 === 0 ? "fleet-profile" : undefined,
            );
            const missing = missingPatches.find(([from, to]) => slot >= from && slot < to)?.[2];
            if (missing) {
                fleet.setMissingPatches(instanceId(i), missing);
            }
        }
    }
    return { fleet, connectionLost, neverRegistered };
}
