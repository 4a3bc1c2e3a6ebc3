// The plan's monthly cost estimate of a stack at rest: one table of unit prices, each with the
// AWS price page it comes from and how the figure was obtained, and a pure function that prices
// every resource of a synthesized stack. Usage the program cannot know is an assumption, stated.
import { activationTierSettingId } from "../aws/identifiers";
import { parseRate, rateMinutes } from "../aws/schedules";
import { statusMetricNames } from "../components/parts/lambda/nodeStatus";
import { heartbeatMetric, tamperChangesMetric } from "../components/parts/lambda/tamperContext";

/** A resource as the estimate needs it: a Pulumi type token, the program's inputs and the stand-in outputs. */
export interface CostedResource {
    readonly type: string;
    readonly inputs: Record<string, any>;
    readonly outputs?: Record<string, any>;
}

interface UnitPrice {
    readonly item: string;
    /** What one unit is, e.g. "endpoint-AZ-hour". */
    readonly unit: string;
    readonly usd: number;
    /** The AWS price page, and where the figure on it was read and when. */
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

/** Hours in a billing month, as the AWS Pricing Calculator counts them. */
export const hoursPerMonth = 730;

/**
 * Usage the program cannot know, for a stack at rest: a healthy fleet of about 30 instances.
 * The Config rule is change-triggered, so its evaluations follow the fleet's inventory changes
 * (about 30 a day); the recorder records two resource types with the same churn. A scheduled
 * Lambda run is short: it lists nodes and writes nothing when all are healthy.
 */
export const assumed = {
    configRuleEvaluationsPerRule: 1_000,
    configItemsRecorded: 1_000,
    scheduledRunSeconds: 2,
    logBytesPerRun: 1_000,
    /** The Amazon Linux 2023 AMI's root volume, when the instance does not set one. */
    rootVolumeGb: 8,
    /** What a log group holds at rest: session logs of a small fleet, or a Lambda's logs. */
    logGigabytesPerGroup: 1,
    // A runbook started by EventBridge (the health watch's diagnosis) runs when a node is lost: ten
    // a month, each of about fifteen steps (the troubleshooting runbook's checks and branches).
    runbookRunsPerMonth: 10,
    stepsPerRunbookRun: 15,
    // Each distinct dimension combination of the sweep's Embedded Metric Format count is a custom
    // metric: a healthy fleet of one platform on two agent releases, online or starting, makes 2
    // statuses + 2 × 2 by agent + 2 × 1 by platform = 8.
    // Add the six patch severities and the dimensionless time to managed (healthMetrics.ts): 15.
    emfMetricsPerHealthWatch: 15,
    // A Metrics Insights alarm is billed per metric its query analyses. SCHEMA("ns") with no
    // dimension key matches the namespace's dimensionless metrics, here one; with dimension keys, one
    // metric per combination of their values in the source account and Region: the organization
    // view's queries on AWS/SNS (TopicName) see a cell's baseline topics (notifications and the
    // watch's); on AWS/Events, RuleName alone names a default-bus rule and EventBusName with
    // RuleName a custom bus's: a cell with healthWatchDiagnose on has nine default-bus rules (the
    // default config's eight and the diagnoses' completion route) and the health bus's diagnosis
    // rule. Assuming the account has no others. Keyed by the SCHEMA's arguments.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
    metricsAnalysedPerSchema: {
        "AWS/SNS, TopicName": 2,
        "AWS/Events, RuleName": 9,
        "AWS/Events, EventBusName, RuleName": 1,
    } as Readonly<Record<string, number>>,
} as const;

/** Systems Manager's price page, which could not be read from this machine (2026-12-01): its figures below are unconfirmed. */
const ssmPricing = "https://aws.amazon.com/systems-manager/pricing/ (not readable here on 2026-12-01; unconfirmed)";

// The figures were read on 2026-12-01 from the secondary sources named, which quote AWS's price
// pages or derive from the AWS Price List; check them in the AWS Pricing Calculator.
const infracost = "secondary: Infracost's figures derived from the AWS Price List";
const unitPrices = {
    interfaceEndpoint: {
        item: "Interface VPC endpoints",
        unit: "endpoint-AZ-hour",
        usd: 0.01,
        source: `https://aws.amazon.com/privatelink/pricing/ (read 2026-12-01; ${infracost}, 2024-10-18)`,
    },
    gatewayEndpoint: {
        item: "Gateway VPC endpoints (S3)",
        unit: "endpoint",
        usd: 0,
        source: "https://aws.amazon.com/privatelink/pricing/ (read 2026-12-01; gateway endpoints carry no charge)",
    },
    kmsKey: {
        item: "KMS customer-managed keys",
        unit: "key-month",
        usd: 1,
        source: "https://aws.amazon.com/kms/pricing/ (read 2026-12-01; secondary: public price tables)",
    },
    configRuleEvaluation: {
        item: "Config rule evaluations",
        unit: "evaluation",
        usd: 0.001,
        source: "https://aws.amazon.com/config/pricing/ (read 2026-12-01; first 100,000 a month; secondary: write-ups quoting the page)",
    },
    configItem: {
        item: "Config configuration items",
        unit: "configuration item",
        usd: 0.003,
        source: "https://aws.amazon.com/config/pricing/ (read 2026-12-01; continuous recording; secondary: write-ups quoting the page)",
    },
    alarm: {
        item: "CloudWatch alarms",
        unit: "alarm-month",
        usd: 0.1,
        source: `https://aws.amazon.com/cloudwatch/pricing/ (read 2026-12-01; standard resolution, one metric each; ${infracost}, 2024-07-01)`,
    },
    customMetric: {
        item: "CloudWatch custom metrics",
        unit: "metric-month",
        usd: 0.3,
        source: `https://aws.amazon.com/cloudwatch/pricing/ (read 2026-12-01; first 10,000 metrics; ${infracost}, 2024-07-01)`,
    },
    putMetricData: {
        item: "CloudWatch PutMetricData requests",
        unit: "request",
        usd: 0.00001,
        source: "https://aws.amazon.com/cloudwatch/pricing/ (read 2026-12-01; $0.01 per 1,000; secondary: public write-ups)",
    },
    logIngestion: {
        item: "CloudWatch Logs ingestion (Lambda logs)",
        unit: "GB",
        usd: 0.5,
        source: `https://aws.amazon.com/cloudwatch/pricing/ (read 2026-12-01; Standard class; ${infracost}, 2024-07-01)`,
    },
    logStorage: {
        item: "CloudWatch Logs storage",
        unit: "GB-month",
        usd: 0.03,
        source: `https://aws.amazon.com/cloudwatch/pricing/ (read 2026-12-01; ${infracost}, 2024-07-01)`,
    },
    advancedInstance: {
        item: "SSM advanced-instances tier",
        unit: "advanced-instance-hour",
        usd: 0.00695,
        source: `https://aws.amazon.com/systems-manager/pricing/ (read 2026-12-01; ${infracost}, 2024-07-01)`,
    },
    lambdaRequest: {
        item: "Lambda requests",
        unit: "request",
        usd: 0.0000002,
        source: "https://aws.amazon.com/lambda/pricing/ (read 2026-12-01; $0.20 per million; secondary: public price tables)",
    },
    lambdaCompute: {
        item: "Lambda compute (arm64)",
        unit: "GB-second",
        usd: 0.0000133334,
        source: "https://aws.amazon.com/lambda/pricing/ (read 2026-12-01; secondary: public price tables)",
    },
    t4gNano: {
        item: "EC2 t4g.nano instances (Linux, on demand)",
        unit: "instance-hour",
        usd: 0.0042,
        source: "https://aws.amazon.com/ec2/pricing/on-demand/ (read 2026-12-01; secondary: several public price tables agree)",
    },
    gp3: {
        item: "EBS gp3 volumes",
        unit: "GB-month",
        usd: 0.08,
        source: `https://aws.amazon.com/ebs/pricing/ (read 2026-12-01; 3,000 IOPS and 125 MB/s included; ${infracost}, 2024-07-01)`,
    },
    metricsInsightsAlarm: {
        item: "CloudWatch Metrics Insights alarms",
        unit: "metric analysed-month",
        usd: 0.1,
        source: "https://aws.amazon.com/cloudwatch/pricing/ (its alarm prices not readable here, 2026-12-01; unconfirmed: $0.10 per metric the query analyses, from secondary write-ups; billed apart from standard alarms, as usage type MetricInsightAlarmUsage, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_billing.html, and outside the free tier's 10 alarm metrics, which the pricing page limits to alarms that don't use a Metrics Insights query)",
    },
    compositeAlarm: {
        item: "CloudWatch composite alarms",
        unit: "alarm-month",
        usd: 0.5,
        source: "https://aws.amazon.com/cloudwatch/pricing/ (its alarm prices not readable here, 2026-12-01; unconfirmed: $0.50 per composite alarm, from secondary write-ups; billed as usage type CompositeAlarmMonitorUsage, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_billing.html)",
    },
    crossAccountObservability: {
        item: "CloudWatch cross-account observability (OAM sinks, sink policies, links)",
        unit: "resource",
        usd: 0,
        source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html (read 2026-12-01): "comes with no extra cost for logs and metrics"',
    },
    dashboard: {
        item: "CloudWatch dashboards",
        unit: "dashboard-month",
        usd: 3,
        source: "https://aws.amazon.com/cloudwatch/pricing/ (read 2026-12-01; first 3 dashboards of the account free, then $3.00 each; secondary: public write-ups quoting the page)",
    },
    free: {
        item: "",
        unit: "resource",
        usd: 0,
        source: "no charge at rest: billed per request or delivery, none of which happen while nothing changes",
    },
    maintenanceWindow: {
        item: "Maintenance windows (Patch Manager, State Manager and Run Command on EC2)",
        unit: "window",
        usd: 0,
        source: `${ssmPricing}: no charge for these capabilities on EC2 instances`,
    },
    automationStep: {
        item: "Automation steps",
        unit: "step",
        usd: 0.002,
        source: `${ssmPricing}: $0.002 per step; no free tier for accounts new to Automation since 2025-08-14 (https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-automation.html); ${assumed.runbookRunsPerMonth} runs of ${assumed.stepsPerRunbookRun} steps per runbook a month assumed`,
    },
} as const satisfies Record<string, UnitPrice>;

const types = {
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    kmsKey: "aws:kms/key:Key",
    configRule: "aws:cfg/rule:Rule",
    configRecorder: "aws:cfg/recorder:Recorder",
    lambdaFunction: "aws:lambda/function:Function",
    eventRule: "aws:cloudwatch/eventRule:EventRule",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    compositeAlarm: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
    instance: "aws:ec2/instance:Instance",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    serviceSetting: "aws:ssm/serviceSetting:ServiceSetting",
    activation: "aws:ssm/activation:Activation",
    healthWatch: "ssm-fleet-baseline:index:ManagedNodeHealthWatch",
    tamperWatch: "ssm-fleet-baseline:index:TamperWatch",
    maintenanceWindow: "aws:ssm/maintenanceWindow:MaintenanceWindow",
    eventDrivenRunbook: "ssm-fleet-baseline:index:EventDrivenRunbook",
    flowLog: "aws:ec2/flowLog:FlowLog",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    topic: "aws:sns/topic:Topic",
    queue: "aws:sqs/queue:Queue",
} as const;

/** CloudWatch cross-account observability's resources (Observability Access Manager). */
const oamTypes = ["aws:oam/sink:Sink", "aws:oam/sinkPolicy:SinkPolicy", "aws:oam/link:Link"];

/** Resources with no charge at rest, by type, with the name of their line. */
const freeAtRest: Record<string, string> = {
    [types.topic]: "SNS topics (e-mail deliveries: first 1,000 a month free, then $2.00 per 100,000)",
    [types.queue]: "SQS queues (dead letters: $0.40 per million requests)",
    "aws:cloudwatch/eventRule:EventRule": "EventBridge rules (AWS service events and schedules on the default bus)",
    "aws:dynamodb/table:Table": "DynamoDB on-demand tables (no item while every node is healthy)",
    "aws:s3/bucket:Bucket": "S3 buckets (a few KB of command output: $0.023 per GB-month)",
};

/**
 * The health watch's metrics: one per node status, NodesUnmanaged, UnreadableRecords, NodesRelyingOnDhmc
 * (components/parts/lambda/nodeStatus.ts) and NotificationSubscriptionsMissing (lambda/subscriptionWatch.ts).
 */
const healthWatchMetricCount = Object.keys(statusMetricNames).length + 4;

/**
 * The metrics the notifier counts for the tamper watch (components/parts/lambda/tamperContext.ts).
 * The count of changes has data only in hours with a change; it is priced as a full month all the same.
 */
const tamperWatchMetrics = [heartbeatMetric.name, tamperChangesMetric.name];

const cents = (usd: number) => Math.round(usd * 100) / 100;

/** The alarm's Metrics Insights query, if it alarms on one (a metric query whose expression is a SELECT). */
function insightsQuery(alarm: CostedResource): string | undefined {
    const queries = (alarm.inputs.metricQueries ?? []) as { expression?: string }[];
    return queries.map(q => q.expression ?? "").find(expression => /^\s*SELECT\b/i.test(expression));
}

/**
 * How many metrics a Metrics Insights query analyses (see assumed.metricsAnalysedPerSchema), or
 * undefined for a query the estimate has no assumption for.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
 */
export function metricsAnalysed(query: string): number | undefined {
    const schema = /\bFROM\s+SCHEMA\(\s*"([^"]+)"((?:\s*,\s*[^,)]+)*)\s*\)/i.exec(query);
    if (!schema) {
        return undefined;
    }
    const [, namespace, keys] = schema;
    const dimensions = keys
        .split(",")
        .map(key => key.trim())
        .filter(Boolean);
    return dimensions.length === 0 ? 1 : assumed.metricsAnalysedPerSchema[[namespace, ...dimensions].join(", ")];
}

/** Invocations a month of each function that a schedule starts, by the function's ARN. */
function scheduledRunsPerMonth(resources: readonly CostedResource[]): Map<string, number> {
    const rulesByName = new Map(
        resources.filter(r => r.type === types.eventRule).map(r => [r.outputs?.name ?? r.inputs.name, r.inputs]),
    );
    const runs = new Map<string, number>();
    for (const target of resources.filter(r => r.type === types.eventTarget)) {
        const rate = parseRate(rulesByName.get(target.inputs.rule)?.scheduleExpression ?? "");
        if (rate) {
            runs.set(target.inputs.arn, (runs.get(target.inputs.arn) ?? 0) + (hoursPerMonth * 60) / rateMinutes(rate));
        }
    }
    return runs;
}

/** Estimates the stack's monthly cost at rest from its resources; the region only words a note. Pure. */
export function estimateMonthlyCost(resources: readonly CostedResource[], stackRegion?: string): CostEstimate {
    const ofType = (type: string) => resources.filter(r => r.type === type);
    const lines: CostLine[] = [];
    const notes: string[] = [];
    const add = (price: UnitPrice, quantity: number, item: string = price.item) => {
        if (quantity > 0) {
            const monthlyUsd = cents(quantity * price.usd);
            lines.push({ item, quantity, unit: price.unit, unitUsd: price.usd, monthlyUsd, source: price.source });
        }
    };

    const endpoints = ofType(types.vpcEndpoint);
    const interfaces = endpoints.filter(r => r.inputs.vpcEndpointType === "Interface");
    // An interface endpoint bills per subnet it is in: one subnet per availability zone.
    const endpointAzs = interfaces.reduce(
        (sum, r) => sum + ((r.inputs.subnetIds as unknown[] | undefined)?.length ?? 0),
        0,
    );
    add(
        unitPrices.interfaceEndpoint,
        endpointAzs * hoursPerMonth,
        `${unitPrices.interfaceEndpoint.item} (${interfaces.length} endpoints, ${endpointAzs} endpoint-AZs × ${hoursPerMonth} h)`,
    );
    add(unitPrices.gatewayEndpoint, endpoints.length - interfaces.length);
    add(unitPrices.kmsKey, ofType(types.kmsKey).length);

    const rules = ofType(types.configRule).length;
    add(
        unitPrices.configRuleEvaluation,
        rules * assumed.configRuleEvaluationsPerRule,
        `${unitPrices.configRuleEvaluation.item} (${rules} rule${rules === 1 ? "" : "s"} × ${assumed.configRuleEvaluationsPerRule.toLocaleString("en-US")} assumed)`,
    );
    // Configuration items are charged to whoever records them: only a recorder this stack creates.
    add(
        unitPrices.configItem,
        ofType(types.configRecorder).length > 0 ? assumed.configItemsRecorded : 0,
        `${unitPrices.configItem.item} (assumed)`,
    );
    add(unitPrices.maintenanceWindow, ofType(types.maintenanceWindow).length);
    const runbooks = ofType(types.eventDrivenRunbook).length;
    add(
        unitPrices.automationStep,
        runbooks * assumed.runbookRunsPerMonth * assumed.stepsPerRunbookRun,
        `${unitPrices.automationStep.item} (${runbooks} runbook${runbooks === 1 ? "" : "s"}, ${assumed.runbookRunsPerMonth} runs × ${assumed.stepsPerRunbookRun} steps a month, assumed)`,
    );

    const [insightsAlarms, standardAlarms] = partition(
        ofType(types.alarm),
        alarm => insightsQuery(alarm) !== undefined,
    );
    add(unitPrices.alarm, standardAlarms.length, `${unitPrices.alarm.item} (${standardAlarms.length})`);
    let analysed = 0;
    for (const alarm of insightsAlarms) {
        const query = insightsQuery(alarm)!;
        const metrics = metricsAnalysed(query);
        if (metrics === undefined) {
            notes.push(
                `Not priced: the Metrics Insights alarm on ${query}; plan/cost.ts cannot tell how many metrics it analyses.`,
            );
        }
        analysed += metrics ?? 0;
    }
    add(
        unitPrices.metricsInsightsAlarm,
        analysed,
        `${unitPrices.metricsInsightsAlarm.item} (${insightsAlarms.length}, analysing ${analysed} metrics assumed)`,
    );
    const composites = ofType(types.compositeAlarm).length;
    add(unitPrices.compositeAlarm, composites, `${unitPrices.compositeAlarm.item} (${composites})`);
    const healthWatches = ofType(types.healthWatch).length;
    const tamperWatches = ofType(types.tamperWatch).length;
    const metricOwners = [
        ...(healthWatches
            ? [
                  `the health watch's ${healthWatchMetricCount}, and ${assumed.emfMetricsPerHealthWatch} dimensioned ones assumed`,
              ]
            : []),
        ...(tamperWatches ? [`the tamper watch's ${tamperWatchMetrics.join(" and ")}`] : []),
    ];
    add(
        unitPrices.customMetric,
        healthWatches * (healthWatchMetricCount + assumed.emfMetricsPerHealthWatch) +
            tamperWatches * tamperWatchMetrics.length,
        `${unitPrices.customMetric.item} (${metricOwners.join("; ")})`,
    );
    const dashboards = ofType(types.dashboard).length;
    add(unitPrices.dashboard, dashboards, `${unitPrices.dashboard.item} (${dashboards})`);

    // Scheduled functions run whatever happens; event-driven ones (the notifier) only when something does.
    const runs = scheduledRunsPerMonth(resources);
    const functions = ofType(types.lambdaFunction);
    let requests = 0;
    let gbSeconds = 0;
    let scheduled = 0;
    for (const fn of functions) {
        const perMonth = runs.get(fn.outputs?.arn) ?? 0;
        scheduled += perMonth > 0 ? 1 : 0;
        requests += perMonth;
        gbSeconds += (perMonth * assumed.scheduledRunSeconds * (fn.inputs.memorySize ?? 128)) / 1024;
    }
    const requestLine = `${unitPrices.lambdaRequest.item} (runs of the ${scheduled} scheduled of ${functions.length} functions)`;
    add(unitPrices.lambdaRequest, Math.round(requests), requestLine);
    add(
        unitPrices.lambdaCompute,
        Math.round(gbSeconds),
        `${unitPrices.lambdaCompute.item} (${assumed.scheduledRunSeconds} s per scheduled run assumed)`,
    );
    add(
        unitPrices.logIngestion,
        Math.round(((requests * assumed.logBytesPerRun) / 1e9) * 1000) / 1000,
        `${unitPrices.logIngestion.item} (${assumed.logBytesPerRun.toLocaleString("en-US")} bytes per run assumed)`,
    );
    const logGroups = ofType(types.logGroup).length;
    add(
        unitPrices.logStorage,
        logGroups * assumed.logGigabytesPerGroup,
        `${unitPrices.logStorage.item} (${logGroups} log group${logGroups === 1 ? "" : "s"} × ${assumed.logGigabytesPerGroup} GB assumed)`,
    );
    // The health watch puts its metrics in one request per sweep.
    const sweeps = [...runs.values()].reduce((sum, n) => sum + n, 0) * (healthWatches > 0 ? 1 : 0);
    add(unitPrices.putMetricData, Math.round(sweeps), `${unitPrices.putMetricData.item} (one per sweep)`);

    const instances = ofType(types.instance);
    const nanos = instances.filter(r => r.inputs.instanceType === "t4g.nano");
    add(
        unitPrices.t4gNano,
        nanos.length * hoursPerMonth,
        `${unitPrices.t4gNano.item} (${nanos.length} × ${hoursPerMonth} h)`,
    );
    for (const other of instances.filter(r => r.inputs.instanceType !== "t4g.nano")) {
        notes.push(`Not priced: an EC2 ${other.inputs.instanceType} instance; plan/cost.ts knows only t4g.nano.`);
    }
    const volumeGb = instances.reduce(
        (sum, r) => sum + (r.inputs.rootBlockDevice?.volumeSize ?? assumed.rootVolumeGb),
        0,
    );
    add(unitPrices.gp3, volumeGb, `${unitPrices.gp3.item} (root volumes, ${assumed.rootVolumeGb} GB each unless set)`);

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
    if (advancedTier) {
        notes.push(
            `The advanced tier costs $${unitPrices.advancedInstance.usd} per hybrid node per hour ($${cents(unitPrices.advancedInstance.usd * hoursPerMonth).toFixed(2)} per node-month) for every hybrid node in the region, whoever registered it.`,
        );
    }

    add(unitPrices.crossAccountObservability, resources.filter(r => oamTypes.includes(r.type)).length);
    for (const [type, item] of Object.entries(freeAtRest)) {
        add(unitPrices.free, ofType(type).length, item);
    }

    if (ofType(types.flowLog).length > 0) {
        notes.push(
            `VPC flow log records are usage: $${unitPrices.logIngestion.usd.toFixed(2)} per GB delivered to CloudWatch Logs; a closed VPC's rejected traffic is a trickle, ALL records much more.`,
        );
    }
    // Only the usage this stack's resources can bring: the organization view has no endpoint, key, topic or queue.
    const usage = [
        ...(interfaces.length > 0 ? ["endpoint data processed ($0.01/GB)"] : []),
        ...(ofType(types.kmsKey).length > 0 ? ["KMS requests ($0.03 per 10,000)"] : []),
        ...(ofType(types.topic).length > 0 ? ["e-mails"] : []),
        ...(ofType(types.queue).length > 0 ? ["dead letters"] : []),
        ...(insightsAlarms.length > 0
            ? [
                  `metrics the Metrics Insights alarms analyse beyond those assumed ($${unitPrices.metricsInsightsAlarm.usd.toFixed(2)} each a month)`,
              ]
            : []),
    ];
    notes.unshift(
        `Unit prices are ${pricingRegion} list prices; prices in ${stackRegion && stackRegion !== pricingRegion ? stackRegion : "other regions"} may differ.`,
        "The total is the stack at rest: free tiers are not deducted (they are shared by the whole account)" +
            (usage.length > 0 ? `, and usage is extra: ${listed(usage)}.` : "."),
    );
    return { pricingRegion, monthlyUsd: cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)), lines, notes };
}

/** "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
    return items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}` : items.join("");
}

/** The items that pass the test, and the others. */
function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
    return [items.filter(test), items.filter(item => !test(item))];
}
