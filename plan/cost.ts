// The plan's monthly cost estimate: one table of unit prices with their sources, and a pure
// function that counts the priced resources of a synthesized stack. Prices are us-east-1 list
// prices from ../shared/docs/aws-facts.md §8, where each figure's confidence is recorded.

/** A resource as the estimate needs it: a Pulumi type token and the program's inputs. */
export interface CostedResource {
    readonly type: string;
    readonly inputs: Record<string, any>;
    /** The provider's outputs, where the estimate follows a reference (a flow log to its log group). */
    readonly outputs?: Record<string, any>;
}

export interface UnitPrice {
    readonly item: string;
    /** What one unit is, e.g. "endpoint-AZ-hour". */
    readonly unit: string;
    readonly usd: number;
    readonly source: string;
}

export interface CostLine {
    readonly item: string;
    readonly quantity: number;
    readonly unit: string;
    readonly unitUsd: number;
    readonly monthlyUsd: number;
    readonly source: string;
}

export interface CostEstimate {
    /** The region the unit prices are for; the stack's own region may charge differently. */
    readonly pricingRegion: string;
    readonly monthlyUsd: number;
    readonly lines: CostLine[];
    /** What the total leaves out or assumes, one sentence each. */
    readonly notes: string[];
}

export const pricingRegion = "us-east-1";

/** Hours in a billing month, as the AWS Pricing Calculator counts them (aws-facts §8 worked example). */
export const hoursPerMonth = 730;

/**
 * Usage the program cannot know. The Config rule is change-triggered, so its evaluations follow
 * the fleet: about 30 instances whose inventory changes daily give 900 a month, rounded up.
 * The recorder records only two resource types, so its configuration items follow the same churn.
 */
export const assumed = {
    configRuleEvaluationsPerRule: 1_000,
    configItemsRecorded: 1_000,
    // A closed VPC's rejected traffic is a trickle of scans and misconfigurations; ALL records more.
    flowLogGbPerMonth: 1,
} as const;

/** CloudWatch Logs prices, us-east-1, from https://aws.amazon.com/cloudwatch/pricing/ as quoted by secondary sources, read 2026-12-01. */
const cloudWatchLogsPricing =
    "https://aws.amazon.com/cloudwatch/pricing/ (us-east-1 as quoted by secondary sources, read 2026-12-01)";
const flowLogIngestionUsdPerGb = 0.5;

const facts = "aws-facts §8";

const unitPrices = {
    interfaceEndpoint: {
        item: "Interface VPC endpoints",
        unit: "endpoint-AZ-hour",
        usd: 0.01,
        source: `${facts}: us-east-1 rate from secondary sources; per endpoint per AZ per hour [V] aws.amazon.com/privatelink/pricing`,
    },
    gatewayEndpoint: {
        item: "Gateway VPC endpoints (S3)",
        unit: "endpoint",
        usd: 0,
        source: `${facts}: no hourly or data-processing charge [V]`,
    },
    kmsKey: {
        item: "KMS customer-managed keys",
        unit: "key-month",
        usd: 1,
        source: `${facts}: $1 per key per month [M]`,
    },
    configRuleEvaluation: {
        item: "Config rule evaluations",
        unit: "evaluation",
        usd: 0.001,
        source: `${facts}: first 100,000 per Region per month (secondary sources); ${assumed.configRuleEvaluationsPerRule.toLocaleString("en-US")} per rule assumed`,
    },
    configItem: {
        item: "Config configuration items",
        unit: "configuration item",
        usd: 0.003,
        source: `${facts}: continuous recording (secondary sources); ${assumed.configItemsRecorded.toLocaleString("en-US")} assumed`,
    },
    lambdaFunction: {
        item: "Lambda functions",
        unit: "function",
        usd: 0,
        source: `${facts}: free tier of 1M requests and 400,000 GB-seconds a month [M]`,
    },
    snsTopic: {
        item: "SNS topics",
        unit: "topic",
        usd: 0,
        source: `${facts}: first 1M publishes and 1,000 e-mail deliveries a month free [M]`,
    },
    eventRule: {
        item: "EventBridge rules",
        unit: "rule",
        usd: 0,
        source: `${facts}: AWS service events on the default bus are free [M]`,
    },
    sqsQueue: {
        item: "SQS queues",
        unit: "queue",
        usd: 0,
        source: "not in aws-facts; assumed within the SQS free tier at dead-letter volumes (unverified)",
    },
    logStorage: {
        item: "VPC flow log records at rest",
        unit: "GB-month",
        usd: 0.03,
        source: `${cloudWatchLogsPricing}: stored (archived) logs per GB-month; ${assumed.flowLogGbPerMonth} GB ingested a month assumed, kept for the group's retention`,
    },
} as const satisfies Record<string, UnitPrice>;

const types = {
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    kmsKey: "aws:kms/key:Key",
    configRule: "aws:cfg/rule:Rule",
    configRecorder: "aws:cfg/recorder:Recorder",
    lambdaFunction: "aws:lambda/function:Function",
    snsTopic: "aws:sns/topic:Topic",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    sqsQueue: "aws:sqs/queue:Queue",
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

/** Resources that cost money but have no verified price in aws-facts §8: named in the notes, left out of the total. */
const unpriced: Record<string, string> = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": "CloudWatch metric alarm",
    "aws:ec2/instance:Instance": "EC2 instance (with its EBS root volume)",
    "aws:dynamodb/table:Table": "DynamoDB on-demand table (a few writes per health sweep)",
    "ssm-fleet-baseline:index:ManagedNodeHealthWatch":
        "health watch publishing 8 custom CloudWatch metrics every sweep",
};

/** Rounds to whole cents. */
function cents(usd: number): number {
    return Math.round(usd * 100) / 100;
}

/** Estimates the stack's fixed monthly cost from its resources; the region only words a note. Pure. */
export function estimateMonthlyCost(resources: readonly CostedResource[], stackRegion?: string): CostEstimate {
    const ofType = (type: string) => resources.filter(r => r.type === type);
    const endpoints = ofType(types.vpcEndpoint);
    const interfaceEndpoints = endpoints.filter(r => r.inputs.vpcEndpointType === "Interface");
    // An interface endpoint bills per subnet it is in: one subnet per availability zone.
    const endpointAzs = interfaceEndpoints.reduce(
        (sum, r) => sum + ((r.inputs.subnetIds as unknown[] | undefined)?.length ?? 0),
        0,
    );
    const rules = ofType(types.configRule).length;
    const recorders = ofType(types.configRecorder).length;

    const lines: CostLine[] = [];
    const add = (price: UnitPrice, quantity: number, item = price.item) => {
        if (quantity > 0) {
            lines.push({
                item,
                quantity,
                unit: price.unit,
                unitUsd: price.usd,
                monthlyUsd: cents(quantity * price.usd),
                source: price.source,
            });
        }
    };
    add(
        unitPrices.interfaceEndpoint,
        endpointAzs * hoursPerMonth,
        `${unitPrices.interfaceEndpoint.item} (${interfaceEndpoints.length} endpoints, ${endpointAzs} endpoint-AZs × ${hoursPerMonth} h)`,
    );
    add(unitPrices.gatewayEndpoint, endpoints.filter(r => r.inputs.vpcEndpointType === "Gateway").length);
    add(unitPrices.kmsKey, ofType(types.kmsKey).length);
    add(
        unitPrices.configRuleEvaluation,
        rules * assumed.configRuleEvaluationsPerRule,
        `${unitPrices.configRuleEvaluation.item} (${rules} rule${rules === 1 ? "" : "s"}, assumed)`,
    );
    // Configuration items are charged to whoever records them: only a recorder this stack creates.
    add(
        unitPrices.configItem,
        recorders > 0 ? assumed.configItemsRecorded : 0,
        `${unitPrices.configItem.item} (assumed)`,
    );
    add(unitPrices.lambdaFunction, ofType(types.lambdaFunction).length);
    add(unitPrices.snsTopic, ofType(types.snsTopic).length);
    add(unitPrices.eventRule, ofType(types.eventRule).length);
    add(unitPrices.sqsQueue, ofType(types.sqsQueue).length);
    // At steady state a group holds what its retention covers: a month's records per 30 days kept.
    const flowLogRetentionDays = ofType(types.flowLog).map(
        flowLog =>
            ofType(types.logGroup).find(group => group.outputs?.arn === flowLog.inputs.logDestination)?.inputs
                .retentionInDays ?? 0,
    );
    add(
        unitPrices.logStorage,
        Math.round(flowLogRetentionDays.reduce((sum, days) => sum + (assumed.flowLogGbPerMonth * days) / 30, 0) * 100) /
            100,
        `${unitPrices.logStorage.item} (assumed ${assumed.flowLogGbPerMonth} GB a month, kept ${flowLogRetentionDays.join(", ")} days)`,
    );

    const notes = [
        `Unit prices are ${pricingRegion} list prices; prices in ${stackRegion && stackRegion !== pricingRegion ? stackRegion : "other regions"} may differ.`,
        "Usage charges are not included: endpoint data processed ($0.01/GB), KMS requests, S3 storage (including access logs), CloudWatch Logs.",
    ];
    if (flowLogRetentionDays.length > 0) {
        notes.push(
            `VPC flow log ingestion is usage: $${flowLogIngestionUsdPerGb.toFixed(2)} per GB delivered to CloudWatch Logs (vended logs, first 10 TB, ${cloudWatchLogsPricing}); ${assumed.flowLogGbPerMonth} GB a month would add $${(assumed.flowLogGbPerMonth * flowLogIngestionUsdPerGb).toFixed(2)} per flow log.`,
        );
    }
    for (const [type, what] of Object.entries(unpriced)) {
        const count = ofType(type).length;
        if (count > 0) {
            notes.push(`Not priced (aws-facts §8 has no verified price): ${count} × ${what}.`);
        }
    }
    return { pricingRegion, monthlyUsd: cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)), lines, notes };
}
