// The notifier's Lambda entry: its environment, its SNS client, and the handler that publishes
// one e-mail per event. Serialized by Pulumi into the function's code; the SDK is required inside
// the factory, so the archive holds only our code and the Lambda runtime's SDK v3 answers it.
import { readEnvironment } from "../../parts/lambda/environment";
import { parseTamperContext } from "../../parts/lambda/tamperContext";
import { NoticeContext } from "./noticeText";
import { notifyEvent } from "./notification";
import { dhmcCountQuery, latestValue } from "./tamperNotices";

/** The notifier's settings, each with the environment variable that carries it. */
export const notifierEnvironment = { topicArn: "TOPIC_ARN", tamperContext: "TAMPER_CONTEXT" } as const;

/** The CallbackFunction's factory: runs once per Lambda container and returns the handler. */
export function createNotifierHandler(): (event: unknown) => Promise<void> {
    const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");
    const { CloudWatchClient, GetMetricDataCommand } = require("@aws-sdk/client-cloudwatch");
    const client = new SNSClient({});
    const cloudwatch = new CloudWatchClient({});
    const { topicArn, tamperContext } = readEnvironment(notifierEnvironment, process.env);
    const tamper = parseTamperContext(tamperContext);
    const context: NoticeContext = {
        tamper,
        // Only a stack with the tamper watch mails DHMC changes, and lets its notifier read the count.
        readDhmcNodeCount: tamper
            ? async () => latestValue(await cloudwatch.send(new GetMetricDataCommand(dhmcCountQuery(new Date()))))
            : undefined,
    };
    return async (event: unknown) => {
        if (!topicArn) {
            throw new Error(
                `${notifierEnvironment.topicArn} is not set; the event is left to Lambda's retries and the dead-letter queue`,
            );
        }
        await notifyEvent(
            event,
            notification =>
                client.send(
                    new PublishCommand({
                        TopicArn: topicArn,
                        Subject: notification.subject,
                        Message: notification.message,
                    }),
                ),
            context,
            // Straight to stdout, as the sweep writes its EMF lines: each log event is then the JSON
            // document alone, without the time, request id and level console.log puts before it.
            line => process.stdout.write(`${line}\n`),
        );
    };
}
