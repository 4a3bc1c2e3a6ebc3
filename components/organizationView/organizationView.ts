import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HealthMetrics } from "../parts/healthWatchView";
import { heartbeatMetric, tamperChangesMetric } from "../parts/lambda/tamperContext";
import { sinkPolicy } from "./observabilityAccess";
import { cellKey, FleetCell, organizationViewBody } from "./organizationViewBody";

export interface OrganizationViewArgs {
    /** The monitoring account: its own cells share nothing through a link, their data is already here. */
    readonly monitoringAccountId: string;
    /** The Region the dashboard is managed from (dashboards are global to the account). */
    readonly homeRegion: string;
    /** Every cell of the manifest, in the rollout's order. */
    readonly cells: readonly FleetCell[];
    readonly metrics: HealthMetrics;
}

/**
 * A Metrics Insights query on one source account's metrics. In a monitoring account, Metrics
 * Insights alarms "can watch resources in source accounts and in the monitoring account itself",
 * which needs no sharing role in the source account (unlike PutMetricAlarm's cross-account alarms
 * on a single metric, which need CloudWatch-CrossAccountSharingRole there).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-alarms.html
 * The WHERE AWS.AccountId filter is from secondary sources; unconfirmed against the syntax page
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html
 */
export function accountQuery(
    stat: string,
    namespace: string,
    dimensions: readonly string[],
    accountId: string,
): string {
    const schema = [`"${namespace}"`, ...dimensions].join(", ");
    return `SELECT ${stat} FROM SCHEMA(${schema}) WHERE AWS.AccountId = '${accountId}'`;
}

/**
 * The organization view, in the monitoring account: one OAM sink per Region of the fleet (links
 * are Regional, observabilityAccess.ts), a sink policy admitting exactly the fleet's accounts, per
 * cell a composite alarm in the cell's Region (unmanaged nodes, a change made outside the stack,
 * the tamper watch blind, or the notification path failing), and one dashboard drawing the cells as the rollout's matrix.
 */
export class OrganizationView extends pulumi.ComponentResource {
    /** Each Region's sink ARN: the rollout hands it to that Region's cells (monitoringSinkArn). */
    public readonly sinkArns: Record<string, pulumi.Output<string>>;
    public readonly compositeAlarmArns: Record<string, pulumi.Output<string>>;
    public readonly dashboardName: pulumi.Output<string>;

    constructor(name: string, args: OrganizationViewArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:OrganizationView", name, {}, opts);
        const sources = args.cells.map(c => c.accountId).filter(id => id !== args.monitoringAccountId);
        const regions = [...new Set(args.cells.map(c => c.region))];
        this.sinkArns = {};
        for (const region of regions) {
            const sink = new aws.oam.Sink(
                `${name}-sink-${region}`,
                { region, name: `ssm-fleet-${region}` },
                { parent: this },
            );
            new aws.oam.SinkPolicy(
                `${name}-sink-policy-${region}`,
                { region, sinkIdentifier: sink.arn, policy: JSON.stringify(sinkPolicy(sources)) },
                { parent: this },
            );
            this.sinkArns[region] = sink.arn;
        }
        this.compositeAlarmArns = {};
        for (const cell of args.cells) {
            this.compositeAlarmArns[cellKey(cell)] = this.cellAlarm(name, cell, args.metrics).arn;
        }
        const body = pulumi
            .all(this.compositeAlarmArns)
            .apply(compositeAlarmArns =>
                JSON.stringify(organizationViewBody({ cells: args.cells, metrics: args.metrics, compositeAlarmArns })),
            );
        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                region: args.homeRegion,
                dashboardName: `ssm-fleet-organization-${pulumi.getStack()}`,
                dashboardBody: body,
            },
            { parent: this },
        );
        this.dashboardName = dashboard.dashboardName;
        this.registerOutputs({ sinkArns: this.sinkArns, dashboardName: this.dashboardName });
    }

    /** The cell's composite alarm over its own metric alarms, all in the cell's Region (composite alarms watch alarms of their own account and Region). */
    private cellAlarm(name: string, cell: FleetCell, metrics: HealthMetrics): aws.cloudwatch.CompositeAlarm {
        const prefix = `${name}-${cell.accountName}-${cell.region}`;
        const query = (
            suffix: string,
            description: string,
            sql: string,
            period: number,
            evaluationPeriods: number,
            breach: "above-zero" | "below-one",
        ) =>
            new aws.cloudwatch.MetricAlarm(
                `${prefix}-${suffix}`,
                {
                    region: cell.region,
                    alarmDescription: `${cell.accountName} (${cell.accountId}) ${cell.region}: ${description}`,
                    metricQueries: [{ id: "q", expression: sql, period, returnData: true }],
                    evaluationPeriods,
                    threshold: breach === "above-zero" ? 0 : 1,
                    comparisonOperator: breach === "above-zero" ? "GreaterThanThreshold" : "LessThanThreshold",
                    // A blind tamper watch sends nothing at all; the other counts are simply absent when all is well.
                    treatMissingData: breach === "below-one" ? "breaching" : "notBreaching",
                },
                { parent: this },
            );
        const alarms = [
            query(
                "unmanaged",
                "nodes are not managed",
                accountQuery(`MAX(${metrics.unmanaged})`, metrics.namespace, [], cell.accountId),
                300,
                1,
                "above-zero",
            ),
            // The SNS and EventBridge failures are the whole account's in the Region: the monitoring
            // stack runs before the cells, so it cannot name their autonamed topic and rules.
            query(
                "topic-failed",
                "notification deliveries failed",
                accountQuery("SUM(NumberOfNotificationsFailed)", "AWS/SNS", ["TopicName"], cell.accountId),
                300,
                1,
                "above-zero",
            ),
            // EventBridge publishes a default-bus rule's metrics with RuleName alone, and a custom bus's
            // (the health bus's diagnosis rule) with EventBusName and RuleName: one query per schema.
            // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
            query(
                "events-failed",
                "EventBridge could not deliver to a target of a default-bus rule",
                accountQuery("SUM(FailedInvocations)", "AWS/Events", ["RuleName"], cell.accountId),
                300,
                1,
                "above-zero",
            ),
            query(
                "bus-events-failed",
                "EventBridge could not deliver to a target of a custom-bus rule (the health bus)",
                accountQuery("SUM(FailedInvocations)", "AWS/Events", ["EventBusName", "RuleName"], cell.accountId),
                300,
                1,
                "above-zero",
            ),
            ...(cell.tamperWatch
                ? [
                      query(
                          "tamper-blind",
                          "the tamper watch's hourly heartbeat stopped",
                          accountQuery(`SUM(${heartbeatMetric.name})`, heartbeatMetric.namespace, [], cell.accountId),
                          3600,
                          2,
                          "below-one",
                      ),
                      // Each change is mailed to the cell's own topic; here it turns the cell red for the
                      // hour, so the organization sees it without reading the cell's mail.
                      query(
                          "tamper-changes",
                          "a change was made outside the stack in the last hour (tamper watch)",
                          accountQuery(
                              `SUM(${tamperChangesMetric.name})`,
                              tamperChangesMetric.namespace,
                              [],
                              cell.accountId,
                          ),
                          3600,
                          1,
                          "above-zero",
                      ),
                  ]
                : []),
        ];
        return new aws.cloudwatch.CompositeAlarm(
            `${prefix}-health`,
            {
                region: cell.region,
                alarmName: `ssm-fleet-${cell.accountName}-${cell.region}-health`,
                alarmDescription: `${cell.accountName} (${cell.accountId}) ${cell.region}: unmanaged nodes, tamper (a change outside the stack, or the watch blind), or the notification path failing`,
                alarmRule: pulumi
                    .all(alarms.map(a => a.arn))
                    .apply(arns => arns.map(arn => `ALARM("${arn}")`).join(" OR ")),
            },
            { parent: this },
        );
    }
}
