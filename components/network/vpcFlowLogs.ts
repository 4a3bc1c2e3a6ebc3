import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { flowLogsServicePrincipal, flowLogTrafficTypes, logRetentionPeriodAtLeast } from "../../aws/identifiers";
import { partitionOf } from "../../aws/partition";
import { policyDocument, serviceTrustPolicy } from "../parts/policyDocuments";

/** What stack configuration decides. */
export interface VpcFlowLogsSettings {
    readonly region: string;
    /** REJECT (what Security Hub EC2.6 checks for) or ALL. */
    readonly trafficType: (typeof flowLogTrafficTypes)[number];
    /** Days the records are kept at least (the log group keeps the shortest period it accepts that covers them). */
    readonly retentionDays: number;
}

export interface VpcFlowLogsArgs extends VpcFlowLogsSettings {
    readonly accountId: pulumi.Input<string>;
    readonly vpcId: pulumi.Input<string>;
    /** The key that encrypts the log group (see LogEncryptionKey). */
    readonly logKeyArn: pulumi.Input<string>;
}

/**
 * A VPC's flow log (Security Hub EC2.6) into a KMS-encrypted CloudWatch log group with a
 * retention, through a role that only the flow-logs service of this account may assume, for a
 * flow log, and that may write only to that group.
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-cwl.html
 */
export class VpcFlowLogs extends pulumi.ComponentResource {
    public readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: VpcFlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:VpcFlowLogs", name, {}, opts);

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: logRetentionPeriodAtLeast(args.retentionDays), kmsKeyId: args.logKeyArn },
            { parent: this },
        );
        const { role, rolePolicy } = this.publishingRole(name, args, logGroup);
        new aws.ec2.FlowLog(
            name,
            {
                vpcId: args.vpcId,
                trafficType: args.trafficType,
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                tags: { Name: name },
            },
            { parent: this, dependsOn: [rolePolicy] },
        );

        this.logGroupName = logGroup.name;
        this.registerOutputs({ logGroupName: this.logGroupName });
    }

    /**
     * The role the flow-logs service publishes with: assumable only for a flow log of this account
     * (aws:SourceAccount, aws:SourceArn), and allowed the documented log actions on its group only.
     * DescribeLogGroups is a list call that CloudWatch Logs scopes to all groups of a region;
     * CreateLogGroup, also on AWS's list, is left out because the group exists before the flow log.
     * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
     */
    private publishingRole(name: string, args: VpcFlowLogsArgs, logGroup: aws.cloudwatch.LogGroup) {
        const partition = partitionOf(args.region);
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "Assumed by VPC Flow Logs to publish the VPC's flow log to its log group",
                assumeRolePolicy: serviceTrustPolicy(flowLogsServicePrincipal, {
                    StringEquals: { "aws:SourceAccount": args.accountId },
                    ArnLike: {
                        "aws:SourceArn": pulumi.interpolate`arn:${partition}:ec2:${args.region}:${args.accountId}:vpc-flow-log/*`,
                    },
                }),
            },
            { parent: this },
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.name,
                policy: policyDocument([
                    {
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        Resource: pulumi.interpolate`${logGroup.arn}:*`,
                    },
                    {
                        Effect: "Allow",
                        Action: "logs:DescribeLogGroups",
                        Resource: pulumi.interpolate`arn:${partition}:logs:${args.region}:${args.accountId}:log-group:*`,
                    },
                ]),
            },
            { parent: this },
        );
        return { role, rolePolicy };
    }
}
