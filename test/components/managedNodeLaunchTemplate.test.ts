// Launch-template facts: DHMC needs IMDSv2 and no instance profile that allows
// ssm:UpdateInstanceInformation (the agent tries the instance profile first).
// https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
import * as assert from "assert";
import { managedNodeUserData } from "../../aws/userData";
import { ManagedNodeLaunchTemplate } from "../../components/managedNodeLaunchTemplate";
import { underMocks, valueOf } from "../support/program";

describe("managed-node launch template", () => {
    it("launches instances that qualify for DHMC: IMDSv2 required, no instance profile, the managed-node group, the agent-floor user data", async () => {
        const { mocks, result } = await underMocks(
            {},
            () => new ManagedNodeLaunchTemplate("node", { securityGroupId: "sg-0123" }),
        );
        const template = mocks.named("node").inputs;
        assert.strictEqual(template.metadataOptions.httpTokens, "required");
        assert.strictEqual(template.metadataOptions.httpEndpoint, "enabled");
        assert.strictEqual(template.iamInstanceProfile, undefined);
        assert.strictEqual(template.keyName, undefined);
        assert.deepStrictEqual(template.vpcSecurityGroupIds, ["sg-0123"]);
        assert.strictEqual(Buffer.from(template.userData, "base64").toString(), managedNodeUserData());
        assert.strictEqual(await valueOf(result.launchTemplateId), "node-id");
    });
});
