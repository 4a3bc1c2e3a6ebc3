import * as assert from "assert";
import { CostedResource, estimateMonthlyCost } from "../../plan/cost";

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

    it("lists free-tier services at $0 and leaves unverified prices (alarms, instances) out of the total, saying so", () => {
        const estimate = estimateMonthlyCost([
            ...ofType("aws:lambda/function:Function"),
            ...ofType("aws:sns/topic:Topic"),
            ...ofType("aws:cloudwatch/eventRule:EventRule", 2),
            ...ofType("aws:sqs/queue:Queue"),
            ...ofType("aws:cloudwatch/metricAlarm:MetricAlarm"),
            ...ofType("aws:ec2/instance:Instance", 2),
        ]);
        assert.deepStrictEqual(
            estimate.lines.map(l => [l.item, l.quantity, l.monthlyUsd]),
            [
                ["Lambda functions", 1, 0],
                ["SNS topics", 1, 0],
                ["EventBridge rules", 2, 0],
                ["SQS queues", 1, 0],
            ],
        );
        assert.strictEqual(estimate.monthlyUsd, 0);
        assert.deepStrictEqual(
            estimate.notes.filter(note => note.startsWith("Not priced")),
            [
                "Not priced (aws-facts §8 has no verified price): 1 × CloudWatch metric alarm.",
                "Not priced (aws-facts §8 has no verified price): 2 × EC2 instance (with its EBS root volume).",
            ],
        );
        assert.ok(estimate.lines.every(l => l.source !== ""));
    });

    it("prices a flow log's group at rest for its retention, and states the ingestion as usage", () => {
        const group = (name: string, retentionInDays: number): CostedResource => ({
            type: "aws:cloudwatch/logGroup:LogGroup",
            inputs: { retentionInDays },
            outputs: { arn: `arn:aws:logs:eu-west-1:123456789012:log-group:${name}` },
        });
        const flowLog = (group: string): CostedResource => ({
            type: "aws:ec2/flowLog:FlowLog",
            inputs: { logDestination: `arn:aws:logs:eu-west-1:123456789012:log-group:${group}` },
        });
        const estimate = estimateMonthlyCost([group("lambda", 3653), group("flow", 365), flowLog("flow")]);
        const atRest = line(estimate, "VPC flow log records at rest");
        // 1 GB a month kept 365 days is about 12.17 GB stored at $0.03.
        assert.deepStrictEqual(
            [atRest?.quantity, atRest?.unit, atRest?.unitUsd, atRest?.monthlyUsd],
            [12.17, "GB-month", 0.03, 0.37],
        );
        assert.match(atRest?.item ?? "", /kept 365 days/);
        assert.ok(estimate.notes.some(note => /VPC flow log ingestion is usage: \$0\.50 per GB/.test(note)));
        assert.strictEqual(line(estimateMonthlyCost([group("lambda", 90)]), "VPC flow log"), undefined);
        assert.ok(!estimateMonthlyCost([]).notes.some(note => note.startsWith("VPC flow log")));
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

    it("says the prices are us-east-1's and the stack's region may differ; nothing costs nothing", () => {
        const estimate = estimateMonthlyCost([], "eu-west-1");
        assert.deepStrictEqual([estimate.pricingRegion, estimate.monthlyUsd, estimate.lines], ["us-east-1", 0, []]);
        assert.match(estimate.notes[0], /us-east-1 list prices; prices in eu-west-1 may differ/);
    });
});
