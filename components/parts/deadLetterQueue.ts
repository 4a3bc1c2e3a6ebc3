import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarm } from "./alarm";
import { denyInsecureTransport, policyDocument } from "./policyDocuments";

export interface DeadLetterQueueArgs {
    /** The customer-managed key that encrypts the queue; EventBridge must be allowed to use it. */
    readonly keyArn: pulumi.Input<string>;
    /** The topic that hears the queue's alarm. */
    readonly topicArn: pulumi.Input<string>;
    /** What a waiting message means, for the alarm. */
    readonly alarmDescription: string;
    /** The watch topic, which also hears the alarm (see AlarmArgs). */
    readonly watchTopicArn?: pulumi.Input<string>;
}

/**
 * An encrypted standard queue (EventBridge dead-letter queues cannot be FIFO) that keeps what was
 * not delivered for 14 days, the SQS maximum, with an alarm on the topic as soon as anything
 * waits in it. `name` is the queue's; the alarm is `${name}-alarm`.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export function deadLetterQueue(
    name: string,
    args: DeadLetterQueueArgs,
    parent: pulumi.Resource,
): { queue: aws.sqs.Queue; alarm: aws.cloudwatch.MetricAlarm } {
    const queue = new aws.sqs.Queue(
        name,
        { kmsMasterKeyId: args.keyArn, messageRetentionSeconds: 14 * 24 * 3600 },
        { parent },
    );
    const depthAlarm = alarm(
        `${name}-alarm`,
        {
            description: args.alarmDescription,
            metric: {
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: queue.name },
                statistic: "Maximum",
            },
            period: 300,
            evaluationPeriods: 1,
            topicArn: args.topicArn,
            watchTopicArn: args.watchTopicArn,
            notifyOnRecovery: false,
        },
        parent,
    );
    return { queue, alarm: depthAlarm };
}

/** Only these rules may dead-letter into the queue, and only over TLS: `${queueName}-policy`. */
export function deadLetterQueuePolicy(
    queueName: string,
    queue: aws.sqs.Queue,
    ruleArns: pulumi.Input<string>[],
    parent: pulumi.Resource,
): aws.sqs.QueuePolicy {
    return new aws.sqs.QueuePolicy(
        `${queueName}-policy`,
        {
            queueUrl: queue.url,
            policy: policyDocument([
                {
                    Sid: "EventBridgeDeadLetters",
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: "sqs:SendMessage",
                    Resource: queue.arn,
                    Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
                },
                denyInsecureTransport("sqs:*", [queue.arn]),
            ]),
        },
        { parent },
    );
}
