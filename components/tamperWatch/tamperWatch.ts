import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarm } from "../parts/alarm";
import { heartbeatMetric, heartbeatTagKey, TamperContext } from "../parts/lambda/tamperContext";
import { NotificationRoute } from "../parts/notificationRoute";
import { policyDocument, scopedServiceTrustPolicy } from "../parts/policyDocuments";
import { partitionOf } from "../../aws/partition";
import { dhmcSettingScp, imdsDeclarativePolicy } from "./preventionPolicies";
import { heartbeatCall, tamperPattern } from "./watchedCalls";

/** What stack configuration decides. */
export interface TamperWatchSettings {
    readonly region: string;
    /**
     * Role or user ARNs whose changes are the stack's own deployments, besides whoever runs `pulumi up`
     * (tamperContext's runningDeployer), which always is one. The SCP exempts only these.
     */
    readonly deployerArns: readonly string[];
}

export interface TamperWatchArgs extends TamperWatchSettings {
    readonly accountId: pulumi.Input<string>;
    /**
     * The notification pipeline's watch topic, which the blind-detector alarm notifies: a second path
     * to a person, through neither the rule and notifier it checks nor the notification topic and key.
     */
    readonly watchTopicArn: pulumi.Input<string>;
}

/** How often the dead-man's switch writes, and how many of its periods may pass unseen before the alarm. */
const heartbeatPeriodSeconds = 3600;
const heartbeatPeriodsMissed = 3;

/** The parameter the dead-man's switch tags: a fixed name, so that the routes exist before the component. */
export function heartbeatParameterName(stack: string): string {
    return `/ssm-fleet-baseline/${stack}/tamper-heartbeat`;
}

/** The tamper watch's route to the notifier: the watched writes, and the heartbeat coming back. */
export function tamperRoutes(settings: TamperWatchSettings, stack: string): NotificationRoute[] {
    return [
        {
            name: "tamper",
            description:
                "Changes made outside the stack that break managed nodes (CloudTrail write calls), and the tamper watch's heartbeat",
            eventPattern: JSON.stringify(tamperPattern(settings.region, heartbeatParameterName(stack))),
        },
    ];
}

/** A watched resource: its physical id (or an autoname prefix ending in "*") and its owner's URN. */
export type WatchedResource = readonly [id: pulumi.Input<string | undefined>, ownerUrn: pulumi.Input<string>];

/**
 * The notifier's context for tamper events: the stack, its deployers (whoever runs `pulumi up`, and
 * the configured ones), the heartbeat and the
 * watched resources' physical ids with the URN of the component that owns each. A KMS key is
 * listed by its ARN, which also names it when a call gives only its key id.
 */
export function tamperContext(
    settings: TamperWatchSettings,
    stack: string,
    resources: readonly WatchedResource[],
    runningDeployer: pulumi.Input<string>,
): pulumi.Output<TamperContext> {
    const pairs = pulumi.all(resources.map(([id, urn]) => pulumi.all([id, urn])));
    return pulumi.all([pairs, runningDeployer]).apply(([pairs, deployer]) => {
        const context: TamperContext = {
            stack,
            deployerArns: [...new Set([deployer, ...settings.deployerArns])],
            heartbeatParameter: heartbeatParameterName(stack),
            resources: Object.fromEntries(pairs.filter(([id]) => id)),
        };
        return context;
    });
}

/**
 * The tamper watch's dead-man's switch: a schedule tags a dedicated SSM parameter every hour as a
 * role of the stack; the write comes back through CloudTrail, the tamper rule itself and the
 * notifier, which counts it in a metric. When none arrives for three hours, an alarm tells the
 * watch topic that tamper detection is blind in the Region (no trail, rule disabled or target broken).
 * The watched writes' rule itself is the pipeline's (tamperRoutes).
 */
export class TamperWatch extends pulumi.ComponentResource {
    public readonly heartbeatParameterName: pulumi.Output<string>;
    public readonly alarmArns: pulumi.Output<string>[];
    /**
     * For the organization's administrators to attach (opt-in): an SCP that denies the DHMC setting's
     * writes to all but the deployers (only when deployers are configured, or it would lock the stack
     * out), and an EC2 declarative policy that holds the IMDS defaults at IMDSv2 required. JSON.
     */
    public readonly dhmcSettingScp: pulumi.Output<string> | undefined;
    public readonly imdsDeclarativePolicy: string;

    constructor(name: string, args: TamperWatchArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:TamperWatch", name, {}, opts);

        const parameter = this.heartbeatParameter(name);
        this.heartbeatSchedule(name, args, parameter);
        const blind = this.blindAlarm(name, args);

        this.heartbeatParameterName = parameter.name;
        this.alarmArns = [blind.arn];
        this.dhmcSettingScp =
            args.deployerArns.length > 0
                ? pulumi.output(args.accountId).apply(accountId =>
                      JSON.stringify(
                          dhmcSettingScp({
                              partition: partitionOf(args.region),
                              region: args.region,
                              accountId,
                              deployerArns: args.deployerArns,
                          }),
                      ),
                  )
                : undefined;
        this.imdsDeclarativePolicy = JSON.stringify(imdsDeclarativePolicy());
        this.registerOutputs({
            heartbeatParameterName: this.heartbeatParameterName,
            dhmcSettingScp: this.dhmcSettingScp,
            imdsDeclarativePolicy: this.imdsDeclarativePolicy,
        });
    }

    private heartbeatParameter(name: string): aws.ssm.Parameter {
        return new aws.ssm.Parameter(
            `${name}-heartbeat`,
            {
                name: heartbeatParameterName(pulumi.getStack()),
                type: "String",
                value: "Tagged every hour by the tamper watch's dead-man's switch; its value is not read.",
                description: "ssm-fleet-baseline: the tamper watch's heartbeat",
            },
            // The schedule rewrites the heartbeat tag: it is not drift.
            { parent: this, ignoreChanges: ["tags", "tagsAll"] },
        );
    }

    /**
     * EventBridge Scheduler's universal target calls ssm:AddTagsToResource with a role that may do
     * only that, on only this parameter; the role trusts Scheduler for this account's default group.
     * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
     * https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
     */
    private heartbeatSchedule(
        name: string,
        args: TamperWatchArgs,
        parameter: aws.ssm.Parameter,
    ): aws.scheduler.Schedule {
        const role = new aws.iam.Role(
            `${name}-heartbeat-role`,
            {
                description: "Tags the tamper watch's heartbeat parameter on a schedule",
                assumeRolePolicy: scopedServiceTrustPolicy(
                    "scheduler.amazonaws.com",
                    args.accountId,
                    pulumi.interpolate`arn:${partitionOf(args.region)}:scheduler:${args.region}:${args.accountId}:schedule-group/default`,
                ),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-heartbeat-policy`,
            {
                role: role.name,
                policy: policyDocument([{ Effect: "Allow", Action: `ssm:${heartbeatCall}`, Resource: parameter.arn }]),
            },
            { parent: this },
        );
        return new aws.scheduler.Schedule(
            `${name}-heartbeat-schedule`,
            {
                description: "The tamper watch's dead-man's switch: a harmless write CloudTrail must bring back",
                scheduleExpression: `rate(${heartbeatPeriodSeconds / 3600} hour)`,
                flexibleTimeWindow: { mode: "OFF" },
                target: {
                    arn: `arn:${partitionOf(args.region)}:scheduler:::aws-sdk:ssm:addTagsToResource`,
                    roleArn: role.arn,
                    input: pulumi.jsonStringify({
                        ResourceType: "Parameter",
                        ResourceId: parameter.name,
                        // A constant value: every call is a write CloudTrail logs, and a value needs no context attribute.
                        Tags: [{ Key: heartbeatTagKey, Value: "scheduled" }],
                    }),
                },
            },
            { parent: this },
        );
    }

    private blindAlarm(name: string, args: TamperWatchArgs): aws.cloudwatch.MetricAlarm {
        return alarm(
            `${name}-blind`,
            {
                description:
                    `Tamper detection blind in ${args.region}: the hourly heartbeat has not come back through ` +
                    "CloudTrail, EventBridge and the notifier for 3 hours (no trail, rule disabled or target broken)",
                metric: { namespace: heartbeatMetric.namespace, metricName: heartbeatMetric.name, statistic: "Sum" },
                period: heartbeatPeriodSeconds,
                evaluationPeriods: heartbeatPeriodsMissed,
                threshold: 1,
                comparison: "below",
                missingDataBreaches: true,
                topicArn: args.watchTopicArn,
                notifyOnRecovery: true,
            },
            this,
        );
    }
}
