// `npm run bench`: the offline plan's wall time per stack beside the time to load @pulumi/aws
// alone, where the plan's time goes, and the serialized size of each stack's Lambdas. Prints
// Markdown rows for the README, with the machine they were measured on. Not a test.
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { PlannedResource, projectRoot, runProgram } from "../harness/synthesize";

const stacks = ["dev", "prod"];
const repetitions = 5;
const built = path.join(projectRoot, ".build");
const tsNode = require.resolve("ts-node/dist/bin");

/** Wall time of one child process, in seconds; throws if it fails. */
function timed(args: string[]): { seconds: number; stdout: string } {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, {
        cwd: projectRoot,
        stdio: ["ignore", "pipe", "pipe"],
        encoding: "utf8",
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
        throw new Error(`node ${args.join(" ")} exited with ${result.status}:\n${result.stderr}`);
    }
    return { seconds, stdout: result.stdout };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A Markdown table, as the README writes them. */
const markdown = (rows: string[][]) =>
    [rows[0], rows[0].map(() => "---"), ...rows.slice(1)].map(row => `| ${row.join(" | ")} |`).join("\n");

/** Each Lambda of a synthesized stack: the files of its archive and the bytes of their text. */
export async function lambdaSizes(
    resources: readonly PlannedResource[],
): Promise<{ name: string; files: string[]; bytes: number }[]> {
    const sizes = [];
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
        sizes.push({ name: fn.name, files: Object.keys(assets), bytes });
    }
    return sizes.sort((a, b) => a.name.localeCompare(b.name));
}

async function bench() {
    const load = ["-e", "require('@pulumi/aws')"];
    const plan = (stack: string) => [path.join(built, "plan", "plan.js"), "--stack", stack];
    const tsNodePlan = (stack: string) => [tsNode, "--transpile-only", path.join("plan", "plan.ts"), "--stack", stack];
    const times = new Map<string, number[]>();
    const record = (key: string, seconds: number) => times.set(key, [...(times.get(key) ?? []), seconds]);
    // Interleaved, so that drift in the machine's load affects every column alike.
    for (let i = 0; i < repetitions; i++) {
        record("load", timed(load).seconds);
        for (const stack of stacks) {
            record(`plan ${stack}`, timed(plan(stack)).seconds);
            record(`ts-node ${stack}`, timed(tsNodePlan(stack)).seconds);
        }
    }
    const loadMedian = median(times.get("load") ?? []);
    const seconds = (s: number) => `${s.toFixed(2)} s`;
    const cpu = os.cpus();
    const machine = `node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${os.platform()}`;

    console.log(`Offline plan: median wall time of ${repetitions} runs per column (${machine})\n`);
    console.log(
        markdown([
            ["Stack", "`npm run plan` (compiled)", "ts-node plan/plan.ts", "Load `@pulumi/aws`", "Ratio"],
            ...stacks.map(stack => {
                const planMedian = median(times.get(`plan ${stack}`) ?? []);
                return [
                    stack,
                    seconds(planMedian),
                    seconds(median(times.get(`ts-node ${stack}`) ?? [])),
                    seconds(loadMedian),
                    `${(planMedian / loadMedian).toFixed(1)}×`,
                ];
            }),
        ]),
    );

    // Phases of one compiled plan per stack, each in a fresh process (bench/planPhases.ts).
    const phaseRows = stacks.map(stack => {
        const phases = JSON.parse(timed([path.join(built, "bench", "planPhases.js"), stack]).stdout);
        const ms = (value: number) => `${Math.round(value).toLocaleString("en-US")} ms`;
        return [
            stack,
            ms(phases.load),
            ms(phases.program),
            ms(phases.serializeLambdas),
            ms(phases.lambdaCodePaths),
            ms(phases.policies),
            ms(phases.cost),
        ];
    });
    console.log("\nWhere a compiled plan's time goes (one run per stack; serialization is part of the program)\n");
    console.log(
        markdown([
            [
                "Stack",
                "Load",
                "Program",
                "of which serializing the Lambdas",
                "of which their code paths",
                "Policies",
                "Cost",
            ],
            ...phaseRows,
        ]),
    );

    // One row per function and size: the stacks share their handlers, so their archives agree.
    const sizes = new Set<string>();
    for (const stack of stacks) {
        for (const { name, files, bytes } of await lambdaSizes((await runProgram(stack)).resources)) {
            sizes.add(`| \`${name}\` | ${files.map(f => `\`${f}\``).join(", ")} | ${bytes.toLocaleString("en-US")} |`);
        }
    }
    console.log("\nSerialized Lambdas (the CallbackFunction's AssetArchive)\n");
    console.log(["| Function | Files | Bytes |", "| --- | --- | --- |", ...sizes].join("\n"));
}

if (require.main === module) {
    bench().catch(error => {
        console.error(error);
        process.exitCode = 1;
    });
}
