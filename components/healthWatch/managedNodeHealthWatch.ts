import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { healthEventDetailType, healthEventSource } from "../../aws/events";
import { diagnosisRunbook, diagnosisRunbookActions } from "../../aws/identifiers";
import { partitionOf } from "../../aws/partition";
import { parseRate, rateMinutes } from "../../aws/schedules";
import { alarm } from "../parts/alarm";
import { deadLetterQueue, deadLetterQueuePolicy } from "../parts/deadLetterQueue";
import { automationCompletionRoute, EventDrivenRunbook } from "../parts/eventDrivenRunbook";
import { environmentVariables } from "../parts/lambda/environment";
import { HealthMetrics, HealthWatchView } from "../parts/healthWatchView";
import { metricNamespace, statusMetricNames } from "../parts/lambda/nodeStatus";
import { LeastPrivilegeFunction } from "../parts/leastPrivilegeFunction";
import { NotificationRoute } from "../parts/notificationRoute";
import { policyDocument, Statement } from "../parts/policyDocuments";
import { ruleInvokesFunction } from "../parts/ruleInvokesFunction";
import {
    emfDimensions,
    nodesMetricName,
    patchNonCompliantMetricName,
    severityDimension,
    timeToManagedMetricName,
    unmanagedMetricName,
} from "./lambda/healthMetrics";
import { patchSeverities } from "./lambda/patchCompliance";
import { causeEventPattern } from "./lambda/nodeCauses";
import { createHealthSweepHandler, healthSweepEnvironment } from "./lambda/healthSweepLambda";
import { subscriptionsMissingMetricName } from "./lambda/subscriptionWatch";

/** What stack configuration decides. */
export interface ManagedNodeHealthWatchSettings {
    readonly region: string;
    /** How often the sweep runs: rate(N minutes), N from 1 to 60. */
    readonly schedule: string;
    /** A new instance without an SSM record counts as starting, not unhealthy, for this long. */
    readonly graceMinutes: number;
    /** Consecutive unhealthy sweeps before a node alerts, so one missed ping is no alert. */
    readonly debounceSweeps: number;
    /** Instances carrying this tag key are not watched. */
    readonly excludeTagKey: string;
    /** Start the troubleshooting runbook for each instance newly lost. */
    readonly diagnose: boolean;
    /** At most this many runbook starts in any hour: the sweep marks no more, and says which it left out. */
    readonly diagnosesPerHour: number;
}

/**
 * The health events that start a diagnosis: a node newly lost, marked by the sweep (at most a few
 * per sweep), with an EC2 instance id, the only kind AWSSupport-TroubleshootManagedInstance takes.
 */
export function diagnosisPattern() {
    return {
        source: [healthEventSource],
        "detail-type": [healthEventDetailType],
        detail: { change: ["unhealthy"], diagnose: [true], nodeId: [{ prefix: "i-" }] },
    };
}

/**
 * The routes of the health watch's own diagnoses: each completion, with the execution's console
 * link. A function of the settings rather than a property, because the health watch is built after
 * the pipeline whose topic it publishes to, and the pipeline takes its routes when it is built.
 */
export function diagnosisRoutes(settings: ManagedNodeHealthWatchSettings | undefined): NotificationRoute[] {
    return settings?.diagnose ? [automationCompletionRoute("node-diagnosis", diagnosisRunbook)] : [];
}

/**
 * The health bus's only statement: events:PutEvents denied to every principal but the sweep's role.
 * A Deny, because in one account an identity policy's Allow is enough without the bus's (see busPolicy).
 */
export function onlyPutBy(busArn: pulumi.Input<string>, sweepRoleArn: pulumi.Input<string>): Statement {
    return {
        Sid: "OnlyTheSweepPutsHealthEvents",
        Effect: "Deny",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: busArn,
        Condition: { StringNotEquals: { "aws:PrincipalArn": sweepRoleArn } },
    };
}

export interface ManagedNodeHealthWatchArgs extends ManagedNodeHealthWatchSettings {
    readonly accountId: pulumi.Input<string>;
    /** The notification topic and the KMS key that encrypts it. */
    readonly topicArn: pulumi.Input<string>;
    readonly topicKeyArn: pulumi.Input<string>;
    /** The watch topic: the sweep's own alarms (failing, stopped, dead letters) are told there too. */
    readonly watchTopicArn?: pulumi.Input<string>;
    /** notificationEmails: each must keep a subscription on the topic, or an alarm tells the watch topic. */
    readonly notificationEmails?: readonly string[];
    /** The key that encrypts the sweep's log group. */
    readonly logKeyArn: pulumi.Input<string>;
}

/** The metrics the sweep publishes, by name: the dashboards draw them (the organization view too). */
export const healthMetrics: HealthMetrics = {
    namespace: metricNamespace,
    online: statusMetricNames.online,
    unmanaged: unmanagedMetricName,
    connectionLost: statusMetricNames["connection-lost"],
    neverRegistered: statusMetricNames["never-registered"],
    agentOutdated: statusMetricNames["agent-outdated"],
    hybridLost: statusMetricNames["hybrid-lost"],
    nodesByDimension: nodesMetricName,
    statusDimension: emfDimensions.status,
    patchNonCompliant: patchNonCompliantMetricName,
    severityDimension,
    severities: patchSeverities,
    timeToManaged: timeToManagedMetricName,
};

/**
 * Finds nodes that stopped being manageable within minutes: a scheduled Lambda sweeps running
 * instances and SSM's node list, keeps per-node state in DynamoDB so that only debounced
 * transitions alert (one e-mail per sweep, one EventBridge event per transition), publishes a
 * handful of metrics, and alarms when nodes stay unmanaged or the sweep itself fails or stops.
 */
export class ManagedNodeHealthWatch extends pulumi.ComponentResource {
    public readonly tableName: pulumi.Output<string>;
    /** The bus of the sweep's health events, where the rules that consume them listen. */
    public readonly eventBusName: pulumi.Output<string>;
    /** The sweep's role, which publishes to the notification topic. */
    public readonly sweepRoleArn: pulumi.Output<string>;
    public readonly deadLetterQueueName: pulumi.Output<string>;
    public readonly alarmArns: pulumi.Output<string>[];
    /** The sweep's metrics and the resources that run it, as the fleet dashboard draws them. */
    public readonly dashboardView: HealthWatchView;

    constructor(name: string, args: ManagedNodeHealthWatchArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:ManagedNodeHealthWatch", name, {}, opts);
        const rate = parseRate(args.schedule);
        if (!rate) {
            throw new pulumi.InputPropertyError({ propertyPath: "schedule", reason: "expected rate(N minutes)" });
        }
        const intervalSeconds = rateMinutes(rate) * 60;

        const table = this.stateTable(name);
        const bus = new aws.cloudwatch.EventBus(
            `${name}-bus`,
            { description: "The managed-node health watch's events, which only its sweep may put" },
            { parent: this },
        );
        const sweep = this.sweepFunction(name, args, table, bus, intervalSeconds);
        this.busPolicy(name, bus, sweep.roleArn);
        const scheduleDeadLetters = this.scheduleDeadLetters(name, args);
        const schedule = ruleInvokesFunction(
            `${name}-schedule`,
            {
                rule: { description: "Runs the managed-node health sweep", scheduleExpression: args.schedule },
                functionName: sweep.functionName,
                functionArn: sweep.functionArn,
                // A sweep older than one period is stale (the next one is due), so EventBridge retries it
                // only that long and then dead-letters it, where the queue's alarm reports the missed sweep.
                retryPolicy: { maximumEventAgeInSeconds: intervalSeconds, maximumRetryAttempts: 185 },
                deadLetterQueueArn: scheduleDeadLetters.queue.arn,
            },
            this,
        );
        // The causes the dashboard's transitions show (nodeCauses.ts): the sweep's Lambda records them,
        // one PutItem each, through Lambda's async queue behind the sweep (reserved concurrency 1).
        const causes = ruleInvokesFunction(
            `${name}-causes`,
            {
                rule: {
                    description:
                        "Sends node causes (EC2 state changes, failed agent updates, diagnoses, region-wide writes that unmanage nodes) to the health sweep",
                    eventPattern: JSON.stringify(causeEventPattern()),
                },
                functionName: sweep.functionName,
                functionArn: sweep.functionArn,
                retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 185 },
                deadLetterQueueArn: scheduleDeadLetters.queue.arn,
            },
            this,
        );
        const diagnosis = args.diagnose ? this.diagnosis(name, args, bus, scheduleDeadLetters.queue) : undefined;
        deadLetterQueuePolicy(
            `${name}-schedule-dlq`,
            scheduleDeadLetters.queue,
            [schedule.arn, causes.arn, ...(diagnosis ? [diagnosis.ruleArn] : [])],
            this,
        );
        const alarms = this.alarms(name, sweep, intervalSeconds, args.topicArn, args.watchTopicArn);
        if (args.watchTopicArn !== undefined) {
            alarms.push(this.subscriptionsAlarm(name, intervalSeconds, args.watchTopicArn));
        }

        this.tableName = table.name;
        this.eventBusName = bus.name;
        this.sweepRoleArn = sweep.roleArn;
        this.deadLetterQueueName = scheduleDeadLetters.queue.name;
        this.alarmArns = [...alarms, scheduleDeadLetters.alarm].map(a => a.arn);
        this.dashboardView = {
            metrics: healthMetrics,
            sweepFunctionName: sweep.functionName,
            sweepLogGroupName: sweep.logGroupName,
            scheduleRuleName: schedule.name,
            intervalSeconds,
        };
        this.registerOutputs({ tableName: this.tableName });
    }

    /**
     * Sweeps EventBridge could not start within their period. Encrypted with the topic's key, whose
     * policy lets EventBridge dead-letter with it (NotificationPipeline).
     */
    private scheduleDeadLetters(name: string, args: ManagedNodeHealthWatchArgs) {
        return deadLetterQueue(
            `${name}-schedule-dlq`,
            {
                keyArn: args.topicKeyArn,
                topicArn: args.topicArn,
                watchTopicArn: args.watchTopicArn,
                alarmDescription:
                    "A scheduled health sweep could not be started within its period: its event is in the dead-letter queue",
            },
            this,
        );
    }

    /** One item per node that is, or recently was, unhealthy; healthy nodes have none. */
    private stateTable(name: string): aws.dynamodb.Table {
        return new aws.dynamodb.Table(
            `${name}-state`,
            {
                billingMode: "PAY_PER_REQUEST",
                hashKey: "nodeId",
                attributes: [{ name: "nodeId", type: "S" }],
                // Items of nodes gone for a week expire (lambda/nodeHealth.ts sets expiresAt).
                ttl: { attributeName: "expiresAt", enabled: true },
                serverSideEncryption: { enabled: true },
            },
            { parent: this },
        );
    }

    /**
     * Only the sweep may put events on the health bus, so only the sweep starts runbooks. Within one
     * account a request is allowed when either the caller's identity policy or the resource policy
     * allows it (IAM policy evaluation), so an Allow for the sweep alone would still admit anyone
     * whose identity policy grants events:PutEvents: the policy denies every principal but the
     * sweep's role instead, which no identity policy overrides. aws:PrincipalArn of an assumed-role
     * session is its role's ARN.
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
     * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
     */
    private busPolicy(name: string, bus: aws.cloudwatch.EventBus, sweepRoleArn: pulumi.Input<string>) {
        return new aws.cloudwatch.EventBusPolicy(
            `${name}-bus-policy`,
            { eventBusName: bus.name, policy: policyDocument([onlyPutBy(bus.arn, sweepRoleArn)]) },
            { parent: this },
        );
    }

    /** EventBridge starts the troubleshooting runbook for each node the sweep marks, with exactly the permissions it documents. */
    private diagnosis(
        name: string,
        args: ManagedNodeHealthWatchArgs,
        bus: aws.cloudwatch.EventBus,
        deadLetters: aws.sqs.Queue,
    ): EventDrivenRunbook {
        return new EventDrivenRunbook(
            `${name}-diagnosis`,
            {
                region: args.region,
                accountId: args.accountId,
                runbook: diagnosisRunbook,
                description: `Starts ${diagnosisRunbook} for each EC2 node the health watch finds newly lost`,
                eventPattern: pulumi.jsonStringify(diagnosisPattern()),
                parameters: { InstanceId: "$.detail.nodeId" },
                // The runbook's read calls support no resource-level permissions.
                runbookPermissions: [{ Effect: "Allow", Action: diagnosisRunbookActions, Resource: "*" }],
                // Only the sweep's marked events, on the bus only it may put to.
                eventBusName: bus.name,
                // A diagnosis an hour late still explains a node that is still lost; then the dead-letter alarm tells.
                retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 185 },
                deadLetterQueueArn: deadLetters.arn,
            },
            { parent: this },
        );
    }

    private sweepFunction(
        name: string,
        args: ManagedNodeHealthWatchArgs,
        table: aws.dynamodb.Table,
        bus: aws.cloudwatch.EventBus,
        intervalSeconds: number,
    ): LeastPrivilegeFunction<unknown, unknown> {
        const partition = partitionOf(args.region);
        return new LeastPrivilegeFunction(
            `${name}-sweep`,
            {
                description: "Sweeps EC2 and SSM for nodes that are not manageable and reports transitions",
                statements: [
                    // None of the list calls supports resource-level permissions (Service Authorization Reference:
                    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html).
                    {
                        Effect: "Allow",
                        Action: [
                            "ec2:DescribeInstances",
                            "ssm:DescribeInstanceInformation",
                            "ssm:ListResourceComplianceSummaries",
                        ],
                        Resource: "*",
                    },
                    {
                        Effect: "Allow",
                        Action: ["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:DeleteItem"],
                        Resource: table.arn,
                    },
                    // A diagnosis completion names its execution, not its node: the sweep reads the execution's InstanceId.
                    {
                        Effect: "Allow",
                        Action: "ssm:GetAutomationExecution",
                        Resource: pulumi.interpolate`arn:${partition}:ssm:${args.region}:${args.accountId}:automation-execution/*`,
                    },
                    {
                        Effect: "Allow",
                        Action: ["sns:Publish", "sns:ListSubscriptionsByTopic"],
                        Resource: args.topicArn,
                    },
                    { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: args.topicKeyArn },
                    { Effect: "Allow", Action: "events:PutEvents", Resource: bus.arn },
                    {
                        Effect: "Allow",
                        Action: "cloudwatch:PutMetricData",
                        Resource: "*",
                        Condition: { StringEquals: { "cloudwatch:namespace": metricNamespace } },
                    },
                ],
                memorySize: 512,
                // The sweep must end well before the next one starts.
                timeout: Math.min(900, Math.max(60, intervalSeconds - 30)),
                // A failed sweep is not retried: the next scheduled sweep is the retry, and the error alarm reports it.
                maximumRetryAttempts: 0,
                // One sweep at a time: a late invocation waits (Lambda retries throttled asynchronous
                // invocations) instead of overlapping the next; the conditional writes cover the rest.
                // https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
                reservedConcurrentExecutions: 1,
                environment: environmentVariables(healthSweepEnvironment, {
                    tableName: table.name,
                    topicArn: args.topicArn,
                    graceMinutes: String(args.graceMinutes),
                    debounceSweeps: String(args.debounceSweeps),
                    excludeTagKey: args.excludeTagKey,
                    diagnose: String(args.diagnose),
                    diagnosesPerHour: String(args.diagnosesPerHour),
                    eventBusName: bus.name,
                    notificationEmails: JSON.stringify(args.notificationEmails ?? []),
                }),
                logKeyArn: args.logKeyArn,
                callbackFactory: createHealthSweepHandler,
            },
            { parent: this },
        );
    }

    /**
     * An address of notificationEmails lost its subscription (anyone holding one alert can
     * unsubscribe it): to the watch topic only, as the main topic is what lost a reader.
     */
    private subscriptionsAlarm(
        name: string,
        period: number,
        watchTopicArn: pulumi.Input<string>,
    ): aws.cloudwatch.MetricAlarm {
        return alarm(
            `${name}-subscriptions-missing`,
            {
                description: "An address of notificationEmails is no longer subscribed to the notification topic",
                metric: {
                    namespace: metricNamespace,
                    metricName: subscriptionsMissingMetricName,
                    statistic: "Maximum",
                },
                period,
                evaluationPeriods: 1,
                topicArn: watchTopicArn,
                notifyOnRecovery: true,
            },
            this,
        );
    }

    /** Nodes that stay unmanaged, a failing sweep, and a sweep that stopped running (the watcher watched). */
    private alarms(
        name: string,
        sweep: LeastPrivilegeFunction<unknown, unknown>,
        period: number,
        topicArn: pulumi.Input<string>,
        watchTopicArn: pulumi.Input<string> | undefined,
    ): aws.cloudwatch.MetricAlarm[] {
        const notify = { period, topicArn, notifyOnRecovery: true };
        const watched = { ...notify, watchTopicArn };
        const sweepMetric = (metricName: string) => ({
            namespace: "AWS/Lambda",
            metricName,
            dimensions: { FunctionName: sweep.functionName },
            statistic: "Sum",
        });
        const unmanaged = alarm(
            `${name}-unmanaged`,
            {
                ...notify,
                description: "Nodes have stayed not manageable for three sweeps",
                metric: { namespace: metricNamespace, metricName: unmanagedMetricName, statistic: "Maximum" },
                evaluationPeriods: 3,
            },
            this,
        );
        const errors = alarm(
            `${name}-sweep-errors`,
            {
                ...watched,
                description: "The managed-node health sweep is failing",
                metric: sweepMetric("Errors"),
                evaluationPeriods: 1,
            },
            this,
        );
        const stopped = alarm(
            `${name}-sweep-stopped`,
            {
                ...watched,
                description: "The managed-node health sweep has not run for three intervals",
                metric: sweepMetric("Invocations"),
                evaluationPeriods: 3,
                comparison: "below",
                threshold: 1,
                missingDataBreaches: true,
            },
            this,
        );
        return [unmanaged, errors, stopped];
    }
}
