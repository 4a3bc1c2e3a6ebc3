// The prevention documents against the AWS pages they follow.
// SCP: IAM JSON policy grammar with Version 2012-10-17 and a Deny on the setting's ARN
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html), at most
// 5,120 characters (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html);
// the setting's ARN form from https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateServiceSetting.html;
// aws:PrincipalArn with ArnNotLike exempts the deployers
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
// Declarative policy: ec2_attributes.instance_metadata_defaults with http_tokens,
// http_put_response_hop_limit, http_endpoint, instance_metadata_tags, each an @@assign
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html).
import * as assert from "assert";
import { scpDenies } from "../../support/scpEvaluation";
import {
    dhmcSettingArn,
    dhmcSettingScp,
    imdsDeclarativePolicy,
} from "../../../components/tamperWatch/preventionPolicies";

const deployer = "arn:aws:iam::123456789012:role/deploy";
const scpArgs = { partition: "aws", region: "eu-west-1", accountId: "123456789012", deployerArns: [deployer] };

/** Whether the SCP denies a principal an action on a resource. */
function denies(scp: ReturnType<typeof dhmcSettingScp>, principalArn: string, action: string, resource: string) {
    return scpDenies(scp, principalArn, action, resource);
}

describe("prevention documents", () => {
    describe("the DHMC setting SCP", () => {
        it("names the setting by its ARN in the stack's partition, region and account", () => {
            assert.strictEqual(
                dhmcSettingArn("aws", "eu-west-1", "123456789012"),
                "arn:aws:ssm:eu-west-1:123456789012:servicesetting/ssm/managed-instance/default-ec2-instance-management-role",
            );
            assert.match(dhmcSettingArn("aws-cn", "cn-north-1", "123456789012"), /^arn:aws-cn:ssm:cn-north-1:/);
        });

        it("is one Deny statement of the IAM policy grammar, within the SCP size limit", () => {
            const scp = dhmcSettingScp(scpArgs);
            assert.deepStrictEqual(Object.keys(scp), ["Version", "Statement"]);
            assert.strictEqual(scp.Version, "2012-10-17");
            assert.deepStrictEqual(
                scp.Statement.map(s => [s.Effect, s.Action, Object.keys(s.Condition)]),
                [["Deny", ["ssm:UpdateServiceSetting", "ssm:ResetServiceSetting"], ["ArnNotLike"]]],
            );
            assert.match(scp.Statement[0].Sid, /^[A-Za-z0-9]+$/);
            assert.ok(JSON.stringify(scp).length <= 5120);
        });

        it("denies every principal but the deployers the setting's writes, and nothing else", () => {
            const scp = dhmcSettingScp({
                ...scpArgs,
                deployerArns: [deployer, "arn:aws:iam::123456789012:role/ci/*"],
            });
            const setting = dhmcSettingArn("aws", "eu-west-1", "123456789012");
            for (const action of ["ssm:UpdateServiceSetting", "ssm:ResetServiceSetting"]) {
                assert.ok(denies(scp, "arn:aws:iam::123456789012:role/Admin", action, setting), action);
                assert.ok(denies(scp, "arn:aws:iam::123456789012:user/alice", action, setting), action);
                assert.ok(!denies(scp, deployer, action, setting), action);
                assert.ok(!denies(scp, "arn:aws:iam::123456789012:role/ci/github", action, setting), action);
            }
            const otherSetting =
                "arn:aws:ssm:eu-west-1:123456789012:servicesetting/ssm/parameter-store/high-throughput-enabled";
            assert.ok(!denies(scp, "arn:aws:iam::123456789012:role/Admin", "ssm:UpdateServiceSetting", otherSetting));
            assert.ok(!denies(scp, "arn:aws:iam::123456789012:role/Admin", "ssm:GetServiceSetting", setting));
        });

        it("refuses to be built without a deployer, which would lock the stack out of its own setting", () => {
            assert.throws(() => dhmcSettingScp({ ...scpArgs, deployerArns: [] }), /at least one deployer ARN/);
        });
    });

    describe("the IMDS declarative policy", () => {
        const documented: Record<string, (value: string) => boolean> = {
            http_tokens: v => ["no_preference", "required", "optional"].includes(v),
            http_put_response_hop_limit: v => /^-?\d+$/.test(v) && Number(v) >= -1 && Number(v) <= 64,
            http_endpoint: v => ["no_preference", "enabled", "disabled"].includes(v),
            instance_metadata_tags: v => ["no_preference", "enabled", "disabled"].includes(v),
        };

        it("holds only documented instance_metadata_defaults fields, each an @@assign of a documented value", () => {
            const policy = imdsDeclarativePolicy();
            assert.deepStrictEqual(Object.keys(policy), ["ec2_attributes"]);
            assert.deepStrictEqual(Object.keys(policy.ec2_attributes), ["instance_metadata_defaults"]);
            for (const [field, value] of Object.entries(policy.ec2_attributes.instance_metadata_defaults)) {
                assert.ok(field in documented, `${field} is not a documented field`);
                assert.deepStrictEqual(Object.keys(value), ["@@assign"], field);
                assert.ok(documented[field](value["@@assign"]), `${field}: ${value["@@assign"]}`);
            }
        });

        it("requires IMDSv2, as the stack's own defaults do, and leaves the rest to other defaults", () => {
            const fields = imdsDeclarativePolicy().ec2_attributes.instance_metadata_defaults;
            assert.strictEqual(fields.http_tokens["@@assign"], "required");
            assert.deepStrictEqual(
                [fields.http_put_response_hop_limit, fields.http_endpoint, fields.instance_metadata_tags].map(
                    f => f["@@assign"],
                ),
                ["-1", "no_preference", "no_preference"],
            );
        });
    });
});
