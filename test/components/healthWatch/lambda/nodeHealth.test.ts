// Health decisions. Facts: PingStatus is Online, ConnectionLost or Inactive
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstanceInformation.html);
// DHMC needs agent 3.2.582.0 or later; hybrid node ids are mi- plus 17 hex digits
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/hybrid-multicloud-managed-nodes.html);
// SSM emits no event when a node's ping status changes.
import * as assert from "assert";
import {
    advanceStates,
    classifyNodes,
    ClassifyOptions,
    countByStatus,
    goneRetentionSeconds,
    NodeState,
    Observation,
} from "../../../../components/healthWatch/lambda/nodeHealth";

const now = Date.parse("2026-11-22T12:00:00Z");
const minutes = (n: number) => n * 60_000;
const options: ClassifyOptions = { now, graceMs: minutes(15), excludeTagKey: "ssm-fleet-baseline:unwatched" };
const running = (InstanceId: string, launchedMinutesAgo = 60, tags: Record<string, string> = {}) => ({
    InstanceId,
    LaunchTime: new Date(now - minutes(launchedMinutesAgo)),
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});
const node = (InstanceId: string, PingStatus = "Online", AgentVersion = "3.3.1142.0") => ({
    InstanceId,
    PingStatus,
    AgentVersion,
    LastPingDateTime: new Date(now - minutes(1)),
});
const statuses = (observations: Observation[]) => Object.fromEntries(observations.map(o => [o.nodeId, o.status]));

describe("node health", () => {
    describe("classification", () => {
        it("tells online, lost, never-registered and starting instances apart", () => {
            const { observations } = classifyNodes(
                [
                    running("i-online"),
                    running("i-lost"),
                    running("i-inactive"),
                    running("i-missing", 30),
                    running("i-new", 5),
                ],
                [node("i-online"), node("i-lost", "ConnectionLost"), node("i-inactive", "Inactive")],
                options,
            );
            assert.deepStrictEqual(statuses(observations), {
                "i-online": "online",
                "i-lost": "connection-lost",
                "i-inactive": "connection-lost",
                "i-missing": "never-registered",
                "i-new": "starting",
            });
        });

        it("flags agents older than the DHMC floor 3.2.582.0, comparing versions numerically", () => {
            const { observations } = classifyNodes(
                [running("i-old"), running("i-floor"), running("i-ten")],
                [
                    node("i-old", "Online", "3.2.57.0"),
                    node("i-floor", "Online", "3.2.582.0"),
                    node("i-ten", "Online", "3.10.0.0"),
                ],
                options,
            );
            assert.deepStrictEqual(statuses(observations), {
                "i-old": "agent-outdated",
                "i-floor": "online",
                "i-ten": "online",
            });
        });

        it("watches hybrid nodes from SSM's list alone, and never alerts on stopped instances", () => {
            const { observations } = classifyNodes(
                [running("i-online")],
                [
                    node("i-online"),
                    node("mi-0123456789abcdef0", "ConnectionLost"),
                    node("mi-0123456789abcdef1"),
                    node("i-stopped", "ConnectionLost"),
                ],
                options,
            );
            assert.deepStrictEqual(statuses(observations), {
                "i-online": "online",
                "mi-0123456789abcdef0": "hybrid-lost",
                "mi-0123456789abcdef1": "online",
            });
            assert.strictEqual(observations.find(o => o.nodeId.startsWith("mi-"))!.kind, "hybrid");
        });

        it("skips instances carrying the exclusion tag", () => {
            const result = classifyNodes(
                [running("i-skip", 60, { "ssm-fleet-baseline:unwatched": "" }), running("i-watch")],
                [],
                options,
            );
            assert.deepStrictEqual(statuses(result.observations), { "i-watch": "never-registered" });
            assert.strictEqual(result.excluded, 1);
        });

        it("never crashes on partial records, and counts what it could not read", () => {
            const result = classifyNodes(
                [
                    {},
                    { InstanceId: "" },
                    { InstanceId: "i-no-launch-time" },
                    running("i-no-tags", 60),
                    { InstanceId: "i-bad-time", LaunchTime: "yesterday" },
                ] as any,
                [{}, { PingStatus: "Online" }, { InstanceId: "i-no-tags" }, null] as any,
                options,
            );
            assert.deepStrictEqual(statuses(result.observations), {
                "i-no-launch-time": "never-registered",
                "i-no-tags": "connection-lost",
                "i-bad-time": "never-registered",
            });
            assert.strictEqual(result.unreadable, 5);
            assert.match(result.observations[1].detail, /ping unknown, last ping unknown, agent unknown/);
        });

        it("counts nodes per status for the metrics", () => {
            const { observations } = classifyNodes(
                [running("i-1"), running("i-2")],
                [node("i-1"), node("i-2", "ConnectionLost")],
                options,
            );
            assert.deepStrictEqual(countByStatus(observations), {
                online: 1,
                starting: 0,
                "connection-lost": 1,
                "never-registered": 0,
                "agent-outdated": 0,
                "hybrid-lost": 0,
            });
        });
    });

    describe("debounce and recovery", () => {
        const lost: Observation = {
            nodeId: "i-1",
            kind: "ec2",
            status: "connection-lost",
            detail: "ping ConnectionLost",
        };
        const online: Observation = { ...lost, status: "online", detail: "ping Online" };
        const step = (
            state: Map<string, NodeState>,
            observation: Observation | undefined,
            at: number,
            debounce = 2,
        ) => {
            const change = advanceStates(state, observation ? [observation] : [], at, debounce);
            for (const { nodeId, state: next } of change.writes) {
                if (next) {
                    state.set(nodeId, next);
                } else {
                    state.delete(nodeId);
                }
            }
            return change;
        };

        it("alerts only after the configured number of consecutive unhealthy sweeps, and only once", () => {
            const state = new Map<string, NodeState>();
            assert.deepStrictEqual(step(state, lost, now).transitions, []);
            assert.deepStrictEqual(
                step(state, lost, now + minutes(5)).transitions.map(t => [t.nodeId, t.change, t.status]),
                [["i-1", "unhealthy", "connection-lost"]],
            );
            const later = step(state, lost, now + minutes(10));
            assert.deepStrictEqual(
                [later.transitions, later.writes],
                [[], []],
                "an alerted node that stays lost is neither re-alerted nor rewritten",
            );
        });

        it("forgets a blip shorter than the debounce without alerting", () => {
            const state = new Map<string, NodeState>();
            step(state, lost, now);
            const back = step(state, online, now + minutes(5));
            assert.deepStrictEqual(back.transitions, []);
            assert.deepStrictEqual(back.writes, [{ nodeId: "i-1", state: undefined }]);
            assert.strictEqual(state.size, 0);
        });

        it("sends one recovery after an alert", () => {
            const state = new Map<string, NodeState>();
            step(state, lost, now, 1);
            assert.deepStrictEqual(
                step(state, online, now + minutes(5), 1).transitions.map(t => [t.change, t.previous]),
                [["recovered", "connection-lost"]],
            );
            assert.deepStrictEqual(step(state, online, now + minutes(10), 1).transitions, []);
        });

        it("resolves an alerted node that stops running as gone, keeping its item for a week", () => {
            const state = new Map<string, NodeState>();
            step(state, lost, now, 1);
            const gone = step(state, undefined, now + minutes(5), 1);
            assert.deepStrictEqual(
                gone.transitions.map(t => [t.nodeId, t.change]),
                [["i-1", "gone"]],
            );
            assert.strictEqual(
                state.get("i-1")!.expiresAt,
                Math.floor((now + minutes(5)) / 1000) + goneRetentionSeconds,
            );
            assert.deepStrictEqual(step(state, undefined, now + minutes(10), 1), { writes: [], transitions: [] });
        });

        it("writes nothing for a healthy fleet", () => {
            assert.deepStrictEqual(advanceStates(new Map(), [online, { ...online, nodeId: "i-2" }], now, 2), {
                writes: [],
                transitions: [],
            });
        });
    });

    it("on a timeline of sweeps every 5 minutes with debounce 2, alerts a node lost at t0 by t0 + 10 minutes, exactly once, and its recovery once", () => {
        const t0 = now;
        const sweeps = Array.from({ length: 12 }, (_, i) => t0 - minutes(2) + i * minutes(5)); // the schedule is not aligned to t0
        const recoveredAt = t0 + minutes(37);
        let state = new Map<string, NodeState>();
        const alerts: { at: number; change: string }[] = [];
        for (const at of sweeps) {
            const ping = at >= t0 && at < recoveredAt ? "ConnectionLost" : "Online";
            const { observations } = classifyNodes([running("i-1", 600)], [node("i-1", ping)], { ...options, now: at });
            const { writes, transitions } = advanceStates(state, observations, at, 2);
            state = new Map(state);
            for (const write of writes) {
                if (write.state) {
                    state.set(write.nodeId, write.state);
                } else {
                    state.delete(write.nodeId);
                }
            }
            alerts.push(...transitions.map(t => ({ at, change: t.change })));
        }
        assert.deepStrictEqual(
            alerts.map(a => a.change),
            ["unhealthy", "recovered"],
        );
        assert.ok(alerts[0].at - t0 <= minutes(10), `alerted ${(alerts[0].at - t0) / 60_000} minutes after t0`);
        assert.ok(alerts[1].at >= recoveredAt && alerts[1].at - recoveredAt <= minutes(5));
    });
});
