// `npm run bench:health`: one health sweep over simulated fleets of 1,000, 10,000 and 50,000
// running instances (5% connection lost, 1% never registered, the rest online), answered by the
// in-process stand-in with 20 ms per API call and AWS paging. Per fleet: API calls by operation,
// wall time, peak memory and alert messages of the first sweep after a warm-up sweep that records
// state. Then the overlap scenario: two sweeps at once over 10,000 nodes with 100 changes (as a late
// invocation overlapping the next would), counting nodes mailed, emitted or marked for diagnosis
// more than once (must be 0). `--json` prints one JSON document instead of the table. Informational
// output, not a test.
import * as os from "os";
import { performance } from "perf_hooks";
import * as v8 from "v8";
import * as vm from "vm";
import { runSweep, SweepReport } from "../components/healthWatch/lambda/healthSweep";
import { benchmarkFleet, instanceId, SimulatedFleet, sweepOperations, sweepSettings } from "../harness/simulatedFleet";
import { renderTable } from "../cli/table";

const fleetSizes = [1_000, 10_000, 50_000];
const latencyMs = 20;
const sampleEveryMs = 10;
const scheduleMs = 5 * 60_000;
/** "Well inside" the schedule: at most this share of it. */
const wellInside = 0.2;
const mib = 1024 * 1024;

const operations: readonly string[] = sweepOperations;

const settings = sweepSettings({
    tableName: "bench",
    topicArn: "arn:aws:sns:eu-west-1:123456789012:bench",
    eventBusName: "bench",
});

/** A full collection before each measured sweep, so the heap figures are this fleet's, not the last one's leftovers. */
const collectGarbage: () => void = (() => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as (() => void) | undefined;
    return typeof gc === "function" ? gc : () => undefined;
})();

interface FleetResult {
    nodes: number;
    calls: Record<string, number>;
    wallMs: number;
    /** Peak resident set size (process.memoryUsage().rss) sampled every 10 ms during the measured sweep. */
    peakMiB: number;
    messages: number;
    /** Extra fields. */
    peakHeapMiB: number;
    baselineHeapMiB: number;
    totalCalls: number;
    expectedCalls: Record<string, number>;
    expectedTotal: number;
    callsPer1000Nodes: number;
    connectionLost: number;
    neverRegistered: number;
    ssmRecords: number;
    stateItemsBefore: number;
    writes: number | null;
    transitions: number | null;
    messageBytes: number | null;
    backoffSleeps: number;
    error: string | null;
}

/** Scan pages the stand-in will return for its table: pages of at most 1 MB, as it measures them. */
function scanPages(fleet: SimulatedFleet): number {
    let pages = 1;
    let bytes = 0;
    const items = [...fleet.table.values()];
    for (let i = 0; i < items.length; i++) {
        if (bytes >= mib) {
            pages++;
            bytes = 0;
        }
        bytes += JSON.stringify(items[i]).length;
    }
    return pages;
}

async function measureFleet(nodes: number): Promise<FleetResult> {
    const now = Date.now();
    const { fleet, connectionLost, neverRegistered } = benchmarkFleet(nodes, now);
    fleet.latencyMs = latencyMs;
    let backoffSleeps = 0;
    const sleep = (ms: number) => {
        backoffSleeps++;
        return new Promise<void>(resolve => setTimeout(resolve, ms));
    };

    // Warm-up: records each bad node's first unhealthy sweep; with debounce 2 it alerts nothing.
    const warmUp = await runSweep(fleet, settings, now, sleep);
    if (warmUp.messages !== 0 || fleet.published.length !== 0) {
        throw new Error(
            `warm-up sweep of ${nodes} nodes sent ${fleet.published.length} message(s); expected none with debounce ${settings.debounce}`,
        );
    }

    for (const operation of Object.keys(fleet.calls)) {
        delete fleet.calls[operation];
    }
    backoffSleeps = 0;
    const publishedBefore = fleet.published.length;
    const stateItemsBefore = fleet.table.size;
    const bad = connectionLost + neverRegistered;
    const expectedCalls: Record<string, number> = {
        DescribeInstances: Math.max(1, Math.ceil(fleet.instances.size / 1000)),
        DescribeInstanceInformation: Math.max(1, Math.ceil(fleet.nodes.size / 50)),
        ListResourceComplianceSummaries: Math.max(1, Math.ceil(fleet.compliance.size / 50)),
        Scan: scanPages(fleet),
        // Every bad node alerts on its second unhealthy sweep, so each is one transition and one conditional write.
        PutItem: bad,
        Publish: bad > 0 ? 1 : 0,
        PutEvents: Math.ceil(bad / 10),
        PutMetricData: 1,
    };

    collectGarbage();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed + baseline.external;
    const sample = () => {
        const usage = process.memoryUsage();
        peakRss = Math.max(peakRss, usage.rss);
        peakHeap = Math.max(peakHeap, usage.heapUsed + usage.external);
    };
    const sampler = setInterval(sample, sampleEveryMs);
    let report: SweepReport | undefined;
    let error: string | null = null;
    const start = performance.now();
    try {
        // The next scheduled sweep: each sweep's start time is its sequence, later than the warm-up's.
        report = await runSweep(fleet, settings, now + scheduleMs, sleep);
    } catch (caught) {
        error = `${(caught as Error)?.name ?? "Error"}: ${(caught as Error)?.message ?? String(caught)}`;
    }
    const wallMs = performance.now() - start;
    clearInterval(sampler);
    sample();

    // Known operations first, in the order a sweep calls them, then anything else the stand-in counted.
    const calls: Record<string, number> = {};
    for (const op of [...operations, ...Object.keys(fleet.calls)].filter(op => fleet.calls[op] !== undefined)) {
        calls[op] = fleet.calls[op];
    }
    const totalCalls = Object.values(calls).reduce((sum, count) => sum + count, 0);
    const sent = fleet.published.slice(publishedBefore);
    return {
        nodes,
        calls,
        wallMs: Math.round(wallMs),
        peakMiB: round1(peakRss / mib),
        messages: sent.length,
        peakHeapMiB: round1(peakHeap / mib),
        baselineHeapMiB: round1((baseline.heapUsed + baseline.external) / mib),
        totalCalls,
        expectedCalls,
        expectedTotal: Object.values(expectedCalls).reduce((sum, count) => sum + count, 0),
        callsPer1000Nodes: round1(totalCalls / (nodes / 1000)),
        connectionLost,
        neverRegistered,
        ssmRecords: fleet.nodes.size,
        stateItemsBefore,
        writes: report?.writes ?? null,
        transitions: report?.transitions.length ?? null,
        messageBytes: sent.length ? sent.reduce((sum, m) => sum + Buffer.byteLength(m.Message), 0) : null,
        backoffSleeps,
        error,
    };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const count = (value: number) => value.toLocaleString("en-US");

function printTable(results: FleetResult[]): void {
    const columns = results.map((_, i) => i + 1);
    const seen = operations.filter(op =>
        results.some(r => r.calls[op] !== undefined || r.expectedCalls[op] !== undefined),
    );
    const extra = [...new Set(results.flatMap(r => Object.keys(r.calls)))].filter(op => !seen.includes(op));
    const callRow = (op: string) => [
        `  ${op}`,
        ...results.map(r => `${count(r.calls[op] ?? 0)} (exp. ${count(r.expectedCalls[op] ?? 0)})`),
    ];
    console.log(
        `Health sweep: the first sweep after a warm-up sweep, ${latencyMs} ms per API call, AWS paging ` +
            `(node ${process.version}, ${os.cpus().length} CPUs)\n`,
    );
    console.log(
        renderTable(
            [
                ["FLEET", ...results.map(r => `${count(r.nodes)} nodes`)],
                [
                    "unhealthy (lost / never registered)",
                    ...results.map(r => `${count(r.connectionLost)} / ${count(r.neverRegistered)}`),
                ],
                ["state items before the sweep", ...results.map(r => count(r.stateItemsBefore))],
                ["API calls, by operation (expected)", ...results.map(() => "")],
                ...[...seen, ...extra].map(callRow),
                ["  total", ...results.map(r => `${count(r.totalCalls)} (exp. ${count(r.expectedTotal)})`)],
                ["wall time", ...results.map(r => `${count(r.wallMs)} ms`)],
                ["peak RSS (10 ms samples)", ...results.map(r => `${r.peakMiB.toFixed(1)} MiB`)],
                [
                    "peak heapUsed+external (baseline)",
                    ...results.map(r => `${r.peakHeapMiB.toFixed(1)} (${r.baselineHeapMiB.toFixed(1)}) MiB`),
                ],
                [
                    "transitions / state writes",
                    ...results.map(r =>
                        r.transitions === null ? "-" : `${count(r.transitions)} / ${count(r.writes ?? 0)}`,
                    ),
                ],
                [
                    "alert messages sent",
                    ...results.map(
                        r => `${r.messages}${r.messageBytes !== null ? ` (${count(r.messageBytes)} B)` : ""}`,
                    ),
                ],
                ["sweep result", ...results.map(r => (r.error ? "FAILED" : "ok"))],
            ],
            columns,
        ).join("\n"),
    );
    console.log(
        "\nPeak memory is process-wide RSS sampled every 10 ms during the measured sweep; the heap row is heapUsed+external after a full GC (baseline) and at its peak.\n",
    );

    for (const r of results) {
        console.log(
            `${count(r.nodes)} nodes: ${r.callsPer1000Nodes.toFixed(1)} calls per 1,000 nodes (${count(r.totalCalls)} calls, ` +
                `${count(r.calls.DescribeInstanceInformation ?? 0)} of them SSM listing pages), ${((r.wallMs / r.nodes) * 1000).toFixed(0)} ms per 1,000 nodes`,
        );
    }
    for (const r of results.filter(r => r.error)) {
        console.log(
            `\n${count(r.nodes)} nodes: the measured sweep FAILED after ${count(r.totalCalls)} calls: ${r.error}`,
        );
    }
    console.log("");
    for (const line of goals(results).lines) {
        console.log(line);
    }
}

/** Whether a failed sweep's calls so far stayed within the formula, operation by operation. */
const withinFormula = (r: FleetResult) => Object.entries(r.calls).every(([op, n]) => n <= (r.expectedCalls[op] ?? 0));

function goals(results: FleetResult[]): { linear: boolean; inside: boolean; lines: string[] } {
    const mismatched = results.filter(
        r =>
            r.error ||
            r.totalCalls !== r.expectedTotal ||
            Object.entries(r.expectedCalls).some(([op, n]) => (r.calls[op] ?? 0) !== n),
    );
    const linear = mismatched.length === 0;
    const ten = results.find(r => r.nodes === 10_000);
    const inside = ten !== undefined && !ten.error && ten.wallMs <= scheduleMs * wellInside;
    const lines = [
        linear
            ? "Goal, linear calls: MET. Every fleet made exactly ceil(n/1000) DescribeInstances + ceil(SSM records/50) DescribeInstanceInformation + ceil(non-compliant nodes/50) ListResourceComplianceSummaries + the Scan pages " +
              "+ one conditional PutItem per changed node + 1 Publish + ceil(transitions/10) PutEvents + 1 PutMetricData; no other per-node calls."
            : `Goal, linear calls: NOT MET for ${mismatched
                  .map(
                      r =>
                          `${count(r.nodes)} nodes (${
                              r.error
                                  ? `the sweep failed after ${count(r.totalCalls)} calls, ${withinFormula(r) ? "none of them beyond" : "some of them beyond"} the formula's ${count(r.expectedTotal)}`
                                  : `${count(r.totalCalls)} calls, expected ${count(r.expectedTotal)}`
                          })`,
                  )
                  .join(", ")}.`,
        ten === undefined
            ? "Goal, 10,000 nodes inside the 5-minute schedule: not measured."
            : `Goal, 10,000 nodes well inside the 5-minute schedule: ${inside ? "MET" : "NOT MET"}: ${ten.error ? "the sweep failed" : `${(ten.wallMs / 1000).toFixed(1)} s`}, ` +
              `${((ten.wallMs / scheduleMs) * 100).toFixed(1)}% of 300 s (threshold ${wellInside * 100}%; the Lambda timeout is 270 s).`,
    ];
    return { linear, inside, lines };
}

interface OverlapResult {
    nodes: number;
    changes: number;
    mailed: number;
    duplicateMails: number;
    duplicateEvents: number;
    duplicateRunbookStarts: number;
    contended: number;
}

/** Two sweeps at once over an all-online fleet of which `changes` nodes have been lost for one sweep. */
async function measureOverlap(nodes: number, changes: number): Promise<OverlapResult> {
    const now = Date.now();
    const fleet = new SimulatedFleet();
    const launched = new Date(now - 24 * 3600_000);
    for (let i = 0; i < nodes; i++) {
        fleet.addInstance(instanceId(i), launched, { PingStatus: "Online", AgentVersion: "3.3.1142.0" });
    }
    const overlapSettings = { ...settings, diagnose: true };
    const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
    for (let i = 0; i < changes; i++) {
        fleet.setPing(instanceId(i * Math.floor(nodes / changes)), "ConnectionLost");
    }
    // The first unhealthy sweep; with debounce 2 the next one alerts, and two of them run at once.
    await runSweep(fleet, overlapSettings, now, sleep);
    fleet.latencyMs = latencyMs;
    const [a, b] = await Promise.all([
        runSweep(fleet, overlapSettings, now + scheduleMs, sleep),
        runSweep(fleet, overlapSettings, now + scheduleMs + 1000, sleep),
    ]);
    const repeated = (ids: string[]) => ids.length - new Set(ids).size;
    const mailed = fleet.published.flatMap(m => [...m.Message.matchAll(/^- (\S+) \(/gm)].map(match => match[1]));
    const details = fleet.events.map(e => JSON.parse(e.Detail));
    return {
        nodes,
        changes,
        mailed: new Set(mailed).size,
        duplicateMails: repeated(mailed),
        duplicateEvents: repeated(details.map(d => `${d.nodeId} ${d.change}`)),
        duplicateRunbookStarts: repeated(details.filter(d => d.diagnose).map(d => d.nodeId)),
        contended: a.contended + b.contended,
    };
}

function overlapLines(r: OverlapResult): string[] {
    const met = r.duplicateMails + r.duplicateEvents + r.duplicateRunbookStarts === 0 && r.mailed === r.changes;
    return [
        `Overlap: two sweeps at once over ${count(r.nodes)} nodes with ${r.changes} changes: ${r.mailed} nodes mailed, ` +
            `${r.duplicateMails} duplicate mails, ${r.duplicateEvents} duplicate events, ${r.duplicateRunbookStarts} duplicate runbook starts ` +
            `(${r.contended} transitions found claimed by the other sweep).`,
        `Goal, overlapping sweeps say each change once: ${met ? "MET" : "NOT MET"}.`,
    ];
}

async function bench() {
    const json = process.argv.includes("--json");
    const results: FleetResult[] = [];
    for (const nodes of fleetSizes) {
        process.stderr.write(`sweeping ${count(nodes)} nodes...\n`);
        results.push(await measureFleet(nodes));
    }
    process.stderr.write("two overlapping sweeps of 10,000 nodes...\n");
    const overlap = await measureOverlap(10_000, 100);
    if (json) {
        const { linear, inside } = goals(results);
        process.stdout.write(
            `${JSON.stringify({ latencyMs, memory: "peakMiB is process RSS sampled every 10 ms", fleets: results, overlap, goals: { linearCalls: linear, tenThousandWellInsideSchedule: inside } }, null, 2)}\n`,
        );
    } else {
        printTable(results);
        console.log(overlapLines(overlap).join("\n"));
    }
    if (
        results.some(r => r.error) ||
        overlap.duplicateMails + overlap.duplicateEvents + overlap.duplicateRunbookStarts > 0
    ) {
        process.exitCode = 1;
    }
}

bench().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
