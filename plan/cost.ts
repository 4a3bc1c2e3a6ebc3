// The plan's monthly cost estimate: one table of unit prices with their sources, and a pure
// function that counts the priced resources of a synthesized stack. Prices are us-east-1 list
// prices from ../shared/docs/aws-facts.md §8, where each figure's confidence is recorded.
import { activationTierSettingId } from "../aws/identifiers";

/** A resource as the estimate needs it: a Pulumi type token and the program's inputs. */
export interface CostedResource {
    readonly type: string;
    readonly inputs: Record<string, any>;
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
    /** What a log group holds at rest: session logs of a small fleet, or a Lambda's logs. */
    logGigabytesPerGroup: 1,
} as const;

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
    logStorage: {
        item: "CloudWatch Logs storage",
        unit: "GB-month",
        usd: 0.03,
        source: `https://aws.amazon.com/cloudwatch/pricing/ (read 2026-12-01): $0.03 per GB-month stored, us-east-1, as the AWS Price List gave it to infracost on 2024-07-01 (secondary); ${assumed.logGigabytesPerGroup} GB per log group assumed`,
    },
    advancedInstance: {
        item: "SSM advanced-instances tier",
        unit: "advanced-instance-hour",
        usd: 0.00695,
        source: "https://aws.amazon.com/systems-manager/pricing/ (read 2026-12-01): $0.00695 per advanced instance per hour, us-east-1, as the AWS Price List gave it to infracost on 2024-07-01 (secondary)",
    },
    sqsQueue: {
        item: "SQS queues",
        unit: "queue",
        usd: 0,
        source: "not in aws-facts; assumed within the SQS free tier at dead-letter volumes (unverified)",
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
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    serviceSetting: "aws:ssm/serviceSetting:ServiceSetting",
    activation: "aws:ssm/activation:Activation",
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
    const logGroups = ofType(types.logGroup).length;
    add(
        unitPrices.logStorage,
        logGroups * assumed.logGigabytesPerGroup,
        `${unitPrices.logStorage.item} (${logGroups} log group${logGroups === 1 ? "" : "s"}, assumed)`,
    );
    // The advanced tier bills every hybrid node of the region; the activations' limits bound the ones this stack registers.
    const advancedTier = ofType(types.serviceSetting).some(
        r => r.inputs.settingId === activationTierSettingId && r.inputs.settingValue === "advanced",
    );
    const registrable = ofType(types.activation).reduce((sum, r) => sum + Number(r.inputs.registrationLimit ?? 1), 0);
    add(
        unitPrices.advancedInstance,
        advancedTier ? registrable * hoursPerMonth : 0,
        `${unitPrices.advancedInstance.item} (${registrable} hybrid nodes assumed, the activations' registration limit, × ${hoursPerMonth} h)`,
    );

    const notes = [
        `Unit prices are ${pricingRegion} list prices; prices in ${stackRegion && stackRegion !== pricingRegion ? stackRegion : "other regions"} may differ.`,
        "Usage charges are not included: endpoint data processed ($0.01/GB), KMS requests, S3 storage, CloudWatch Logs.",
    ];
    if (advancedTier) {
        notes.push(
            `The advanced tier costs $${unitPrices.advancedInstance.usd} per hybrid node per hour ($${cents(unitPrices.advancedInstance.usd * hoursPerMonth).toFixed(2)} per node-month) for every hybrid node in the region, whoever registered it.`,
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
