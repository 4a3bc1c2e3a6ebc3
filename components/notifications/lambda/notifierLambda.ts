// The notifier's Lambda entry: its environment, its SNS client, and the handler that publishes
// one e-mail per event. Serialized by Pulumi into the function's code; the SDK is required inside
// the factory, so the archive holds only our code and the Lambda runtime's SDK v3 answers it.
import { readEnvironment } from "../../parts/lambda/environment";
import { parseTamperContext } from "../../parts/lambda/tamperContext";
import { notifyEvent } from "./notification";

/** The notifier's settings, each with the environment variable that carries it. */
export const notifierEnvironment = { topicArn: "TOPIC_ARN", tamperContext: "TAMPER_CONTEXT" } as const;

/** The CallbackFunction's factory: runs once per Lambda container and returns the handler. */
export function createNotifierHandler(): (event: unknown) => Promise<void> {
    const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");
    const client = new SNSClient({});
    const { topicArn, tamperContext } = readEnvironment(notifierEnvironment, process.env);
    const context = { tamper: parseTamperContext(tamperContext) };
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
        );
    };
}
