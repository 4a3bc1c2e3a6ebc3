import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import { alarm } from "../parts/alarm";
import { deadLetterQueue, deadLetterQueuePolicy } from "../parts/deadLetterQueue";
import { environmentVariables } from "../parts/lambda/environment";
import { LeastPrivilegeFunction } from "../parts/leastPrivilegeFunction";
import { NotificationRoute } from "../parts/notificationRoute";
import { partitionOf } from "../../aws/partition";
import { accountAdministersKey, denyInsecureTransport, policyDocument, Statement } from "../parts/policyDocuments";
import { ruleInvokesFunction } from "../parts/ruleInvokesFunction";
import { createNotifierHandler, notifierEnvironment } from "./lambda/notifierLambda";
import { serializeTamperContext, TamperContext } from "../parts/lambda/tamperContext";

/**
 * EventBridge's maxima: keep retrying a target for 24 hours, up to 185 times.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
 */
const targetRetryPolicy = { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 };

/** What stack configuration decides. */
export interface NotificationPipelineSettings {
    readonly region: string;
    readonly emails: readonly string[];
}

export interface NotificationPipelineArgs extends NotificationPipelineSettings {
    readonly accountId: pulumi.Input<string>;
    readonly routes: readonly NotificationRoute[];
    /** The key that encrypts the handler's log group. */
    readonly logKeyArn: pulumi.Input<string>;
    /**
     * The tamper watch's context for the notifier (components/parts/lambda/tamperContext.ts). The
     * pipeline adds its own keys to the watched resources: their ids exist only once it creates them.
     */
    readonly tamperContext?: pulumi.Input<TamperContext>;
}

/**
 * EventBridge rules -> Lambda (an inline CallbackFunction that formats a readable e-mail) -> SNS
 * topic (KMS-encrypted) -> e-mail subscriptions. Nothing is dropped: EventBridge retries each
 * target for a day and then dead-letters it; the Lambda rethrows failed publishes, Lambda retries
 * asynchronous invocations and then sends them to the same encrypted dead-letter queue; an
 * alarm on that queue notifies the topic. A second path to a person, the watch topic under a key
 * of its own with the same addresses, hears the alarms about this path itself (the queue, Lambda
 * failing to write to it, the topic failing to deliver), so that they are heard when the topic or
 * its key is broken.
 */
export class NotificationPipeline extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;
    /** The KMS key that encrypts the topic: publishers need to use it. */
    public readonly topicKeyArn: pulumi.Output<string>;
    /** The watch topic: the second path, for alarms about the notification path (see AlarmArgs). */
    public readonly watchTopicArn: pulumi.Output<string>;
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    /** The notifier Lambda's name: driver/redrive.ts re-delivers dead letters by invoking it. */
    public readonly notifierFunctionName: pulumi.Output<string>;
    /** What the fleet dashboard draws of the pipeline's health. */
    public readonly notifierLogGroupName: pulumi.Output<string>;
    public readonly deadLetterQueueName: pulumi.Output<string>;
    public readonly topicName: pulumi.Output<string>;
    public readonly ruleNames: pulumi.Output<string>[];
    public readonly alarmArns: pulumi.Output<string>[];
    private readonly topic: aws.sns.Topic;
    private readonly notifierRoleArn: pulumi.Output<string>;
    private readonly args: NotificationPipelineArgs;
    private readonly name: string;
    private readonly ownUrn: pulumi.Output<string>;
    private static readonly type = "ssm-fleet-baseline:index:NotificationPipeline";

    constructor(name: string, args: NotificationPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NotificationPipeline.type, name, {}, opts);
        // Not this.urn: an input from it makes the handler depend on the component, and so on all of
        // its children, the handler included (a cycle; the program hangs).
        this.ownUrn = pulumi.createUrn(name, NotificationPipeline.type, opts?.parent);

        const key = this.encryptionKey(name, args);
        const topic = this.encryptedTopic(`${name}-topic`, `${name}-email`, "SSM fleet baseline", args.emails, key);
        const watchKey = this.watchKey(name, args);
        const watchTopic = this.encryptedTopic(
            `${name}-watch-topic`,
            `${name}-watch-email`,
            "SSM fleet baseline watch",
            args.emails,
            watchKey,
        );
        const { queue: deadLetterQueue, alarm: deadLetterAlarm } = this.deadLetterQueue(name, key, topic, watchTopic);
        const handler = this.handler(name, topic, deadLetterQueue, [key, watchKey], args);
        const watchAlarms = this.watchAlarms(name, handler, topic, watchTopic);
        const rules = args.routes.map(route =>
            ruleInvokesFunction(
                `${name}-${route.name}`,
                {
                    rule: { description: route.description, eventPattern: route.eventPattern },
                    functionName: handler.functionName,
                    functionArn: handler.functionArn,
                    retryPolicy: targetRetryPolicy,
                    deadLetterQueueArn: deadLetterQueue.arn,
                },
                this,
            ),
        );
        deadLetterQueuePolicy(
            `${name}-dlq`,
            deadLetterQueue,
            rules.map(rule => rule.arn),
            this,
        );

        this.topic = topic;
        this.notifierRoleArn = handler.roleArn;
        this.args = args;
        this.name = name;
        this.topicArn = topic.arn;
        this.topicKeyArn = key.arn;
        this.watchTopicArn = watchTopic.arn;
        this.deadLetterQueueUrl = deadLetterQueue.url;
        this.notifierFunctionName = handler.functionName;
        this.notifierLogGroupName = handler.logGroupName;
        this.deadLetterQueueName = deadLetterQueue.name;
        this.topicName = topic.name;
        this.ruleNames = rules.map(rule => rule.name);
        this.alarmArns = [deadLetterAlarm.arn, ...watchAlarms.map(a => a.arn)];
        this.registerOutputs({
            topicArn: this.topicArn,
            topicKeyArn: this.topicKeyArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            notifierFunctionName: this.notifierFunctionName,
        });
    }

    /** The customer-managed key of the topic and the queue, usable by the services that write to them. */
    private encryptionKey(name: string, args: NotificationPipelineArgs): aws.kms.Key {
        return new aws.kms.Key(
            `${name}-key`,
            {
                description: "Encrypts the SSM baseline's notification topic and dead-letter queue",
                enableKeyRotation: true,
                policy: policyDocument([
                    accountAdministersKey(args.region, args.accountId),
                    cloudWatchAlarmsPublish(args.region, args.accountId),
                    // EventBridge dead-letters into the encrypted queues (this pipeline's and the health
                    // watch's). AWS documents this statement with exactly these two actions and no condition
                    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted,
                    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#compatibility-with-aws-services).
                    // Unconfirmed that the KMS requests SQS makes for EventBridge carry aws:SourceArn or
                    // aws:SourceAccount, and a condition on a key they lack would drop every dead letter
                    // silently; so the queue policies bind the writers to this stack's rules (aws:SourceArn,
                    // eb-rule-dlq.html) and this statement stays as documented.
                    {
                        Sid: "EventBridgeDeadLetters",
                        Effect: "Allow",
                        Principal: { Service: "events.amazonaws.com" },
                        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                        Resource: "*",
                    },
                ]),
            },
            { parent: this },
        );
    }

    /**
     * The topic's policy, admitting exactly its publishers: the notifier, the roles given (the
     * health sweep's), and CloudWatch alarms of this account (aws:SourceAccount, aws:SourceArn, as
     * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html shows for service
     * principals). Anyone else in the account is denied Publish, whatever their IAM policies say; the
     * account keeps managing and subscribing. index.ts calls it once the publishers are built.
     */
    writeTopicPolicy(otherPublisherRoleArns: pulumi.Input<string>[]): aws.sns.TopicPolicy {
        const partition = partitionOf(this.args.region);
        const publishers = [this.notifierRoleArn, ...otherPublisherRoleArns];
        return new aws.sns.TopicPolicy(
            `${this.name}-topic-policy`,
            {
                arn: this.topic.arn,
                policy: policyDocument([
                    {
                        Sid: "AccountManages",
                        Effect: "Allow",
                        Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${this.args.accountId}:root` },
                        Action: [
                            "sns:GetTopicAttributes",
                            "sns:SetTopicAttributes",
                            "sns:AddPermission",
                            "sns:RemovePermission",
                            "sns:DeleteTopic",
                            "sns:Subscribe",
                            "sns:ListSubscriptionsByTopic",
                        ],
                        Resource: this.topic.arn,
                    },
                    {
                        Sid: "StackPublishers",
                        Effect: "Allow",
                        Principal: { AWS: publishers },
                        Action: "sns:Publish",
                        Resource: this.topic.arn,
                    },
                    {
                        Sid: "CloudWatchAlarmsPublish",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: "sns:Publish",
                        Resource: this.topic.arn,
                        Condition: fromThisAccountsAlarms(this.args.region, this.args.accountId),
                    },
                    {
                        Sid: "OnlyStackPublishers",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "sns:Publish",
                        Resource: this.topic.arn,
                        Condition: {
                            StringNotEquals: { "aws:PrincipalArn": publishers },
                            Bool: { "aws:PrincipalIsAWSService": "false" },
                        },
                    },
                    denyInsecureTransport("sns:Publish", [this.topic.arn]),
                ]),
            },
            { parent: this },
        );
    }

    /**
     * The watch topic's key: nothing but CloudWatch alarms uses it, and nothing of the notification
     * key's fate (disabled, pending deletion, its policy edited) reaches it. It is customer-managed
     * because CloudWatch cannot use the AWS-managed alias/aws/sns key, whose policy cannot be edited
     * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
     */
    private watchKey(name: string, args: NotificationPipelineArgs): aws.kms.Key {
        return new aws.kms.Key(
            `${name}-watch-key`,
            {
                description: "Encrypts the SSM baseline's watch topic: alarms about the notification path",
                enableKeyRotation: true,
                policy: policyDocument([
                    accountAdministersKey(args.region, args.accountId),
                    cloudWatchAlarmsPublish(args.region, args.accountId),
                ]),
            },
            { parent: this },
        );
    }

    /** An encrypted topic with one e-mail subscription per address, each named by a hash of the address. */
    private encryptedTopic(
        topicName: string,
        subscriptionPrefix: string,
        displayName: string,
        emails: readonly string[],
        key: aws.kms.Key,
    ): aws.sns.Topic {
        const topic = new aws.sns.Topic(topicName, { kmsMasterKeyId: key.arn, displayName }, { parent: this });
        for (const email of emails) {
            const hash = crypto.createHash("sha1").update(email).digest("hex").substring(0, 8);
            new aws.sns.TopicSubscription(
                `${subscriptionPrefix}-${hash}`,
                { topic: topic.arn, protocol: "email", endpoint: email },
                { parent: this },
            );
        }
        return topic;
    }

    /**
     * Alarms on the path failing where no queue shows it, to the watch topic only: Lambda could not
     * write a failed event to the dead-letter queue (its key broken: the event is dropped), and SNS
     * failed to deliver what was published. Metrics:
     * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html (DestinationDeliveryFailures),
     * https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html (NumberOfNotificationsFailed).
     */
    private watchAlarms(
        name: string,
        handler: LeastPrivilegeFunction<unknown, void>,
        topic: aws.sns.Topic,
        watchTopic: aws.sns.Topic,
    ): aws.cloudwatch.MetricAlarm[] {
        const toWatch = { period: 300, evaluationPeriods: 1, topicArn: watchTopic.arn, notifyOnRecovery: true };
        return [
            alarm(
                `${name}-delivery-failures`,
                {
                    ...toWatch,
                    description:
                        "The notifier could not write failed events to its dead-letter queue: they were dropped",
                    metric: {
                        namespace: "AWS/Lambda",
                        metricName: "DestinationDeliveryFailures",
                        dimensions: { FunctionName: handler.functionName },
                        statistic: "Sum",
                    },
                },
                this,
            ),
            alarm(
                `${name}-topic-failures`,
                {
                    ...toWatch,
                    description: "The notification topic failed to deliver e-mails",
                    metric: {
                        namespace: "AWS/SNS",
                        metricName: "NumberOfNotificationsFailed",
                        dimensions: { TopicName: topic.name },
                        statistic: "Sum",
                    },
                },
                this,
            ),
        ];
    }

    private handler(
        name: string,
        topic: aws.sns.Topic,
        deadLetterQueue: aws.sqs.Queue,
        [key, watchKey]: [aws.kms.Key, aws.kms.Key],
        args: NotificationPipelineArgs,
    ): LeastPrivilegeFunction<unknown, void> {
        return new LeastPrivilegeFunction(
            `${name}-handler`,
            {
                description: "Formats SSM and Config events as e-mails and publishes them to SNS",
                statements: [
                    { Effect: "Allow", Action: "sns:Publish", Resource: topic.arn },
                    { Effect: "Allow", Action: "sqs:SendMessage", Resource: deadLetterQueue.arn },
                    { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key.arn },
                    // The tamper mail's count of nodes relying on DHMC. GetMetricData has no resource type and no
                    // condition key (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
                    ...(args.tamperContext
                        ? [{ Effect: "Allow" as const, Action: "cloudwatch:GetMetricData", Resource: "*" }]
                        : []),
                ],
                environment: environmentVariables(notifierEnvironment, {
                    topicArn: topic.arn,
                    tamperContext: args.tamperContext
                        ? pulumi
                              .all([args.tamperContext, key.arn, watchKey.arn, this.ownUrn])
                              .apply(([context, keyArn, watchKeyArn, urn]) =>
                                  serializeTamperContext(
                                      {
                                          ...context,
                                          resources: { ...context.resources, [keyArn]: urn, [watchKeyArn]: urn },
                                      },
                                      `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::`,
                                  ),
                              )
                        : "",
                }),
                memorySize: 256,
                timeout: 30,
                maximumRetryAttempts: 2,
                onFailureDestinationArn: deadLetterQueue.arn,
                logKeyArn: args.logKeyArn,
                callbackFactory: createNotifierHandler,
            },
            { parent: this },
        );
    }

    /** Where undeliverable notifications wait for `npm run driver -- redrive` (driver/redrive.ts), with an alarm. */
    private deadLetterQueue(name: string, key: aws.kms.Key, topic: aws.sns.Topic, watchTopic: aws.sns.Topic) {
        return deadLetterQueue(
            `${name}-dlq`,
            {
                keyArn: key.arn,
                topicArn: topic.arn,
                watchTopicArn: watchTopic.arn,
                alarmDescription: "Notifications are waiting in the dead-letter queue: they were not delivered",
            },
            this,
        );
    }
}

/**
 * CloudWatch alarms publish to an encrypted topic: only this account's alarms of this region
 * (aws:SourceAccount, aws:SourceArn), the confused-deputy conditions the SNS guide adds to the key
 * statement of an AWS service that publishes to an encrypted topic
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * with the alarm ARN pattern of https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/US_SetupSNS.html.
 * Not each alarm's ARN: the alarms name the topic, whose key this is, so that would be a cycle.
 */
function cloudWatchAlarmsPublish(region: string, accountId: pulumi.Input<string>): Statement {
    return {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: fromThisAccountsAlarms(region, accountId),
    };
}

/** Requests CloudWatch makes for an alarm of this account and region. */
function fromThisAccountsAlarms(region: string, accountId: pulumi.Input<string>) {
    return {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnLike: {
            "aws:SourceArn": pulumi.interpolate`arn:${partitionOf(region)}:cloudwatch:${region}:${accountId}:alarm:*`,
        },
    };
}
