// DHMC: the setting id and value form, the role, its trust and managed policy, and IMDSv2.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
import * as assert from "assert";
import { adoptedRoleProblems, DefaultHostManagement, DhmcRoleMode } from "../../components/defaultHostManagement";
import { underMocks, valueOf } from "../support/program";

const buildDhmc = (protection: "retain" | "protect", region = "eu-west-1", role: DhmcRoleMode = "create") =>
    underMocks(
        {},
        () =>
            new DefaultHostManagement("dhmc", {
                region,
                role,
                roleName: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
                accountId: "123456789012",
                regionalSettingsProtection: protection,
            }),
    );

describe("Default Host Management Configuration", () => {
    it("creates the role SSM assumes, at path /service-role/, trusted by ssm.amazonaws.com only", async () => {
        const { mocks } = await buildDhmc("retain");
        const role = mocks.named("dhmc-role").inputs;
        assert.strictEqual(role.name, "AWSSystemsManagerDefaultEC2InstanceManagementRole");
        assert.strictEqual(role.path, "/service-role/");
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
    });

    it("attaches AmazonSSMManagedEC2InstanceDefaultPolicy, whose ARN has no service-role/ segment", async () => {
        const { mocks } = await buildDhmc("retain");
        assert.deepStrictEqual(
            mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(a => a.inputs.policyArn),
            ["arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy"],
        );
        const { mocks: gov } = await buildDhmc("retain", "us-gov-west-1");
        assert.strictEqual(
            gov.named("dhmc-default-policy").inputs.policyArn,
            "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy",
        );
    });

    it("names the role in the service setting by its path-qualified name, never its ARN", async () => {
        const { mocks, result } = await buildDhmc("retain");
        const setting = mocks.named("dhmc-setting").inputs;
        assert.strictEqual(setting.settingId, "/ssm/managed-instance/default-ec2-instance-management-role");
        assert.strictEqual(setting.settingValue, "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole");
        assert.strictEqual(
            await valueOf(result.settingValue),
            "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
        );
        assert.ok(
            mocks.optionsOf("dhmc-setting").dependencies.some(urn => urn.endsWith("::dhmc-default-policy")),
            "the setting waits for the role's policy",
        );
    });

    it("writes the nodes' session-log grant once, for the baseline's session log groups of every Region, so Region stacks add nothing to the role", async () => {
        const { mocks } = await buildDhmc("retain");
        const grant = mocks.named("dhmc-session-logs").inputs;
        assert.strictEqual(grant.role, "AWSSystemsManagerDefaultEC2InstanceManagementRole");
        // One log group per stack, /<project>/<stack>/sessions; logs ARNs carry the Region.
        // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
        assert.deepStrictEqual(JSON.parse(grant.policy).Statement, [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: "arn:aws:logs:*:123456789012:log-group:/ssm-fleet-baseline/*/sessions:*",
            },
            { Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "arn:aws:logs:*:123456789012:log-group:*" },
        ]);
        assert.deepStrictEqual(
            mocks.ofType("aws:iam/rolePolicy:RolePolicy").map(p => p.name),
            ["dhmc-session-logs"],
        );
    });

    it("requires IMDSv2 for new launches in the region", async () => {
        const { mocks } = await buildDhmc("retain");
        assert.deepStrictEqual(mocks.named("dhmc-imdsv2").inputs, { httpTokens: "required" });
    });

    it("keeps the region-wide setting, its role and the IMDS default on destroy by default", async () => {
        const { mocks } = await buildDhmc("retain");
        for (const name of ["dhmc-role", "dhmc-default-policy", "dhmc-setting", "dhmc-imdsv2"]) {
            assert.deepStrictEqual(
                [mocks.optionsOf(name).retainOnDelete, mocks.optionsOf(name).protect],
                [true, false],
                name,
            );
        }
    });

    it("can make Pulumi refuse to delete them instead", async () => {
        const { mocks } = await buildDhmc("protect");
        for (const name of ["dhmc-role", "dhmc-default-policy", "dhmc-setting", "dhmc-imdsv2"]) {
            assert.deepStrictEqual(
                [mocks.optionsOf(name).retainOnDelete, mocks.optionsOf(name).protect],
                [false, true],
                name,
            );
        }
    });
});

// A role kept by this stack's own destroy, or made by the console, fails CreateRole with
// EntityAlreadyExists; import takes it in. Import ids: pulumi-aws iam/role.d.ts ("Import": the role
// name) and iam/rolePolicyAttachment.d.ts ("role name and policy arn separated by /").
describe("a DHMC role that already exists, imported", () => {
    const urnsOf = (mocks: { optionsOf(name: string): { urn: string } }) =>
        ["dhmc-role", "dhmc-default-policy", "dhmc-setting", "dhmc-imdsv2"].map(name => mocks.optionsOf(name).urn);

    it("imports the role by name and its policy attachment by role/policy ARN", async () => {
        const { mocks } = await buildDhmc("retain", "eu-west-1", "import");
        assert.strictEqual(mocks.optionsOf("dhmc-role").importId, "AWSSystemsManagerDefaultEC2InstanceManagementRole");
        assert.strictEqual(
            mocks.optionsOf("dhmc-default-policy").importId,
            "AWSSystemsManagerDefaultEC2InstanceManagementRole/arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy",
        );
        // Nothing else is imported: the setting and the IMDS default are updates, not creations, in AWS.
        assert.strictEqual(mocks.optionsOf("dhmc-setting").importId, "");
        assert.strictEqual(mocks.optionsOf("dhmc-imdsv2").importId, "");
    });

    it("takes a console-made role's description and tags as found, but not its trust or name", async () => {
        const { mocks } = await buildDhmc("retain", "eu-west-1", "import");
        assert.deepStrictEqual(mocks.optionsOf("dhmc-role").ignoreChanges, ["description", "tags", "tagsAll"]);
        const { mocks: created } = await buildDhmc("retain");
        assert.deepStrictEqual(created.optionsOf("dhmc-role").ignoreChanges, []);
        assert.strictEqual(created.optionsOf("dhmc-role").importId, "");
    });

    it("keeps the URNs of create, and its retain and protect options, so a stack can move between the two", async () => {
        for (const protection of ["retain", "protect"] as const) {
            const { mocks: created } = await buildDhmc(protection);
            const { mocks: imported } = await buildDhmc(protection, "eu-west-1", "import");
            assert.deepStrictEqual(urnsOf(imported), urnsOf(created));
            for (const name of ["dhmc-role", "dhmc-default-policy"]) {
                assert.deepStrictEqual(
                    [imported.optionsOf(name).retainOnDelete, imported.optionsOf(name).protect],
                    [created.optionsOf(name).retainOnDelete, created.optionsOf(name).protect],
                );
            }
        }
    });

    it("tags a role it creates with its project and stack, by which doctor tells whose role it finds", async () => {
        const { mocks } = await buildDhmc("retain");
        assert.deepStrictEqual(mocks.named("dhmc-role").inputs.tags, {
            "ssm-fleet-baseline:stack": "ssm-fleet-baseline/test",
        });
    });
});

describe("a DHMC role adopted from another stack of the account", () => {
    const adopt = () =>
        underMocks(
            {},
            () =>
                new DefaultHostManagement("dhmc", {
                    region: "eu-west-2",
                    role: "adopt",
                    roleName: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
                    accountId: "123456789012",
                    regionalSettingsProtection: "retain",
                }),
        );
    const policyArn = "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy";
    const ssmTrust = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });

    it("creates no role, looks the role up, and names it in this Region's setting by its own path", async () => {
        const { mocks, result } = await adopt();
        assert.deepStrictEqual(mocks.ofType("aws:iam/role:Role"), []);
        assert.deepStrictEqual(mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
        assert.deepStrictEqual(
            mocks.ofType("aws:iam/rolePolicy:RolePolicy"),
            [],
            "the owner writes the role's policies",
        );
        assert.deepStrictEqual(
            mocks.invokes.map(i => i.token).filter(t => t.startsWith("aws:iam/")),
            ["aws:iam/getRole:getRole", "aws:iam/getRolePolicyAttachments:getRolePolicyAttachments"],
        );
        assert.strictEqual(
            mocks.named("dhmc-setting").inputs.settingValue,
            "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
        );
        assert.strictEqual(mocks.optionsOf("dhmc-setting").retainOnDelete, true);
        assert.match(
            await valueOf(result.roleArn),
            /:role\/service-role\/AWSSystemsManagerDefaultEC2InstanceManagementRole$/,
        );
    });

    it("refuses a role that does not trust ssm.amazonaws.com or lacks the DHMC managed policy", () => {
        assert.deepStrictEqual(adoptedRoleProblems(ssmTrust, [policyArn], policyArn), []);
        // IAM returns the trust policy URL-encoded.
        assert.deepStrictEqual(adoptedRoleProblems(encodeURIComponent(ssmTrust), [policyArn], policyArn), []);
        const ec2Trust = ssmTrust.replace("ssm.amazonaws.com", "ec2.amazonaws.com");
        assert.deepStrictEqual(adoptedRoleProblems(ec2Trust, [], policyArn), [
            "does not trust ssm.amazonaws.com",
            `does not carry ${policyArn}`,
        ]);
        assert.deepStrictEqual(adoptedRoleProblems("not json", [policyArn], policyArn), [
            "does not trust ssm.amazonaws.com",
        ]);
    });
});
