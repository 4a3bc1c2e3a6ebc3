// Runs CrossGuard policies in-process the way the Pulumi engine and the pack's analyzer server do
// (@pulumi/policy 1.21 server.js, the CLI's policy config reconciliation), for the offline plan,
// which cannot start the analyzer: per-resource policies see each resource's inputs, stack policies
// see every resource's outputs with parent, dependencies and propertyDependencies resolved to
// resources; props are wrapped in unknownCheckingProxy, so reading a value that is unknown in a
// preview ends that validation with the analyzer's advisory "can't run policy ... during preview";
// the enforcement level comes from the pack config, then the policy, then the pack (advisory by
// default); "disabled" skips a policy and "remediate" reports as "mandatory"; the pack config's
// "all" entry sets every level; a validation typed with validateResourceOfType skips other types;
// notApplicable() ends a validation quietly; validations may be async; getConfig() returns the
// policy's config (schema defaults applied, as the CLI does) without enforcementLevel.
// test/policy/policies.test.ts checks that this and the real analyzer agree on every case.
import {
    EnforcementLevel,
    Policies,
    Policy,
    PolicyResource,
    ReportViolation,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { version as packVersion } from "./package.json";
import { packName } from "./policies";
import { unknownCheckingProxy, UnknownValueError } from "./unknowns";

/** A resource as the analyzer receives it; values unknown in a preview are the engine's unknown sentinel. */
export interface AnalyzedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    /** Inputs, for per-resource policies. */
    readonly inputs: Record<string, any>;
    /** Outputs, for stack policies. */
    readonly outputs: Record<string, any>;
    /** URNs of the resources it depends on, for stack policies. */
    readonly dependencies?: readonly string[];
    /** URNs each property depends on, for stack policies. */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Violation {
    readonly policy: string;
    readonly level: "advisory" | "mandatory";
    readonly urn?: string;
    readonly message: string;
}

/** Pack config as `--policy-pack-config` gives it: a level, or an object with a level and properties. */
export type PackConfig = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface EvaluateOptions {
    readonly config?: PackConfig;
    /** The PolicyPack's own enforcementLevel; the SDK defaults it to advisory. */
    readonly packEnforcementLevel?: EnforcementLevel;
}

class NotApplicable extends Error {}

function typeOf(cls: unknown): string | undefined {
    const type = (cls as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof type === "string" && type.length > 0 ? type : undefined;
}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
    return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** Evaluates every policy over the resources; resolves to the violations in evaluation order. */
export async function evaluatePolicies(
    policies: Policies,
    resources: readonly AnalyzedResource[],
    options: EvaluateOptions = {},
): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        // The reserved "all" entry sets every policy's level; a policy's own entry takes precedence.
        const normalize = (entry: PackConfig[string] | undefined) =>
            typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
        const { enforcementLevel: ownLevel, ...properties } = normalize(options.config?.[policy.name]);
        const configuredLevel = ownLevel ?? normalize(options.config?.all).enforcementLevel;
        const level = configuredLevel ?? policy.enforcementLevel ?? options.packEnforcementLevel ?? "advisory";
        if (level === "disabled") {
            continue;
        }
        const reportLevel = level === "remediate" ? "mandatory" : level;
        const defaults = Object.fromEntries(
            Object.entries(policy.configSchema?.properties ?? {})
                .filter(([, schema]) => (schema as { default?: unknown }).default !== undefined)
                .map(([key, schema]) => [key, (schema as { default?: unknown }).default]),
        );
        const common = {
            stackTags: new Map<string, string>(),
            getConfig: <T extends object>() => ({ ...defaults, ...properties }) as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicable(reason);
            },
        };
        // The engine files a resource's diagnostics under that resource, whatever URN a validation names.
        const reporter =
            (resourceUrn?: string): ReportViolation =>
            (message, reportedUrn) => {
                violations.push({
                    policy: policy.name,
                    level: reportLevel,
                    urn: resourceUrn ?? reportedUrn,
                    message: message ? `${policy.description}\n${message}` : policy.description,
                });
            };
        const run = async (validation: () => Promise<void> | void, urn?: string) => {
            try {
                await validation();
            } catch (error) {
                if (error instanceof UnknownValueError) {
                    violations.push({
                        policy: policy.name,
                        level: "advisory",
                        urn,
                        message: `can't run policy '${policy.name}' from policy pack '${packName}@v${packVersion}' during preview: ${error.message}`,
                    });
                } else if (!(error instanceof NotApplicable)) {
                    throw new Error(
                        `policy ${policy.name} failed: ${error instanceof Error ? error.message : String(error)}`,
                        { cause: error },
                    );
                }
            }
        };

        if (isStackPolicy(policy)) {
            const byUrn = new Map<string, PolicyResource>();
            const stackResources = resources.map(resource => {
                const { parent: _parent, ...described } = describe(resource, resource.outputs);
                const policyResource: PolicyResource = { ...described, dependencies: [], propertyDependencies: {} };
                byUrn.set(resource.urn, policyResource);
                return policyResource;
            });
            // The engine hands stack policies parents and dependencies as resources, dropping URNs it does not know.
            const known = (urns: readonly string[] = []) =>
                urns.map(urn => byUrn.get(urn)).filter(found => found !== undefined);
            resources.forEach((resource, i) => {
                stackResources[i].parent = byUrn.get(resource.parent ?? "");
                stackResources[i].dependencies = known(resource.dependencies);
                stackResources[i].propertyDependencies = Object.fromEntries(
                    Object.entries(resource.propertyDependencies ?? {}).map(([key, urns]) => [key, known(urns)]),
                );
            });
            await run(() => policy.validateStack({ ...common, resources: stackResources }, reporter()));
            continue;
        }
        const validateResource = (policy as ResourceValidationPolicy).validateResource;
        if (!validateResource) {
            continue;
        }
        const validations = Array.isArray(validateResource) ? validateResource : [validateResource];
        const onlyType = Array.isArray(validateResource) ? undefined : typeOf(validateResource);
        for (const resource of resources) {
            if (onlyType && onlyType !== resource.type) {
                continue;
            }
            for (const validation of validations) {
                await run(
                    () => validation({ ...common, ...describe(resource, resource.inputs) }, reporter(resource.urn)),
                    resource.urn,
                );
            }
        }
    }
    return violations;
}

function describe(resource: AnalyzedResource, values: Record<string, any>) {
    const props = unknownCheckingProxy(values);
    const isType = (cls: unknown) => typeOf(cls) === resource.type;
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props,
        parent: resource.parent || undefined,
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            parent: resource.parent || undefined,
        },
        isType,
        asType: (cls: unknown) => (isType(cls) ? props : undefined) as any,
    };
}
