import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedNodeUserData } from "../aws/userData";

export interface ManagedNodeLaunchTemplateArgs {
    /** The managed-node security group: no ingress, HTTPS to the SSM endpoints, HTTP(S) to S3. */
    readonly securityGroupId: pulumi.Input<string>;
}

/**
 * A launch template whose instances qualify for DHMC: IMDSv2 required, no instance profile (an
 * instance profile allowing ssm:UpdateInstanceInformation would take precedence over DHMC), the
 * managed-node security group, and user data that brings older agents to the DHMC floor on
 * x86_64 and arm64. Teams pick their own AMI and instance type when they launch from it.
 */
export class ManagedNodeLaunchTemplate extends pulumi.ComponentResource {
    public readonly launchTemplateId: pulumi.Output<string>;

    constructor(name: string, args: ManagedNodeLaunchTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:ManagedNodeLaunchTemplate", name, {}, opts);
        const template = new aws.ec2.LaunchTemplate(
            name,
            {
                description: "Instances that Systems Manager manages through DHMC (IMDSv2, no instance profile)",
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    // 2 lets containers on the node reach IMDSv2, as AWS sets for Amazon Linux 2023.
                    httpPutResponseHopLimit: 2,
                },
                vpcSecurityGroupIds: [args.securityGroupId],
                userData: Buffer.from(managedNodeUserData()).toString("base64"),
                tagSpecifications: [{ resourceType: "instance", tags: { "ssm-fleet-baseline:launch-template": name } }],
            },
            { parent: this },
        );
        this.launchTemplateId = template.id;
        this.registerOutputs({ launchTemplateId: this.launchTemplateId });
    }
}
