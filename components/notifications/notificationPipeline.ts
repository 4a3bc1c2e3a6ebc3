import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import { deadLetterQueue, deadLetterQueuePolicy } from "../parts/deadLetterQueue";
import { environmentVariables } from "../parts/lambda/environment";
import { LeastPrivilegeFunction } from "../parts/leastPrivilegeFunction";
import { NotificationRoute } from "../parts/notificationRoute";
import { accountAdministersKey, policyDocument } from "../parts/policyDocuments";
import { ruleInvokesFunction } from "../parts/ruleInvokesFunction";
import { createNotifierHandler, notifierEnvironment } from "./lambda/notifierLambda";

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
    /** The tamper watch's context for the notifier (components/parts/lambda/tamperContext.ts), as JSON. */
    readonly tamperContext?: pulumi.Input<string>;
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
    /** The notifier Lambda's name: driver/redrive.ts re-delivers dead letters by invoking it. */
    public readonly notifierFunctionName: pulumi.Output<string>;
    /** What the fleet dashboard draws of the pipeline's health. */
    public readonly notifierLogGroupName: pulumi.Output<string>;
    public readonly deadLetterQueueName: pulumi.Output<string>;
    public readonly topicName: pulumi.Output<string>;
    public readonly ruleNames: pulumi.Output<string>[];
    public readonly alarmArns: pulumi.Output<string>[];

    constructor(name: string, args: NotificationPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:NotificationPipeline", name, {}, opts);

        const key = this.encryptionKey(name, args);
        const topic = this.topic(name, args.emails, key);
        const { queue: deadLetterQueue, alarm: deadLetterAlarm } = this.deadLetterQueue(name, key, topic);
        const handler = this.handler(name, topic, deadLetterQueue, key, args);
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

        this.topicArn = topic.arn;
        this.topicKeyArn = key.arn;
        this.deadLetterQueueUrl = deadLetterQueue.url;
        this.notifierFunctionName = handler.functionName;
        this.notifierLogGroupName = handler.logGroupName;
        this.deadLetterQueueName = deadLetterQueue.name;
        this.topicName = topic.name;
        this.ruleNames = rules.map(rule => rule.name);
        this.alarmArns = [deadLetterAlarm.arn];
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
                    // CloudWatch alarms publish to the encrypted topic; their KMS requests carry aws:SourceAccount.
                    {
                        Sid: "CloudWatchAlarmsPublish",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
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
            { parent: this },
        );
    }

    /** The encrypted topic with one e-mail subscription per address, named by a hash of the address. */
    private topic(name: string, emails: readonly string[], key: aws.kms.Key): aws.sns.Topic {
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            { kmsMasterKeyId: key.arn, displayName: "SSM fleet baseline" },
            { parent: this },
        );
        for (const email of emails) {
            const hash = crypto.createHash("sha1").update(email).digest("hex").substring(0, 8);
            new aws.sns.TopicSubscription(
                `${name}-email-${hash}`,
                { topic: topic.arn, protocol: "email", endpoint: email },
                { parent: this },
            );
        }
        return topic;
    }

    private handler(
        name: string,
        topic: aws.sns.Topic,
        deadLetterQueue: aws.sqs.Queue,
        key: aws.kms.Key,
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
                ],
                environment: environmentVariables(notifierEnvironment, {
                    topicArn: topic.arn,
                    tamperContext: args.tamperContext ?? "",
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
    private deadLetterQueue(name: string, key: aws.kms.Key, topic: aws.sns.Topic) {
        return deadLetterQueue(
            `${name}-dlq`,
            {
                keyArn: key.arn,
                topicArn: topic.arn,
                alarmDescription: "Notifications are waiting in the dead-letter queue: they were not delivered",
            },
            this,
        );
    }
}
