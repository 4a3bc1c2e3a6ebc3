// The tamper watch: its rule matches every watched CloudTrail write (official and derived records,
// by EventBridge's matching semantics) and no read-only call; IAM's calls only in us-east-1; and the
// dead-man's switch end to end: the schedule's write, its way back to the notifier, the metric it
// counts and the alarm that fires when it stops.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
import * as assert from "assert";
import { tamperWatchedCalls } from "../../../aws/identifiers";
import { notifyEvent } from "../../../components/notifications/lambda/notification";
import { heartbeatMetric, heartbeatTagKey } from "../../../components/parts/lambda/tamperContext";
import { heartbeatParameterName, tamperRoutes, TamperWatch } from "../../../components/tamperWatch/tamperWatch";
import { cloudTrailEvent, tamperRecords } from "../../../harness/fixtures";
import { standInAccountId } from "../../../harness/standIns";
import { matchesPattern } from "../../support/eventPattern";
import { underMocks, valueOf } from "../../support/program";

const settings = { region: "eu-west-1", deployerArns: [] };
const routes = (region: string) => tamperRoutes({ ...settings, region }, "dev");
const tamperRule = (region: string) => JSON.parse(routes(region)[0].eventPattern as string);

describe("tamper watch rule", () => {
    const records = tamperRecords();

    it("has a record for every watched call, and matches each one (IAM's in us-east-1)", () => {
        const watched = Object.values(tamperWatchedCalls).flat();
        for (const call of watched) {
            const record = records.find(r => r.record.eventName.replace(/\d{8}(v\d+)?$/, "") === call);
            assert.ok(record, `no fixture for ${call}`);
            const event = cloudTrailEvent(record.record);
            assert.ok(matchesPattern(tamperRule(event.region), event), `${record.file} is not matched`);
        }
    });

    it("matches AWS's own DeleteDocument and StopConfigurationRecorder records", () => {
        for (const file of [
            "cloudtrail-ssm-delete-document.json",
            "cloudtrail-config-stop-configuration-recorder.json",
        ]) {
            const event = cloudTrailEvent(records.find(r => r.file === file)!.record);
            assert.ok(matchesPattern(tamperRule(event.region), event), file);
        }
    });

    it("watches the calls that silence the notifier, reroute its events or quietly change the patch window", () => {
        for (const [file, call] of [
            ["derived-lambda-put-function-concurrency.json", "PutFunctionConcurrency20171031"],
            ["derived-lambda-update-function-code.json", "UpdateFunctionCode20150331v2"],
            ["derived-events-put-targets.json", "PutTargets"],
            ["derived-events-remove-targets.json", "RemoveTargets"],
            ["derived-ec2-modify-security-group-rules.json", "ModifySecurityGroupRules"],
            ["derived-ec2-replace-network-acl-association.json", "ReplaceNetworkAclAssociation"],
            ["derived-ssm-update-maintenance-window-task.json", "UpdateMaintenanceWindowTask"],
            ["derived-ssm-update-maintenance-window-target.json", "UpdateMaintenanceWindowTarget"],
            ["derived-ssm-deregister-target-from-maintenance-window.json", "DeregisterTargetFromMaintenanceWindow"],
        ]) {
            const record = records.find(r => r.file === file)?.record;
            assert.strictEqual(record?.eventName, call, file);
            const event = cloudTrailEvent(record);
            assert.ok(matchesPattern(tamperRule(event.region), event), file);
        }
    });

    it("never matches a read-only call", () => {
        const event = cloudTrailEvent(
            records.find(r => r.file === "cloudtrail-config-describe-configuration-recorders.json")!.record,
        );
        assert.ok(!matchesPattern(tamperRule(event.region), event));
    });

    it("watches IAM only in us-east-1, where IAM's events are delivered", () => {
        assert.ok(tamperRule("us-east-1").source.includes("aws.iam"));
        assert.ok(!tamperRule("eu-west-1").source.includes("aws.iam"));
        const detach = cloudTrailEvent(records.find(r => r.file === "derived-iam-detach-role-policy.json")!.record);
        assert.ok(!matchesPattern(tamperRule("eu-west-1"), { ...detach, region: "eu-west-1" }));
    });

    it("is one rule, within EventBridge's default event pattern size of 2,048 characters, for Pulumi's longest stack name", () => {
        // Event pattern size: 2,048 characters by default, adjustable
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html); PutRule takes up to 4,096
        // only after a quota increase (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html).
        // Stack names: up to 100 characters (https://www.pulumi.com/docs/iac/concepts/stacks/).
        const longest = tamperRoutes({ ...settings, region: "us-east-1" }, "s".repeat(100));
        assert.strictEqual(longest.length, 1);
        assert.ok((longest[0].eventPattern as string).length <= 2048, `${longest[0].eventPattern}`.length.toString());
    });
});

describe("tamper watch dead-man's switch", () => {
    const build = () =>
        underMocks(
            {},
            () =>
                new TamperWatch("tamper", {
                    ...settings,
                    accountId: standInAccountId,
                    watchTopicArn: "arn:aws:sns:eu-west-1:123456789012:watch-topic",
                }),
        );

    /** The schedule's call as CloudTrail records it and EventBridge delivers it. */
    const heartbeatEvent = (parameter: string) =>
        cloudTrailEvent({
            eventVersion: "1.08",
            userIdentity: {
                type: "AssumedRole",
                arn: "arn:aws:sts::123456789012:assumed-role/tamper-heartbeat-role/x",
            },
            eventTime: "2026-12-07T10:00:03Z",
            eventSource: "ssm.amazonaws.com",
            eventName: "AddTagsToResource",
            awsRegion: "eu-west-1",
            requestParameters: {
                resourceType: "Parameter",
                resourceId: parameter,
                tags: [{ key: heartbeatTagKey, value: "scheduled" }],
            },
            readOnly: false,
            eventType: "AwsApiCall",
            recipientAccountId: "123456789012",
        });

    it("names Scheduler's target and schedule group in the Region's partition", async () => {
        const { mocks } = await underMocks(
            {},
            () =>
                new TamperWatch("tamper", {
                    ...settings,
                    region: "cn-north-1",
                    accountId: standInAccountId,
                    watchTopicArn: "arn:aws-cn:sns:cn-north-1:123456789012:watch-topic",
                }),
        );
        assert.strictEqual(
            mocks.named("tamper-heartbeat-schedule").inputs.target.arn,
            "arn:aws-cn:scheduler:::aws-sdk:ssm:addTagsToResource",
        );
        const trust = JSON.parse(mocks.named("tamper-heartbeat-role").inputs.assumeRolePolicy).Statement[0];
        assert.match(
            JSON.stringify(trust.Condition),
            /arn:aws-cn:scheduler:cn-north-1:123456789012:schedule-group\/default/,
        );
    });

    it("tags its own parameter every hour through Scheduler's universal target, with a role allowed only that", async () => {
        const { mocks } = await build();
        const schedule = mocks.named("tamper-heartbeat-schedule").inputs;
        assert.strictEqual(schedule.scheduleExpression, "rate(1 hour)");
        // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
        assert.strictEqual(schedule.target.arn, "arn:aws:scheduler:::aws-sdk:ssm:addTagsToResource");
        const input = JSON.parse(schedule.target.input);
        assert.deepStrictEqual(input, {
            ResourceType: "Parameter",
            ResourceId: heartbeatParameterName("test"),
            Tags: [{ Key: heartbeatTagKey, Value: "scheduled" }],
        });
        const policy = JSON.parse(mocks.named("tamper-heartbeat-policy").inputs.policy);
        assert.deepStrictEqual(
            policy.Statement.map((s: any) => s.Action),
            ["ssm:AddTagsToResource"],
        );
        const trust = JSON.parse(mocks.named("tamper-heartbeat-role").inputs.assumeRolePolicy).Statement[0];
        assert.deepStrictEqual(trust.Principal, { Service: "scheduler.amazonaws.com" });
        assert.deepStrictEqual(trust.Condition.StringEquals, { "aws:SourceAccount": standInAccountId });
    });

    it("the write comes back through the tamper rule itself, and the notifier counts it instead of mailing it", async () => {
        const parameter = heartbeatParameterName("dev");
        const event = heartbeatEvent(parameter);
        assert.ok(matchesPattern(tamperRule("eu-west-1"), event));
        assert.ok(!matchesPattern(tamperRule("eu-west-1"), heartbeatEvent("/someone/else")));
        const lines: string[] = [];
        const published: unknown[] = [];
        const context = { tamper: { stack: "dev", deployerArns: [], heartbeatParameter: parameter, resources: {} } };
        await notifyEvent(
            event,
            async n => published.push(n),
            context,
            line => lines.push(line),
        );
        assert.deepStrictEqual(published, []);
        const record = JSON.parse(lines[0]);
        assert.deepStrictEqual(record._aws.CloudWatchMetrics[0].Namespace, heartbeatMetric.namespace);
        assert.deepStrictEqual(record._aws.CloudWatchMetrics[0].Metrics[0].Name, heartbeatMetric.name);
        assert.strictEqual(record[heartbeatMetric.name], 1);
    });

    describe("round trip: the hourly write through the tamper rule as deployed, the notifier and the blind alarm", () => {
        const parameter = heartbeatParameterName("dev");
        const tamper = { stack: "dev", deployerArns: [], heartbeatParameter: parameter, resources: {} };

        /** What the notifier counts in an hour from the heartbeat's write, through whichever rules are enabled. */
        async function heartbeatsCounted(rules: readonly object[]): Promise<number> {
            const event = heartbeatEvent(parameter);
            const lines: string[] = [];
            // Each matching rule invokes the notifier once.
            const matching = rules.filter(pattern => matchesPattern(pattern as any, event)).length;
            for (let invocation = 0; invocation < matching; invocation++) {
                await notifyEvent(
                    event,
                    async () => undefined,
                    { tamper },
                    line => lines.push(line),
                );
            }
            return lines
                .filter(line => line.startsWith("{"))
                .map(line => JSON.parse(line)[heartbeatMetric.name] ?? 0)
                .reduce((sum, n) => sum + n, 0);
        }

        /**
         * The alarm's state after its evaluation periods with these hourly sums (undefined: no data point),
         * as CloudWatch evaluates it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
         */
        function alarmState(alarm: Record<string, any>, hourlySums: (number | undefined)[]): "ALARM" | "OK" {
            const breaching = (sum: number | undefined) =>
                sum === undefined ? alarm.treatMissingData === "breaching" : sum < alarm.threshold;
            const recent = hourlySums.slice(-alarm.evaluationPeriods);
            return recent.length === alarm.evaluationPeriods && recent.every(breaching) ? "ALARM" : "OK";
        }

        const hours = async (rules: readonly object[]) => {
            const counted = await heartbeatsCounted(rules);
            return [counted, counted, counted].map(n => (n === 0 ? undefined : n));
        };

        /** Every rule the tamper watch routes to the notifier, with the tamper rule changed by hand. */
        const deployedWith = (tamper: (pattern: any) => any | undefined) =>
            routes("eu-west-1")
                .map(route => JSON.parse(route.eventPattern as string))
                .map((pattern, i) => (routes("eu-west-1")[i].name === "tamper" ? tamper(pattern) : pattern))
                .filter(pattern => pattern !== undefined);

        it("stays OK while the tamper rule brings the heartbeat back", async () => {
            const { mocks } = await build();
            const alarm = mocks.named("tamper-blind").inputs;
            assert.strictEqual(alarmState(alarm, await hours(deployedWith(pattern => pattern))), "OK");
        });

        it("fires when the tamper rule is disabled or narrowed, since no other rule brings the heartbeat back", async () => {
            const { mocks } = await build();
            const alarm = mocks.named("tamper-blind").inputs;
            const disabled = deployedWith(() => undefined);
            assert.strictEqual(alarmState(alarm, await hours(disabled)), "ALARM");
            // Narrowed to one call: the watched calls are gone, and so is the heartbeat.
            const oneCall = deployedWith(pattern => ({
                ...pattern,
                detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["DeleteDocument"] },
            }));
            assert.strictEqual(alarmState(alarm, await hours(oneCall)), "ALARM");
        });
    });

    it("alarms on the watch topic when no heartbeat is counted for three hours, missing data included", async () => {
        const { mocks } = await build();
        const alarm = mocks.named("tamper-blind").inputs;
        assert.deepStrictEqual(
            [alarm.namespace, alarm.metricName, alarm.statistic, alarm.period, alarm.evaluationPeriods],
            [heartbeatMetric.namespace, heartbeatMetric.name, "Sum", 3600, 3],
        );
        assert.deepStrictEqual(
            [alarm.comparisonOperator, alarm.threshold, alarm.treatMissingData],
            ["LessThanThreshold", 1, "breaching"],
        );
        assert.match(alarm.alarmDescription, /^Tamper detection blind in eu-west-1/);
        // The second path: not the notification topic, whose key or rule may be what broke.
        assert.deepStrictEqual(alarm.alarmActions, ["arn:aws:sns:eu-west-1:123456789012:watch-topic"]);
    });
});

describe("tamper watch prevention outputs", () => {
    const build = (deployerArns: string[]) =>
        underMocks(
            {},
            () =>
                new TamperWatch("tamper", {
                    region: "eu-west-1",
                    deployerArns,
                    accountId: standInAccountId,
                    watchTopicArn: "arn:aws:sns:eu-west-1:123456789012:watch-topic",
                }),
        );

    it("offers the DHMC setting SCP for this account and Region, exempting the configured deployers", async () => {
        const deployer = "arn:aws:iam::123456789012:role/deploy";
        const { result } = await build([deployer]);
        const scp = JSON.parse(await valueOf(result.dhmcSettingScp!));
        assert.strictEqual(
            scp.Statement[0].Resource,
            `arn:aws:ssm:eu-west-1:${standInAccountId}:servicesetting/ssm/managed-instance/default-ec2-instance-management-role`,
        );
        assert.deepStrictEqual(scp.Statement[0].Condition, { ArnNotLike: { "aws:PrincipalArn": [deployer] } });
    });

    it("offers no SCP without deployers, since it would deny the stack's own deployment too", async () => {
        const { result } = await build([]);
        assert.strictEqual(result.dhmcSettingScp, undefined);
        assert.strictEqual(
            JSON.parse(result.imdsDeclarativePolicy).ec2_attributes.instance_metadata_defaults.http_tokens["@@assign"],
            "required",
        );
    });
});
