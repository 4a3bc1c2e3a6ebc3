import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dhmcManagedPolicyName, dhmcRolePath, dhmcSettingId, dhmcSettingValue } from "../aws/identifiers";
import { awsManagedPolicyArn } from "../aws/partition";
import { serviceTrustPolicy } from "./policyDocuments";

/** How the region-wide settings survive `pulumi destroy`: kept in AWS, or guarded by Pulumi. */
export type RegionalSettingsProtection = "retain" | "protect";

/** Options for a child resource with a region-wide effect, under the stack's protection. */
export function regionWideOptions(
    parent: pulumi.Resource,
    protection: RegionalSettingsProtection,
): pulumi.CustomResourceOptions {
    return protection === "protect" ? { parent, protect: true } : { parent, retainOnDelete: true };
}

export interface DefaultHostManagementArgs {
    readonly region: string;
    readonly roleName: string;
    /** Deleting the setting resets DHMC for the whole region, so it and its role are kept by default. */
    readonly regionalSettingsProtection: RegionalSettingsProtection;
}

/**
 * Default Host Management Configuration: EC2 instances become managed nodes through a role that
 * Systems Manager assumes (trusted by ssm.amazonaws.com), with no instance profile. Also makes
 * IMDSv2 the account default for new launches in the region, which DHMC requires.
 */
export class DefaultHostManagement extends pulumi.ComponentResource {
    public readonly roleName: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    public readonly settingValue: pulumi.Output<string>;

    constructor(name: string, args: DefaultHostManagementArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:DefaultHostManagement", name, {}, opts);
        const regionWide = regionWideOptions(this, args.regionalSettingsProtection);

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                path: dhmcRolePath,
                description:
                    "Default Host Management Configuration: Systems Manager manages EC2 instances with this role",
                assumeRolePolicy: serviceTrustPolicy("ssm.amazonaws.com"),
            },
            regionWide,
        );
        const defaultPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-default-policy`,
            {
                role: role.name,
                policyArn: awsManagedPolicyArn(args.region, dhmcManagedPolicyName),
            },
            regionWide,
        );
        const setting = new aws.ssm.ServiceSetting(
            `${name}-setting`,
            {
                settingId: dhmcSettingId,
                settingValue: role.name.apply(dhmcSettingValue),
            },
            { ...regionWide, dependsOn: [defaultPolicy] },
        );
        new aws.ec2.InstanceMetadataDefaults(`${name}-imdsv2`, { httpTokens: "required" }, regionWide);

        this.roleName = role.name;
        this.roleArn = role.arn;
        this.settingValue = setting.settingValue;
        this.registerOutputs({ roleName: this.roleName, roleArn: this.roleArn, settingValue: this.settingValue });
    }
}
