// Prevention where detection is not enough: two policy documents for the organization's
// administrators to attach (opt-in; the stack only outputs them). Pure, so tests check their shape.
import { dhmcSettingId } from "../../aws/identifiers";

/**
 * The DHMC setting's ARN: arn:<partition>:ssm:<region>:<account>:servicesetting/ssm/managed-instance/default-ec2-instance-management-role
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateServiceSetting.html).
 */
export function dhmcSettingArn(partition: string, region: string, accountId: string): string {
    return `arn:${partition}:ssm:${region}:${accountId}:servicesetting${dhmcSettingId}`;
}

/**
 * The calls that change the DHMC setting. RegisterDefaultHostManagementConfiguration and
 * DeregisterDefaultHostManagementConfiguration are authorized by these two on the setting: Register
 * needs "ssm:GetServiceSetting and ssm:UpdateServiceSetting permissions for the
 * /ssm/managed-instance/default-ec2-instance-management-role service setting"
 * (https://docs.aws.amazon.com/cli/latest/reference/ssm/register-default-host-management-configuration.html),
 * Deregister "ssm:GetServiceSetting and ssm:ResetServiceSetting" on it
 * (https://docs.aws.amazon.com/cli/latest/reference/ssm/deregister-default-host-management-configuration.html).
 * Denying these two denies the new API as well; no separate IAM action for it was found in the
 * Service Authorization Reference, so none is named (an SCP naming an action that does not exist
 * would deny nothing).
 */
export const dhmcSettingWriteActions = ["ssm:UpdateServiceSetting", "ssm:ResetServiceSetting"] as const;

export interface DhmcSettingScpArgs {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    /** The principals that may still change it: the stack's deployers. */
    readonly deployerArns: readonly string[];
}

/**
 * A service control policy denying the DHMC setting's writes to every principal but the deployers
 * (aws:PrincipalArn with ArnNotLike: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 */
export function dhmcSettingScp(args: DhmcSettingScpArgs) {
    if (args.deployerArns.length === 0) {
        throw new Error(
            "a DHMC setting SCP needs at least one deployer ARN, or it also denies the stack's own deployment",
        );
    }
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyDhmcSettingChangesButTheDeployer",
                Effect: "Deny",
                Action: [...dhmcSettingWriteActions],
                Resource: dhmcSettingArn(args.partition, args.region, args.accountId),
                Condition: { ArnNotLike: { "aws:PrincipalArn": [...args.deployerArns] } },
            },
        ],
    };
}

/**
 * An EC2 declarative policy holding the IMDS defaults where this stack sets them: IMDSv2 required
 * (DHMC needs it), the other fields left to other defaults. The fields and values are those of
 * "Instance Metadata Defaults" in https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html
 * (http_put_response_hop_limit -1 is "no preference").
 */
export function imdsDeclarativePolicy() {
    return {
        ec2_attributes: {
            instance_metadata_defaults: {
                http_tokens: { "@@assign": "required" },
                http_put_response_hop_limit: { "@@assign": "-1" },
                http_endpoint: { "@@assign": "no_preference" },
                instance_metadata_tags: { "@@assign": "no_preference" },
            },
        },
    };
}
