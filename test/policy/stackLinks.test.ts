// How stack policies follow a property to the resources it refers to, on resources as the engine
// hands them over (through policy/evaluate.ts, which builds them as the analyzer does).
import * as aws from "@pulumi/aws";
import { Policies } from "@pulumi/policy";
import * as assert from "assert";
import { AnalyzedResource, evaluatePolicies } from "../../policy/evaluate";
import { StackResources, Target } from "../../policy/stackLinks";
import { unknownSentinel } from "../support/engineView";

const roles: Target = { classes: [aws.iam.Role], identities: ["name", "arn"] };
const urnOf = (type: string, name: string) => `urn:pulumi:test::p::${type}::${name}`;

function role(name: string, outputs: Record<string, unknown>): AnalyzedResource {
    const urn = urnOf("aws:iam/role:Role", name);
    return { urn, type: "aws:iam/role:Role", name, inputs: {}, outputs };
}

function attachment(outputs: Record<string, unknown>, links: Partial<AnalyzedResource> = {}): AnalyzedResource {
    const type = "aws:iam/policyAttachment:PolicyAttachment";
    return { urn: urnOf(type, "attachment"), type, name: "attachment", inputs: {}, outputs, ...links };
}

/** What the attachment's property refers to: each value, and the names of the resources it links to. */
async function referencesOf(resources: AnalyzedResource[], key: string) {
    const seen: unknown[] = [];
    const recording: Policies = [
        {
            name: "references",
            description: "Records references.",
            validateStack: args => {
                const stack = new StackResources(args.resources);
                const [from] = stack.all.filter(r => r.name === "attachment");
                seen.push(
                    ...stack
                        .references(from, key, roles)
                        .map(ref => ({ value: ref.value, resources: ref.resources.map(r => r.name) })),
                );
            },
        },
    ];
    assert.deepStrictEqual(await evaluatePolicies(recording, resources), []);
    return seen;
}

describe("stack links", () => {
    const app = role("app", { name: "app-1234567", arn: "arn:aws:iam::123456789012:role/app-1234567" });
    const ops = role("ops", { name: unknownSentinel, arn: unknownSentinel });

    it("follow a known value to the resources it names, by any identity, and to none outside the stack", async () => {
        assert.deepStrictEqual(
            await referencesOf(
                [app, ops, attachment({ roles: ["app-1234567", "arn:aws:iam::123456789012:role/app-1234567", "ext"] })],
                "roles",
            ),
            [
                { value: "app-1234567", resources: ["app"] },
                { value: "arn:aws:iam::123456789012:role/app-1234567", resources: ["app"] },
                { value: "ext", resources: [] },
            ],
        );
    });

    it("follow a value the preview does not know, element by element, through the URNs the property depends on", async () => {
        const links = { propertyDependencies: { roles: [ops.urn] }, dependencies: [ops.urn, app.urn] };
        assert.deepStrictEqual(
            await referencesOf([app, ops, attachment({ roles: ["app-1234567", unknownSentinel] }, links)], "roles"),
            [
                { value: "app-1234567", resources: ["app"] },
                { value: undefined, resources: ["ops"] },
            ],
        );
        assert.deepStrictEqual(await referencesOf([app, ops, attachment({ roles: unknownSentinel }, links)], "roles"), [
            { value: undefined, resources: ["ops"] },
        ]);
    });

    it("fall back on the resource's dependencies when there are no property dependencies, if only one fits", async () => {
        const unknown = { roles: unknownSentinel };
        assert.deepStrictEqual(
            await referencesOf([app, ops, attachment(unknown, { dependencies: [ops.urn] })], "roles"),
            [{ value: undefined, resources: ["ops"] }],
        );
        assert.deepStrictEqual(
            await referencesOf([app, ops, attachment(unknown, { dependencies: [ops.urn, app.urn] })], "roles"),
            [{ value: undefined, resources: [] }],
        );
    });

    it("find nothing for an absent property", async () => {
        assert.deepStrictEqual(await referencesOf([app, attachment({})], "roles"), []);
    });
});
