// The organization view in the monitoring account: a sink per Region whose policy admits exactly
// the manifest's other accounts, a composite alarm per cell in the cell's Region, and a dashboard
// drawn in the rollout matrix's order on CloudWatch's documented grid.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
import * as assert from "assert";
import * as path from "path";
import { healthMetrics } from "../../../components/healthWatch/managedNodeHealthWatch";
import { MonitoringLink } from "../../../components/organizationView/monitoringLink";
import { sharedResourceTypes } from "../../../components/organizationView/observabilityAccess";
import { OrganizationView } from "../../../components/organizationView/organizationView";
import {
    cellKey,
    FleetCell,
    maxDashboardWidgets,
    organizationViewBody,
    organizationViewLimits,
    OrgWidget,
} from "../../../components/organizationView/organizationViewBody";
import { ConfigError, parseOrganizationViewConfig, parseStackConfig } from "../../../config";
import { engineStackConfig, readProjectFile } from "../../../harness/engineConfig";
import { underMocks } from "../../../harness/synthesize";
import { assertGrid } from "../../support/dashboardGrid";
import { exampleFleet, exampleMonitoringConfig } from "../../support/exampleFleet";
import { projectRoot } from "../../support/program";

/** The example manifest (a dedicated monitoring account), as the rollout reads it and the engine hands it over. */
function committedFleet() {
    const { manifest, cells } = exampleFleet();
    return { manifest, cells, config: parseOrganizationViewConfig(exampleMonitoringConfig()) };
}

describe("the organization view", function () {
    this.timeout(60000);
    const { manifest, cells, config } = committedFleet();
    let resources: Awaited<ReturnType<typeof build>>["mocks"]["resources"];
    let view: OrganizationView;
    const build = () =>
        underMocks({}, () => new OrganizationView("organization", { ...config, metrics: healthMetrics }));
    before(async () => {
        const built = await build();
        resources = built.mocks.resources;
        view = built.result;
    });
    const ofType = (type: string) => resources.filter(r => r.type === type);

    it("has one sink per Region of the fleet, each managed in its Region, since links attach only within a Region", () => {
        const regions = [...new Set(cells.map(c => c.region))];
        assert.deepStrictEqual(
            ofType("aws:oam/sink:Sink")
                .map(s => s.inputs.region)
                .sort(),
            [...regions].sort(),
        );
        assert.deepStrictEqual(Object.keys(view.sinkArns).sort(), [...regions].sort());
    });

    it("lets exactly the manifest's accounts link, only for the types the links share", () => {
        const policies = ofType("aws:oam/sinkPolicy:SinkPolicy");
        assert.strictEqual(policies.length, ofType("aws:oam/sink:Sink").length);
        for (const policy of policies) {
            const [statement, ...more] = JSON.parse(policy.inputs.policy).Statement;
            assert.deepStrictEqual(more, []);
            assert.deepStrictEqual(statement.Principal.AWS, manifest.accounts.map(a => a.id).sort());
            assert.deepStrictEqual(statement.Action, ["oam:CreateLink", "oam:UpdateLink"]);
            assert.deepStrictEqual(statement.Condition["ForAllValues:StringEquals"]["oam:ResourceTypes"], [
                ...sharedResourceTypes,
            ]);
        }
    });

    it("gives each cell a composite alarm in the cell's Region over Metrics Insights alarms on the cell's account", () => {
        const composites = ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm");
        assert.strictEqual(composites.length, cells.length);
        const alarms = ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        for (const cell of config.cells) {
            const composite = composites.find(
                c => c.inputs.alarmName === `ssm-fleet-${cell.accountName}-${cell.region}-health`,
            )!;
            assert.strictEqual(composite.inputs.region, cell.region);
            const watched = [...composite.inputs.alarmRule.matchAll(/ALARM\("([^"]+)"\)/g)].map(m => m[1]);
            const own = alarms.filter(a => watched.includes(a.outputs.arn));
            assert.strictEqual(own.length, watched.length, "every alarm of the rule is one of the stack's");
            // Unmanaged nodes, SNS failures, EventBridge failures on the default bus and on custom buses;
            // with the tamper watch, its heartbeat and its changes.
            assert.strictEqual(own.length, cell.tamperWatch ? 6 : 4);
            // EventBridge publishes a custom bus's rule metrics with EventBusName and RuleName, the
            // default bus's with RuleName alone (eb-monitoring.html): both schemas are watched.
            const queries = own.map(a => a.inputs.metricQueries[0].expression);
            for (const schema of ['SCHEMA("AWS/Events", RuleName)', 'SCHEMA("AWS/Events", EventBusName, RuleName)']) {
                assert.ok(
                    queries.includes(
                        `SELECT SUM(FailedInvocations) FROM ${schema} WHERE AWS.AccountId = '${cell.accountId}'`,
                    ),
                    schema,
                );
            }
            for (const alarm of own) {
                assert.strictEqual(alarm.inputs.region, cell.region, "composite alarms watch alarms of their Region");
                assert.match(
                    alarm.inputs.metricQueries[0].expression,
                    new RegExp(`WHERE AWS.AccountId = '${cell.accountId}'$`),
                );
            }
        }
    });

    it("turns a tamper-watched cell red for an hour after a change made outside its stack, as its mail reports", () => {
        const alarms = ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        const watched = config.cells.filter(c => c.tamperWatch);
        assert.ok(watched.length > 0, "the committed fleet has a tamper-watched cell");
        for (const cell of config.cells) {
            const changes = alarms.filter(
                a =>
                    a.inputs.region === cell.region &&
                    a.inputs.metricQueries[0].expression.includes("TamperChangesDetected") &&
                    a.inputs.metricQueries[0].expression.endsWith(`'${cell.accountId}'`),
            );
            if (!cell.tamperWatch) {
                assert.deepStrictEqual(changes, [], "no tamper watch, no count of its changes");
                continue;
            }
            assert.strictEqual(changes.length, 1);
            const { inputs } = changes[0];
            assert.strictEqual(
                inputs.metricQueries[0].expression,
                `SELECT SUM(TamperChangesDetected) FROM SCHEMA("SsmFleetBaseline/TamperWatch") WHERE AWS.AccountId = '${cell.accountId}'`,
            );
            // More than 0 changes in the last hour; no changes publish no data, which is not a breach.
            assert.deepStrictEqual(
                [inputs.metricQueries[0].period, inputs.evaluationPeriods, inputs.comparisonOperator, inputs.threshold],
                [3600, 1, "GreaterThanThreshold", 0],
            );
            assert.strictEqual(inputs.treatMissingData, "notBreaching");
        }
    });

    it("refuses a home Region the program does not support, naming aws:region", () => {
        for (const [region, expected] of [
            ["eu-west-9", /aws:region: got "eu-west-9"; expected the monitoring account's home Region/],
            [
                "cn-north-1",
                /aws:region: cn-north-1 is in the aws-cn \(China\) partition.*choose a Region of the aws partition/,
            ],
        ] as const) {
            assert.throws(
                () => parseOrganizationViewConfig({ ...exampleMonitoringConfig(), "aws:region": region }),
                (e: unknown) => e instanceof ConfigError && expected.test(e.message),
            );
        }
    });

    it("draws the cells as the rollout matrix: accounts as rows, Regions as columns, on the 24-column grid", () => {
        const [dashboard] = ofType("aws:cloudwatch/dashboard:Dashboard");
        assert.strictEqual(dashboard.inputs.region, "eu-west-1");
        const widgets: OrgWidget[] = JSON.parse(dashboard.inputs.dashboardBody).widgets;
        assertGrid(widgets);
        const alarmWidgets = widgets.filter(w => w.type === "alarm");
        assert.strictEqual(alarmWidgets.length, cells.length);
        const accounts = [...new Set(cells.map(c => c.account.id))];
        const regions = [...new Set(cells.map(c => c.region))];
        const composites = ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm").map(c => c.outputs.arn);
        for (const cell of config.cells) {
            const [tile] = alarmWidgets.filter(w =>
                w.properties.title.endsWith(`(${cell.accountId}) · ${cell.region}`),
            );
            // Row by the account's place in the rollout, column by the Region's.
            const rowOf = (y: number) => accounts.indexOf(cell.accountId) === Math.floor(y / 6);
            assert.ok(rowOf(tile.y), `${cellKey(cell)} in its account's row`);
            assert.strictEqual(tile.x, regions.indexOf(cell.region) * Math.floor(24 / regions.length));
            assert.ok(composites.includes(tile.properties.alarms[0]), "the alarm is one of the stack's");
            const counts = widgets.find(w => w.type === "metric" && w.x === tile.x && w.y === tile.y + tile.height)!;
            assert.strictEqual(counts.properties.region, cell.region);
            for (const row of counts.properties.metrics) {
                assert.strictEqual(row[0], healthMetrics.namespace);
                assert.strictEqual(row[2].accountId, cell.accountId, "the source account's metric, through the link");
            }
        }
    });
});

describe("a cell's monitoring link", () => {
    const cellConfig = (sinkArn: string) =>
        engineStackConfig(
            "fleet-x",
            `config:\n  aws:region: eu-west-1\n  ssm-fleet-baseline:notificationEmails: [ops@example.com]\n  ssm-fleet-baseline:monitoringSinkArn: "${sinkArn}"\n`,
            readProjectFile(path.join(projectRoot, "Pulumi.yaml")),
        );

    it("shares the metrics and log groups with the sink of its own Region", async () => {
        const sinkArn = "arn:aws:oam:eu-west-1:444444444444:sink/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";
        assert.deepStrictEqual(parseStackConfig(cellConfig(sinkArn)).monitoringLink, { sinkArn });
        const { mocks } = await underMocks({}, () => new MonitoringLink("monitoring", { sinkArn }));
        const link = mocks.resources.find(r => r.type === "aws:oam/link:Link")!;
        assert.strictEqual(link.inputs.sinkIdentifier, sinkArn);
        assert.deepStrictEqual(link.inputs.resourceTypes, ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"]);
    });

    it("draws up to 24 Regions and 500 widgets, and names the manifest's size and the way out past them", () => {
        const inputs = (accounts: number, regions: number) => {
            const cells: FleetCell[] = Array.from({ length: accounts * regions }, (_, i) => ({
                accountId: String(100000000000 + Math.floor(i / regions)),
                accountName: `a${Math.floor(i / regions)}`,
                region: `region-${i % regions}`,
                tamperWatch: false,
            }));
            return { cells, metrics: healthMetrics, compositeAlarmArns: {} };
        };
        // The most it draws: 24 Regions side by side, and 250 cells in 500 widgets, on the grid.
        for (const [accounts, regions] of [
            [1, 24],
            [125, 2],
        ]) {
            const widgets = organizationViewBody(inputs(accounts, regions)).widgets;
            assert.deepStrictEqual(organizationViewLimits(inputs(accounts, regions).cells), []);
            assertGrid(widgets);
            assert.ok(widgets.length <= maxDashboardWidgets);
        }
        assert.strictEqual(organizationViewBody(inputs(125, 2)).widgets.length, maxDashboardWidgets);
        assert.throws(() => organizationViewBody(inputs(1, 25)), /the manifest has 25 Regions: split it/);
        assert.throws(
            () => organizationViewBody(inputs(251, 1)),
            /at most 500; the manifest has 251 cells \(502 widgets\): split it into manifests of at most 250 cells/,
        );
    });

    it("refuses a sink of another Region, or something that is not a sink ARN, naming the key", () => {
        for (const [arn, expected] of [
            [
                "arn:aws:oam:us-east-1:444444444444:sink/a1b2",
                /monitoringSinkArn: .*expected the monitoring account's sink in this stack's Region, eu-west-1/,
            ],
            ["arn:aws:sns:eu-west-1:444444444444:topic", /monitoringSinkArn: .*expected an OAM sink ARN/],
        ] as const) {
            assert.throws(
                () => parseStackConfig(cellConfig(arn)),
                (e: unknown) => e instanceof ConfigError && expected.test(e.message),
            );
        }
    });
});
