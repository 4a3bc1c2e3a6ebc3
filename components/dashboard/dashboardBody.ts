// The fleet dashboard's body, as CloudWatch's PutDashboard takes it: pure, so that tests check it
// against the documented structure and the plan draws it without AWS.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
import { HealthMetrics } from "../parts/healthWatchView";
import { tamperChangesMetric } from "../parts/lambda/tamperContext";

/** The dashboard grid is 24 columns wide. */
export const gridColumns = 24;

/** Everything the dashboard draws, by name: plain values, resolved by the component. */
export interface DashboardInputs {
    readonly region: string;
    /** Every alarm of the stack. */
    readonly alarmArns: readonly string[];
    readonly notifierFunctionName: string;
    readonly notifierLogGroupName: string;
    readonly notificationRuleNames: readonly string[];
    readonly deadLetterQueueNames: readonly string[];
    readonly topicName: string;
    /** Whether the stack has the tamper watch, whose notifier counts the changes it mails. */
    readonly tamperWatch?: boolean;
    /** Undefined when the health watch is off: the fleet widgets then say so. */
    readonly healthWatch?: {
        readonly metrics: HealthMetrics;
        readonly sweepFunctionName: string;
        readonly sweepLogGroupName: string;
        readonly scheduleRuleName: string;
        readonly intervalSeconds: number;
    };
}

/** A metric row: [namespace, name, dimension name, value, ..., rendering options]; or an expression row. */
export type MetricRow = (string | Record<string, unknown>)[];

export interface Widget {
    readonly type: "metric" | "log" | "alarm" | "text";
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly properties: Record<string, any>;
}

export interface DashboardBody {
    readonly start: string;
    readonly periodOverride: "inherit" | "auto";
    readonly widgets: Widget[];
}

/**
 * Logs Insights: the last 50 transitions the sweep logged, newest first, each with its node's latest
 * recorded cause (components/healthWatch/lambda/healthSweep.ts logs them).
 */
export function transitionsQuery(sweepLogGroupName: string): string {
    return [
        `SOURCE '${sweepLogGroupName}'`,
        `filter record = "transition"`,
        `fields @timestamp, nodeId, change, status, previous, why`,
        `sort @timestamp desc`,
        `limit 50`,
    ].join("\n| ");
}

/** Rows laid out left to right, each row as tall as its tallest widget: no overlaps by construction. */
function layout(rows: readonly Omit<Widget, "x" | "y">[][]): Widget[] {
    const widgets: Widget[] = [];
    let y = 0;
    for (const row of rows) {
        let x = 0;
        for (const widget of row) {
            if (x + widget.width > gridColumns) {
                throw new Error(`dashboard row at y=${y} is wider than ${gridColumns} columns`);
            }
            widgets.push({ ...widget, x, y });
            x += widget.width;
        }
        y += Math.max(...row.map(w => w.height));
    }
    return widgets;
}

function metricWidget(
    region: string,
    width: number,
    height: number,
    title: string,
    metrics: MetricRow[],
    extra: Record<string, unknown> = {},
): Omit<Widget, "x" | "y"> {
    return { type: "metric", width, height, properties: { title, region, metrics, ...extra } };
}

/** The dashboard: fleet headline, freshness, alarms, notification path, Run Command, tamper changes, transitions. */
export function dashboardBody(inputs: DashboardInputs): DashboardBody {
    const { region } = inputs;
    const health = inputs.healthWatch;
    const fleetRows: Omit<Widget, "x" | "y">[][] = [];
    if (health) {
        const { metrics: m, intervalSeconds: period } = health;
        const count = (name: string, id: string, label: string, visible = true): MetricRow => [
            m.namespace,
            name,
            { id, label, stat: "Maximum", visible },
        ];
        fleetRows.push([
            metricWidget(
                region,
                18,
                5,
                "Managed nodes (latest sweep)",
                [
                    count(m.online, "online", "Online"),
                    count(m.unmanaged, "unmanaged", "Unmanaged"),
                    count(m.connectionLost, "lost", "Connection lost"),
                    count(m.neverRegistered, "never", "Never registered"),
                    count(m.agentOutdated, "outdated", "Agent outdated"),
                    count(m.hybridLost, "hybrid", "Hybrid lost"),
                    [{ expression: "100 * online / (online + unmanaged)", id: "managed", label: "% managed" }],
                ],
                { view: "singleValue", sparkline: true, period, stat: "Maximum" },
            ),
            metricWidget(
                region,
                6,
                5,
                "Minutes since the last sweep",
                [
                    [
                        "AWS/Lambda",
                        "Invocations",
                        "FunctionName",
                        health.sweepFunctionName,
                        { id: "runs", stat: "Sum", visible: false },
                    ],
                    // Each minute's timestamp less the last one with a run, in minutes.
                    [
                        {
                            expression: "(EPOCH(FILL(runs, 0)) - FILL(EPOCH(runs), REPEAT)) / 60",
                            id: "stale",
                            label: "Minutes since the last sweep",
                        },
                    ],
                ],
                { view: "singleValue", sparkline: true, period: 60 },
            ),
        ]);
        fleetRows.push([
            metricWidget(
                region,
                12,
                6,
                "Nodes by status",
                [
                    [
                        {
                            expression: `SEARCH('{${m.namespace},${m.statusDimension}} MetricName="${m.nodesByDimension}"', 'Sum', ${period})`,
                            id: "byStatus",
                            label: "",
                        },
                    ],
                ],
                { view: "timeSeries", stacked: true, period },
            ),
            alarmWidget(inputs, 12, 6),
        ]);
        fleetRows.push([
            metricWidget(
                region,
                12,
                6,
                "Nodes missing patches, by severity",
                m.severities.map(severity => [
                    m.namespace,
                    m.patchNonCompliant,
                    m.severityDimension,
                    severity,
                    { label: severity, stat: "Maximum" },
                ]),
                { view: "timeSeries", period },
            ),
            // Percentiles over each sweep window's values: one value per node that became managed in it.
            metricWidget(
                region,
                12,
                6,
                "Time to managed: EC2 running to SSM online (seconds)",
                ["p50", "p95"].map(stat => [m.namespace, m.timeToManaged, { label: stat, stat }]),
                { view: "timeSeries", period },
            ),
        ]);
    } else {
        fleetRows.push([
            {
                type: "text",
                width: 12,
                height: 6,
                properties: { markdown: "The health watch is off (`healthWatch: false`): no fleet counts." },
            },
            alarmWidget(inputs, 12, 6),
        ]);
    }
    const lambdaRows = [
        [inputs.notifierFunctionName, "notifier"],
        ...(health ? [[health.sweepFunctionName, "sweep"]] : []),
    ].flatMap(([name, label]) =>
        ["Errors", "Throttles"].map(metric => [
            "AWS/Lambda",
            metric,
            "FunctionName",
            name,
            { label: `${label} ${metric.toLowerCase()}`, stat: "Sum" },
        ]),
    );
    const rules = [...inputs.notificationRuleNames, ...(health ? [health.scheduleRuleName] : [])];
    const pathRow = [
        metricWidget(region, 8, 6, "Lambda errors and throttles", lambdaRows, { view: "timeSeries", period: 300 }),
        metricWidget(
            region,
            8,
            6,
            "Dead letters waiting",
            inputs.deadLetterQueueNames.map(name => [
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "QueueName",
                name,
                { stat: "Maximum" },
            ]),
            { view: "timeSeries", period: 300 },
        ),
        metricWidget(
            region,
            8,
            6,
            "Event deliveries and e-mails failed",
            [
                ...rules.map(name => ["AWS/Events", "FailedInvocations", "RuleName", name, { stat: "Sum" }]),
                ["AWS/SNS", "NumberOfNotificationsFailed", "TopicName", inputs.topicName, { stat: "Sum" }],
            ],
            { view: "timeSeries", period: 300 },
        ),
    ];
    const tamperWidgets = inputs.tamperWatch
        ? [
              metricWidget(
                  region,
                  8,
                  5,
                  "Changes made outside the stack (tamper watch)",
                  [
                      [
                          tamperChangesMetric.namespace,
                          tamperChangesMetric.name,
                          { label: "Mailed as tamper", stat: "Sum" },
                      ],
                  ],
                  { view: "timeSeries", period: 3600 },
              ),
          ]
        : [];
    const runCommandRow = [
        metricWidget(
            region,
            gridColumns - tamperWidgets.length * 8,
            5,
            "Run Command outcomes (all commands in the region)",
            ["CommandsSucceeded", "CommandsFailed", "CommandsDeliveryTimedOut"].map(name => [
                "AWS/SSM-RunCommand",
                name,
                { stat: "Sum" },
            ]),
            { view: "timeSeries", period: 300 },
        ),
        ...tamperWidgets,
    ];
    const transitionsRow = health
        ? [
              {
                  type: "log" as const,
                  width: 24,
                  height: 8,
                  properties: {
                      title: "Last 50 node health transitions, and why",
                      region,
                      view: "table",
                      query: transitionsQuery(health.sweepLogGroupName),
                  },
              },
          ]
        : [];
    return {
        start: "-PT6H",
        periodOverride: "inherit",
        widgets: layout([...fleetRows, pathRow, runCommandRow, ...(transitionsRow.length ? [transitionsRow] : [])]),
    };
}

function alarmWidget(inputs: DashboardInputs, width: number, height: number): Omit<Widget, "x" | "y"> {
    return {
        type: "alarm",
        width,
        height,
        properties: { title: "Alarms of this stack", alarms: [...inputs.alarmArns], sortBy: "stateUpdatedTimestamp" },
    };
}
