// The "why" join: each lost or never-registered node's latest recorded cause reaches its
// transition's log line, which the dashboard's transitions table shows. The events are AWS's
// samples (test/fixtures/events), with the node, document or runbook and time this program sees.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
import * as assert from "assert";
import { agentUpdateDocument, diagnosisRunbook } from "../../../../aws/identifiers";
import { runSweep } from "../../../../components/healthWatch/lambda/healthSweep";
import {
    causeEventPattern,
    causeOf,
    isCauseEvent,
    recordCause,
} from "../../../../components/healthWatch/lambda/nodeCauses";
import { associationSample, automationExecutionSample, loadFixture } from "../../../../harness/fixtures";
import { SimulatedFleet } from "../../../../harness/simulatedFleet";
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

const settings = {
    region: "us-east-2",
    tableName: "state",
    topicArn: "arn:aws:sns:us-east-2:123456789012:t",
    graceMs: 0,
    debounce: 1,
    excludeTagKey: "x",
    diagnose: false,
    maxDiagnoses: 0,
    eventBusName: "node-health-bus",
};

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

    it("joins each lost or never-registered node with its latest cause, one node per cause", async () => {
        const fleet = new SimulatedFleet();
        const launched = new Date(now - 24 * 3600_000);
        const lost = { PingStatus: "ConnectionLost", AgentVersion: "3.3.1142.0", LastPingDateTime: launched };
        fleet.addInstance("i-abcd1111", launched, lost); // EC2 state change
        fleet.addInstance("i-12345678", launched, null); // agent update failed; never registered
        fleet.addInstance("i-0d1a9000000000001", launched, lost); // diagnosed
        fleet.addInstance("i-0c0c0000000000002", launched, lost); // no cause seen
        const { ec2, agentUpdate, diagnosis } = samples();
        fleet.automationExecutions.set(diagnosis.detail.ExecutionId, {
            Parameters: { InstanceId: ["i-0d1a9000000000001"] },
            Outputs: { "getInstanceProperties.PingStatus": ["ConnectionLost"] },
        });
        for (const event of [ec2, agentUpdate, diagnosis]) {
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
            "i-0c0c0000000000002": [
                "connection-lost",
                `ping ConnectionLost, last ping ${launched.toISOString()}, agent 3.3.1142.0`,
            ],
        });
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
