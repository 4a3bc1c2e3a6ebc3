// npm run bench:rollout: the rollout over 100 cells (20 accounts × 5 Regions) at concurrency 8
// against a stand-in CLI whose every update takes a fixed time. It measures the makespan of the
// fan-out against the ideal (⌈cells / 8⌉ × cell time + the account phase), the orchestrator's
// peak memory, and that after a stop half way `--resume` re-runs only the unfinished cells.
// The cell time of the ideal is the mean cell time of the same run: on a small shared machine the
// SDK's four CLI calls per cell compete for CPU, so a cell among eight takes longer than a cell
// alone (both are printed), and the ratio isolates what the orchestrator adds: idle slots,
// serialised steps and phase barriers.
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
const opMs = Number(process.env.ROLLOUT_BENCH_OP_MS ?? 50);

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

async function benchmark() {
    const pulumi = new TimedPulumi(opMs);
    const dirs: string[] = [];
    try {
        // One cell alone: the cell time of the ideal.
        const solo = project();
        dirs.push(solo);
        assert.strictEqual(await rollout(solo, pulumi, ["--cell", "fleet-a00-eu-west-1"]), ExitCode.success);
        const cellMs = [...journalSpan(solo).cells.values()][0];

        // The full fan-out.
        const full = project();
        dirs.push(full);
        const wallStarted = Date.now();
        assert.strictEqual(await rollout(full, pulumi, []), ExitCode.success);
        const wallMs = Date.now() - wallStarted;
        const { spanMs, cells } = journalSpan(full);
        assert.strictEqual(cells.size, accounts * regions.length);
        const meanCellMs = Math.round([...cells.values()].reduce((a, b) => a + b, 0) / cells.size);
        const accountPhaseMs = Math.ceil(accounts / concurrency) * meanCellMs;
        const idealMs = Math.ceil(cells.size / concurrency) * meanCellMs + accountPhaseMs;

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
        const rows = [
            ["measure", "value", "limit"],
            ["cells (accounts × Regions)", `${cells.size} (${accounts} × ${regions.length})`, ""],
            ["concurrency", String(concurrency), ""],
            ["stand-in update time", `${opMs} ms`, ""],
            ["cell time, alone", `${cellMs} ms`, ""],
            ["cell time, mean of the run (8 at once)", `${meanCellMs} ms`, ""],
            ["ideal (⌈100/8⌉ × cell + ⌈20/8⌉ × cell)", `${idealMs} ms`, ""],
            ["fan-out makespan", `${spanMs} ms (${ratio.toFixed(2)} × ideal)`, "≤ 1.15 × ideal"],
            [
                "makespan / (⌈100/8⌉ × mean cell), no account phase",
                (spanMs / (Math.ceil(cells.size / concurrency) * meanCellMs)).toFixed(2),
                "",
            ],
            ["whole run (plan, preflight, install, fan-out)", `${wallMs} ms`, ""],
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
