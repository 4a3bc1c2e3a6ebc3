// Runs Pulumi code under the recording mocks and waits until every registration has finished,
// so that no test leaves promises behind (mocha runs without --exit).
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { projectName } from "../../config";
import { RecordingMocks } from "./mocks";

export const projectRoot = path.resolve(__dirname, "..", "..");
export const sharedRoot = path.resolve(projectRoot, "..", "shared");

// Internal to @pulumi/pulumi: resolves once every outstanding resource registration has settled.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** Resolves an Output's value (outputs are never unknown here: mocks run with preview=false). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise(resolve => pulumi.output(output).apply(value => { resolve(value as T); return value; }));
}

/** Runs `build` under fresh mocks with the given config, then waits for every registration. */
export async function underMocks<T>(
    config: Record<string, string>, build: () => T, stack = "test", mocks = new RecordingMocks(),
): Promise<{ mocks: RecordingMocks; result: T }> {
    await pulumi.runtime.setMocks(mocks, projectName, stack, false);
    mocks.recordOptionsOf(pulumi.runtime.getMonitor());
    pulumi.runtime.setAllConfig(config);
    const result = build();
    await waitForRPCs();
    return { mocks, result };
}

/** A stack file's config as Pulumi hands it to the program: every value a string, lists as JSON. */
export function stackConfig(stack: string): Record<string, string> {
    const file = yaml.load(fs.readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(file.config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

/** Runs index.ts, as `pulumi up --stack <stack>` would, and resolves its stack outputs. */
export async function runProgram(stack: string, config = stackConfig(stack), mocks = new RecordingMocks()) {
    const indexPath = require.resolve(path.join(projectRoot, "index.ts"));
    delete require.cache[indexPath];
    const { result } = await underMocks(config, () => require(indexPath) as Record<string, pulumi.Input<unknown>>, stack, mocks);
    const outputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(result)) {
        outputs[name] = await valueOf(value);
    }
    return { mocks, outputs };
}
