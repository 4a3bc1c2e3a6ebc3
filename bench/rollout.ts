// npm run bench:rollout: the rollout over 100 cells (20 accounts × 5 Regions) at concurrency 8
// against a stand-in CLI whose every update takes a fixed time, 2 s by default (ROLLOUT_BENCH_OP_MS):
// a real cell's `pulumi up` takes minutes, so a fixed operation of a few seconds measures what the
// orchestrator adds to a realistic operation while the whole bench stays within two minutes. It
// measures the makespan of the fan-out against the ideal, the orchestrator's peak memory, and that
// after a stop half way `--resume` re-runs only the unfinished cells. The stop is Ctrl-C (the abort
// signal); test/driver/rollout.test.ts kills a rollout process with SIGKILL instead.
// The ideal is the issue's, ⌈cells / 8⌉ × cell time plus the account phase: here the account phase
// is the 20 home-Region cells (⌈20/8⌉ waves) and the region phase the other 80 (⌈80/8⌉ waves), so
// 13 waves, which is also ⌈100/8⌉. The cell time is a cell's measured alone, on an otherwise idle
// orchestrator, in the same run (the median of three): whatever eight cells at once cost more (CLI
// process starts queueing on the event loop, CPU shared with the stand-ins) counts against the rollout.
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { renderTable } from "../cli/table";
import { ExitCode } from "../cli/exitCodes";
import { DriverDeps, main } from "../driver/driver";
import { readJournal } from "../driver/rolloutJournal";
import { TimedPulumi } from "../harness/fakePulumi";
import { projectRoot } from "../harness/synthesize";

const accounts = 20;
const regions = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2"];
const concurrency = 8;
const opMs = Number(process.env.ROLLOUT_BENCH_OP_MS ?? 2000);

function project(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-bench-"));
    fs.copyFileSync(path.join(projectRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(
        path.join(dir, "fleet.yaml"),
        yaml.dump({
            concurrency,
            rings: ["all"],
            regions,
            access: { roleName: "deployer" },
            config: { notificationEmails: ["ops@example.com"] },
            accounts: Array.from({ length: accounts }, (_, i) => ({
                id: String(100000000000 + i),
                name: `a${String(i).padStart(2, "0")}`,
                ring: "all",
            })),
        }),
    );
    return dir;
}

async function rollout(dir: string, pulumi: TimedPulumi, argv: string[], extra: Partial<DriverDeps> = {}) {
    return main(["rollout", ...argv], {
        env: { PULUMI_CONFIG_PASSPHRASE: "bench" },
        projectDir: dir,
        findPulumi: () => pulumi.command(),
        out: () => undefined,
        err: text => process.stderr.write(text),
        commit: () => "bench",
        preflight: async () => [],
        ...extra,
    } as DriverDeps);
}

/** The fan-out's span, from the first cell started to the last one ended, per the journal. */
function journalSpan(dir: string, run?: string): { spanMs: number; cells: Map<string, number> } {
    const lines = readJournal(path.join(dir, ".rollout", "journal.jsonl")).filter(l => !run || l.run === run);
    const times = lines.map(l => Date.parse(l.time));
    const started = new Map(lines.filter(l => l.state === "started").map(l => [l.stack, Date.parse(l.time)]));
    const cells = new Map(
        lines.filter(l => l.state === "green").map(l => [l.stack, Date.parse(l.time) - started.get(l.stack)!]),
    );
    return { spanMs: Math.max(...times) - Math.min(...times), cells };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function benchmark() {
    const pulumi = new TimedPulumi(opMs);
    const dirs: string[] = [];
    try {
        // Three cells, one at a time, alone: the cell time of the ideal.
        const solo = project();
        dirs.push(solo);
        const soloMs: number[] = [];
        for (const account of ["a00", "a01", "a02"]) {
            const stack = `fleet-${account}-eu-west-1`;
            assert.strictEqual(await rollout(solo, pulumi, ["--cell", stack]), ExitCode.success);
            soloMs.push(journalSpan(solo).cells.get(stack)!);
        }
        const cellMs = median(soloMs);

        // The full fan-out.
        const full = project();
        dirs.push(full);
        const callsBefore = pulumi.calls().length;
        const cpuStarted = process.cpuUsage();
        const wallStarted = Date.now();
        assert.strictEqual(await rollout(full, pulumi, []), ExitCode.success);
        const wallMs = Date.now() - wallStarted;
        const cpu = process.cpuUsage(cpuStarted);
        const cellCalls = pulumi
            .calls()
            .slice(callsBefore)
            .filter(call => /^(up|stack output|stack history|preview|refresh)\b/.test(call));
        const { spanMs, cells } = journalSpan(full);
        assert.strictEqual(cells.size, accounts * regions.length);
        const meanCellMs = Math.round([...cells.values()].reduce((a, b) => a + b, 0) / cells.size);
        const accountWaves = Math.ceil(accounts / concurrency);
        const regionWaves = Math.ceil((cells.size - accounts) / concurrency);
        const idealMs = (regionWaves + accountWaves) * cellMs;

        // Stopped half way (Ctrl-C once 50 cells are green), then resumed.
        const halted = project();
        dirs.push(halted);
        const stop = new AbortController();
        const journal = path.join(halted, ".rollout", "journal.jsonl");
        const watch = setInterval(() => {
            if (readJournal(journal).filter(l => l.state === "green").length >= 50) {
                stop.abort();
            }
        }, 5);
        await rollout(halted, pulumi, [], { signal: stop.signal });
        clearInterval(watch);
        const green = new Set(
            readJournal(journal)
                .filter(l => l.state === "green")
                .map(l => l.stack),
        );
        const before = pulumi.operations().length;
        assert.strictEqual(await rollout(halted, pulumi, ["--resume"]), ExitCode.success);
        const rerun = pulumi
            .operations()
            .slice(before)
            .map(op => op.split(" ")[1]);
        assert.ok(
            rerun.every(stack => !green.has(stack)),
            "a cell green before the stop ran again",
        );
        assert.strictEqual(rerun.length, accounts * regions.length - green.size, "every unfinished cell ran once");

        const peakMiB = process.resourceUsage().maxRSS / 1024;
        const ratio = spanMs / idealMs;
        const perCell = (calls: readonly string[]) => (calls.length / cells.size).toFixed(1);
        const rows = [
            ["measure", "value", "limit"],
            ["cells (accounts × Regions)", `${cells.size} (${accounts} × ${regions.length})`, ""],
            ["concurrency", String(concurrency), ""],
            ["stand-in update time (fixed)", `${opMs} ms`, ""],
            ["CLI runs per cell in the fan-out", `${perCell(cellCalls)} (${[...new Set(cellCalls)].join(", ")})`, ""],
            ["cell time alone (median of 3)", `${cellMs} ms (${soloMs.join(", ")})`, ""],
            ["cell time with 8 at once (mean)", `${meanCellMs} ms`, ""],
            [
                `ideal: (⌈${cells.size - accounts}/${concurrency}⌉ + ⌈${accounts}/${concurrency}⌉) × cell alone`,
                `${idealMs} ms`,
                "",
            ],
            ["fan-out makespan", `${spanMs} ms (${ratio.toFixed(3)} × ideal)`, "≤ 1.15 × ideal"],
            ["whole run (plan, preflight, stack creation, fan-out)", `${wallMs} ms`, ""],
            [
                "orchestrator CPU in the whole run (user + system)",
                `${Math.round((cpu.user + cpu.system) / 1000)} ms`,
                "",
            ],
            ["orchestrator peak memory (RSS)", `${peakMiB.toFixed(0)} MiB`, "< 300 MiB"],
            ["green when stopped half way", String(green.size), ""],
            ["cells re-run by --resume", `${rerun.length} (= ${cells.size} − ${green.size})`, "only the unfinished"],
        ];
        process.stdout.write(`rollout benchmark\n${renderTable(rows).join("\n")}\n`);
        assert.ok(ratio <= 1.15, `makespan ${spanMs} ms is over 1.15 × the ideal ${idealMs} ms`);
        assert.ok(peakMiB < 300, `peak memory ${peakMiB.toFixed(0)} MiB`);
    } finally {
        pulumi.remove();
        dirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true }));
    }
}

benchmark().catch(error => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
