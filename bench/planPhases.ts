// Where one offline plan's time goes, for `npm run bench`: run in a fresh process per stack,
// prints one JSON object of milliseconds per phase. Not a test.
import { performance } from "perf_hooks";

// The plan's own imports, timed together: the SDKs, the policies and the harness.
const started = performance.now();
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const { estimateMonthlyCost } = require("../plan/cost") as typeof import("../plan/cost");
const { evaluatePolicies } = require("../policy/evaluate") as typeof import("../policy/evaluate");
const { policies } = require("../policy/policies") as typeof import("../policy/policies");
const { runProgram } = require("../harness/synthesize") as typeof import("../harness/synthesize");

/** Wall time while at least one call is in flight: the Lambdas serialize concurrently. */
class WallClock {
    ms = 0;
    private active = 0;
    private since = 0;

    async time<T>(call: () => Promise<T>): Promise<T> {
        if (this.active++ === 0) {
            this.since = performance.now();
        }
        try {
            return await call();
        } finally {
            if (--this.active === 0) {
                this.ms += performance.now() - this.since;
            }
        }
    }
}

/** Wraps an async function of pulumi.runtime so that its calls are timed on `clock`. */
function timeCalls(name: "serializeFunction" | "computeCodePaths", clock: WallClock) {
    const runtime = pulumi.runtime as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = runtime[name];
    runtime[name] = (...args) => clock.time(() => original(...args));
}

async function phases(stack: string) {
    require("@pulumi/aws");
    const loaded = performance.now();
    const serializing = new WallClock();
    const codePaths = new WallClock();
    timeCalls("serializeFunction", serializing);
    timeCalls("computeCodePaths", codePaths);

    const { resources } = await runProgram(stack);
    const programmed = performance.now();
    await evaluatePolicies(policies, resources);
    const evaluated = performance.now();
    estimateMonthlyCost(resources, "eu-west-1");
    const costed = performance.now();
    return {
        load: loaded - started,
        program: programmed - loaded,
        serializeLambdas: serializing.ms,
        lambdaCodePaths: codePaths.ms,
        policies: evaluated - programmed,
        cost: costed - evaluated,
    };
}

phases(process.argv[2] ?? "dev").then(
    result => process.stdout.write(`${JSON.stringify(result)}\n`),
    error => {
        console.error(error);
        process.exitCode = 1;
    },
);
