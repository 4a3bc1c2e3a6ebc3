import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./policyDocuments";
import { PrivateBucket } from "./privateBucket";

export const agentUpdateDocument = "AWS-UpdateSSMAgent";
export const agentUpdateOutputPrefix = "agent-update";

export interface AgentAutoUpdateArgs {
    readonly region: string;
    /** A State Manager schedule, e.g. rate(14 days). */
    readonly schedule: string;
    /** A pinned agent version; omitted means the latest release. */
    readonly version?: string;
    readonly logRetentionDays: number;
    /** The role nodes run with (the DHMC role): it uploads the command output, so it gets write access. */
    readonly nodeRoleName: pulumi.Input<string>;
}

/**
 * A State Manager association that keeps the SSM Agent current on every managed node, with its
 * command output in a private bucket that the nodes' DHMC role may write to and nothing else.
 */
export class AgentAutoUpdate extends pulumi.ComponentResource {
    public readonly associationId: pulumi.Output<string>;
    public readonly outputBucketName: pulumi.Output<string>;

    constructor(name: string, args: AgentAutoUpdateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:AgentAutoUpdate", name, {}, opts);
        const bucket = new PrivateBucket(`${name}-output`, { expirationDays: args.logRetentionDays }, { parent: this });
        // The DHMC managed policy has no S3 permission (aws-facts §1.5): the agent uploads output with the node's role.
        const outputWrite = new aws.iam.RolePolicy(
            `${name}-output-write`,
            {
                role: args.nodeRoleName,
                policy: policyDocument([
                    {
                        Effect: "Allow",
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${bucket.bucketArn}/${agentUpdateOutputPrefix}/*`,
                    },
                ]),
            },
            { parent: this },
        );
        const association = new aws.ssm.Association(
            name,
            {
                name: agentUpdateDocument,
                associationName: name,
                targets: [{ key: "InstanceIds", values: ["*"] }],
                scheduleExpression: args.schedule,
                // Document parameters are strings; an absent version means the latest (aws-facts §5.1).
                parameters: { allowDowngrade: "false", ...(args.version ? { version: args.version } : {}) },
                outputLocation: {
                    s3BucketName: bucket.bucketName,
                    s3KeyPrefix: agentUpdateOutputPrefix,
                    s3Region: args.region,
                },
                maxConcurrency: "10%",
                maxErrors: "10%",
                complianceSeverity: "MEDIUM",
            },
            { parent: this, dependsOn: [outputWrite] },
        );

        this.associationId = association.associationId;
        this.outputBucketName = bucket.bucketName;
        this.registerOutputs({ associationId: this.associationId, outputBucketName: this.outputBucketName });
    }
}
