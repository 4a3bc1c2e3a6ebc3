// The "why" join: each lost or never-registered node's latest recorded cause reaches its
// transition's log line, which the dashboard's transitions table shows. The events are AWS's
// samples (test/fixtures/events), with the node, document or runbook and time this program sees.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
// The region-wide causes are the tamper watch's CloudTrail records (test/fixtures/tamper), as
// EventBridge delivers them: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
import * as assert from "assert";
import { agentUpdateDocument, diagnosisRunbook, nodeUnmanagingCalls } from "../../../../aws/identifiers";
import { runSweep } from "../../../../components/healthWatch/lambda/healthSweep";
import {
    causeEventPattern,
    causeOf,
    isCauseEvent,
    recordCause,
    regionWideWindowMs,
} from "../../../../components/healthWatch/lambda/nodeCauses";
import {
    associationSample,
    automationExecutionSample,
    cloudTrailEvent,
    loadFixture,
    tamperRecords,
} from "../../../../harness/fixtures";
import { SimulatedFleet, sweepSettings } from "../../../../harness/simulatedFleet";
import { matchesPattern } from "../../../support/eventPattern";

const now = Date.parse("2026-12-01T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000).toISOString().replace(/\.000Z$/, "Z");

/** AWS's samples, as they reach the rule for nodes of this fleet. */
function samples() {
    const ec2 = loadFixture("ec2-instance-state-change.json");
    ec2.time = minutesAgo(30);
    ec2.detail.state = "stopping";
    const agentUpdate = associationSample();
    agentUpdate.time = minutesAgo(20);
    agentUpdate.detail["document-name"] = agentUpdateDocument;
    agentUpdate.detail.status = "Failed";
    const diagnosis = automationExecutionSample();
    diagnosis.time = minutesAgo(10);
    diagnosis.detail.Definition = diagnosisRunbook;
    diagnosis.detail.Status = "Success";
    return { ec2, agentUpdate, diagnosis };
}

/** A tamper watch record (test/fixtures/tamper) as EventBridge delivers it, at the given time. */
function trailEvent(file: string, time = minutesAgo(40), change: (record: any) => void = () => undefined) {
    const record = loadTamperRecord(file);
    record.eventTime = time;
    change(record);
    return cloudTrailEvent(record);
}

function loadTamperRecord(file: string): any {
    const found = tamperRecords().find(r => r.file === file);
    assert.ok(found, file);
    return found.record;
}

/** The records of the calls that unmanage nodes, one per call (DHMC's setting reset and changed among them). */
const unmanagingRecords = [
    "derived-ssm-update-service-setting.json",
    "derived-ssm-reset-service-setting.json",
    "derived-ssm-deregister-default-host-management-configuration.json",
    "derived-ec2-delete-vpc-endpoints.json",
    "derived-ec2-modify-vpc-endpoint.json",
    "derived-ec2-revoke-security-group-egress.json",
    "derived-ec2-modify-vpc-attribute.json",
    "derived-ec2-modify-instance-metadata-defaults.json",
];

/** The same calls made and refused: CloudTrail records the error code. */
const failed = (file: string) =>
    trailEvent(file, minutesAgo(40), record => {
        record.errorCode = "AccessDenied";
        record.errorMessage = "User is not authorized to perform this operation";
    });

const settings = sweepSettings({
    region: "us-east-2",
    tableName: "state",
    topicArn: "arn:aws:sns:us-east-2:123456789012:t",
    graceMs: 0,
    debounce: 1,
    excludeTagKey: "x",
    maxDiagnoses: 0,
});

describe("node causes, the dashboard's why", () => {
    it("the health watch's rule matches AWS's samples of each cause, and not another document's or runbook's", () => {
        const { ec2, agentUpdate, diagnosis } = samples();
        for (const event of [ec2, agentUpdate, diagnosis, loadFixture("ec2-instance-state-change.json")]) {
            assert.ok(matchesPattern(causeEventPattern(), event), event["detail-type"]);
            assert.ok(isCauseEvent(event));
        }
        // As printed: a custom document's Success, and an execution of another runbook.
        assert.ok(!matchesPattern(causeEventPattern(), associationSample()));
        assert.ok(!matchesPattern(causeEventPattern(), automationExecutionSample()));
        assert.ok(!isCauseEvent({ source: "aws.events", "detail-type": "Scheduled Event" }), "the schedule sweeps");
    });

    it("matches the successful write calls that unmanage nodes region-wide, and no failed, read-only or other call", () => {
        const pattern = causeEventPattern();
        const covered = unmanagingRecords.map(file => loadTamperRecord(file).eventName).sort();
        assert.deepStrictEqual(covered, Object.values(nodeUnmanagingCalls).flat().sort(), "one record per call");
        for (const file of unmanagingRecords) {
            assert.ok(matchesPattern(pattern, trailEvent(file)), file);
            assert.ok(!matchesPattern(pattern, failed(file)), `${file} failed`);
        }
        const readOnly = [
            // AWS's own read-only record (AWS Config's DescribeConfigurationRecorders).
            cloudTrailEvent(loadTamperRecord("cloudtrail-config-describe-configuration-recorders.json")),
            trailEvent("derived-ssm-reset-service-setting.json", minutesAgo(40), record => {
                record.eventName = "GetServiceSetting";
                record.readOnly = true;
            }),
            trailEvent("derived-ec2-delete-vpc-endpoints.json", minutesAgo(40), record => {
                record.eventName = "DescribeVpcEndpoints";
                record.readOnly = true;
            }),
        ];
        const notUnmanaging = [
            // Another service setting, DNS turned on, and tamper calls that do not unmanage nodes.
            trailEvent("derived-ssm-update-service-setting.json", minutesAgo(40), record => {
                record.requestParameters.settingId = "/ssm/parameter-store/high-throughput-enabled";
            }),
            trailEvent("derived-ec2-modify-vpc-attribute.json", minutesAgo(40), record => {
                record.requestParameters.enableDnsSupport.value = true;
            }),
            cloudTrailEvent(loadTamperRecord("cloudtrail-ssm-delete-document.json")),
            trailEvent("derived-ec2-revoke-security-group-ingress.json"),
        ];
        for (const event of [...readOnly, ...notUnmanaging]) {
            assert.ok(!matchesPattern(pattern, event), event.detail.eventName);
        }
        // The setting by ARN, as UpdateServiceSetting also accepts it.
        const byArn = trailEvent("derived-ssm-reset-service-setting.json", minutesAgo(40), record => {
            record.requestParameters.settingId = `arn:aws:ssm:eu-west-1:123456789012:servicesetting${record.requestParameters.settingId}`;
        });
        assert.ok(matchesPattern(pattern, byArn));
    });

    it("records no cause from a failed or read-only call, even if one reached the Lambda", async () => {
        const fleet = new SimulatedFleet();
        for (const file of unmanagingRecords) {
            assert.strictEqual(await recordCause(fleet, settings.tableName, failed(file)), undefined, file);
            const readOnly = trailEvent(file, minutesAgo(40), record => (record.readOnly = true));
            assert.strictEqual(await causeOf(readOnly, fleet), undefined, file);
        }
        const describe = cloudTrailEvent(loadTamperRecord("cloudtrail-config-describe-configuration-recorders.json"));
        assert.ok(isCauseEvent(describe), "a CloudTrail event never starts a sweep");
        assert.strictEqual(await recordCause(fleet, settings.tableName, describe), undefined);
        assert.strictEqual(fleet.table.size, 0);
    });

    it("keeps the cause rule's pattern within EventBridge's 2,048 characters (eb-quota.html)", () => {
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html: event pattern size, 2,048 characters by default.
        const size = JSON.stringify(causeEventPattern()).length;
        assert.ok(size <= 2048, `${size} characters`);
    });

    it("joins each lost or never-registered node with its latest cause, one node per cause", async () => {
        const fleet = new SimulatedFleet();
        const launched = new Date(now - 24 * 3600_000);
        const lost = { PingStatus: "ConnectionLost", AgentVersion: "3.3.1142.0", LastPingDateTime: launched };
        fleet.addInstance("i-abcd1111", launched, lost); // EC2 state change
        fleet.addInstance("i-12345678", launched, null); // agent update failed; never registered
        fleet.addInstance("i-0d1a9000000000001", launched, lost); // diagnosed
        fleet.addInstance("i-0dc0000000000000003", launched, lost); // region-wide: DHMC reset
        fleet.addInstance("i-0dc0000000000000004", new Date(now - 35 * 60_000), null); // launched after the reset
        // A hybrid node: no region-wide cause explains it, and none of its own was seen.
        fleet.nodes.set("mi-0c0c0000000000002", {
            ...lost,
            InstanceId: "mi-0c0c0000000000002",
            ResourceType: "ManagedInstance",
        });
        const { ec2, agentUpdate, diagnosis } = samples();
        const reset = trailEvent("derived-ssm-reset-service-setting.json", minutesAgo(40));
        const started = {
            ...ec2,
            time: minutesAgo(35),
            detail: { ...ec2.detail, "instance-id": "i-0dc0000000000000004", state: "running" },
        };
        fleet.automationExecutions.set(diagnosis.detail.ExecutionId, {
            Parameters: { InstanceId: ["i-0d1a9000000000001"] },
            Outputs: { "getInstanceProperties.PingStatus": ["ConnectionLost"] },
        });
        for (const event of [ec2, agentUpdate, diagnosis, reset, started]) {
            assert.ok(await recordCause(fleet, settings.tableName, event));
        }
        // An older event delivered late does not replace the newer cause.
        const late = { ...ec2, time: minutesAgo(90), detail: { ...ec2.detail, state: "pending" } };
        await recordCause(fleet, settings.tableName, late);

        const lines: string[] = [];
        const report = await runSweep(
            fleet,
            settings,
            now,
            async () => undefined,
            line => lines.push(line),
        );
        assert.strictEqual(report.unreadable, 0, "cause items are not node states");
        const resetWhy =
            "region-wide: ResetServiceSetting (DHMC) by arn:aws:sts::123456789012:assumed-role/Admin/alice";
        const why = Object.fromEntries(
            lines
                .map(line => JSON.parse(line))
                .filter(record => record.record === "transition")
                .map(record => [record.nodeId, [record.status, record.why]]),
        );
        assert.deepStrictEqual(why, {
            "i-abcd1111": ["connection-lost", `EC2 instance stopping at ${new Date(minutesAgo(30)).toISOString()}`],
            "i-12345678": [
                "never-registered",
                `agent update Failed: testErrorCode, testExecutionSummary at ${new Date(minutesAgo(20)).toISOString()}`,
            ],
            "i-0d1a9000000000001": [
                "connection-lost",
                `diagnosis Success (333ba70b-2333-48db-b17e-a5e69c6f4d1c): getInstanceProperties.PingStatus: ConnectionLost at ${new Date(minutesAgo(10)).toISOString()}`,
            ],
            "i-0dc0000000000000003": ["connection-lost", `${resetWhy} at ${new Date(minutesAgo(40)).toISOString()}`],
            // Its own latest event is its start, which says when it came, not why it never registered.
            "i-0dc0000000000000004": ["never-registered", `${resetWhy} at ${new Date(minutesAgo(40)).toISOString()}`],
            "mi-0c0c0000000000002": [
                "hybrid-lost",
                `ping ConnectionLost, last ping ${launched.toISOString()}, agent 3.3.1142.0`,
            ],
        });
    });

    it("puts a node down to a region-wide cause only if it turned lost after it, within the window", async () => {
        const lostNode = { PingStatus: "ConnectionLost", AgentVersion: "3.3.1142.0", LastPingDateTime: new Date(0) };
        const whyAfter = async (resetAt: number, graceMs: number, lostBeforeReset = false) => {
            const fleet = new SimulatedFleet();
            fleet.addInstance("i-0dc0000000000000003", new Date(now - 24 * 3600_000), lostNode);
            const sweep = { ...settings, graceMs, debounce: 2 };
            const lines: string[] = [];
            // Two sweeps: the first finds the node lost (before or after the reset), the second reports it.
            const firstSweep = lostBeforeReset ? resetAt - 5 * 60_000 : now - 5 * 60_000;
            await runSweep(fleet, sweep, firstSweep, async () => undefined);
            const reset = trailEvent("derived-ssm-reset-service-setting.json", new Date(resetAt).toISOString());
            await recordCause(fleet, settings.tableName, reset);
            await runSweep(
                fleet,
                sweep,
                now,
                async () => undefined,
                line => lines.push(line),
            );
            return lines.map(line => JSON.parse(line)).find(record => record.record === "transition").why;
        };
        const firstFound = now - 5 * 60_000;
        assert.match(await whyAfter(firstFound - regionWideWindowMs, 0), /^region-wide: ResetServiceSetting/);
        assert.match(await whyAfter(firstFound - regionWideWindowMs - 60_000, 0), /^ping ConnectionLost/);
        // A longer grace widens it: a node launched after the change counts as never registered that much later.
        assert.match(
            await whyAfter(firstFound - regionWideWindowMs - 60_000, 15 * 60_000),
            /^region-wide: ResetServiceSetting/,
        );
        // Lost before the change: the change did not cause it.
        assert.match(await whyAfter(now - 30 * 60_000, 0, true), /^ping ConnectionLost/);
    });

    it("forgets a cause older than its retention, and ignores events that name no node", async () => {
        const fleet = new SimulatedFleet();
        const { ec2, diagnosis } = samples();
        assert.strictEqual(await causeOf({ ...ec2, time: "not a time" }, fleet), undefined);
        fleet.automationExecutions.set(diagnosis.detail.ExecutionId, { Parameters: {} });
        assert.strictEqual(await recordCause(fleet, settings.tableName, diagnosis), undefined);

        fleet.addInstance("i-abcd1111", new Date(now - 30 * 24 * 3600_000), null);
        await recordCause(fleet, settings.tableName, { ...ec2, time: new Date(now - 8 * 24 * 3600_000).toISOString() });
        const lines: string[] = [];
        await runSweep(
            fleet,
            settings,
            now,
            async () => undefined,
            line => lines.push(line),
        );
        const transition = lines.map(line => JSON.parse(line)).find(record => record.record === "transition");
        assert.strictEqual(transition.why, "no SSM record");
    });
});
