// policy/evaluate.ts on sample policies: the analyzer server's semantics (@pulumi/policy 1.21
// server.js) and the CLI's config handling, in-process. test/policy/policies.test.ts checks that it
// reports what the real analyzer reports for every case of the pack.
import * as aws from "@pulumi/aws";
import { Policies, validateResourceOfType } from "@pulumi/policy";
import * as assert from "assert";
import { AnalyzedResource, evaluatePolicies, PackConfig } from "../../policy/evaluate";
import { unknownSentinel } from "../support/engineView";

const typeOf = (cls: unknown) => (cls as { __pulumiType: string }).__pulumiType;

/** A resource as the engine would analyze it; outputs default to the inputs. */
function resource<T extends object>(
    cls: { new (name: string, args: T, ...rest: any[]): unknown },
    name: string,
    args: T,
    extra: Partial<AnalyzedResource> = {},
): AnalyzedResource {
    const type = typeOf(cls);
    return { urn: `urn:pulumi:test::p::${type}::${name}`, type, name, inputs: args, outputs: args, ...extra };
}

describe("policy evaluation follows the analyzer", () => {
    const sample = (extra: Partial<Policies[number]> = {}): Policies => [
        {
            name: "sample",
            description: "Sample policy.",
            validateResource: validateResourceOfType(aws.sns.Topic, async (_topic, args, reportViolation) => {
                await new Promise(resolve => setImmediate(resolve));
                reportViolation(`async finding for ${args.name}`);
            }),
            ...extra,
        } as Policies[number],
    ];
    const topic = resource(aws.sns.Topic, "t", {});

    it("defaults to advisory, reports the description then the message, and awaits async validations", async () => {
        assert.deepStrictEqual(await evaluatePolicies(sample(), [topic, resource(aws.sqs.Queue, "q", {})]), [
            { policy: "sample", level: "advisory", urn: topic.urn, message: "Sample policy.\nasync finding for t" },
        ]);
    });

    it("takes the level from pack config over the policy over the pack, with remediate reported as mandatory", async () => {
        const level = async (policyLevel?: string, config?: PackConfig, pack?: string) =>
            (
                await evaluatePolicies(sample({ enforcementLevel: policyLevel as any }), [topic], {
                    config,
                    packEnforcementLevel: pack as any,
                })
            ).map(v => v.level);
        assert.deepStrictEqual(await level("mandatory"), ["mandatory"]);
        assert.deepStrictEqual(await level(undefined, undefined, "mandatory"), ["mandatory"]);
        assert.deepStrictEqual(await level("mandatory", { sample: "advisory" }), ["advisory"]);
        assert.deepStrictEqual(await level("advisory", { sample: { enforcementLevel: "mandatory" } }), ["mandatory"]);
        assert.deepStrictEqual(await level("remediate"), ["mandatory"]);
        assert.deepStrictEqual(await level("mandatory", { sample: "disabled" }), []);
        assert.deepStrictEqual(await level("mandatory", { all: "advisory" }), ["advisory"]);
        assert.deepStrictEqual(await level("advisory", { all: "advisory", sample: "mandatory" }), ["mandatory"]);
    });

    it("ends a validation quietly on notApplicable, and gives config with schema defaults", async () => {
        const seen: unknown[] = [];
        const policy: Policies = [
            {
                name: "configured",
                description: "Configured.",
                configSchema: { properties: { limit: { type: "integer", default: 3 }, label: { type: "string" } } },
                validateResource: (args, reportViolation) => {
                    seen.push(args.getConfig());
                    args.notApplicable("nothing to check");
                    reportViolation("unreachable");
                },
            },
        ];
        assert.deepStrictEqual(
            await evaluatePolicies(policy, [topic], {
                config: { configured: { enforcementLevel: "mandatory", label: "x" } },
            }),
            [],
        );
        assert.deepStrictEqual(seen, [{ limit: 3, label: "x" }]);
    });

    it("files a resource's violations under that resource, whatever URN the validation names", async () => {
        const policy = sample({
            validateResource: (_args, reportViolation) => reportViolation("elsewhere", "urn:pulumi:test::p::x::other"),
        });
        assert.deepStrictEqual(
            (await evaluatePolicies(policy, [topic])).map(v => v.urn),
            [topic.urn],
        );
    });

    it("ends a validation that reads a value unknown in a preview with the analyzer's advisory can't-run diagnostic", async () => {
        const unknownKey = resource(aws.sns.Topic, "t", { kmsMasterKeyId: unknownSentinel });
        const reading: Policies = [
            {
                name: "reads-key",
                description: "Reads the key.",
                enforcementLevel: "mandatory",
                validateResource: (args, reportViolation) => reportViolation(`key ${args.props.kmsMasterKeyId}`),
            },
            {
                name: "reads-stack",
                description: "Reads the stack.",
                enforcementLevel: "mandatory",
                validateStack: (args, reportViolation) =>
                    args.resources.forEach(r => reportViolation(`key ${r.props.kmsMasterKeyId}`)),
            },
        ];
        assert.deepStrictEqual(await evaluatePolicies(reading, [unknownKey]), [
            {
                policy: "reads-key",
                level: "advisory",
                urn: unknownKey.urn,
                message:
                    "can't run policy 'reads-key' from policy pack 'ssm-fleet-baseline@v0.1.0' during preview: string value at .kmsMasterKeyId can't be known during preview",
            },
            {
                policy: "reads-stack",
                level: "advisory",
                urn: undefined,
                message:
                    "can't run policy 'reads-stack' from policy pack 'ssm-fleet-baseline@v0.1.0' during preview: string value at .kmsMasterKeyId can't be known during preview",
            },
        ]);
    });

    it("hands stack policies parents, dependencies and property dependencies as resources, dropping unknown URNs", async () => {
        const role = resource(aws.iam.Role, "role", { assumeRolePolicy: "{}" });
        const gone = "urn:pulumi:test::p::aws:iam/role:Role::gone";
        const profile = resource(
            aws.iam.InstanceProfile,
            "profile",
            { role: unknownSentinel },
            { parent: role.urn, dependencies: [role.urn, gone], propertyDependencies: { role: [role.urn, gone] } },
        );
        const seen: unknown[] = [];
        const recording: Policies = [
            {
                name: "links",
                description: "Links.",
                validateStack: args =>
                    args.resources.forEach(r =>
                        seen.push({
                            name: r.name,
                            parent: r.parent?.name,
                            dependencies: r.dependencies.map(d => d.name),
                            propertyDependencies: Object.fromEntries(
                                Object.entries(r.propertyDependencies).map(([key, deps]) => [
                                    key,
                                    deps.map(d => d.name),
                                ]),
                            ),
                        }),
                    ),
            },
        ];
        assert.deepStrictEqual(await evaluatePolicies(recording, [role, profile]), []);
        assert.deepStrictEqual(seen, [
            { name: "role", parent: undefined, dependencies: [], propertyDependencies: {} },
            { name: "profile", parent: "role", dependencies: ["role"], propertyDependencies: { role: ["role"] } },
        ]);
    });
});
