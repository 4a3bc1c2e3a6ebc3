// Mail at fleet scale: the events of one run of the agent-update association over a simulated fleet
// of 1,000 nodes (EC2 instances and hybrid servers), passed through the deployed rule's pattern with
// EventBridge's matching (test/support/eventPattern.ts) and through the notifier, into the fleet's
// stand-in SNS, which counts the e-mails and rejects what SNS would reject. The events are AWS's
// samples with this run's ids, statuses and counts
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html):
// each node's Pending, InProgress and result ("EC2 State Manager Instance Association State
// Change"), and the association as a whole when the run starts and ends ("EC2 State Manager
// Association State Change", with association-status-aggregated-count).
import * as assert from "assert";
import { AgentAutoUpdate } from "../../../components/agentAutoUpdate";
import { notifyEvent } from "../../../components/notifications/lambda/notification";
import { RecordingAccessLogs } from "../../support/accessLogs";
import { matchesPattern } from "../../support/eventPattern";
import { associationSample, associationSummarySample } from "../../../harness/fixtures";
import { underMocks, valueOf } from "../../support/program";
import { SimulatedFleet } from "../../../harness/simulatedFleet";

const topicArn = "arn:aws:sns:eu-west-1:123456789012:ssm-notify-topic";

/** The agent-update association and its route's pattern, as the component deploys them. */
async function agentUpdateRoute(): Promise<{ associationId: string; pattern: Record<string, unknown> }> {
    const { result } = await underMocks(
        {},
        () =>
            new AgentAutoUpdate("ssm-agent-update", {
                region: "eu-west-1",
                schedule: "rate(14 days)",
                logRetentionDays: 30,
                regionalSettingsProtection: "retain",
                nodeRoles: {
                    dhmc: {
                        name: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
                        arn: "arn:aws:iam::123456789012:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
                    },
                },
                accessLogs: new RecordingAccessLogs(),
            }),
    );
    return {
        associationId: await valueOf(result.associationId),
        pattern: JSON.parse(await valueOf(result.notificationRoute.eventPattern)),
    };
}

/** A fleet of `ec2` instances and `hybrid` registered servers, all online. */
function fleetOf(ec2: number, hybrid: number): SimulatedFleet {
    const fleet = new SimulatedFleet();
    const launched = new Date("2024-05-01T00:00:00Z");
    for (let n = 0; n < ec2; n++) {
        fleet.addInstance(`i-${n.toString(16).padStart(17, "0")}`, launched);
    }
    for (let n = 0; n < hybrid; n++) {
        const id = `mi-${n.toString(16).padStart(17, "0")}`;
        fleet.nodes.set(id, { InstanceId: id, ResourceType: "ManagedInstance", PingStatus: "Online" });
    }
    return fleet;
}

/** The events of one run of the association over `nodes`, of which `failed` fail. */
function runEvents(associationId: string, nodes: string[], failed: ReadonlySet<string>): any[] {
    const document = "AWS-UpdateSSMAgent";
    const whole = (status: string, counts: Record<string, number>) => {
        const event = associationSummarySample();
        event.region = "eu-west-1";
        Object.assign(event.detail, {
            "association-id": associationId,
            "document-name": document,
            status,
            "association-status-aggregated-count": JSON.stringify(counts),
            "schedule-expression": "rate(14 days)",
            targets: JSON.stringify([{ key: "InstanceIds", values: ["*"] }]),
        });
        return event;
    };
    const onNode = (node: string, status: string) => {
        const event = associationSample();
        event.region = "eu-west-1";
        Object.assign(event.detail, {
            "association-id": associationId,
            "instance-id": node,
            "document-name": document,
            status,
        });
        return event;
    };
    const succeeded = nodes.length - failed.size;
    return [
        whole("Pending", { Pending: nodes.length }),
        ...nodes.flatMap(node => [
            onNode(node, "Pending"),
            onNode(node, "InProgress"),
            onNode(node, failed.has(node) ? "Failed" : "Success"),
        ]),
        whole(failed.size > 0 ? "Failed" : "Success", {
            ...(succeeded > 0 ? { Success: succeeded } : {}),
            ...(failed.size > 0 ? { Failed: failed.size } : {}),
        }),
    ];
}

/** What EventBridge would deliver to the notifier, and the notifier publishes, one publish per event. */
async function deliver(events: any[], pattern: Record<string, unknown>, fleet: SimulatedFleet): Promise<void> {
    for (const event of events.filter(e => matchesPattern(pattern, e))) {
        await notifyEvent(event, ({ subject, message }) =>
            fleet.publish({ TopicArn: topicArn, Subject: subject, Message: message }),
        );
    }
}

describe("agent-update e-mails at fleet scale", () => {
    it("one run over 1,000 nodes yields one e-mail with the counts plus one per failed node", async () => {
        const { associationId, pattern } = await agentUpdateRoute();
        const fleet = fleetOf(950, 50);
        const nodes = [...fleet.nodes.keys()];
        assert.strictEqual(nodes.length, 1000);
        const failed = new Set([nodes[3], nodes[141], nodes[592], nodes[777], nodes[949], nodes[960], nodes[999]]);
        const events = runEvents(associationId, nodes, failed);

        await deliver(events, pattern, fleet);

        assert.ok(fleet.published.length <= failed.size + 1, `${fleet.published.length} e-mails`);
        const [counts, ...others] = fleet.published.filter(mail => !/ Failed on /.test(mail.Subject));
        assert.deepStrictEqual(others, [], "one e-mail for the run as a whole");
        assert.strictEqual(
            counts.Subject,
            "[SSM eu-west-1] AWS-UpdateSSMAgent association Failed: 993 succeeded, 7 failed",
        );
        assert.ok(counts.Message.includes("993 succeeded, 7 failed (1000 in all)"), counts.Message);
        const failures = fleet.published.filter(mail => / Failed on /.test(mail.Subject)).map(mail => mail.Subject);
        assert.deepStrictEqual(
            failures.sort(),
            [...failed].map(node => `[SSM eu-west-1] AWS-UpdateSSMAgent Failed on ${node}`).sort(),
            "each failed node, EC2 or hybrid, once",
        );
        assert.strictEqual(fleet.calls.Publish, failed.size + 1);
    });

    it("a run without failures yields a single e-mail, whatever the fleet's size", async () => {
        const { associationId, pattern } = await agentUpdateRoute();
        const fleet = fleetOf(980, 20);
        await deliver(runEvents(associationId, [...fleet.nodes.keys()], new Set()), pattern, fleet);
        assert.deepStrictEqual(
            fleet.published.map(mail => mail.Subject),
            ["[SSM eu-west-1] AWS-UpdateSSMAgent association Success: 1000 succeeded"],
        );
    });

    it("another association's run over the same fleet yields none", async () => {
        const { pattern } = await agentUpdateRoute();
        const fleet = fleetOf(1000, 0);
        const nodes = [...fleet.nodes.keys()];
        await deliver(runEvents("another-tools-association", nodes, new Set(nodes.slice(0, 10))), pattern, fleet);
        assert.deepStrictEqual(fleet.published, []);
    });
});
