// Programs as the Pulumi engine hands them to a policy pack, in `pulumi up` or in `pulumi preview`
// of a new stack. The program runs under the stand-in mocks; each resource then carries what its
// registration sent (inputs serialized by the SDK, so a value that depends on an output the preview
// does not know is the unknown sentinel) and, as outputs, those inputs plus what the provider
// computes at create time: known in an update, the unknown sentinel in a preview.
import * as path from "path";
import { AnalyzedResource } from "../../policy/evaluate";
import { RecordingMocks } from "../../harness/standIns";
import { monitoringProgramDir, monitoringStackName } from "../../driver/fleet";
import { readProjectFile } from "../../harness/engineConfig";
import { engineProgram } from "../../harness/engineProgram";
import { exampleMonitoringConfig } from "./exampleFleet";
import { committedStack, projectRoot, runProgram, underMocks } from "./program";

export type Mode = "preview" | "update";
export const modes: readonly Mode[] = ["preview", "update"];

/** How the engine encodes a value it does not know yet. */
export const unknownSentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// Special signatures of the SDK's wire format (@pulumi/pulumi runtime/rpc).
const specialSigKey = "4dabf18193072939515e22adb298388d";
const resourceReferenceSig = "5cf8f73096256a8f31e491e813e4eb8e";

/** A resource as the engine analyzes it. */
export interface EngineResource extends AnalyzedResource {
    readonly custom: boolean;
    readonly protect: boolean;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

/** Runs `build` as a program of its own and returns its resources as the engine would analyze them. */
export async function synthesize(build: () => unknown, mode: Mode): Promise<EngineResource[]> {
    const { mocks } = await underMocks({}, build, "test", new RecordingMocks("eu-west-1", mode === "preview"));
    return engineResources(mocks);
}

/** Runs index.ts with a stack's config (Pulumi.<stack>.yaml), as `pulumi up` or a first `pulumi preview` would. */
export async function synthesizeStack(stack: string, mode: Mode): Promise<EngineResource[]> {
    const { mocks } = await committedStack(stack, mode);
    return engineResources(mocks);
}

/**
 * Runs the monitoring program (monitoring/, as the engine picks its entry point) with the config
 * the rollout derives for fleet-monitoring from the example manifest.
 */
export async function synthesizeMonitoringStack(mode: Mode): Promise<EngineResource[]> {
    const config = exampleMonitoringConfig();
    const dir = path.join(projectRoot, monitoringProgramDir);
    const { mocks } = await runProgram(
        monitoringStackName,
        config,
        new RecordingMocks(config["aws:region"], mode === "preview"),
        engineProgram(dir).entry,
        readProjectFile(path.join(dir, "Pulumi.yaml")).name,
    );
    return engineResources(mocks);
}

export function engineResources(mocks: RecordingMocks): EngineResource[] {
    return mocks.resources.map(resource => {
        const options = mocks.optionsOf(resource.name, resource.type);
        const inputs = withoutResourceReferences(options.serializedInputs) as Record<string, unknown>;
        const computed = Object.fromEntries(
            resource.computed.map(key => [key, mocks.preview ? unknownSentinel : resource.outputs[key]]),
        );
        return {
            urn: options.urn,
            type: resource.type,
            name: resource.name,
            parent: options.parentUrn || undefined,
            custom: resource.custom,
            protect: options.protect,
            inputs,
            outputs: { ...inputs, ...computed },
            dependencies: options.dependencies,
            // The engine leaves out properties that depend on nothing.
            propertyDependencies: Object.fromEntries(
                Object.entries(options.propertyDependencies).filter(([, urns]) => urns.length > 0),
            ),
        };
    });
}

/**
 * The engine hands analyzers no resource references: it marshals each as the resource's id (the
 * unknown sentinel while the id is unknown), or as its URN for a component, which has no id.
 */
function withoutResourceReferences(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutResourceReferences);
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === resourceReferenceSig) {
        return typeof record.id === "string" && record.id !== "" ? record.id : record.urn;
    }
    return Object.fromEntries(Object.entries(record).map(([key, v]) => [key, withoutResourceReferences(v)]));
}
