// Runs Pulumi code under the stand-in mocks and waits until every registration has settled, so
// that nothing is left in flight. Shared by the offline plan and the tests.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { projectName } from "../config";
import { RecordingMocks } from "./standIns";

export const projectRoot = path.resolve(__dirname, "..");

// Internal to @pulumi/pulumi: resolves once every outstanding resource registration has settled.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** One registered resource as the plan and the policies see it. */
export interface PlannedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The parent's URN, or "" at the top. */
    readonly parent: string;
    readonly custom: boolean;
    /** What the program passed: what per-resource policies see. */
    readonly inputs: Record<string, any>;
    /** The stand-in provider's resulting state: what stack policies see. */
    readonly outputs: Record<string, any>;
}

/** Resolves an Output's value (outputs are never unknown here: mocks run with preview=false). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise(resolve =>
        pulumi.output(output).apply(value => {
            resolve(value as T);
            return value;
        }),
    );
}

/** Runs `build` under fresh mocks with the given config, then waits for every registration. */
export async function underMocks<T>(
    config: Record<string, string>,
    build: () => T,
    stack = "test",
    mocks = new RecordingMocks(),
): Promise<{ mocks: RecordingMocks; result: T }> {
    await pulumi.runtime.setMocks(mocks, projectName, stack, false);
    mocks.recordOptionsOf(pulumi.runtime.getMonitor());
    pulumi.runtime.setAllConfig(config);
    const result = build();
    await waitForRPCs();
    return { mocks, result };
}

/** The stacks that have a Pulumi.<stack>.yaml in the directory. */
export function stackNames(root = projectRoot): string[] {
    return fs.existsSync(root)
        ? fs.readdirSync(root).flatMap(file => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? [])
        : [];
}

/** A stack file's config as Pulumi hands it to the program: every value a string, lists as JSON. */
export function stackConfig(stack: string, root = projectRoot): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${file}`);
    }
    const parsed = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
    return Object.fromEntries(
        Object.entries(parsed?.config ?? {}).map(([key, value]) => [
            key,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
}

/**
 * Runs a program (index.ts by default), as `pulumi up --stack <stack>` would, and resolves its stack
 * outputs; `exports` are the outputs as the program exported them (secret or not).
 */
export async function runProgram(
    stack: string,
    config = stackConfig(stack),
    mocks = new RecordingMocks(config["aws:region"]),
    programPath = path.join(projectRoot, "index.ts"),
) {
    const resolved = require.resolve(programPath);
    delete require.cache[resolved];
    const { result } = await underMocks(
        config,
        () => require(resolved) as Record<string, pulumi.Input<unknown>>,
        stack,
        mocks,
    );
    const outputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(result)) {
        outputs[name] = await valueOf(value);
    }
    return { mocks, outputs, exports: result, resources: plannedResources(mocks) };
}

/** The registered resources in registration order, with their URNs and parents. */
export function plannedResources(mocks: RecordingMocks): PlannedResource[] {
    return mocks.resources.map(resource => {
        const { urn, parentUrn } = mocks.optionsOf(resource.name, resource.type);
        return {
            urn,
            type: resource.type,
            name: resource.name,
            parent: parentUrn,
            custom: resource.custom,
            inputs: resource.inputs,
            outputs: resource.outputs,
        };
    });
}
