import * as assert from "assert";
import { accountQuery } from "../../components/organizationView/organizationView";
import { assumed, CostedResource, estimateMonthlyCost, metricsAnalysed } from "../../plan/cost";
import { runProgram, stackConfig } from "../support/program";

describe("the cost model", () => {
    const endpoint = (type: "Interface" | "Gateway", subnets: number): CostedResource => ({
        type: "aws:ec2/vpcEndpoint:VpcEndpoint",
        inputs: { vpcEndpointType: type, subnetIds: Array.from({ length: subnets }, (_, i) => `subnet-${i}`) },
    });
    const ofType = (type: string, count = 1): CostedResource[] =>
        Array.from({ length: count }, () => ({ type, inputs: {} }));
    const line = (estimate: ReturnType<typeof estimateMonthlyCost>, prefix: string) =>
        estimate.lines.find(l => l.item.startsWith(prefix));

    it("prices interface endpoints per endpoint-AZ-hour: aws-facts' worked example, 3 endpoints × 2 AZs = $43.80", () => {
        const estimate = estimateMonthlyCost([
            endpoint("Interface", 2),
            endpoint("Interface", 2),
            endpoint("Interface", 2),
            endpoint("Gateway", 0),
        ]);
        const interfaces = line(estimate, "Interface VPC endpoints");
        assert.deepStrictEqual(
            [interfaces?.quantity, interfaces?.unitUsd, interfaces?.monthlyUsd],
            [6 * 730, 0.01, 43.8],
        );
        assert.deepStrictEqual([line(estimate, "Gateway")?.quantity, line(estimate, "Gateway")?.monthlyUsd], [1, 0]);
        assert.strictEqual(estimate.monthlyUsd, 43.8);
    });

    it("prices KMS keys per month and Config rules by their assumed evaluations", () => {
        const estimate = estimateMonthlyCost([...ofType("aws:kms/key:Key", 2), ...ofType("aws:cfg/rule:Rule", 3)]);
        assert.deepStrictEqual([line(estimate, "KMS")?.quantity, line(estimate, "KMS")?.monthlyUsd], [2, 2]);
        assert.deepStrictEqual(
            [
                line(estimate, "Config rule evaluations")?.quantity,
                line(estimate, "Config rule evaluations")?.unitUsd,
                line(estimate, "Config rule evaluations")?.monthlyUsd,
            ],
            [3000, 0.001, 3],
        );
        assert.strictEqual(estimate.monthlyUsd, 5);
    });

    it("charges configuration items only when the stack creates a recorder", () => {
        assert.strictEqual(
            line(estimateMonthlyCost(ofType("aws:cfg/rule:Rule")), "Config configuration items"),
            undefined,
        );
        const estimate = estimateMonthlyCost([...ofType("aws:cfg/rule:Rule"), ...ofType("aws:cfg/recorder:Recorder")]);
        assert.deepStrictEqual(
            [
                line(estimate, "Config configuration items")?.quantity,
                line(estimate, "Config configuration items")?.monthlyUsd,
            ],
            [1000, 3],
        );
        assert.strictEqual(estimate.monthlyUsd, 4);
    });

    it("prices alarms, the health watch's metrics, the canary and its volume; lists what is free at rest", () => {
        const estimate = estimateMonthlyCost([
            ...ofType("aws:sns/topic:Topic"),
            ...ofType("aws:cloudwatch/eventRule:EventRule", 2),
            ...ofType("aws:sqs/queue:Queue"),
            ...ofType("aws:dynamodb/table:Table"),
            ...ofType("aws:cloudwatch/metricAlarm:MetricAlarm", 4),
            ...ofType("ssm-fleet-baseline:index:ManagedNodeHealthWatch"),
            {
                type: "aws:ec2/instance:Instance",
                inputs: { instanceType: "t4g.nano", rootBlockDevice: { volumeType: "gp3" } },
            },
        ]);
        const priced = estimate.lines
            .filter(l => l.monthlyUsd > 0)
            .map(l => [l.item.split(" (")[0], l.quantity, l.monthlyUsd]);
        assert.deepStrictEqual(priced, [
            ["CloudWatch alarms", 4, 0.4],
            // The 10 the sweep puts, and 15 assumed combinations of its Embedded Metric Format metrics and dimensions.
            ["CloudWatch custom metrics", 25, 7.5],
            ["EC2 t4g.nano instances", 730, 3.07],
            ["EBS gp3 volumes", 8, 0.64],
        ]);
        assert.deepStrictEqual(
            estimate.lines.filter(l => l.monthlyUsd === 0).map(l => l.item.split(" (")[0]),
            ["SNS topics", "SQS queues", "EventBridge rules", "DynamoDB on-demand tables"],
        );
        assert.strictEqual(estimate.monthlyUsd, 11.61);
        assert.ok(
            estimate.lines.every(l => /^https:\/\/aws\.amazon\.com\/|^no charge at rest/.test(l.source)),
            "every price cites AWS's page",
        );
    });

    it("prices the tamper watch's two metrics, its heartbeat and its count of changes, only with the tamper watch", () => {
        assert.strictEqual(
            line(estimateMonthlyCost(ofType("aws:sns/topic:Topic")), "CloudWatch custom metrics"),
            undefined,
        );
        const metrics = line(
            estimateMonthlyCost(ofType("ssm-fleet-baseline:index:TamperWatch")),
            "CloudWatch custom metrics",
        );
        assert.deepStrictEqual(
            [metrics?.item, metrics?.quantity, metrics?.monthlyUsd],
            ["CloudWatch custom metrics (the tamper watch's HeartbeatsReceived and TamperChangesDetected)", 2, 0.6],
        );
    });

    it("prices a scheduled Lambda's runs, compute, logs and metric requests from its schedule and memory", () => {
        const estimate = estimateMonthlyCost([
            ...ofType("ssm-fleet-baseline:index:ManagedNodeHealthWatch"),
            {
                type: "aws:cloudwatch/eventRule:EventRule",
                inputs: { scheduleExpression: "rate(5 minutes)" },
                outputs: { name: "sweep-rule" },
            },
            { type: "aws:cloudwatch/eventTarget:EventTarget", inputs: { rule: "sweep-rule", arn: "arn:sweep" } },
            { type: "aws:lambda/function:Function", inputs: { memorySize: 512 }, outputs: { arn: "arn:sweep" } },
            { type: "aws:lambda/function:Function", inputs: { memorySize: 256 }, outputs: { arn: "arn:notifier" } },
        ]);
        // 730 h × 12 runs an hour; 2 s at 0.5 GB each.
        assert.deepStrictEqual(line(estimate, "Lambda requests")?.quantity, 8_760);
        assert.deepStrictEqual(line(estimate, "Lambda compute")?.quantity, 8_760);
        assert.deepStrictEqual(line(estimate, "CloudWatch PutMetricData")?.quantity, 8_760);
        assert.deepStrictEqual(line(estimate, "CloudWatch Logs ingestion")?.quantity, 0.009);
    });

    it("names an instance type it has no price for, rather than guessing", () => {
        const estimate = estimateMonthlyCost([
            { type: "aws:ec2/instance:Instance", inputs: { instanceType: "m7g.large" } },
        ]);
        assert.ok(estimate.notes.includes("Not priced: an EC2 m7g.large instance; plan/cost.ts knows only t4g.nano."));
    });

    it("prices each log group at rest at an assumed gigabyte", () => {
        const estimate = estimateMonthlyCost(ofType("aws:cloudwatch/logGroup:LogGroup", 3));
        const logs = line(estimate, "CloudWatch Logs storage");
        assert.deepStrictEqual(
            [logs?.item, logs?.quantity, logs?.unit, logs?.unitUsd, logs?.monthlyUsd],
            ["CloudWatch Logs storage (3 log groups × 1 GB assumed)", 3, "GB-month", 0.03, 0.09],
        );
        assert.match(logs!.source, /^https:\/\/aws\.amazon\.com\/cloudwatch\/pricing\/ \(read 2026-12-01; secondary/);
    });

    it("prices the advanced tier per hybrid node-hour up to the activations' registration limit, and says what it costs", () => {
        const tier = (settingValue: string): CostedResource => ({
            type: "aws:ssm/serviceSetting:ServiceSetting",
            inputs: { settingId: "/ssm/managed-instance/activation-tier", settingValue },
        });
        const activation: CostedResource = { type: "aws:ssm/activation:Activation", inputs: { registrationLimit: 10 } };
        const advanced = estimateMonthlyCost([tier("advanced"), activation]);
        const nodes = line(advanced, "SSM advanced-instances tier");
        assert.deepStrictEqual(
            [nodes?.quantity, nodes?.unit, nodes?.unitUsd, nodes?.monthlyUsd],
            [10 * 730, "advanced-instance-hour", 0.00695, 50.74],
        );
        assert.ok(
            advanced.notes.includes(
                "The advanced tier costs $0.00695 per hybrid node per hour ($5.07 per node-month) for every hybrid node in the region, whoever registered it.",
            ),
        );
        assert.match(
            nodes!.source,
            /^https:\/\/aws\.amazon\.com\/systems-manager\/pricing\/ \(read 2026-12-01; secondary/,
        );
        // Without an activation there is no node count, but the note still states the price.
        const noActivation = estimateMonthlyCost([tier("advanced")]);
        assert.strictEqual(line(noActivation, "SSM advanced-instances tier"), undefined);
        assert.ok(noActivation.notes.some(note => note.startsWith("The advanced tier costs $0.00695")));
        // The standard tier and other service settings cost nothing.
        const standard = estimateMonthlyCost([tier("standard"), activation]);
        assert.deepStrictEqual([standard.lines, standard.monthlyUsd], [[], 0]);
        assert.ok(!standard.notes.some(note => note.includes("advanced tier")));
    });

    it("lists maintenance windows at $0 and prices a runbook's assumed steps, saying both figures are unconfirmed", () => {
        const estimate = estimateMonthlyCost([
            ...ofType("aws:ssm/maintenanceWindow:MaintenanceWindow"),
            ...ofType("ssm-fleet-baseline:index:EventDrivenRunbook"),
        ]);
        assert.deepStrictEqual(
            estimate.lines.map(l => [l.item, l.quantity, l.unitUsd, l.monthlyUsd]),
            [
                ["Maintenance windows (Patch Manager, State Manager and Run Command on EC2)", 1, 0, 0],
                ["Automation steps (1 runbook, 10 runs × 15 steps a month, assumed)", 150, 0.002, 0.3],
            ],
        );
        assert.strictEqual(estimate.monthlyUsd, 0.3);
        for (const l of estimate.lines) {
            assert.match(
                l.source,
                /^https:\/\/aws\.amazon\.com\/systems-manager\/pricing\/ \(not readable here on 2026-12-01; unconfirmed\)/,
            );
        }
        assert.strictEqual(line(estimateMonthlyCost([]), "Automation steps"), undefined);
    });

    it("prices a flow log's group at rest like every log group, and states the ingestion as usage", () => {
        const group: CostedResource = { type: "aws:cloudwatch/logGroup:LogGroup", inputs: { retentionInDays: 90 } };
        const flowLog: CostedResource = { type: "aws:ec2/flowLog:FlowLog", inputs: {} };
        const estimate = estimateMonthlyCost([group, flowLog]);
        assert.deepStrictEqual(line(estimate, "CloudWatch Logs storage")?.quantity, 1);
        assert.ok(estimate.notes.some(note => /^VPC flow log records are usage: \$0\.50 per GB/.test(note)));
        assert.ok(!estimateMonthlyCost([group]).notes.some(note => note.startsWith("VPC flow log")));
    });

    it("rounds money to cents and sums the rounded lines", () => {
        // 3 × 730 × 0.01 is 21.900000000000002 in floating point.
        const estimate = estimateMonthlyCost([
            endpoint("Interface", 1),
            endpoint("Interface", 1),
            endpoint("Interface", 1),
            ...ofType("aws:kms/key:Key"),
        ]);
        assert.deepStrictEqual(
            estimate.lines.map(l => l.monthlyUsd),
            [21.9, 1],
        );
        assert.strictEqual(estimate.monthlyUsd, 22.9);
    });

    describe("the organization view's alarms, dashboard and sinks", () => {
        const insightsAlarm = (expression: string): CostedResource => ({
            type: "aws:cloudwatch/metricAlarm:MetricAlarm",
            inputs: { metricQueries: [{ id: "q", expression, period: 300, returnData: true }] },
        });
        const account = "111111111111";
        const dimensionless = accountQuery("MAX(NodesUnmanaged)", "SsmFleetBaseline/HealthWatch", [], account);
        const topics = accountQuery("SUM(NumberOfNotificationsFailed)", "AWS/SNS", ["TopicName"], account);
        const rules = accountQuery("SUM(FailedInvocations)", "AWS/Events", ["RuleName"], account);
        const busRules = accountQuery("SUM(FailedInvocations)", "AWS/Events", ["EventBusName", "RuleName"], account);

        it("counts the metrics a Metrics Insights query analyses: one dimensionless, or the assumed ones per schema", () => {
            assert.deepStrictEqual([dimensionless, topics, rules, busRules].map(metricsAnalysed), [
                1,
                assumed.metricsAnalysedPerSchema["AWS/SNS, TopicName"],
                assumed.metricsAnalysedPerSchema["AWS/Events, RuleName"],
                assumed.metricsAnalysedPerSchema["AWS/Events, EventBusName, RuleName"],
            ]);
            // Default-bus and custom-bus rules are different metrics (eb-monitoring.html), counted apart.
            assert.notStrictEqual(metricsAnalysed(rules), metricsAnalysed(busRules));
            assert.strictEqual(
                metricsAnalysed(accountQuery("AVG(CPUUtilization)", "AWS/EC2", ["InstanceId"], account)),
                undefined,
            );
            assert.strictEqual(metricsAnalysed("m1 + m2"), undefined);
        });

        it("prices Metrics Insights alarms per metric analysed, apart from standard alarms, and composite alarms and dashboards each", () => {
            const estimate = estimateMonthlyCost([
                ...ofType("aws:cloudwatch/metricAlarm:MetricAlarm", 2),
                insightsAlarm(dimensionless),
                insightsAlarm(topics),
                insightsAlarm(rules),
                insightsAlarm(busRules),
                ...ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm", 2),
                ...ofType("aws:cloudwatch/dashboard:Dashboard"),
                ...ofType("aws:oam/sink:Sink", 2),
                ...ofType("aws:oam/sinkPolicy:SinkPolicy", 2),
                ...ofType("aws:oam/link:Link"),
            ]);
            assert.deepStrictEqual(
                estimate.lines.map(l => [l.item, l.quantity, l.unit, l.unitUsd, l.monthlyUsd]),
                [
                    ["CloudWatch alarms (2)", 2, "alarm-month", 0.1, 0.2],
                    // 1 + 2 topics + 9 default-bus rules + the health bus's rule
                    [
                        "CloudWatch Metrics Insights alarms (4, analysing 13 metrics assumed)",
                        13,
                        "metric analysed-month",
                        0.1,
                        1.3,
                    ],
                    ["CloudWatch composite alarms (2)", 2, "alarm-month", 0.5, 1],
                    ["CloudWatch dashboards (1)", 1, "dashboard-month", 3, 3],
                    ["CloudWatch cross-account observability (OAM sinks, sink policies, links)", 5, "resource", 0, 0],
                ],
            );
            assert.strictEqual(estimate.monthlyUsd, 5.5);
        });

        it("cites each price's source and says which are unconfirmed", () => {
            const estimate = estimateMonthlyCost([
                insightsAlarm(dimensionless),
                ...ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm"),
                ...ofType("aws:oam/sink:Sink"),
            ]);
            const source = (prefix: string) => line(estimate, prefix)!.source;
            assert.match(
                source("CloudWatch Metrics Insights"),
                /^https:\/\/aws\.amazon\.com\/cloudwatch\/pricing\/ .*unconfirmed: \$0\.10 per metric the query analyses/,
            );
            assert.match(
                source("CloudWatch Metrics Insights"),
                /MetricInsightAlarmUsage, https:\/\/docs\.aws\.amazon\.com\/AmazonCloudWatch\/latest\/monitoring\/cloudwatch_billing\.html/,
            );
            assert.match(source("CloudWatch composite"), /unconfirmed: \$0\.50 per composite alarm/);
            assert.match(
                source("CloudWatch cross-account observability"),
                /^https:\/\/docs\.aws\.amazon\.com\/AmazonCloudWatch\/latest\/monitoring\/CloudWatch-Unified-Cross-Account\.html .*"comes with no extra cost for logs and metrics"/,
            );
        });

        it("notes only the usage an organization view can bring: no endpoint data, KMS requests, e-mails or dead letters", () => {
            const estimate = estimateMonthlyCost([
                insightsAlarm(topics),
                ...ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm"),
                ...ofType("aws:cloudwatch/dashboard:Dashboard"),
                ...ofType("aws:oam/sink:Sink"),
            ]);
            assert.strictEqual(
                estimate.notes[1],
                "The total is the stack at rest: free tiers are not deducted (they are shared by the whole account), and usage is extra: metrics the Metrics Insights alarms analyse beyond those assumed ($0.10 each a month).",
            );
        });

        it("names a Metrics Insights alarm whose metrics it cannot count, rather than guessing", () => {
            const query = accountQuery("AVG(CPUUtilization)", "AWS/EC2", ["InstanceId"], account);
            const estimate = estimateMonthlyCost([insightsAlarm(query)]);
            assert.deepStrictEqual(estimate.lines, []);
            assert.ok(
                estimate.notes.includes(
                    `Not priced: the Metrics Insights alarm on ${query}; plan/cost.ts cannot tell how many metrics it analyses.`,
                ),
            );
        });

        it("assumes as many topics and rules per cell as a region stack makes, the health bus's with diagnoses on", async function () {
            this.timeout(240_000);
            const rulesOn = (resources: CostedResource[], customBus: boolean) =>
                resources.filter(
                    r =>
                        r.type === "aws:cloudwatch/eventRule:EventRule" && Boolean(r.inputs.eventBusName) === customBus,
                ).length;
            const { resources } = await runProgram("dev", {
                ...stackConfig("dev"),
                "ssm-fleet-baseline:healthWatchDiagnose": "true",
            });
            assert.deepStrictEqual(assumed.metricsAnalysedPerSchema, {
                "AWS/SNS, TopicName": resources.filter(r => r.type === "aws:sns/topic:Topic").length,
                "AWS/Events, RuleName": rulesOn(resources, false),
                "AWS/Events, EventBusName, RuleName": rulesOn(resources, true),
            });
        });
    });

    it("says the prices are us-east-1's and the stack's region may differ; nothing costs nothing", () => {
        const estimate = estimateMonthlyCost([], "eu-west-1");
        assert.deepStrictEqual([estimate.pricingRegion, estimate.monthlyUsd, estimate.lines], ["us-east-1", 0, []]);
        assert.match(estimate.notes[0], /us-east-1 list prices; prices in eu-west-1 may differ/);
        assert.strictEqual(
            estimate.notes[1],
            "The total is the stack at rest: free tiers are not deducted (they are shared by the whole account).",
        );
    });

    it("notes the usage each of a region stack's resources brings: endpoint data, KMS requests, e-mails, dead letters", () => {
        const usageNote = (resources: CostedResource[]) => estimateMonthlyCost(resources).notes[1];
        assert.strictEqual(
            usageNote([
                endpoint("Interface", 1),
                ...ofType("aws:kms/key:Key"),
                ...ofType("aws:sns/topic:Topic"),
                ...ofType("aws:sqs/queue:Queue"),
            ]),
            "The total is the stack at rest: free tiers are not deducted (they are shared by the whole account), and usage is extra: endpoint data processed ($0.01/GB), KMS requests ($0.03 per 10,000), e-mails and dead letters.",
        );
        // A gateway endpoint's data is free; only the key's requests remain.
        assert.match(
            usageNote([endpoint("Gateway", 0), ...ofType("aws:kms/key:Key")]),
            /usage is extra: KMS requests \(\$0\.03 per 10,000\)\.$/,
        );
    });
});
