import * as assert from "assert";
import { Canary } from "../../components/canary";
import { committedStack, underMocks, valueOf } from "../support/program";

describe("canary", () => {
    it("is a t4g.nano on the newest Amazon Linux 2023 arm64 AMI, IMDSv2 only, with no instance profile, key pair or public address", async () => {
        const { mocks, result } = await underMocks(
            {},
            () => new Canary("canary", { subnetId: "subnet-1", securityGroupId: "sg-nodes" }),
        );
        const ami = mocks.invokes.find(i => i.token === "aws:ssm/getParameter:getParameter");
        assert.deepStrictEqual(ami?.inputs, {
            name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
        });
        const instance = mocks.named("canary").inputs;
        assert.strictEqual(instance.ami, "ami-0123456789abcdef0");
        assert.strictEqual(instance.instanceType, "t4g.nano");
        assert.strictEqual(instance.metadataOptions.httpTokens, "required");
        assert.deepStrictEqual(
            [instance.iamInstanceProfile, instance.keyName, instance.associatePublicIpAddress],
            [undefined, undefined, false],
        );
        assert.deepStrictEqual([instance.subnetId, instance.vpcSecurityGroupIds], ["subnet-1", ["sg-nodes"]]);
        assert.strictEqual(instance.rootBlockDevice.encrypted, true);
        assert.strictEqual(await valueOf(result.instanceId), "canary-id");
    });

    it("runs in dev's first isolated subnet with the managed-node group, and not in prod", async () => {
        const dev = await committedStack("dev");
        assert.strictEqual(dev.outputs.canaryInstanceId, "canary-id");
        const instance = dev.mocks.named("canary").inputs;
        assert.deepStrictEqual(
            [instance.subnetId, instance.vpcSecurityGroupIds],
            ["ssm-vpc-isolated-1-id", ["ssm-endpoints-managed-nodes-id"]],
        );
        const prod = await committedStack("prod");
        assert.strictEqual(prod.outputs.canaryInstanceId, undefined);
        assert.deepStrictEqual(prod.mocks.ofType("aws:ec2/instance:Instance"), []);
    });
});
