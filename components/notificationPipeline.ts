import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import { partitionOf } from "../aws/partition";
import { notifyEvent } from "../handlers/notification";
import { LeastPrivilegeFunction } from "./leastPrivilegeFunction";
import { denyInsecureTransport, policyDocument } from "./policyDocuments";

/** EventBridge's maxima: keep retrying a target for 24 hours, up to 185 times (aws-facts §3.4). */
export const targetRetryPolicy = { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 };

export interface NotificationRoute {
    readonly description: string;
    /** An EventBridge event pattern as JSON. */
    readonly eventPattern: pulumi.Input<string>;
}

export interface NotificationPipelineArgs {
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    readonly emails: readonly string[];
    /** EventBridge rules that feed the notifier, by a short name used in resource names. */
    readonly routes: Record<string, NotificationRoute>;
}

function shortHash(text: string): string {
    return crypto.createHash("sha1").update(text).digest("hex").substring(0, 8);
}

/**
 * EventBridge rules -> Lambda (an inline CallbackFunction that formats a readable e-mail) -> SNS
 * topic (KMS-encrypted) -> e-mail subscriptions. Nothing is dropped: EventBridge retries each
 * target for a day and then dead-letters it; the Lambda rethrows failed publishes, Lambda retries
 * asynchronous invocations and then sends them to the same encrypted dead-letter queue; an
 * alarm on that queue notifies the topic.
 */
export class NotificationPipeline extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;
    /** The KMS key that encrypts the topic: publishers need to use it. */
    public readonly topicKeyArn: pulumi.Output<string>;
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    public readonly handlerName: pulumi.Output<string>;

    constructor(name: string, args: NotificationPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:NotificationPipeline", name, {}, opts);
        const child = { parent: this };
        const partition = partitionOf(args.region);
        const sourceAccount = { StringEquals: { "aws:SourceAccount": args.accountId } };

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: "Encrypts the SSM baseline's notification topic and dead-letter queue",
                enableKeyRotation: true,
                policy: policyDocument([
                    {
                        Sid: "AccountAdministers",
                        Effect: "Allow",
                        Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${args.accountId}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    // CloudWatch alarms publish to the encrypted topic; their KMS requests carry aws:SourceAccount.
                    {
                        Sid: "CloudWatchAlarmsPublish",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                        Resource: "*",
                        Condition: sourceAccount,
                    },
                    // EventBridge dead-letters into the encrypted queue. Its delivery requests do not carry the
                    // aws:Source* keys, so a condition here would drop dead letters silently; the queue policy
                    // limits the writers to this stack's rules instead.
                    {
                        Sid: "EventBridgeDeadLetters",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                        Resource: "*",
                    },
                ]),
            },
            child,
        );
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            { kmsMasterKeyId: key.arn, displayName: "SSM fleet baseline" },
            child,
        );
        for (const email of args.emails) {
            new aws.sns.TopicSubscription(
                `${name}-email-${shortHash(email)}`,
                { topic: topic.arn, protocol: "email", endpoint: email },
                child,
            );
        }
        const deadLetterQueue = new aws.sqs.Queue(
            `${name}-dlq`,
            {
                kmsMasterKeyId: key.arn,
                messageRetentionSeconds: 14 * 24 * 3600,
            },
            child,
        );

        const handler = new LeastPrivilegeFunction(
            `${name}-handler`,
            {
                description: "Formats SSM and Config events as e-mails and publishes them to SNS",
                statements: [
                    { Effect: "Allow", Action: "sns:Publish", Resource: topic.arn },
                    { Effect: "Allow", Action: "sqs:SendMessage", Resource: deadLetterQueue.arn },
                    { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key.arn },
                ],
                environment: { TOPIC_ARN: topic.arn },
                memorySize: 256,
                timeout: 30,
                maximumRetryAttempts: 2,
                onFailureDestinationArn: deadLetterQueue.arn,
                callbackFactory: () => {
                    // Required here, not imported: the Lambda runtime provides SDK v3, so the archive holds only our code.
                    const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");
                    const client = new SNSClient({});
                    const topicArn = process.env.TOPIC_ARN;
                    return async (event: unknown) => {
                        if (!topicArn) {
                            throw new Error(
                                "TOPIC_ARN is not set; the event is left to Lambda's retries and the dead-letter queue",
                            );
                        }
                        await notifyEvent(event, notification =>
                            client.send(
                                new PublishCommand({
                                    TopicArn: topicArn,
                                    Subject: notification.subject,
                                    Message: notification.message,
                                }),
                            ),
                        );
                    };
                },
            },
            child,
        );

        const ruleArns: pulumi.Output<string>[] = [];
        for (const [route, { description, eventPattern }] of Object.entries(args.routes)) {
            const rule = new aws.cloudwatch.EventRule(`${name}-${route}`, { description, eventPattern }, child);
            new aws.lambda.Permission(
                `${name}-${route}-invoke`,
                {
                    action: "lambda:InvokeFunction",
                    function: handler.functionName,
                    principal: "events.amazonaws.com",
                    sourceArn: rule.arn,
                },
                child,
            );
            new aws.cloudwatch.EventTarget(
                `${name}-${route}-target`,
                {
                    rule: rule.name,
                    arn: handler.functionArn,
                    retryPolicy: targetRetryPolicy,
                    deadLetterConfig: { arn: deadLetterQueue.arn },
                },
                child,
            );
            ruleArns.push(rule.arn);
        }
        new aws.sqs.QueuePolicy(
            `${name}-dlq-policy`,
            {
                queueUrl: deadLetterQueue.url,
                policy: policyDocument([
                    {
                        Sid: "EventBridgeDeadLetters",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: "sqs:SendMessage",
                        Resource: deadLetterQueue.arn,
                        Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
                    },
                    denyInsecureTransport("sqs:*", [deadLetterQueue.arn]),
                ]),
            },
            child,
        );
        new aws.cloudwatch.MetricAlarm(
            `${name}-dlq-alarm`,
            {
                alarmDescription: "Notifications are waiting in the dead-letter queue: they were not delivered",
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: deadLetterQueue.name },
                statistic: "Maximum",
                period: 300,
                evaluationPeriods: 1,
                threshold: 0,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [topic.arn],
            },
            child,
        );

        this.topicArn = topic.arn;
        this.topicKeyArn = key.arn;
        this.deadLetterQueueUrl = deadLetterQueue.url;
        this.handlerName = handler.functionName;
        this.registerOutputs({
            topicArn: this.topicArn,
            topicKeyArn: this.topicKeyArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            handlerName: this.handlerName,
        });
    }
}
