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
import { healthEventDetailType, healthEventSource } from "../../../aws/events";

/**
 * Whether a resource policy explicitly denies a request: a Deny statement whose action and resource
 * cover it and whose conditions (the operators this program uses) hold. What EventBridge's policy
 * evaluation does with the Deny statements of a bus policy, for the keys the health bus uses.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
function deniedByResourcePolicy(
    document: { Statement: any[] },
    request: { principalArn: string; action: string; resource: string },
): boolean {
    const list = (value: unknown) => [value].flat() as string[];
    const glob = (pattern: string, value: string) =>
        new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(value);
    const context: Record<string, string> = { "aws:PrincipalArn": request.principalArn };
    const holds = (condition: Record<string, Record<string, unknown>> = {}) =>
        Object.entries(condition).every(([operator, keys]) =>
            Object.entries(keys).every(([key, values]) => {
                if (operator === "StringNotEquals") {
                    return !list(values).includes(context[key]);
                }
                if (operator === "StringEquals") {
                    return list(values).includes(context[key]);
                }
                throw new Error(`operator ${operator} not modelled`);
            }),
        );
    return document.Statement.some(
        statement =>
            statement.Effect === "Deny" &&
            (statement.Principal === "*" || statement.Principal?.AWS === "*") &&
            list(statement.Action).some(action => glob(action, request.action)) &&
            list(statement.Resource).some(resource => glob(resource, request.resource)) &&
            holds(statement.Condition),
    );
}

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
    diagnosesPerHour: 10,
};
const build = (
    overrides: Partial<
        typeof baseArgs & { diagnose: boolean; watchTopicArn: string; notificationEmails: readonly string[] }
    > = {},
) => underMocks({}, () => new ManagedNodeHealthWatch("health", { diagnose: false, ...baseArgs, ...overrides }));

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
                // The subscription watch reads the topic it publishes to, and no other.
                [["sns:Publish", "sns:ListSubscriptionsByTopic"], baseArgs.topicArn],
                [["kms:GenerateDataKey", "kms:Decrypt"], baseArgs.topicKeyArn],
                // Only the health bus: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
                ["events:PutEvents", "arn:aws:cloudwatch:eu-west-1:123456789012:health-bus"],
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
        assert.strictEqual(mocks.named("health-sweep").inputs.environment.variables.DIAGNOSES_PER_HOUR, "10");
        // One sweep at a time (issue 19, 7): https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
        assert.strictEqual(mocks.named("health-sweep").inputs.reservedConcurrentExecutions, 1);
        assert.deepStrictEqual(mocks.ofType("ssm-fleet-baseline:index:EventDrivenRunbook"), []);
        assert.strictEqual(mocks.named("health-sweep-logs").inputs.kmsKeyId, baseArgs.logKeyArn);
    });

    it("puts the health events on a bus of its own that denies events:PutEvents to every principal but the sweep's role", async () => {
        const { mocks } = await build();
        const bus = mocks.named("health-bus");
        const variables = mocks.named("health-sweep").inputs.environment.variables;
        assert.strictEqual(variables.EVENT_BUS_NAME, bus.outputs.name);
        const policy = mocks.named("health-bus-policy").inputs;
        assert.strictEqual(policy.eventBusName, bus.outputs.name);
        const document = JSON.parse(policy.policy);
        const sweepRole = mocks.named("health-sweep-role").outputs.arn;
        const denied = (principalArn: string, action = "events:PutEvents") =>
            deniedByResourcePolicy(document, { principalArn, action, resource: bus.outputs.arn });
        // Within one account an identity policy's Allow is enough unless a policy explicitly denies
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html),
        // so every other principal, however broad its own policy, must meet an explicit Deny.
        assert.strictEqual(denied(sweepRole), false);
        for (const other of [
            "arn:aws:iam::123456789012:root",
            "arn:aws:iam::123456789012:role/Admin",
            "arn:aws:iam::123456789012:user/ci",
            "arn:aws:iam::123456789012:role/health-notify-role-1234567",
            `${sweepRole}-copy`,
            "arn:aws:iam::210987654321:role/health-sweep-role-1234567",
        ]) {
            assert.strictEqual(denied(other), true, other);
        }
        assert.strictEqual(denied("arn:aws:iam::123456789012:role/Admin", "events:PutRule"), false, "only PutEvents");
        // Nothing here grants: the sweep's own identity policy allows it the bus, and nobody else.
        assert.ok(document.Statement.every((s: any) => s.Effect === "Deny"));
    });

    it("with diagnosis on, lets EventBridge start the runbook for marked health events, with exactly its documented permissions", async () => {
        const { mocks } = await build({ diagnose: true });
        assert.deepStrictEqual(JSON.parse(mocks.named("health-diagnosis").inputs.eventPattern), diagnosisPattern());
        const target = mocks.named("health-diagnosis-target").inputs;
        // Like every other target: retried for an hour, then dead-lettered where the queue's alarm sees it.
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
        assert.deepStrictEqual(target.retryPolicy, { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 185 });
        assert.deepStrictEqual(target.deadLetterConfig, {
            arn: "arn:aws:sqs:eu-west-1:123456789012:health-schedule-dlq",
        });
        const [allow] = JSON.parse(mocks.named("health-schedule-dlq-policy").inputs.policy).Statement;
        assert.ok(allow.Condition.ArnEquals["aws:SourceArn"].includes(mocks.named("health-diagnosis").outputs.arn));
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

    it("has no rule on the default bus that consumes the program's own source", async () => {
        const { mocks } = await build({ diagnose: true });
        const bus = mocks.named("health-bus").outputs.name;
        const healthEvent = { source: healthEventSource, "detail-type": healthEventDetailType, detail: {} };
        const consumers = mocks
            .ofType("aws:cloudwatch/eventRule:EventRule")
            .filter(
                rule =>
                    rule.inputs.eventPattern &&
                    JSON.parse(rule.inputs.eventPattern).source?.includes(healthEventSource),
            );
        assert.deepStrictEqual(
            consumers.map(rule => [rule.name, rule.inputs.eventBusName]),
            [["health-diagnosis", bus]],
        );
        assert.ok(!matchesPattern(JSON.parse(mocks.named("health-causes").inputs.eventPattern), healthEvent));
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
        assert.ok(fleet.events.every(e => e.EventBusName === variables.EVENT_BUS_NAME));
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

    it("alarms through the watch topic when an address of notificationEmails loses its subscription (issue 19, 3)", async () => {
        const watchTopicArn = "arn:aws:sns:eu-west-1:123456789012:watch";
        const emails = ["ops@example.com", "oncall@example.com"];
        const { mocks } = await build({ watchTopicArn, notificationEmails: emails });
        const alarm = mocks.named("health-subscriptions-missing").inputs;
        assert.deepStrictEqual(
            [alarm.namespace, alarm.metricName, alarm.statistic, alarm.comparisonOperator, alarm.threshold],
            ["SsmFleetBaseline/HealthWatch", "NotificationSubscriptionsMissing", "Maximum", "GreaterThanThreshold", 0],
        );
        // The second path only: the main topic is the one that lost a reader.
        assert.deepStrictEqual([alarm.alarmActions, alarm.okActions], [[watchTopicArn], [watchTopicArn]]);

        // The serialized sweep, with one address unsubscribed and one not yet confirmed.
        const { text } = await archiveOf(mocks, "health-sweep");
        const fleet = new SimulatedFleet();
        fleet.subscriptions = [{ SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: emails[0] }];
        const variables = mocks.named("health-sweep").inputs.environment.variables;
        assert.deepStrictEqual(JSON.parse(variables.NOTIFICATION_EMAILS), emails);
        const written: string[] = [];
        const handler = loadHandler(text, {
            require: fleetRequire(fleet),
            process: {
                env: { ...variables, AWS_REGION: "eu-west-1" },
                stdout: { write: (t: string) => written.push(t) },
            },
        });
        await handler({}, {});
        // In the sweep's one PutMetricData request, beside its node counts.
        assert.strictEqual(fleet.calls.PutMetricData, 1);
        assert.ok(
            fleet.latestMetrics().NotificationSubscriptionsMissing > alarm.threshold,
            "the alarm's metric breaches",
        );
        const record = written.map(line => JSON.parse(line)).find(line => line.record === "subscriptions");
        assert.deepStrictEqual(record, {
            record: "subscriptions",
            confirmed: [],
            pending: ["ops@example.com"],
            missing: ["oncall@example.com"],
        });
        assert.strictEqual(fleet.latestMetrics().NodesOnline, 0);
    });
});
