// `npm run bench`: the offline plan's wall time per stack beside the time to load @pulumi/aws
// alone (most of a plan is that load), and the serialized size of each stack's Lambdas.
// Informational output, not a test.
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { projectRoot, runProgram } from "../harness/synthesize";
import { renderTable } from "../cli/table";

const stacks = ["dev", "prod"];
const repetitions = 5;
const tsNode = require.resolve("ts-node/dist/bin");

/** Wall time of one child process, in seconds; throws if it fails. */
function timed(args: string[]): number {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, {
        cwd: projectRoot,
        stdio: ["ignore", "ignore", "pipe"],
        encoding: "utf8",
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
        throw new Error(`node ${args.join(" ")} exited with ${result.status}:\n${result.stderr}`);
    }
    return seconds;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function lambdaSizes(stack: string): Promise<string[][]> {
    const { resources } = await runProgram(stack);
    const rows: string[][] = [];
    for (const fn of resources.filter(r => r.type === "aws:lambda/function:Function")) {
        const assets: Record<string, unknown> = await fn.inputs.code.assets;
        let bytes = 0;
        for (const [file, asset] of Object.entries(assets)) {
            const text: unknown = await (asset as { text?: Promise<string> }).text;
            if (typeof text !== "string") {
                throw new Error(`${fn.name}: ${file} is not a string asset`);
            }
            bytes += Buffer.byteLength(text);
        }
        rows.push([stack, fn.name, Object.keys(assets).join(", "), bytes.toLocaleString("en-US")]);
    }
    return rows;
}

async function bench() {
    const load = ["-e", "require('@pulumi/aws')"];
    const plan = (stack: string) => [tsNode, "--transpile-only", path.join("plan", "plan.ts"), "--stack", stack];
    const loadTimes: number[] = [];
    const planTimes = new Map<string, number[]>(stacks.map(stack => [stack, []]));
    // Interleaved, so that drift in the machine's load affects every column alike.
    for (let i = 0; i < repetitions; i++) {
        loadTimes.push(timed(load));
        for (const stack of stacks) {
            planTimes.get(stack)?.push(timed(plan(stack)));
        }
    }
    const loadMedian = median(loadTimes);
    const seconds = (s: number) => `${s.toFixed(2)} s`;

    console.log(
        `Offline plan: median wall time of ${repetitions} runs per column (node ${process.version}, ${os.cpus().length} CPUs)\n`,
    );
    console.log(
        renderTable(
            [
                ["STACK", "plan (ts-node plan/plan.ts)", "node -e \"require('@pulumi/aws')\"", "RATIO"],
                ...stacks.map(stack => {
                    const planMedian = median(planTimes.get(stack) ?? []);
                    return [
                        stack,
                        seconds(planMedian),
                        seconds(loadMedian),
                        `${(planMedian / loadMedian).toFixed(1)}×`,
                    ];
                }),
            ],
            [1, 2, 3],
        ).join("\n"),
    );

    const sizes: string[][] = [];
    for (const stack of stacks) {
        sizes.push(...(await lambdaSizes(stack)));
    }
    console.log("\nSerialized Lambdas (the CallbackFunction's AssetArchive)\n");
    console.log(renderTable([["STACK", "FUNCTION", "FILES", "BYTES"], ...sizes], [3]).join("\n"));
}

bench().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
