import * as assert from "assert";
import { PlannedResource } from "../../harness/synthesize";
import { displayType, treeOrder } from "../../plan/report";

describe("the plan report", () => {
    it("shows type tokens as the Pulumi CLI does", () => {
        assert.strictEqual(displayType("aws:s3/bucket:Bucket"), "aws:s3:Bucket");
        assert.strictEqual(displayType("aws:cloudwatch/eventRule:EventRule"), "aws:cloudwatch:EventRule");
        assert.strictEqual(displayType("aws:index/provider:Provider"), "aws:index:Provider");
        assert.strictEqual(displayType("ssm-fleet-baseline:index:ClosedVpc"), "ssm-fleet-baseline:index:ClosedVpc");
    });

    it("orders the tree depth-first, children by type and name, orphans at the top", () => {
        const resource = (urn: string, type: string, parent = ""): PlannedResource => ({
            urn,
            type,
            name: urn,
            parent,
            custom: !type.startsWith("my:"),
            inputs: {},
            outputs: {},
        });
        const order = treeOrder([
            resource("b", "aws:sns/topic:Topic", "c"),
            resource("a", "aws:kms/key:Key", "c"),
            resource("c", "my:index:Component"),
            resource("d", "aws:sqs/queue:Queue", "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev"),
        ]);
        assert.deepStrictEqual(
            order.map(({ resource: r, depth }) => `${depth}${r.urn}`),
            ["0d", "0c", "1a", "1b"],
        );
    });
});
