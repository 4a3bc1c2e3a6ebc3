// A whole sweep against the simulated fleet: paging, throttling, one e-mail per sweep, one event
// per transition, metrics, diagnosis, and reporting before recording.
import * as assert from "assert";
import {
    diagnosisStartsKey,
    runSweep,
    startsWithinHour,
    SweepSettings,
} from "../../../../components/healthWatch/lambda/healthSweep";
import { recordCause } from "../../../../components/healthWatch/lambda/nodeCauses";
import { benchmarkFleet, SimulatedFleet, sweepOperations, sweepSettings } from "../../../../harness/simulatedFleet";

const now = Date.parse("2026-11-22T12:00:00Z");
const dayAgo = new Date(now - 86_400_000);
const settings = sweepSettings();
const noSleep = async () => undefined;
const sweep = (fleet: SimulatedFleet, at = now, overrides: Partial<SweepSettings> = {}) =>
    runSweep(fleet, { ...settings, ...overrides }, at, noSleep);

/** A fleet of `count` online instances, i-00000 upwards. */
function fleetOf(count: number): SimulatedFleet {
    const fleet = new SimulatedFleet();
    for (let i = 0; i < count; i++) {
        fleet.addInstance(`i-${String(i).padStart(5, "0")}`, dayAgo);
    }
    return fleet;
}

describe("health sweep", () => {
    it("reads every page of EC2 and SSM and sends nothing for a healthy fleet", async () => {
        const fleet = fleetOf(2_120);
        const report = await sweep(fleet);
        assert.strictEqual(report.counts.online, 2_120);
        assert.deepStrictEqual(fleet.calls, {
            DescribeInstances: 3,
            DescribeInstanceInformation: 43,
            ListResourceComplianceSummaries: 1,
            Scan: 1,
            PutMetricData: 1,
        });
        assert.deepStrictEqual(fleet.published, []);
        assert.deepStrictEqual(fleet.latestMetrics(), {
            NodesOnline: 2_120,
            NodesStarting: 0,
            NodesConnectionLost: 0,
            NodesNeverRegistered: 0,
            NodesAgentOutdated: 0,
            NodesHybridLost: 0,
            NodesUnmanaged: 0,
            UnreadableRecords: 0,
            // None of them has an instance profile.
            NodesRelyingOnDhmc: 2_120,
        });
    });

    it("counts the online EC2 nodes without an instance profile as relying on DHMC (the tamper mail's count)", async () => {
        const now = Date.parse("2026-12-01T12:00:00Z");
        const { fleet } = benchmarkFleet(1_000, now);
        fleet.addInstance("i-0000000000000aaaa", dayAgo, { PingStatus: "ConnectionLost" });
        fleet.addInstance("i-0000000000000bbbb", dayAgo, { PingStatus: "Online", AgentVersion: "3.1.0.0" });
        fleet.nodes.set("mi-0000000000000cccc", { InstanceId: "mi-0000000000000cccc", PingStatus: "Online" });
        await sweep(fleet, now);
        // The benchmark's 940 online nodes, a quarter of them (slots 8, 12, ... 96 of each 100) with a
        // profile; not the lost, the outdated (DHMC cannot use its agent) or the hybrid node.
        assert.strictEqual(fleet.latestMetrics().NodesRelyingOnDhmc, 940 - 230);
    });

    it("logs non-compliant nodes by patch severity as EMF, every severity, from the Patch non-compliant summaries only", async () => {
        const now = Date.parse("2026-12-01T12:00:00Z");
        const { fleet } = benchmarkFleet(1_000, now);
        fleet.compliance.set("i-compliant", {
            ResourceId: "i-compliant",
            ComplianceType: "Patch",
            Status: "COMPLIANT",
        });
        fleet.compliance.set("i-association", {
            ResourceId: "i-association",
            ComplianceType: "Association",
            Status: "NON_COMPLIANT",
            NonCompliantSummary: { SeveritySummary: { CriticalCount: 5 } },
        });
        const lines: string[] = [];
        await runSweep(fleet, settings, now, noSleep, line => lines.push(line));
        const bySeverity = Object.fromEntries(
            lines
                .map(line => JSON.parse(line))
                .filter(doc => doc.NodesPatchNonCompliant !== undefined)
                .map(doc => {
                    assert.deepStrictEqual(doc._aws.CloudWatchMetrics[0].Dimensions, [["Severity"]]);
                    return [doc.Severity, doc.NodesPatchNonCompliant];
                }),
        );
        // Slots 10-11 miss critical and high patches, 12-16 high and medium, 17-24 medium and low, 25-26 unspecified.
        assert.deepStrictEqual(bySeverity, {
            Critical: 20,
            High: 70,
            Medium: 130,
            Low: 80,
            Informational: 0,
            Unspecified: 20,
        });
        // 170 non-compliant nodes, 50 a page.
        assert.strictEqual(fleet.calls.ListResourceComplianceSummaries, 4);
    });

    describe("time to managed", () => {
        const started = (fleet: SimulatedFleet, id: string, at: number) =>
            recordCause(fleet, settings.tableName, {
                source: "aws.ec2",
                "detail-type": "EC2 Instance State-change Notification",
                time: new Date(at).toISOString(),
                detail: { "instance-id": id, state: "running" },
            });
        const timesOf = (lines: string[]) =>
            lines
                .map(line => JSON.parse(line))
                .filter(doc => doc.TimeToManagedSeconds !== undefined)
                .flatMap(doc => {
                    assert.deepStrictEqual(doc._aws.CloudWatchMetrics[0].Metrics, [
                        { Name: "TimeToManagedSeconds", Unit: "Seconds" },
                    ]);
                    assert.ok(doc.TimeToManagedSeconds.length <= 100, "EMF: at most 100 values");
                    return doc.TimeToManagedSeconds;
                });

        it("measures each new EC2 node once, from its running event to its first sweep online (its last ping)", async () => {
            const fleet = fleetOf(3);
            const launch = now - 10 * 60_000;
            // i-new1 pinged 4 minutes after its start; i-new2 has no SSM record yet (starting); i-old started long ago.
            fleet.addInstance("i-new1", new Date(launch), {
                PingStatus: "Online",
                LastPingDateTime: new Date(launch + 240_000),
            });
            fleet.addInstance("i-new2", new Date(launch), null);
            for (const id of ["i-new1", "i-new2"]) {
                await started(fleet, id, launch);
            }
            const first: string[] = [];
            const report = await runSweep(fleet, settings, now, noSleep, line => first.push(line));
            assert.deepStrictEqual(timesOf(first), [240]);
            assert.deepStrictEqual(report.timesToManaged, [240]);

            fleet.nodes.set("i-new2", {
                InstanceId: "i-new2",
                PingStatus: "Online",
                LastPingDateTime: new Date(now + 60_000),
            });
            const second: string[] = [];
            await runSweep(fleet, settings, now + 300_000, noSleep, line => second.push(line));
            // i-new1 is not measured again; i-new2's last ping is 11 minutes after its start.
            assert.deepStrictEqual(timesOf(second), [660]);
            const third: string[] = [];
            await runSweep(fleet, settings, now + 600_000, noSleep, line => third.push(line));
            assert.deepStrictEqual(timesOf(third), []);
        });

        it("waits for a ping after the start, and measures again after the next start", async () => {
            const fleet = new SimulatedFleet();
            // SSM still shows the ping from before the instance was stopped and started.
            fleet.addInstance("i-restarted", new Date(now - 60_000), {
                PingStatus: "Online",
                LastPingDateTime: new Date(now - 3_600_000),
            });
            await started(fleet, "i-restarted", now - 60_000);
            const lines: string[] = [];
            await runSweep(fleet, settings, now, noSleep, line => lines.push(line));
            assert.deepStrictEqual(timesOf(lines), []);
            fleet.setPing("i-restarted", "Online");
            fleet.nodes.set("i-restarted", {
                ...fleet.nodes.get("i-restarted"),
                LastPingDateTime: new Date(now + 30_000),
            });
            lines.length = 0;
            await runSweep(fleet, settings, now + 300_000, noSleep, line => lines.push(line));
            assert.deepStrictEqual(timesOf(lines), [90]);
            await started(fleet, "i-restarted", now + 3_600_000);
            fleet.nodes.set("i-restarted", {
                ...fleet.nodes.get("i-restarted"),
                LastPingDateTime: new Date(now + 3_720_000),
            });
            lines.length = 0;
            await runSweep(fleet, settings, now + 3_900_000, noSleep, line => lines.push(line));
            assert.deepStrictEqual(timesOf(lines), [120]);
        });
    });

    it("sends one e-mail listing every node that became unmanageable, after the debounce, and one event per transition", async () => {
        const fleet = fleetOf(100);
        for (let i = 0; i < 30; i++) {
            fleet.setPing(`i-${String(i).padStart(5, "0")}`, "ConnectionLost");
        }
        fleet.addInstance("i-never", dayAgo, null);
        const first = await sweep(fleet);
        assert.deepStrictEqual([first.transitions.length, fleet.published.length, fleet.events.length], [0, 0, 0]);
        const second = await sweep(fleet, now + 300_000);
        assert.strictEqual(second.transitions.length, 31);
        assert.strictEqual(fleet.published.length, 1, "a fleet-wide outage is one message");
        const [mail] = fleet.published;
        assert.strictEqual(mail.Subject, "[SSM eu-west-1] 31 nodes not manageable");
        assert.strictEqual(mail.TopicArn, settings.topicArn);
        assert.ok(mail.Message.includes("- i-never (ec2): never registered with SSM; no SSM record"));
        assert.ok(
            mail.Message.includes(
                "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-00000",
            ),
        );
        assert.strictEqual(fleet.events.length, 31);
        assert.strictEqual(fleet.calls.PutEvents, 4, "events go in batches of ten");
        assert.deepStrictEqual(
            { ...fleet.events[0], Detail: JSON.parse(fleet.events[0].Detail) },
            {
                // The contract with other tools: source ssm-fleet-baseline, detail-type Managed Node Health Change,
                // on the health bus, which only the sweep may put to (issue 19).
                EventBusName: "node-health-bus",
                Source: "ssm-fleet-baseline",
                DetailType: "Managed Node Health Change",
                Detail: {
                    nodeId: "i-00000",
                    kind: "ec2",
                    change: "unhealthy",
                    status: "connection-lost",
                    previous: "online",
                    detail: `ping ConnectionLost, last ping ${dayAgo.toISOString()}, agent 3.3.1142.0`,
                    // Whether EventBridge starts the troubleshooting runbook for it: only with healthWatchDiagnose.
                    diagnose: false,
                },
            },
        );
        assert.strictEqual(fleet.latestMetrics().NodesUnmanaged, 31);
        const third = await sweep(fleet, now + 600_000);
        assert.deepStrictEqual(
            [third.transitions.length, third.writes, fleet.published.length],
            [0, 0, 1],
            "a lasting outage is not re-sent",
        );
    });

    // A server registered through the hybrid activation is listed by DescribeInstanceInformation as
    // ResourceType ManagedInstance with an mi- id (mi- and 17 hex digits), and has no EC2 instance.
    // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstanceInformation.html
    it("alerts on a registered hybrid node that loses its connection as on an EC2 node, in the same e-mail", async () => {
        const fleet = fleetOf(1);
        const hybridId = "mi-0123456789abcdef0";
        fleet.nodes.set(hybridId, {
            InstanceId: hybridId,
            ResourceType: "ManagedInstance",
            PingStatus: "Online",
            AgentVersion: "3.3.1142.0",
            LastPingDateTime: dayAgo,
            ComputerName: "db-01.corp.example.com",
        });
        await sweep(fleet);
        fleet.setPing(hybridId, "ConnectionLost");
        fleet.setPing("i-00000", "ConnectionLost");
        await sweep(fleet, now + 300_000);
        assert.strictEqual(fleet.published.length, 0, "one lost sweep is no alert, for either kind");
        const report = await sweep(fleet, now + 600_000);
        assert.deepStrictEqual(report.transitions.map(t => [t.nodeId, t.kind, t.change, t.status]).sort(), [
            ["i-00000", "ec2", "unhealthy", "connection-lost"],
            [hybridId, "hybrid", "unhealthy", "hybrid-lost"],
        ]);
        assert.strictEqual(fleet.published.length, 1);
        const [mail] = fleet.published;
        assert.strictEqual(mail.Subject, "[SSM eu-west-1] 2 nodes not manageable");
        assert.ok(
            mail.Message.includes(
                `- ${hybridId} (hybrid): hybrid node connection lost; ping ConnectionLost, last ping ${dayAgo.toISOString()}, agent 3.3.1142.0, db-01.corp.example.com`,
            ),
            mail.Message,
        );
        assert.ok(
            mail.Message.includes(
                `https://eu-west-1.console.aws.amazon.com/systems-manager/fleet-manager/managed-nodes/${hybridId}/general?region=eu-west-1`,
            ),
        );
        const hybridEvent = fleet.events.map(e => JSON.parse(e.Detail)).find(d => d.nodeId === hybridId);
        assert.deepStrictEqual(
            [hybridEvent.kind, hybridEvent.change, hybridEvent.status, hybridEvent.previous],
            ["hybrid", "unhealthy", "hybrid-lost", "online"],
        );
        assert.deepStrictEqual(
            [fleet.latestMetrics().NodesHybridLost, fleet.latestMetrics().NodesConnectionLost],
            [1, 1],
        );
        fleet.setPing(hybridId, "Online");
        const recovery = await sweep(fleet, now + 900_000);
        assert.deepStrictEqual(
            recovery.transitions.filter(t => t.nodeId === hybridId).map(t => t.change),
            ["recovered"],
        );
    });

    it("reports recoveries and nodes that stopped running", async () => {
        const fleet = fleetOf(3);
        fleet.setPing("i-00000", "ConnectionLost");
        fleet.setPing("i-00001", "ConnectionLost");
        await sweep(fleet, now, { debounce: 1 });
        fleet.setPing("i-00000", "Online");
        fleet.instances.get("i-00001")!.state = "stopped";
        const report = await sweep(fleet, now + 300_000, { debounce: 1 });
        assert.deepStrictEqual(
            report.transitions.map(t => [t.nodeId, t.change]),
            [
                ["i-00000", "recovered"],
                ["i-00001", "gone"],
            ],
        );
        assert.strictEqual(fleet.published[1].Subject, "[SSM eu-west-1] 1 recovered, 1 gone");
        assert.strictEqual(fleet.table.has("i-00000"), false);
        assert.ok(fleet.table.get("i-00001")!.expiresAt.N > String(Math.floor(now / 1000)));
    });

    it("rides out throttling on every operation", async () => {
        const fleet = fleetOf(120);
        fleet.setPing("i-00007", "ConnectionLost");
        for (const operation of sweepOperations) {
            fleet.throttle[operation] = 2;
        }
        const report = await sweep(fleet, now, { debounce: 1 });
        assert.deepStrictEqual(
            report.transitions.map(t => t.nodeId),
            ["i-00007"],
        );
        assert.strictEqual(fleet.published.length, 1);
        assert.strictEqual(fleet.calls.DescribeInstanceInformation, 3 + 2);
    });

    it("gives up on lasting throttling with the error, so the sweep-errors alarm fires", async () => {
        const fleet = fleetOf(10);
        fleet.throttle.DescribeInstanceInformation = 100;
        await assert.rejects(sweep(fleet), /Rate exceeded/);
        assert.strictEqual(fleet.calls.DescribeInstanceInformation, 8);
    });

    it("records nothing when the e-mail cannot be sent, so the next sweep reports again", async () => {
        const fleet = fleetOf(5);
        fleet.setPing("i-00001", "ConnectionLost");
        fleet.publish = async () => {
            throw Object.assign(new Error("KMS key disabled"), { name: "KMSDisabledException" });
        };
        await assert.rejects(sweep(fleet, now, { debounce: 1 }), /KMS key disabled/);
        assert.strictEqual(fleet.table.size, 0);
    });

    it("marks at most maxDiagnoses newly lost EC2 nodes for diagnosis in their events, and names the rest in the e-mail and the log", async () => {
        const fleet = fleetOf(8);
        for (let i = 0; i < 7; i++) {
            fleet.setPing(`i-${String(i).padStart(5, "0")}`, "ConnectionLost");
        }
        const logged: string[] = [];
        await runSweep(fleet, { ...settings, debounce: 1, diagnose: true, maxDiagnoses: 3 }, now, noSleep, line =>
            logged.push(line),
        );
        const details = fleet.events.map(e => JSON.parse(e.Detail));
        assert.deepStrictEqual(
            details.filter(d => d.diagnose).map(d => d.nodeId),
            ["i-00000", "i-00001", "i-00002"],
        );
        assert.strictEqual(details.length, 7);
        assert.ok(details.every(d => typeof d.diagnose === "boolean"));
        assert.ok(fleet.events.every(e => e.EventBusName === "node-health-bus"));
        const message = fleet.published[0].Message;
        assert.strictEqual(message.split("Diagnosis: EventBridge starts").length - 1, 3);
        assert.ok(
            message.includes(
                "  Diagnosis: EventBridge starts AWSSupport-TroubleshootManagedInstance for this node; its outcome follows in a separate e-mail with the execution's console link.",
            ),
        );
        assert.strictEqual(
            message.split("Diagnosis: not started; 3 runbook start(s) in the last hour is the cap").length - 1,
            4,
        );
        const capped = logged.map(line => JSON.parse(line)).filter(record => record.record === "diagnosis-capped");
        assert.deepStrictEqual(capped, [
            { record: "diagnosis-capped", perHour: 3, nodeIds: ["i-00003", "i-00004", "i-00005", "i-00006"] },
        ]);
    });

    it("starts at most maxDiagnoses runbooks in any hour across sweeps, however many nodes flap, and again after the hour", async () => {
        const fleet = fleetOf(40);
        const cap = 4;
        const logged: string[] = [];
        const run = (at: number) =>
            runSweep(fleet, { ...settings, debounce: 1, diagnose: true, maxDiagnoses: cap }, at, noSleep, line =>
                logged.push(line),
            );
        // Every 5 minutes for an hour, 40 nodes lost and recovered in turn: 240 newly lost nodes.
        for (let sweepIndex = 0; sweepIndex < 12; sweepIndex++) {
            for (let i = 0; i < 40; i++) {
                fleet.setPing(`i-${String(i).padStart(5, "0")}`, sweepIndex % 2 === 0 ? "ConnectionLost" : "Online");
            }
            await run(now + sweepIndex * 300_000);
        }
        const lost = fleet.events.map(e => JSON.parse(e.Detail)).filter(d => d.change === "unhealthy");
        assert.strictEqual(lost.length, 240);
        assert.strictEqual(lost.filter(d => d.diagnose).length, cap);
        // None dropped silently: each lost node not marked is named in the log and in its e-mail.
        const cappedIds = logged
            .map(line => JSON.parse(line))
            .filter(record => record.record === "diagnosis-capped")
            .flatMap(record => record.nodeIds);
        assert.strictEqual(cappedIds.length, 240 - cap);
        const cappedLines = fleet.published
            .map(p => p.Message.split("Diagnosis: not started").length - 1)
            .reduce((a, b) => a + b, 0);
        assert.strictEqual(cappedLines, 240 - cap);
        // An hour after the first starts, the cap has room again.
        for (let i = 0; i < 40; i++) {
            fleet.setPing(`i-${String(i).padStart(5, "0")}`, "ConnectionLost");
        }
        await run(now + 3_600_000 + 1);
        const last = fleet.events.slice(-40).map(e => JSON.parse(e.Detail));
        assert.strictEqual(last.filter(d => d.diagnose).length, cap);
    });

    it("marks none when another sweep spent the hour's starts since it read them, and never trusts a malformed list", async () => {
        const fleet = fleetOf(3);
        fleet.setPing("i-00000", "ConnectionLost");
        fleet.table.set(diagnosisStartsKey, {
            nodeId: { S: diagnosisStartsKey },
            state: { S: "[" + "not a list" },
            sweep: { N: String(now - 300_000) },
        });
        // A concurrent sweep rewrites the list between this sweep's read and its claim.
        const putItem = fleet.putItem.bind(fleet);
        fleet.putItem = async (input: any) => {
            if (input.Item.nodeId.S === diagnosisStartsKey) {
                fleet.table.set(diagnosisStartsKey, {
                    nodeId: { S: diagnosisStartsKey },
                    state: { S: JSON.stringify([now - 1, now - 1]) },
                    sweep: { N: String(now - 1) },
                });
            }
            return putItem(input);
        };
        await sweep(fleet, now, { debounce: 1, diagnose: true, maxDiagnoses: 2 });
        assert.deepStrictEqual(
            fleet.events.map(e => JSON.parse(e.Detail)).map(d => [d.nodeId, d.diagnose]),
            [["i-00000", false]],
        );
        assert.ok(fleet.published[0].Message.includes("Diagnosis: not started"));
        assert.deepStrictEqual(startsWithinHour("{}", now), []);
        assert.deepStrictEqual(startsWithinHour(JSON.stringify([now - 3_600_001, now - 5, "x", now + 5]), now), [
            now - 5,
        ]);
    });

    it("marks no hybrid node (the runbook takes EC2 ids only), no recovery, and nothing when diagnosis is off", async () => {
        const fleet = fleetOf(2);
        fleet.setPing("i-00000", "ConnectionLost");
        fleet.nodes.set("mi-0123456789abcdef0", { InstanceId: "mi-0123456789abcdef0", PingStatus: "ConnectionLost" });
        await sweep(fleet, now, { debounce: 1 });
        fleet.setPing("i-00000", "Online");
        fleet.setPing("i-00001", "ConnectionLost");
        await sweep(fleet, now + 300_000, { debounce: 1, diagnose: true });
        assert.deepStrictEqual(
            fleet.events.map(e => JSON.parse(e.Detail)).map(d => [d.nodeId, d.change, d.diagnose]),
            [
                ["i-00000", "unhealthy", false],
                ["mi-0123456789abcdef0", "unhealthy", false],
                ["i-00000", "recovered", false],
                ["i-00001", "unhealthy", true],
            ],
        );
        assert.ok(!fleet.published[0].Message.includes("Diagnosis"));
    });

    it("says in the e-mail how many records it could not read", async () => {
        const fleet = fleetOf(2);
        fleet.setPing("i-00000", "ConnectionLost");
        fleet.nodes.set("broken", { PingStatus: "Online" } as any);
        fleet.table.set("garbage", { nodeId: { S: "garbage" }, state: { S: "{not json" } });
        await sweep(fleet, now, { debounce: 1 });
        assert.ok(
            fleet.published[0].Message.endsWith(
                "2 record(s) from EC2, SSM or the state table could not be read and were skipped.",
            ),
        );
        assert.strictEqual(fleet.latestMetrics().UnreadableRecords, 2);
    });

    it("still reports a region-wide outage in one e-mail within SNS's 256 KB, listing what fits and counting the rest", async () => {
        const fleet = fleetOf(5_000);
        for (const id of fleet.nodes.keys()) {
            fleet.setPing(id, "ConnectionLost");
        }
        const report = await sweep(fleet, now, { debounce: 1 });
        assert.strictEqual(report.transitions.length, 5_000);
        assert.strictEqual(fleet.published.length, 1);
        const { Subject, Message } = fleet.published[0];
        assert.strictEqual(Subject, "[SSM eu-west-1] 5000 nodes not manageable");
        assert.ok(Buffer.byteLength(Message) <= 256 * 1024);
        const listed = Message.split("\n").filter(line => line.startsWith("- i-")).length;
        assert.ok(listed > 500 && listed < 5_000, `${listed} listed`);
        assert.ok(
            Message.includes(
                `${5_000 - listed} more node(s) are not listed, to keep this e-mail within the SNS size limit`,
            ),
        );
        assert.strictEqual(fleet.events.length, 5_000, "every transition is still an event");
        assert.strictEqual(fleet.table.size, 5_000);
    });

    describe("says things once (issue 19, 7)", () => {
        const period = 5 * 60_000;
        /** Nodes named in the sweep's e-mails, events and diagnosis marks, each with how often. */
        function said(fleet: SimulatedFleet) {
            const tally = (ids: string[]) => {
                const counts = new Map<string, number>();
                for (const id of ids) {
                    counts.set(id, (counts.get(id) ?? 0) + 1);
                }
                return counts;
            };
            const details = fleet.events.map(e => JSON.parse(e.Detail));
            return {
                mailed: tally(
                    fleet.published.flatMap(p => p.Message.match(/^- (i-\d{5})/gm) ?? []).map(l => l.slice(2)),
                ),
                emitted: tally(details.map(d => `${d.nodeId} ${d.change}`)),
                diagnosed: tally(details.filter(d => d.diagnose).map(d => d.nodeId)),
            };
        }
        const atMostOnce = (fleet: SimulatedFleet) => {
            for (const [what, counts] of Object.entries(said(fleet))) {
                for (const [id, count] of counts) {
                    assert.strictEqual(count, 1, `${id} ${what} ${count} times`);
                }
            }
        };

        it("two overlapping sweeps mail, emit and diagnose each node at most once", async () => {
            const fleet = fleetOf(40);
            for (let i = 0; i < 4; i++) {
                fleet.setPing(`i-${String(i).padStart(5, "0")}`, "ConnectionLost");
            }
            await sweep(fleet, now, { diagnose: true });
            fleet.latencyMs = 2;
            const [a, b] = await Promise.all([
                sweep(fleet, now + period, { diagnose: true }),
                sweep(fleet, now + period + 1000, { diagnose: true }),
            ]);
            fleet.latencyMs = 0;
            await sweep(fleet, now + 2 * period, { diagnose: true });
            atMostOnce(fleet);
            assert.strictEqual(said(fleet).mailed.size, 4, "every lost node is mailed");
            assert.strictEqual(said(fleet).diagnosed.size, 4);
            assert.strictEqual(a.contended + b.contended, 4, "the other sweep found each node claimed");
        });

        it("a sweep killed half way is not repeated by the next, and a failed report is said by the next", async () => {
            const fleet = fleetOf(20);
            for (let i = 0; i < 6; i++) {
                fleet.setPing(`i-${String(i).padStart(5, "0")}`, "ConnectionLost");
            }
            await sweep(fleet, now);
            // Killed while publishing: its claims are written, its report never happens, nothing runs after.
            const publish = fleet.publish.bind(fleet);
            fleet.publish = () => new Promise(() => undefined);
            void sweep(fleet, now + period);
            await new Promise(resolve => setTimeout(resolve, 50));
            fleet.publish = publish;
            await sweep(fleet, now + 2 * period);
            await sweep(fleet, now + 3 * period);
            assert.deepStrictEqual(fleet.published, [], "at most once: the killed sweep's claims are not said again");

            // A report that fails is rolled back and said once by the next sweep.
            fleet.setPing("i-00010", "ConnectionLost");
            await sweep(fleet, now + 4 * period);
            fleet.publish = async () => {
                throw Object.assign(new Error("KMS key disabled"), { name: "KMSDisabledException" });
            };
            await assert.rejects(sweep(fleet, now + 5 * period), /KMS key disabled/);
            fleet.publish = publish;
            await sweep(fleet, now + 6 * period);
            await sweep(fleet, now + 7 * period);
            assert.deepStrictEqual([...said(fleet).mailed.keys()], ["i-00010"]);
            atMostOnce(fleet);
        });

        it("resets and reports malformed state items instead of trusting them", async () => {
            const fleet = fleetOf(4);
            const plant = (id: string, state: object) =>
                fleet.table.set(id, { nodeId: { S: id }, state: { S: JSON.stringify({ nodeId: id, ...state }) } });
            plant("i-00000", { kind: "ec2", status: "connection-lost", badSweeps: "x", alerted: false, since: now });
            plant("i-00001", { kind: "ec2", status: "connection-lost", badSweeps: 1, alerted: "false", since: now });
            plant("i-00002", { kind: "ec2", status: "lost", badSweeps: 5, alerted: true, since: "yesterday" });
            fleet.table.set("i-00003", { nodeId: { S: "i-00003" }, state: { S: "{not json" } });
            for (const id of ["i-00000", "i-00001", "i-00002"]) {
                fleet.setPing(id, "ConnectionLost");
            }
            const first = await sweep(fleet, now);
            assert.strictEqual(first.reset, 4);
            assert.strictEqual(fleet.latestMetrics().UnreadableRecords, 4);
            assert.ok(!fleet.table.has("i-00003"), "a malformed item of a healthy node is deleted");
            await sweep(fleet, now + period);
            assert.deepStrictEqual([...said(fleet).mailed.keys()].sort(), ["i-00000", "i-00001", "i-00002"]);
        });

        it("gives up on writes that stay throttled after a bounded number of attempts", async () => {
            const fleet = fleetOf(3);
            fleet.setPing("i-00000", "ConnectionLost");
            fleet.throttle.PutItem = 1_000;
            await assert.rejects(sweep(fleet), /Rate exceeded/);
            assert.strictEqual(fleet.calls.PutItem, 8);
        });
    });
});
