// The identity check itself: a rename is safe only when an alias claims the old URN, and a
// child moves with its parent's alias, as the engine combines them.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { claimedUrns, describeIdentityDiff, diffIdentity, IdentifiedResource } from "../../harness/identity";
import { RecordingMocks } from "../../harness/standIns";
import { underMocks } from "../support/program";

/** A component with one child bucket, registered under the given token. */
class Box extends pulumi.ComponentResource {
    constructor(token: string, name: string, opts?: pulumi.ComponentResourceOptions) {
        super(token, name, {}, opts);
        new aws.s3.Bucket(`${name}-bucket`, {}, { parent: this });
        this.registerOutputs({});
    }
}

const identityOf = (mocks: RecordingMocks): IdentifiedResource[] =>
    [...mocks.options.values()].map(({ urn, parentUrn, aliases }) => ({ urn, parentUrn, aliases }));

async function synthesize(build: () => void): Promise<IdentifiedResource[]> {
    const { mocks } = await underMocks({}, build);
    return identityOf(mocks);
}

describe("resource identity", () => {
    let golden: string[];
    before(async () => {
        golden = (await synthesize(() => new Box("test:index:Box", "box"))).map(r => r.urn);
    });

    it("forms URNs from the parent's whole type chain, as the engine does", async () => {
        const resources = await synthesize(() => {
            const outer = new Box("test:index:Box", "outer");
            new Box("test:index:Inner", "inner", { parent: outer });
        });
        assert.ok(
            resources.some(
                r =>
                    r.urn ===
                    "urn:pulumi:test::ssm-fleet-baseline::test:index:Box$test:index:Inner$aws:s3/bucket:Bucket::inner-bucket",
            ),
            resources.map(r => r.urn).join("\n"),
        );
    });

    it("reports a token change without an alias as a delete and create, naming each resource", async () => {
        const diff = diffIdentity(golden, await synthesize(() => new Box("test:index:Crate", "box")));
        assert.deepStrictEqual(
            diff.removed.map(r => [r.urn.split("::").pop(), r.claimedBy]),
            [
                ["box", undefined],
                ["box-bucket", undefined],
            ],
        );
        assert.strictEqual(diff.added.length, 2);
        assert.match(describeIdentityDiff("test", diff), /- urn:.*::box-bucket\n {6}NO ALIAS: pulumi up would delete/);
    });

    it("accepts a token change whose alias claims the old URN, for the component and its children", async () => {
        const diff = diffIdentity(
            golden,
            await synthesize(() => new Box("test:index:Crate", "box", { aliases: [{ type: "test:index:Box" }] })),
        );
        assert.ok(
            diff.removed.every(r => r.claimedBy?.includes("test:index:Crate")),
            JSON.stringify(diff.removed),
        );
        assert.match(describeIdentityDiff("test", diff), /~ urn:.*::box-bucket\n {6}moved: the alias of/);
    });

    it("keeps the caller's aliases when a component merges its own", async () => {
        class Renamed extends pulumi.ComponentResource {
            constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
                super(
                    "test:index:Renamed",
                    name,
                    {},
                    pulumi.mergeOptions(opts, { aliases: [{ type: "test:index:Box" }] }),
                );
                new aws.s3.Bucket(`${name}-bucket`, {}, { parent: this });
                this.registerOutputs({});
            }
        }
        const resources = await synthesize(() => new Renamed("crate", { aliases: [{ name: "box" }] }));
        const component = resources.find(r => r.urn.endsWith("::crate"));
        assert.deepStrictEqual(component?.aliases, [{ name: "box" }, { type: "test:index:Box" }]);
        // Each alias claims one change; a resource whose token and name both changed needs one alias with both.
        const claimed = [...(claimedUrns(resources).get(component?.urn ?? "") ?? [])];
        assert.deepStrictEqual(claimed.sort(), [
            "urn:pulumi:test::ssm-fleet-baseline::test:index:Box::crate",
            "urn:pulumi:test::ssm-fleet-baseline::test:index:Renamed::box",
            "urn:pulumi:test::ssm-fleet-baseline::test:index:Renamed::crate",
        ]);
    });
});
