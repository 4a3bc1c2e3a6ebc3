// The health-watch component under mocks, and its sweep Lambda exactly as Pulumi serializes it,
// run against the simulated fleet. Runbook permissions:
// https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-awssupport-troubleshoot-managed-instance.html
import * as assert from "assert";
import { automationCompletionPattern } from "../../../components/parts/eventDrivenRunbook";
import {
    diagnosisPattern,
    diagnosisRoutes,
    ManagedNodeHealthWatch,
} from "../../../components/healthWatch/managedNodeHealthWatch";
import { causeEventPattern } from "../../../components/healthWatch/lambda/nodeCauses";
import { standInAccountId } from "../../../harness/standIns";
import { matchesPattern } from "../../support/eventPattern";
import { transformInput } from "../../support/inputTransformer";
import { archiveOf, loadHandler } from "../../../harness/lambdaArchive";
import { SimulatedFleet } from "../../../harness/simulatedFleet";
import { underMocks, valueOf } from "../../support/program";

const baseArgs = {
    region: "eu-west-1",
    accountId: standInAccountId,
    schedule: "rate(5 minutes)",
    graceMinutes: 15,
    debounceSweeps: 2,
    excludeTagKey: "ssm-fleet-baseline:unwatched",
    topicArn: "arn:aws:sns:eu-west-1:123456789012:notify",
    topicKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/notify",
    logKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
};
const build = (overrides: Partial<typeof baseArgs & { diagnose: boolean }> = {}) =>
    underMocks({}, () => new ManagedNodeHealthWatch("health", { diagnose: false, ...baseArgs, ...overrides }));

/** SDK modules whose clients answer from the fleet; every export the handler takes must exist in the real package. */
function fleetRequire(fleet: SimulatedFleet) {
    return (id: string) => {
        if (!id.startsWith("@aws-sdk/client-")) {
            throw new Error(`the sweep handler required ${id}`);
        }
        const real = require(id);
        return new Proxy(
            {},
            {
                get(_, name: string) {
                    assert.ok(name in real, `${id} has no export ${name}`);
                    if (name.endsWith("Client")) {
                        return class {
                            send(command: { operation: string; input: any }) {
                                return (fleet as any)[command.operation](command.input);
                            }
                        };
                    }
                    const operation = name.replace(/Command$/, "").replace(/^./, c => c.toLowerCase());
                    assert.ok(typeof (fleet as any)[operation] === "function", `no simulated operation for ${name}`);
                    return class {
                        operation = operation;
                        constructor(readonly input: unknown) {}
                    };
                },
            },
        );
    };
}

describe("managed-node health watch", () => {
    it("keeps per-node state in an on-demand, encrypted DynamoDB table whose items expire", async () => {
        const { mocks, result } = await build();
        const table = mocks.named("health-state").inputs;
        assert.deepStrictEqual(
            [table.billingMode, table.hashKey, table.attributes],
            ["PAY_PER_REQUEST", "nodeId", [{ name: "nodeId", type: "S" }]],
        );
        assert.deepStrictEqual(table.ttl, { attributeName: "expiresAt", enabled: true });
        assert.strictEqual(table.serverSideEncryption.enabled, true);
        assert.strictEqual(await valueOf(result.tableName), "health-state-1234567");
    });

    it("gives the sweep only the calls it makes", async () => {
        const { mocks } = await build();
        const statements = JSON.parse(mocks.named("health-sweep-policy").inputs.policy).Statement;
        assert.deepStrictEqual(
            statements.map((s: any) => [s.Action, s.Resource]),
            [
                // ListResourceComplianceSummaries (patch compliance by severity) has no resource type either:
                // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
                [
                    ["ec2:DescribeInstances", "ssm:DescribeInstanceInformation", "ssm:ListResourceComplianceSummaries"],
                    "*",
                ],
                [
                    ["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                    "arn:aws:dynamodb:eu-west-1:123456789012:health-state",
                ],
                // Service Authorization Reference: GetAutomationExecution acts on automation-execution resources.
                // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
                ["ssm:GetAutomationExecution", "arn:aws:ssm:eu-west-1:123456789012:automation-execution/*"],
                ["sns:Publish", baseArgs.topicArn],
                [["kms:GenerateDataKey", "kms:Decrypt"], baseArgs.topicKeyArn],
                ["events:PutEvents", "arn:aws:events:eu-west-1:123456789012:event-bus/default"],
                ["cloudwatch:PutMetricData", "*"],
                [
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "arn:aws:cloudwatch:eu-west-1:123456789012:health-sweep-logs:*",
                ],
            ],
        );
        assert.deepStrictEqual(statements[6].Condition, {
            StringEquals: { "cloudwatch:namespace": "SsmFleetBaseline/HealthWatch" },
        });
        assert.deepStrictEqual(mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
        assert.strictEqual(mocks.named("health-sweep").inputs.environment.variables.DIAGNOSE, "false");
        // One sweep at a time (issue 19, 7): https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
        assert.strictEqual(mocks.named("health-sweep").inputs.reservedConcurrentExecutions, 1);
        assert.deepStrictEqual(mocks.ofType("ssm-fleet-baseline:index:EventDrivenRunbook"), []);
        assert.strictEqual(mocks.named("health-sweep-logs").inputs.kmsKeyId, baseArgs.logKeyArn);
    });

    it("with diagnosis on, lets EventBridge start the runbook for marked health events, with exactly its documented permissions", async () => {
        const { mocks } = await build({ diagnose: true });
        assert.deepStrictEqual(JSON.parse(mocks.named("health-diagnosis").inputs.eventPattern), diagnosisPattern());
        const target = mocks.named("health-diagnosis-target").inputs;
        assert.strictEqual(
            target.arn,
            "arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWSSupport-TroubleshootManagedInstance",
        );
        assert.deepStrictEqual(target.inputTransformer.inputPaths, { InstanceId: "$.detail.nodeId" });
        const role = mocks.named("health-diagnosis-automation-role").inputs;
        // The runbook reference's list of permissions for AutomationAssumeRole.
        const [statement] = JSON.parse(role.inlinePolicies[0].policy).Statement;
        assert.strictEqual(statement.Resource, "*");
        assert.deepStrictEqual([...statement.Action].sort(), [
            "ec2:DescribeInstances",
            "ec2:DescribeNetworkAcls",
            "ec2:DescribeRouteTables",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeVpcEndpoints",
            "iam:GetInstanceProfile",
            "iam:ListAttachedRolePolicies",
            "iam:ListRoles",
            "ssm:DescribeAutomationExecutions",
            "ssm:DescribeAutomationStepExecutions",
            "ssm:DescribeInstanceInformation",
            "ssm:DescribeInstanceProperties",
            "ssm:GetAutomationExecution",
            "ssm:GetDocument",
            "ssm:ListDocuments",
            "ssm:StartAutomationExecution",
        ]);
        // One mechanism: the sweep itself starts nothing and passes no role.
        const actions = JSON.parse(mocks.named("health-sweep-policy").inputs.policy).Statement.flatMap((s: any) =>
            [s.Action].flat(),
        );
        assert.ok(!actions.includes("ssm:StartAutomationExecution") && !actions.includes("iam:PassRole"));
        assert.strictEqual(mocks.named("health-sweep").inputs.environment.variables.DIAGNOSE, "true");
    });

    it("routes the diagnoses' completions to the notifier only when diagnosis is on", () => {
        const settings = { ...baseArgs, diagnose: true };
        assert.deepStrictEqual(
            diagnosisRoutes(settings).map(route => route.name),
            ["node-diagnosis"],
        );
        assert.deepStrictEqual(diagnosisRoutes({ ...settings, diagnose: false }), []);
        assert.deepStrictEqual(diagnosisRoutes(undefined), []);
    });

    it("starts the runbook for the events the serialized sweep puts for a lost EC2 node, and for no other", async () => {
        const { mocks } = await build({ diagnose: true });
        const { text } = await archiveOf(mocks, "health-sweep");
        const fleet = new SimulatedFleet();
        const launched = new Date(Date.now() - 86_400_000);
        fleet.addInstance("i-0123456789abcdef0", launched);
        fleet.addInstance("i-0fedcba9876543210", launched);
        fleet.setPing("i-0123456789abcdef0", "ConnectionLost");
        fleet.nodes.set("mi-0123456789abcdef0", { InstanceId: "mi-0123456789abcdef0", PingStatus: "ConnectionLost" });
        const variables = mocks.named("health-sweep").inputs.environment.variables;
        const handler = loadHandler(text, {
            require: fleetRequire(fleet),
            process: { env: { ...variables, AWS_REGION: "eu-west-1" }, stdout: { write: () => true } },
        });
        await handler({}, {});
        await handler({}, {});
        fleet.setPing("i-0123456789abcdef0", "Online");
        await handler({}, {});

        // Events as EventBridge delivers them: the entry's fields in the envelope, the detail parsed.
        const delivered = fleet.events.map(e => ({
            source: e.Source,
            "detail-type": e.DetailType,
            detail: JSON.parse(e.Detail),
        }));
        const started = delivered.filter(event => matchesPattern(diagnosisPattern(), event));
        assert.deepStrictEqual(
            delivered.map(event => [event.detail.nodeId, event.detail.change]),
            [
                ["i-0123456789abcdef0", "unhealthy"],
                ["mi-0123456789abcdef0", "unhealthy"],
                ["i-0123456789abcdef0", "recovered"],
            ],
        );
        assert.strictEqual(started.length, 1);
        const { inputPaths, inputTemplate } = mocks.named("health-diagnosis-target").inputs.inputTransformer;
        assert.deepStrictEqual(JSON.parse(transformInput(inputPaths, inputTemplate, started[0])).InstanceId, [
            "i-0123456789abcdef0",
        ]);
        assert.ok(
            fleet.published[0].Message.includes("Diagnosis: EventBridge starts AWSSupport-TroubleshootManagedInstance"),
        );
        assert.deepStrictEqual(
            JSON.parse(await valueOf(diagnosisRoutes({ ...baseArgs, diagnose: true })[0].eventPattern)),
            automationCompletionPattern("AWSSupport-TroubleshootManagedInstance"),
        );
    });

    it("retries a sweep EventBridge could not start for one period at most, then dead-letters it where an alarm sees it", async () => {
        const { mocks } = await build();
        const target = mocks.named("health-schedule-target").inputs;
        assert.deepStrictEqual(target.retryPolicy, { maximumEventAgeInSeconds: 300, maximumRetryAttempts: 185 });
        assert.deepStrictEqual(target.deadLetterConfig, {
            arn: "arn:aws:sqs:eu-west-1:123456789012:health-schedule-dlq",
        });
        const queue = mocks.named("health-schedule-dlq").inputs;
        assert.deepStrictEqual([queue.kmsMasterKeyId, queue.fifoQueue], [baseArgs.topicKeyArn, undefined]);
        const [allow, tlsOnly] = JSON.parse(mocks.named("health-schedule-dlq-policy").inputs.policy).Statement;
        assert.deepStrictEqual(
            [allow.Principal, allow.Action, allow.Condition],
            [
                { Service: "events.amazonaws.com" },
                "sqs:SendMessage",
                {
                    ArnEquals: {
                        "aws:SourceArn": [
                            "arn:aws:cloudwatch:eu-west-1:123456789012:health-schedule",
                            "arn:aws:cloudwatch:eu-west-1:123456789012:health-causes",
                        ],
                    },
                },
            ],
        );
        assert.deepStrictEqual(tlsOnly.Condition, { Bool: { "aws:SecureTransport": "false" } });
        const alarm = mocks.named("health-schedule-dlq-alarm").inputs;
        assert.deepStrictEqual(
            [alarm.metricName, alarm.dimensions, alarm.alarmActions],
            ["ApproximateNumberOfMessagesVisible", { QueueName: "health-schedule-dlq-1234567" }, [baseArgs.topicArn]],
        );
        // The causes the dashboard's transitions show reach the sweep's Lambda the same way.
        assert.deepStrictEqual(JSON.parse(mocks.named("health-causes").inputs.eventPattern), causeEventPattern());
        assert.deepStrictEqual(mocks.named("health-causes-target").inputs.deadLetterConfig, target.deadLetterConfig);
        const { mocks: everyMinute } = await build({ schedule: "rate(1 minute)" });
        assert.strictEqual(everyMinute.named("health-schedule-target").inputs.retryPolicy.maximumEventAgeInSeconds, 60);
    });

    it("sweeps on the configured schedule without retries, ending before the next sweep", async () => {
        const { mocks } = await build();
        assert.strictEqual(mocks.named("health-schedule").inputs.scheduleExpression, "rate(5 minutes)");
        assert.strictEqual(mocks.named("health-sweep").inputs.timeout, 270);
        assert.strictEqual(mocks.named("health-sweep-async").inputs.maximumRetryAttempts, 0);
        assert.strictEqual(mocks.named("health-schedule-invoke").inputs.principal, "events.amazonaws.com");
        const { mocks: everyMinute } = await build({ schedule: "rate(1 minute)" });
        assert.strictEqual(everyMinute.named("health-schedule").inputs.scheduleExpression, "rate(1 minute)");
        assert.strictEqual(everyMinute.named("health-sweep").inputs.timeout, 60);
    });

    it("alarms when nodes stay unmanaged, and when the sweep fails or stops running", async () => {
        const { mocks } = await build();
        const alarm = (name: string) => mocks.named(`health-${name}`).inputs;
        assert.deepStrictEqual(
            [alarm("unmanaged").namespace, alarm("unmanaged").metricName, alarm("unmanaged").evaluationPeriods],
            ["SsmFleetBaseline/HealthWatch", "NodesUnmanaged", 3],
        );
        assert.deepStrictEqual(
            [
                alarm("sweep-errors").metricName,
                alarm("sweep-errors").comparisonOperator,
                alarm("sweep-errors").threshold,
            ],
            ["Errors", "GreaterThanThreshold", 0],
        );
        const stopped = alarm("sweep-stopped");
        assert.deepStrictEqual(
            [
                stopped.metricName,
                stopped.comparisonOperator,
                stopped.threshold,
                stopped.treatMissingData,
                stopped.period * stopped.evaluationPeriods,
            ],
            ["Invocations", "LessThanThreshold", 1, "breaching", 900],
        );
        for (const name of ["unmanaged", "sweep-errors", "sweep-stopped"]) {
            assert.deepStrictEqual(
                [alarm(name).alarmActions, alarm(name).okActions],
                [[baseArgs.topicArn], [baseArgs.topicArn]],
            );
        }
    });

    it("ships a sweep that, as serialized, pages through a throttling fleet and alerts once after the debounce", async () => {
        const { mocks } = await build();
        const { files, text } = await archiveOf(mocks, "health-sweep");
        assert.deepStrictEqual(files, ["__index.js"]);

        const fleet = new SimulatedFleet();
        const launched = new Date(Date.now() - 86_400_000);
        for (let i = 0; i < 1_120; i++) {
            fleet.addInstance(`i-${String(i).padStart(5, "0")}`, launched);
        }
        fleet.setPing("i-00042", "ConnectionLost");
        fleet.addInstance("i-no-agent", launched, null);
        fleet.throttle.DescribeInstanceInformation = 1;
        fleet.throttle.PutEvents = 1;

        const variables = mocks.named("health-sweep").inputs.environment.variables;
        const written: string[] = [];
        const handler = loadHandler(text, {
            require: fleetRequire(fleet),
            process: {
                env: { ...variables, AWS_REGION: "eu-west-1" },
                stdout: { write: (text: string) => written.push(text) },
            },
        });

        const first = JSON.parse(JSON.stringify(await handler({}, {})));
        assert.deepStrictEqual([first.transitions.length, fleet.published.length], [0, 0]);
        const second = JSON.parse(JSON.stringify(await handler({}, {})));
        assert.deepStrictEqual(
            second.transitions.map((t: any) => [t.nodeId, t.status]),
            [
                ["i-00042", "connection-lost"],
                ["i-no-agent", "never-registered"],
            ],
        );
        assert.strictEqual(fleet.published.length, 1);
        assert.strictEqual(fleet.published[0].TopicArn, variables.TOPIC_ARN);
        assert.strictEqual(fleet.events.length, 2);
        assert.strictEqual(fleet.calls.DescribeInstances, 4, "two pages of 1,000 per sweep");
        assert.strictEqual(
            fleet.calls.DescribeInstanceInformation,
            2 * 23 + 1,
            "23 pages of 50 per sweep, one retried",
        );
        assert.strictEqual(fleet.latestMetrics().NodesUnmanaged, 2);
        // Whole JSON lines on stdout, for CloudWatch Logs to extract the Embedded Metric Format counts from.
        const documents = written.map(text => {
            assert.ok(text.endsWith("\n") && !text.slice(0, -1).includes("\n"), "one line per write");
            return JSON.parse(text);
        });
        const unmanaged = documents
            .filter(d => d.Nodes !== undefined && d.Status !== "online" && d.Status !== "starting")
            .slice(-2)
            .reduce((sum, d) => sum + d.Nodes, 0);
        assert.strictEqual(unmanaged, 2);
        assert.deepStrictEqual(
            documents.filter(d => d.record === "transition").map(d => d.nodeId),
            ["i-00042", "i-no-agent"],
        );
    });
});
