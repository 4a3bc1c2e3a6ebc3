// The fleet dashboard of each committed stack against CloudWatch's documented body structure, and
// against what the stack actually has and emits: its metrics, alarms and log groups.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
import * as assert from "assert";
import { dashboardBody, MetricRow, Widget } from "../../../components/dashboard/dashboardBody";
import { dashboardName } from "../../../components/dashboard/fleetDashboard";
import { runSweep } from "../../../components/healthWatch/lambda/healthSweep";
import { recordCause } from "../../../components/healthWatch/lambda/nodeCauses";
import { notifyEvent } from "../../../components/notifications/lambda/notification";
import { cloudTrailEvent, tamperRecords } from "../../../harness/fixtures";
import { SimulatedFleet, sweepSettings } from "../../../harness/simulatedFleet";
import { assertGrid } from "../../support/dashboardGrid";
import { committedStack, Synthesized } from "../../support/program";

/**
 * The AWS metrics the dashboard may draw, each with the dimension it is drawn by (none for Run
 * Command, which documents none) and the documentation that lists it.
 */
const awsMetrics: Record<string, { names: string[]; dimension?: string; doc: string }> = {
    "AWS/Lambda": {
        names: ["Errors", "Throttles", "Invocations"],
        dimension: "FunctionName",
        doc: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
    },
    "AWS/SQS": {
        names: ["ApproximateNumberOfMessagesVisible"],
        dimension: "QueueName",
        doc: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html",
    },
    "AWS/Events": {
        names: ["FailedInvocations"],
        dimension: "RuleName",
        doc: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html",
    },
    "AWS/SNS": {
        names: ["NumberOfNotificationsFailed"],
        dimension: "TopicName",
        doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html",
    },
    "AWS/SSM-RunCommand": {
        names: ["CommandsSucceeded", "CommandsFailed", "CommandsDeliveryTimedOut"],
        doc: "https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudwatch-metrics.html",
    },
};

/** What the sweep emits, found by running it: dimensionless PutMetricData names and EMF metrics with their dimension sets. */
async function sweepEmissions() {
    const fleet = new SimulatedFleet();
    const now = Date.parse("2026-12-01T12:00:00Z");
    fleet.addInstance("i-0000000000000000a", new Date(now - 3600_000));
    fleet.addInstance("i-0000000000000000b", new Date(now - 3600_000), null);
    fleet.setMissingPatches("i-0000000000000000a", { Critical: 1 });
    // A node whose running event the health watch recorded: the sweep measures its time to managed.
    await recordCause(fleet, "t", {
        source: "aws.ec2",
        "detail-type": "EC2 Instance State-change Notification",
        time: new Date(now - 3600_000).toISOString(),
        detail: { "instance-id": "i-0000000000000000a", state: "running" },
    });
    const lines: string[] = [];
    const settings = sweepSettings({
        tableName: "t",
        topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
        graceMs: 0,
        debounce: 1,
        excludeTagKey: "x",
        maxDiagnoses: 0,
    });
    await runSweep(
        fleet,
        settings,
        now,
        async () => undefined,
        line => lines.push(line),
    );
    const put = new Set(fleet.metrics.flat().map(m => `${m.MetricName}`));
    const documents = lines.map(line => JSON.parse(line)).filter(doc => doc._aws);
    const emf = documents.flatMap(doc => doc._aws.CloudWatchMetrics);
    return { namespace: emf[0].Namespace as string, put, emf, documents };
}

/** What the notifier emits as EMF, found by running it on a tamper change and on the heartbeat. */
async function notifierEmissions() {
    const lines: string[] = [];
    const heartbeatParameter = "/ssm-fleet-baseline/dev/tamper-heartbeat";
    const tamper = { stack: "dev", deployerArns: [], heartbeatParameter, resources: {} };
    const change = tamperRecords().find(r => r.file === "derived-config-stop-configuration-recorder.json")!.record;
    const heartbeat = {
        "detail-type": "AWS API Call via CloudTrail",
        detail: {
            eventName: "AddTagsToResource",
            requestParameters: { resourceType: "Parameter", resourceId: heartbeatParameter },
        },
    };
    for (const event of [cloudTrailEvent(change), heartbeat]) {
        await notifyEvent(
            event,
            async () => undefined,
            { tamper },
            line => lines.push(line),
        );
    }
    return lines.filter(line => line.startsWith("{")).map(line => JSON.parse(line));
}

describe("the fleet dashboard", () => {
    for (const stack of ["dev", "prod"]) {
        describe(`of ${stack}`, () => {
            let resources: Synthesized["resources"];
            let body: { start: string; periodOverride: string; widgets: Widget[] };
            before(async () => {
                ({ resources } = await committedStack(stack));
                const dashboards = resources.filter(r => r.type === "aws:cloudwatch/dashboard:Dashboard");
                assert.strictEqual(dashboards.length, 1, "one dashboard, on by default");
                body = JSON.parse(dashboards[0].inputs.dashboardBody);
                assert.strictEqual(dashboards[0].inputs.dashboardName, `ssm-fleet-eu-west-1-${stack}`);
            });
            const named = (type: string, field = "name") =>
                new Set(resources.filter(r => r.type === type).map(r => r.outputs[field] as string));

            it("lays its widgets on the 24-column grid, none overlapping, within 500 widgets", () => {
                assert.ok(body.widgets.length > 0 && body.widgets.length <= 500);
                assertGrid(body.widgets);
                assert.deepStrictEqual([...new Set(body.widgets.map(w => w.type))].sort(), ["alarm", "log", "metric"]);
            });

            it("draws only metrics the sweep emits or AWS documents, by resources of this stack", async () => {
                const { namespace, put, emf, documents } = await sweepEmissions();
                const notifierDocuments = await notifierEmissions();
                const notifierDirectives = notifierDocuments.flatMap(d => d._aws.CloudWatchMetrics);
                const ours = {
                    FunctionName: named("aws:lambda/function:Function"),
                    QueueName: named("aws:sqs/queue:Queue"),
                    RuleName: named("aws:cloudwatch/eventRule:EventRule"),
                    TopicName: named("aws:sns/topic:Topic"),
                } as Record<string, Set<string>>;
                let rows = 0;
                for (const widget of body.widgets.filter(w => w.type === "metric")) {
                    const ids = new Set<string>();
                    for (const row of widget.properties.metrics as MetricRow[]) {
                        rows++;
                        const last = row[row.length - 1];
                        const options = typeof last === "object" ? (last as Record<string, any>) : {};
                        if (options.id) {
                            assert.match(options.id, /^[a-z][A-Za-z0-9_]*$/, "ids start lower-case");
                            ids.add(options.id);
                        }
                        if (typeof row[0] === "object") {
                            const expression = String(options.expression);
                            const search = /^SEARCH\('\{([^,}]+),([^}]+)\} MetricName="([^"]+)"'/.exec(expression);
                            if (search) {
                                const [, ns, dims, name] = search;
                                assert.strictEqual(ns, namespace);
                                assert.ok(
                                    emf.some(
                                        d =>
                                            d.Metrics.some((m: any) => m.Name === name) &&
                                            d.Dimensions.some((set: string[]) => set.join(",") === dims),
                                    ),
                                    `the sweep emits ${name} by ${dims}`,
                                );
                            } else {
                                for (const used of expression.match(/\b[a-z][A-Za-z0-9_]*\b/g) ?? []) {
                                    assert.ok(ids.has(used), `${expression} uses ${used}, an id drawn before it`);
                                }
                            }
                            continue;
                        }
                        const [ns, name, ...rest] = row as string[];
                        const dims = rest.filter(v => typeof v === "string");
                        if (ns === namespace) {
                            // Put dimensionless, or logged as EMF with these dimensions and a document for these values.
                            const keys = dims.filter((_, i) => i % 2 === 0);
                            const logged = documents.some(
                                d =>
                                    d._aws.CloudWatchMetrics.some(
                                        (c: any) =>
                                            c.Metrics.some((m: any) => m.Name === name) &&
                                            c.Dimensions.some((set: string[]) => set.join(",") === keys.join(",")),
                                    ) && keys.every((key, i) => d[key] === dims[2 * i + 1]),
                            );
                            assert.ok(
                                (put.has(name) && dims.length === 0) || logged,
                                `the sweep emits ${name} ${dims.join(" ")}`,
                            );
                            continue;
                        }
                        if (notifierDirectives.some(c => c.Namespace === ns)) {
                            assert.ok(
                                dims.length === 0 &&
                                    notifierDirectives.some(
                                        c =>
                                            c.Namespace === ns &&
                                            c.Metrics.some((m: any) => m.Name === name) &&
                                            c.Dimensions.some((set: string[]) => set.length === 0),
                                    ),
                                `the notifier emits ${ns} ${name}`,
                            );
                            continue;
                        }
                        const documented = awsMetrics[ns];
                        assert.ok(documented?.names.includes(name), `${ns} ${name} is documented`);
                        assert.deepStrictEqual(
                            dims.filter((_, i) => i % 2 === 0),
                            documented.dimension ? [documented.dimension] : [],
                            `${ns} ${name} dimensions`,
                        );
                        if (documented.dimension) {
                            assert.ok(ours[documented.dimension].has(dims[1]), `${dims[1]} is a resource of the stack`);
                        }
                    }
                }
                assert.ok(rows >= 15, `${rows} metric rows`);
            });

            it("shows every alarm of the stack, and only those", () => {
                const alarms = body.widgets.filter(w => w.type === "alarm");
                assert.strictEqual(alarms.length, 1);
                // Both dead-letter queues', the notifier's dropped dead letters and the topic's failed
                // deliveries, the sweep's unmanaged, failing and stopped alarms, missing subscriptions, and
                // the tamper watch's blindness.
                assert.strictEqual(alarms[0].properties.alarms.length, 9);
                assert.deepStrictEqual(
                    [...alarms[0].properties.alarms].sort(),
                    [...named("aws:cloudwatch/metricAlarm:MetricAlarm", "arn")].sort(),
                );
            });

            it("draws the changes the tamper watch mailed, per hour, beside Run Command", () => {
                const tamper = body.widgets.filter(w =>
                    (w.properties.metrics ?? []).some((row: MetricRow) => row[1] === "TamperChangesDetected"),
                );
                assert.strictEqual(tamper.length, 1);
                assert.deepStrictEqual(tamper[0].properties.metrics, [
                    [
                        "SsmFleetBaseline/TamperWatch",
                        "TamperChangesDetected",
                        { label: "Mailed as tamper", stat: "Sum" },
                    ],
                ]);
                assert.strictEqual(tamper[0].properties.period, 3600);
            });

            it("queries only log groups of the stack", () => {
                const groups = named("aws:cloudwatch/logGroup:LogGroup");
                const logs = body.widgets.filter(w => w.type === "log");
                assert.ok(logs.length > 0);
                for (const widget of logs) {
                    const query: string = widget.properties.query;
                    const sources = [...query.matchAll(/SOURCE '([^']+)'/g)].map(m => m[1]);
                    assert.ok(sources.length > 0 && query.startsWith("SOURCE '"), query);
                    for (const source of sources) {
                        assert.ok(groups.has(source), `${source} is a log group of the stack`);
                    }
                    assert.ok(["table", "timeSeries", "bar", "pie"].includes(widget.properties.view));
                }
            });
        });
    }

    it("without the health watch or the tamper watch, keeps the alarms and the notification path and still fits the grid", () => {
        const inputs = {
            region: "eu-west-1",
            alarmArns: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a"],
            notifierFunctionName: "n",
            notifierLogGroupName: "/n",
            notificationRuleNames: ["r"],
            deadLetterQueueNames: ["q"],
            topicName: "t",
        };
        const body = dashboardBody(inputs);
        assertGrid(body.widgets);
        assert.ok(body.widgets.some(w => w.type === "alarm"));
        assert.ok(!body.widgets.some(w => w.type === "log"), "no sweep log to query");
        const drawn = JSON.stringify(body.widgets);
        assert.ok(!drawn.includes("TamperChangesDetected"), "without the tamper watch, no count of its changes");
        assert.ok(
            JSON.stringify(dashboardBody({ ...inputs, tamperWatch: true }).widgets).includes("TamperChangesDetected"),
        );
    });

    it("names the dashboard with only the characters PutDashboard allows", () => {
        assert.strictEqual(dashboardName("eu-west-1", "org.dev"), "ssm-fleet-eu-west-1-org-dev");
    });
});
