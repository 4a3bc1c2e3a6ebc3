import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    associationStateChangeDetailType,
    associationSummaryStateChangeDetailType,
    ssmEventSource,
} from "../aws/events";
import { agentUpdateDocument } from "../aws/identifiers";
import { NodeRoles, nodeRolesMay } from "./parts/nodeRoles";
import { NotificationRoute } from "./parts/notificationRoute";
import { AccessLogDestination, PrivateBucket } from "./parts/privateBucket";
import { RegionalSettingsProtection } from "./parts/regionWide";

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
    /**
     * The roles nodes run with (the DHMC role; a hybrid activation's role). The association targets
     * every node, EC2 or hybrid, and each uploads its output with its own role, so each gets write access.
     */
    readonly nodeRoles: NodeRoles;
    /** Where the output bucket's server access logs go. */
    readonly accessLogs: AccessLogDestination;
    /** The output bucket is kept (or protected) on destroy, as the region-wide settings are. */
    readonly regionalSettingsProtection: RegionalSettingsProtection;
}

/**
 * What of one State Manager association is worth an e-mail at fleet scale: the association as a
 * whole when it ends a run (Success or Failed, with its nodes counted by status), and each node it
 * failed on. A node's Success is left out: at 1,000 nodes it was 1,000 e-mails a run. Other tools
 * run their own AWS-UpdateSSMAgent associations, whose results are theirs.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 * (State Manager events; the association-level detail carries association-status-aggregated-count)
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html ($or)
 */
export function associationRunPattern(associationId: pulumi.Input<string>) {
    return {
        source: [ssmEventSource],
        $or: [
            {
                "detail-type": [associationSummaryStateChangeDetailType],
                detail: { "association-id": [associationId], status: ["Success", "Failed"] },
            },
            {
                "detail-type": [associationStateChangeDetailType],
                detail: { "association-id": [associationId], status: ["Failed"] },
            },
        ],
    };
}

/**
 * A State Manager association that keeps the SSM Agent current on every managed node, with its
 * command output in a private bucket that the node roles may write to and nothing else. Each run's
 * counts, and each node it failed on, are e-mailed through `notificationRoute`.
 */
export class AgentAutoUpdate extends pulumi.ComponentResource {
    public readonly associationId: pulumi.Output<string>;
    public readonly outputBucketName: pulumi.Output<string>;
    public readonly outputBucketArn: pulumi.Output<string>;
    public readonly notificationRoute: NotificationRoute;

    constructor(name: string, args: AgentAutoUpdateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:AgentAutoUpdate", name, {}, opts);
        // The DHMC and hybrid managed policies have no S3 permission: the agent uploads output with the
        // node's role, which the bucket policy admits (see parts/nodeRoles.ts for why not the role's policy).
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/security-iam-awsmanpol.html
        const bucket = new PrivateBucket(
            `${name}-output`,
            {
                expirationDays: args.logRetentionDays,
                accessLogs: args.accessLogs,
                protection: args.regionalSettingsProtection,
                policyStatements: bucketArn => [
                    nodeRolesMay(args.nodeRoles, "s3:PutObject", pulumi.interpolate`${bucketArn}/${outputPrefix}/*`),
                ],
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
            { parent: this, dependsOn: bucket },
        );

        this.associationId = association.associationId;
        this.outputBucketName = bucket.bucketName;
        this.outputBucketArn = bucket.bucketArn;
        this.notificationRoute = {
            name: "agent-update",
            description: "Runs of this stack's SSM Agent update association, and the nodes it failed on",
            eventPattern: pulumi.jsonStringify(associationRunPattern(association.associationId)),
        };
        this.registerOutputs({ associationId: this.associationId, outputBucketName: this.outputBucketName });
    }
}
