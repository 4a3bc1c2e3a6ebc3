import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { al2023Arm64AmiParameter } from "../aws/identifiers";

/** The smallest Graviton instance: the canary only has to run the agent. */
const canaryInstanceType = "t4g.nano";

export interface CanaryArgs {
    /** An isolated subnet: the canary must reach SSM through the endpoints only. */
    readonly subnetId: pulumi.Input<string>;
    /** The managed-node security group: no ingress, HTTPS to the endpoints, HTTP(S) to S3. */
    readonly securityGroupId: pulumi.Input<string>;
}

/**
 * One tiny instance that proves the baseline end to end: with no instance profile, no key pair
 * and no ingress, it can only become a managed node through DHMC, the endpoints and the security
 * groups. A newer AMI replaces it, so each proof is of a fresh launch. `driver/driver.ts up --verify`
 * checks it.
 */
export class Canary extends pulumi.ComponentResource {
    public readonly instanceId: pulumi.Output<string>;

    constructor(name: string, args: CanaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:Canary", name, {}, opts);
        const ami = aws.ssm.getParameterOutput({ name: al2023Arm64AmiParameter }, { parent: this });
        const instance = new aws.ec2.Instance(
            name,
            {
                ami: ami.value,
                instanceType: canaryInstanceType,
                subnetId: args.subnetId,
                vpcSecurityGroupIds: [args.securityGroupId],
                associatePublicIpAddress: false,
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                rootBlockDevice: { encrypted: true, volumeType: "gp3" },
                tags: { Name: name, "ssm-fleet-baseline:canary": "true" },
            },
            { parent: this },
        );
        this.instanceId = instance.id;
        this.registerOutputs({ instanceId: this.instanceId });
    }
}
