// Delivery facts: EventBridge retries a target for at most 24 hours and 185 times, and its dead-letter
// queue needs a policy for events.amazonaws.com on the rule ARN
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html); a Lambda target needs
// a resource-based permission; a CallbackFunction without a role gets FullAccess policies; CloudWatch
// alarms and EventBridge can use only a customer-managed key
// (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
import * as assert from "assert";
import { ManagedNodeHealthWatch } from "../../../components/healthWatch/managedNodeHealthWatch";
import { NotificationPipeline } from "../../../components/notifications/notificationPipeline";
import { TamperWatch } from "../../../components/tamperWatch/tamperWatch";
import { standInAccountId } from "../../../harness/standIns";
import { underMocks, valueOf } from "../../support/program";

const build = () =>
    underMocks(
        {},
        () =>
            new NotificationPipeline("notify", {
                region: "eu-west-1",
                accountId: standInAccountId,
                emails: ["ops@example.com", "oncall@example.com"],
                logKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
                routes: [
                    { name: "first", description: "first route", eventPattern: '{"source":["aws.ssm"]}' },
                    { name: "second", description: "second route", eventPattern: '{"source":["aws.config"]}' },
                ],
            }),
    );

describe("notification pipeline", () => {
    it("subscribes every address by e-mail to a topic encrypted with its own rotating key", async () => {
        const { mocks, result } = await build();
        assert.strictEqual(
            mocks.named("notify-topic").inputs.kmsMasterKeyId,
            "arn:aws:kms:eu-west-1:123456789012:notify-key",
        );
        assert.strictEqual(mocks.named("notify-key").inputs.enableKeyRotation, true);
        const subscriptions = mocks.ofType("aws:sns/topicSubscription:TopicSubscription").map(s => s.inputs);
        assert.deepStrictEqual(
            subscriptions.map(s => [s.protocol, s.endpoint, s.topic]),
            [
                ["email", "ops@example.com", "arn:aws:sns:eu-west-1:123456789012:notify-topic"],
                ["email", "oncall@example.com", "arn:aws:sns:eu-west-1:123456789012:notify-topic"],
                // The watch topic's, the second path (issue 19, 1).
                ["email", "ops@example.com", "arn:aws:sns:eu-west-1:123456789012:notify-watch-topic"],
                ["email", "oncall@example.com", "arn:aws:sns:eu-west-1:123456789012:notify-watch-topic"],
            ],
        );
        assert.strictEqual(await valueOf(result.topicArn), "arn:aws:sns:eu-west-1:123456789012:notify-topic");
    });

    // Key statements: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    // (aws:SourceAccount and aws:SourceArn for an AWS service publishing to an encrypted topic) and
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted
    // (EventBridge to an encrypted queue: kms:Decrypt and kms:GenerateDataKey, no condition documented).
    it("lets this account's CloudWatch alarms and EventBridge use the key for delivery besides its administrators", async () => {
        const { mocks } = await build();
        const [admin, alarms, eventBridge] = JSON.parse(mocks.named("notify-key").inputs.policy).Statement;
        assert.deepStrictEqual(admin.Principal, { AWS: `arn:aws:iam::${standInAccountId}:root` });
        assert.deepStrictEqual(
            [alarms.Principal, alarms.Action, alarms.Condition],
            [
                { Service: "cloudwatch.amazonaws.com" },
                ["kms:GenerateDataKey*", "kms:Decrypt"],
                {
                    StringEquals: { "aws:SourceAccount": standInAccountId },
                    ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:eu-west-1:${standInAccountId}:alarm:*` },
                },
            ],
        );
        // Unconfirmed that EventBridge's delivery carries aws:Source* to KMS: a condition could drop dead letters.
        assert.deepStrictEqual(
            [eventBridge.Principal, eventBridge.Action, eventBridge.Condition],
            [{ Service: "events.amazonaws.com" }, ["kms:GenerateDataKey", "kms:Decrypt"], undefined],
        );
    });

    it("runs an inline handler on nodejs22.x with its own least-privilege role, never the FullAccess defaults", async () => {
        const { mocks } = await build();
        const handler = mocks.named("notify-handler").inputs;
        assert.strictEqual(handler.runtime, "nodejs22.x");
        assert.strictEqual(handler.handler, "__index.handler");
        assert.strictEqual(handler.role, "arn:aws:iam::123456789012:role/notify-handler-role-1234567");
        assert.strictEqual(handler.environment.variables.TOPIC_ARN, "arn:aws:sns:eu-west-1:123456789012:notify-topic");
        assert.deepStrictEqual(
            mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
            [],
            "no managed policy is attached",
        );
        assert.deepStrictEqual(
            JSON.parse(mocks.named("notify-handler-role").inputs.assumeRolePolicy).Statement[0].Principal,
            { Service: "lambda.amazonaws.com" },
        );
        const statements = JSON.parse(mocks.named("notify-handler-policy").inputs.policy).Statement;
        assert.deepStrictEqual(
            statements.map((s: any) => [s.Action, s.Resource]),
            [
                ["sns:Publish", "arn:aws:sns:eu-west-1:123456789012:notify-topic"],
                ["sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:notify-dlq"],
                [["kms:GenerateDataKey", "kms:Decrypt"], "arn:aws:kms:eu-west-1:123456789012:notify-key"],
                [
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "arn:aws:cloudwatch:eu-west-1:123456789012:notify-handler-logs:*",
                ],
            ],
        );
        assert.strictEqual(
            handler.loggingConfig.logGroup,
            mocks.named("notify-handler-logs").inputs.name ?? "notify-handler-logs-1234567",
        );
        assert.strictEqual(
            mocks.named("notify-handler-logs").inputs.kmsKeyId,
            "arn:aws:kms:eu-west-1:123456789012:key/logs",
            "the log group is encrypted with the stack's log key",
        );
    });

    it("routes each rule to the handler with maximal retries, a dead-letter queue and an invoke permission for that rule", async () => {
        const { mocks } = await build();
        for (const route of ["first", "second"]) {
            const rule = mocks.named(`notify-${route}`).inputs;
            assert.strictEqual(rule.description, `${route} route`);
            const target = mocks.named(`notify-${route}-target`).inputs;
            assert.strictEqual(target.arn, "arn:aws:lambda:eu-west-1:123456789012:notify-handler");
            assert.deepStrictEqual(target.retryPolicy, { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 });
            assert.deepStrictEqual(target.deadLetterConfig, { arn: "arn:aws:sqs:eu-west-1:123456789012:notify-dlq" });
            const permission = mocks.named(`notify-${route}-invoke`).inputs;
            assert.deepStrictEqual(
                [permission.action, permission.principal, permission.sourceArn],
                [
                    "lambda:InvokeFunction",
                    "events.amazonaws.com",
                    `arn:aws:cloudwatch:eu-west-1:123456789012:notify-${route}`,
                ],
            );
        }
    });

    it("sends the handler's failed asynchronous invocations to the same dead-letter queue", async () => {
        const { mocks } = await build();
        const asyncConfig = mocks.named("notify-handler-async").inputs;
        assert.strictEqual(asyncConfig.maximumRetryAttempts, 2);
        assert.deepStrictEqual(asyncConfig.destinationConfig, {
            onFailure: { destination: "arn:aws:sqs:eu-west-1:123456789012:notify-dlq" },
        });
    });

    it("keeps an encrypted standard queue that only these rules may dead-letter into, over TLS", async () => {
        const { mocks, result } = await build();
        const queue = mocks.named("notify-dlq").inputs;
        assert.strictEqual(queue.kmsMasterKeyId, "arn:aws:kms:eu-west-1:123456789012:notify-key");
        assert.notStrictEqual(queue.fifoQueue, true, "EventBridge dead-letter queues must be standard queues");
        assert.strictEqual(queue.messageRetentionSeconds, 1209600);
        const [allow, denyPlain] = JSON.parse(mocks.named("notify-dlq-policy").inputs.policy).Statement;
        assert.deepStrictEqual(allow.Principal, { Service: "events.amazonaws.com" });
        assert.strictEqual(allow.Action, "sqs:SendMessage");
        assert.deepStrictEqual(allow.Condition, {
            ArnEquals: {
                "aws:SourceArn": [
                    "arn:aws:cloudwatch:eu-west-1:123456789012:notify-first",
                    "arn:aws:cloudwatch:eu-west-1:123456789012:notify-second",
                ],
            },
        });
        assert.deepStrictEqual(denyPlain.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.strictEqual(
            await valueOf(result.deadLetterQueueUrl),
            "https://sqs.eu-west-1.amazonaws.com/123456789012/notify-dlq-1234567",
        );
        // driver/redrive.ts re-delivers what waits there by invoking the notifier.
        assert.strictEqual(await valueOf(result.notifierFunctionName), "notify-handler-1234567");
    });

    it("alarms to the topic and the watch topic as soon as anything waits in the dead-letter queue", async () => {
        const { mocks } = await build();
        const alarm = mocks.named("notify-dlq-alarm").inputs;
        assert.deepStrictEqual(
            [alarm.namespace, alarm.metricName, alarm.dimensions],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: "notify-dlq-1234567" }],
        );
        assert.deepStrictEqual([alarm.comparisonOperator, alarm.threshold], ["GreaterThanThreshold", 0]);
        assert.deepStrictEqual(alarm.alarmActions, [
            "arn:aws:sns:eu-west-1:123456789012:notify-topic",
            "arn:aws:sns:eu-west-1:123456789012:notify-watch-topic",
        ]);
    });

    it("admits exactly its publishers to the topic: the stack's Lambdas and this account's alarms (issue 19, 11)", async () => {
        const sweepRole = "arn:aws:iam::123456789012:role/health-sweep-role";
        const { mocks } = await underMocks({}, () => {
            const pipeline = new NotificationPipeline("notify", {
                region: "eu-west-1",
                accountId: standInAccountId,
                emails: ["ops@example.com"],
                logKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
                routes: [],
            });
            pipeline.writeTopicPolicy([sweepRole]);
            return pipeline;
        });
        const policy = mocks.named("notify-topic-policy").inputs;
        assert.strictEqual(policy.arn, "arn:aws:sns:eu-west-1:123456789012:notify-topic");
        const statements = Object.fromEntries(JSON.parse(policy.policy).Statement.map((s: any) => [s.Sid, s]));
        const notifierRole = mocks.named("notify-handler-role").outputs.arn;
        assert.deepStrictEqual(statements.StackPublishers.Principal, { AWS: [notifierRole, sweepRole] });
        assert.ok(!statements.AccountManages.Action.includes("sns:Publish"));
        assert.deepStrictEqual(statements.CloudWatchAlarmsPublish.Condition, {
            StringEquals: { "aws:SourceAccount": standInAccountId },
            ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:eu-west-1:${standInAccountId}:alarm:*` },
        });
        // Anyone else's Publish is denied, whatever their IAM policies allow; AWS services pass to the Allow above.
        assert.deepStrictEqual(
            [statements.OnlyStackPublishers.Effect, statements.OnlyStackPublishers.Condition],
            [
                "Deny",
                {
                    StringNotEquals: { "aws:PrincipalArn": [notifierRole, sweepRole] },
                    Bool: { "aws:PrincipalIsAWSService": "false" },
                },
            ],
        );
    });

    describe("two independent paths to a person (issue 19, 1)", () => {
        const emails = ["ops@example.com", "oncall@example.com"];
        /** The pipeline, the health watch and the tamper watch together, as index.ts wires them. */
        const buildBoth = () =>
            underMocks({}, () => {
                const pipeline = new NotificationPipeline("notify", {
                    region: "eu-west-1",
                    accountId: standInAccountId,
                    emails,
                    logKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
                    routes: [{ name: "first", description: "first route", eventPattern: '{"source":["aws.ssm"]}' }],
                });
                new ManagedNodeHealthWatch("health", {
                    region: "eu-west-1",
                    accountId: standInAccountId,
                    schedule: "rate(5 minutes)",
                    graceMinutes: 15,
                    debounceSweeps: 2,
                    excludeTagKey: "ssm-fleet-baseline:unwatched",
                    diagnose: false,
                    diagnosesPerHour: 10,
                    topicArn: pipeline.topicArn,
                    topicKeyArn: pipeline.topicKeyArn,
                    watchTopicArn: pipeline.watchTopicArn,
                    logKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
                });
                new TamperWatch("tamper", {
                    region: "eu-west-1",
                    deployerArns: [],
                    accountId: standInAccountId,
                    watchTopicArn: pipeline.watchTopicArn,
                });
                return pipeline;
            });

        /** The alarms that watch the watcher: each must reach a person with the notification topic or its key broken. */
        const watcherAlarms = [
            "notify-dlq-alarm",
            "notify-delivery-failures",
            "notify-topic-failures",
            "health-schedule-dlq-alarm",
            "health-sweep-errors",
            "health-sweep-stopped",
            "tamper-blind",
        ];

        it("alarm on dropped dead letters and failed deliveries, from the metrics AWS names", async () => {
            const { mocks } = await buildBoth();
            const metric = (name: string) => {
                const inputs = mocks.named(name).inputs;
                return [inputs.namespace, inputs.metricName, inputs.statistic, Object.keys(inputs.dimensions)];
            };
            assert.deepStrictEqual(metric("notify-delivery-failures"), [
                "AWS/Lambda",
                "DestinationDeliveryFailures",
                "Sum",
                ["FunctionName"],
            ]);
            assert.deepStrictEqual(metric("notify-topic-failures"), [
                "AWS/SNS",
                "NumberOfNotificationsFailed",
                "Sum",
                ["TopicName"],
            ]);
        });

        it("still reach every address when the notification key is disabled and its topic deleted", async () => {
            const { mocks } = await buildBoth();
            const broken = {
                keys: new Set(["arn:aws:kms:eu-west-1:123456789012:notify-key"]),
                topics: new Set(["arn:aws:sns:eu-west-1:123456789012:notify-topic"]),
            };
            const topics = mocks.ofType("aws:sns/topic:Topic");
            const keyPolicies = new Map(
                mocks
                    .ofType("aws:kms/key:Key")
                    .map(k => [`arn:aws:kms:eu-west-1:123456789012:${k.name}`, k.inputs.policy]),
            );
            const subscriptions = mocks.ofType("aws:sns/topicSubscription:TopicSubscription").map(s => s.inputs);
            for (const name of watcherAlarms) {
                const actions: string[] = mocks.named(name).inputs.alarmActions;
                const working = actions.filter(arn => {
                    const topic = topics.find(t => `arn:aws:sns:eu-west-1:123456789012:${t.name}` === arn);
                    const key = topic?.inputs.kmsMasterKeyId;
                    if (!topic || broken.topics.has(arn) || broken.keys.has(key)) {
                        return false;
                    }
                    // CloudWatch must be allowed to use the surviving topic's key, which must not be AWS-managed.
                    const statements = JSON.parse(keyPolicies.get(key) ?? '{"Statement":[]}').Statement;
                    const cloudWatch = statements.some(
                        (st: any) => st.Principal?.Service === "cloudwatch.amazonaws.com" && st.Effect === "Allow",
                    );
                    const reached = emails.every(email =>
                        subscriptions.some(
                            sub => sub.topic === arn && sub.endpoint === email && sub.protocol === "email",
                        ),
                    );
                    return cloudWatch && reached;
                });
                assert.ok(
                    working.length > 0,
                    `${name} is heard with the notification key and topic broken: ${actions}`,
                );
            }
            assert.notStrictEqual(
                mocks.named("notify-watch-topic").inputs.kmsMasterKeyId,
                mocks.named("notify-topic").inputs.kmsMasterKeyId,
            );
        });
    });
});
