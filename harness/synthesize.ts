// Runs Pulumi code under the stand-in mocks and waits until every registration has settled, so
// that nothing is left in flight. Shared by the offline plan and the tests.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { projectName } from "../config";
import { engineStackConfig, readProjectFile } from "./engineConfig";
import { RecordingMocks } from "./standIns";

/** Where this code runs from: the checkout, or its transpiled copy in .build/ (tools/transpile.js). */
const programRoot = path.resolve(__dirname, "..");

/** The checkout: the folder holding Pulumi.yaml and the stack files, above the running code. */
export const projectRoot =
    [programRoot, path.dirname(programRoot)].find(dir => fs.existsSync(path.join(dir, "Pulumi.yaml"))) ?? programRoot;

/** The program, as the running code can load it: index.ts under ts-node, index.js when transpiled. */
export const programPath = require.resolve(path.join(programRoot, "index"));

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
    /** URNs of every resource it depends on. */
    readonly dependencies?: string[];
    /** URNs each input property depends on: how stack policies link resources. */
    readonly propertyDependencies?: Record<string, string[]>;
}

/** Resolves an Output's value (never unknown unless the mocks run as a preview). */
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
    project = projectName,
): Promise<{ mocks: RecordingMocks; result: T }> {
    await pulumi.runtime.setMocks(mocks, project, stack, mocks.preview);
    mocks.recordOptionsOf(pulumi.runtime.getMonitor());
    pulumi.runtime.setAllConfig(config, secretKeysOf(config));
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

/**
 * A stack's config as `pulumi up` hands it to the program (see engineConfig.ts): Pulumi.yaml's
 * defaults merged in, keys namespaced, scalars as the engine writes them, lists as JSON, and a
 * secure: value in its encrypted form (see secretKeysOf). The project file is the one beside the
 * stack file, or this checkout's for stack files kept elsewhere.
 */
export function stackConfig(stack: string, root = projectRoot): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${file}`);
    }
    const beside = path.join(root, "Pulumi.yaml");
    const project = readProjectFile(fs.existsSync(beside) ? beside : path.join(projectRoot, "Pulumi.yaml"));
    return engineStackConfig(stack, fs.readFileSync(file, "utf8"), project, file);
}

/** The keys whose values the stack file stores encrypted (secure:). */
export function secretKeysOf(config: Record<string, string>): string[] {
    return Object.entries(config)
        .filter(([, value]) => /^\{"secure":/.test(value))
        .map(([key]) => key);
}

/**
 * Resolves with the work, or rejects with the first unhandled rejection while it runs: a program
 * that throws inside an apply (as `pulumi up` reports it) leaves its outputs pending forever.
 */
export async function failingOnUnhandledRejection<T>(work: () => Promise<T>): Promise<T> {
    let onRejection: (reason: unknown) => void = () => undefined;
    const rejected = new Promise<never>((_, reject) => {
        onRejection = reject;
    });
    process.on("unhandledRejection", onRejection);
    try {
        return await Promise.race([work(), rejected]);
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

/**
 * Runs a program (index.ts of this project by default), as `pulumi up --stack <stack>` would, and
 * resolves its stack outputs; `exports` are the outputs as the program exported them (secret or not).
 */
export async function runProgram(
    stack: string,
    config = stackConfig(stack),
    mocks = new RecordingMocks(config["aws:region"]),
    program = programPath,
    project = projectName,
) {
    const resolved = require.resolve(program);
    delete require.cache[resolved];
    return failingOnUnhandledRejection(async () => {
        const { result } = await underMocks(
            config,
            () => require(resolved) as Record<string, pulumi.Input<unknown>>,
            stack,
            mocks,
            project,
        );
        const outputs: Record<string, unknown> = {};
        // A preview leaves stack outputs that come from providers unknown, and an unknown Output never resolves.
        for (const [name, value] of mocks.preview ? [] : Object.entries(result)) {
            outputs[name] = await valueOf(value);
        }
        return { mocks, outputs, exports: result, resources: plannedResources(mocks) };
    });
}

/** The registered resources in registration order, with their URNs and parents. */
export function plannedResources(mocks: RecordingMocks): PlannedResource[] {
    return mocks.resources.map(resource => {
        const { urn, parentUrn, dependencies, propertyDependencies } = mocks.optionsOf(resource.name, resource.type);
        return {
            urn,
            type: resource.type,
            name: resource.name,
            parent: parentUrn,
            custom: resource.custom,
            inputs: resource.inputs,
            outputs: resource.outputs,
            dependencies,
            propertyDependencies,
        };
    });
}
