import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HealthWatchView } from "../parts/healthWatchView";
import { dashboardBody } from "./dashboardBody";

export interface FleetDashboardArgs {
    readonly region: string;
    /** Every alarm of the stack, for the alarm-status widget. */
    readonly alarmArns: pulumi.Input<string>[];
    readonly notifierFunctionName: pulumi.Input<string>;
    readonly notifierLogGroupName: pulumi.Input<string>;
    readonly notificationRuleNames: pulumi.Input<string>[];
    readonly deadLetterQueueNames: pulumi.Input<string>[];
    readonly topicName: pulumi.Input<string>;
    /** Whether the stack has the tamper watch: the dashboard then draws the changes it counts. */
    readonly tamperWatch: boolean;
    /** Undefined when the health watch is off. */
    readonly healthWatch?: HealthWatchView;
}

/**
 * Dashboards are named per account, not per region, so the name carries both; a name holds only
 * alphanumerics, "-" and "_" (PutDashboard DashboardName).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
 */
export function dashboardName(region: string, stack: string): string {
    return `ssm-fleet-${region}-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
}

/**
 * One CloudWatch dashboard for the region: is every node managed, is the sweep alive, is the
 * notification path healthy, and the latest node transitions with their cause.
 */
export class FleetDashboard extends pulumi.ComponentResource {
    public readonly dashboardName: pulumi.Output<string>;

    constructor(name: string, args: FleetDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:FleetDashboard", name, {}, opts);
        const health = args.healthWatch;
        const names = health
            ? pulumi.all([health.sweepFunctionName, health.sweepLogGroupName, health.scheduleRuleName])
            : pulumi.output(undefined);
        const body = pulumi
            .all([
                pulumi.all(args.alarmArns),
                args.notifierFunctionName,
                args.notifierLogGroupName,
                pulumi.all(args.notificationRuleNames),
                pulumi.all(args.deadLetterQueueNames),
                args.topicName,
                names,
            ])
            .apply(([alarmArns, notifierFunctionName, notifierLogGroupName, ruleNames, queueNames, topicName, sweep]) =>
                JSON.stringify(
                    dashboardBody({
                        region: args.region,
                        alarmArns,
                        notifierFunctionName,
                        notifierLogGroupName,
                        notificationRuleNames: ruleNames,
                        deadLetterQueueNames: queueNames,
                        topicName,
                        tamperWatch: args.tamperWatch,
                        healthWatch:
                            health && sweep
                                ? {
                                      metrics: health.metrics,
                                      intervalSeconds: health.intervalSeconds,
                                      sweepFunctionName: sweep[0],
                                      sweepLogGroupName: sweep[1],
                                      scheduleRuleName: sweep[2],
                                  }
                                : undefined,
                    }),
                ),
            );
        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            { dashboardName: dashboardName(args.region, pulumi.getStack()), dashboardBody: body },
            { parent: this },
        );
        this.dashboardName = dashboard.dashboardName;
        this.registerOutputs({ dashboardName: this.dashboardName });
    }
}
