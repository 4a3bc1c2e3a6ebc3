import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { associationStateChangeDetailType } from "../aws/events";
import { agentUpdateDocument } from "../aws/identifiers";
import { NotificationRoute } from "./notificationPipeline";
import { policyDocument } from "./policyDocuments";
import { AccessLogDestination, PrivateBucket } from "./privateBucket";

const outputPrefix = "agent-update";

/** What stack configuration decides. */
export interface AgentAutoUpdateSettings {
    readonly region: string;
    /** A State Manager schedule, e.g. rate(14 days). */
    readonly schedule: string;
    /** A pinned agent version; omitted means the latest release. */
    readonly version?: string;
    /** Days the command output is kept. */
    readonly logRetentionDays: number;
}

export interface AgentAutoUpdateArgs extends AgentAutoUpdateSettings {
    /** The role nodes run with (the DHMC role): it uploads the command output, so it gets write access. */
    readonly nodeRoleName: pulumi.Input<string>;
    /** Where the output bucket's server access logs go. */
    readonly accessLogs: AccessLogDestination;
}

/**
 * The Success and Failed results of one State Manager association, on any node (other tools run
 * their own AWS-UpdateSSMAgent associations, whose results are theirs).
 */
export function associationResultPattern(associationId: pulumi.Input<string>) {
    return {
        source: ["aws.ssm"],
        "detail-type": [associationStateChangeDetailType],
        detail: { "association-id": [associationId], status: ["Success", "Failed"] },
    };
}

/**
 * A State Manager association that keeps the SSM Agent current on every managed node, with its
 * command output in a private bucket that the nodes' DHMC role may write to and nothing else.
 * Each node's result is e-mailed through `notificationRoute`.
 */
export class AgentAutoUpdate extends pulumi.ComponentResource {
    public readonly associationId: pulumi.Output<string>;
    public readonly outputBucketName: pulumi.Output<string>;
    public readonly outputBucketArn: pulumi.Output<string>;
    public readonly notificationRoute: NotificationRoute;

    constructor(name: string, args: AgentAutoUpdateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:AgentAutoUpdate", name, {}, opts);
        const bucket = new PrivateBucket(
            `${name}-output`,
            { expirationDays: args.logRetentionDays, accessLogs: args.accessLogs },
            { parent: this },
        );
        // The DHMC managed policy has no S3 permission: the agent uploads output with the node's role.
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/security-iam-awsmanpol.html
        const outputWrite = new aws.iam.RolePolicy(
            `${name}-output-write`,
            {
                role: args.nodeRoleName,
                policy: policyDocument([
                    {
                        Effect: "Allow",
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${bucket.bucketArn}/${outputPrefix}/*`,
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
                // Document parameters are strings; an absent version means the latest.
                parameters: { allowDowngrade: "false", ...(args.version ? { version: args.version } : {}) },
                outputLocation: { s3BucketName: bucket.bucketName, s3KeyPrefix: outputPrefix, s3Region: args.region },
                maxConcurrency: "10%",
                maxErrors: "10%",
                complianceSeverity: "MEDIUM",
            },
            { parent: this, dependsOn: [outputWrite] },
        );

        this.associationId = association.associationId;
        this.outputBucketName = bucket.bucketName;
        this.outputBucketArn = bucket.bucketArn;
        this.notificationRoute = {
            name: "agent-update",
            description: "Results of this stack's SSM Agent update association",
            eventPattern: pulumi.jsonStringify(associationResultPattern(association.associationId)),
        };
        this.registerOutputs({ associationId: this.associationId, outputBucketName: this.outputBucketName });
    }
}
