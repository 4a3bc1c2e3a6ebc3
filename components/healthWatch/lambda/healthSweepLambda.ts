// The health sweep's Lambda entry: its environment, its AWS SDK clients, and the handler that
// runs one sweep. Serialized by Pulumi into the function's code, with runSweep and everything it
// uses copied by value; the SDK is required inside the factory, so the archive holds only our code
// and the Lambda runtime's SDK v3 answers the require.
import { readEnvironment } from "../../parts/lambda/environment";
import { HealthSweepAws, runSweep } from "./healthSweep";
import { isCauseEvent, NodeCauseAws, recordCause } from "./nodeCauses";
import { checkSubscriptions, parseExpectedEmails, subscriptionMetric, SubscriptionListing } from "./subscriptionWatch";

/** The sweep's settings, each with the environment variable that carries it. */
export const healthSweepEnvironment = {
    tableName: "TABLE_NAME",
    topicArn: "TOPIC_ARN",
    graceMinutes: "GRACE_MINUTES",
    debounceSweeps: "DEBOUNCE_SWEEPS",
    excludeTagKey: "EXCLUDE_TAG_KEY",
    /** "true" when newly lost EC2 nodes are marked for the troubleshooting runbook. */
    diagnose: "DIAGNOSE",
    /** At most this many nodes marked for diagnosis in any hour, so a region-wide outage does not start hundreds of runbooks. */
    diagnosesPerHour: "DIAGNOSES_PER_HOUR",
    /** The health bus, the only one whose rules start runbooks, and which only the sweep may put to. */
    eventBusName: "EVENT_BUS_NAME",
    /** notificationEmails as a JSON array: each must keep a subscription on the topic (subscriptionWatch.ts). */
    notificationEmails: "NOTIFICATION_EMAILS",
} as const;

/**
 * The CallbackFunction's factory: runs once per Lambda container and returns the handler, which
 * records a cause event's cause (nodeCauses.ts) and runs a sweep for anything else (the schedule).
 */
export function createHealthSweepHandler(): (event?: unknown) => Promise<unknown> {
    const { EC2Client, DescribeInstancesCommand } = require("@aws-sdk/client-ec2");
    const {
        SSMClient,
        DescribeInstanceInformationCommand,
        GetAutomationExecutionCommand,
        ListResourceComplianceSummariesCommand,
    } = require("@aws-sdk/client-ssm");
    const { DynamoDBClient, ScanCommand, PutItemCommand, DeleteItemCommand } = require("@aws-sdk/client-dynamodb");
    const { SNSClient, PublishCommand, ListSubscriptionsByTopicCommand } = require("@aws-sdk/client-sns");
    const { EventBridgeClient, PutEventsCommand } = require("@aws-sdk/client-eventbridge");
    const { CloudWatchClient, PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch");
    const [ec2, ssm, dynamodb, sns, events, cloudwatch] = [
        EC2Client,
        SSMClient,
        DynamoDBClient,
        SNSClient,
        EventBridgeClient,
        CloudWatchClient,
    ].map(Client => new Client({}));
    const calls: HealthSweepAws = {
        describeInstances: input => ec2.send(new DescribeInstancesCommand(input)),
        describeInstanceInformation: input => ssm.send(new DescribeInstanceInformationCommand(input)),
        listResourceComplianceSummaries: input => ssm.send(new ListResourceComplianceSummariesCommand(input)),
        scan: input => dynamodb.send(new ScanCommand(input)),
        putItem: input => dynamodb.send(new PutItemCommand(input)),
        deleteItem: input => dynamodb.send(new DeleteItemCommand(input)),
        publish: input => sns.send(new PublishCommand(input)),
        putEvents: input => events.send(new PutEventsCommand(input)),
        putMetricData: input => cloudwatch.send(new PutMetricDataCommand(input)),
    };
    const subscriptionCalls: SubscriptionListing = {
        listSubscriptionsByTopic: input => sns.send(new ListSubscriptionsByTopicCommand(input)),
    };
    const causeCalls: NodeCauseAws = {
        putItem: input => dynamodb.send(new PutItemCommand(input)),
        getAutomationExecution: input => ssm.send(new GetAutomationExecutionCommand(input)),
    };
    const env = readEnvironment(healthSweepEnvironment, process.env);
    const settings = {
        // Lambda sets AWS_REGION for every function.
        region: process.env.AWS_REGION ?? "",
        tableName: env.tableName,
        topicArn: env.topicArn,
        graceMs: Number(env.graceMinutes) * 60_000,
        debounce: Number(env.debounceSweeps),
        excludeTagKey: env.excludeTagKey,
        diagnose: env.diagnose === "true",
        maxDiagnoses: Number(env.diagnosesPerHour),
        eventBusName: env.eventBusName,
    };
    const expectedEmails = parseExpectedEmails(env.notificationEmails);
    // One line per document: the Text log format keeps each JSON line whole for EMF extraction.
    const log = (line: string) => process.stdout.write(`${line}\n`);
    return async event => {
        if (isCauseEvent(event)) {
            return recordCause(causeCalls, settings.tableName, event as Record<string, any>);
        }
        // The subscriptions first (one call), so that a failure of either never stops the other; either
        // failing fails the invocation, which the sweep-errors alarm reports. Their count rides in the
        // sweep's one PutMetricData request.
        const subscriptions = await checkSubscriptions(subscriptionCalls, settings.topicArn, expectedEmails).catch(
            (error: unknown) => ({ error }),
        );
        const counted = "error" in subscriptions ? [] : [subscriptionMetric(subscriptions)];
        const logged = "error" in subscriptions ? { error: String(subscriptions.error) } : subscriptions;
        log(JSON.stringify({ record: "subscriptions", ...logged }));
        const sweep = await runSweep(
            {
                ...calls,
                putMetricData: input =>
                    calls.putMetricData({ ...input, MetricData: [...input.MetricData, ...counted] }),
            },
            settings,
            Date.now(),
            ms => new Promise(resolve => setTimeout(resolve, ms)),
            log,
        );
        if ("error" in subscriptions) {
            throw subscriptions.error;
        }
        return { ...sweep, subscriptions };
    };
}
