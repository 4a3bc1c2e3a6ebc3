import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logsEncryptionContextKey, logsServicePrincipal } from "../aws/identifiers";
import { partitionOf } from "../aws/partition";
import { accountAdministersKey, policyDocument } from "./parts/policyDocuments";

export interface LogEncryptionKeyArgs {
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
}

/**
 * The customer-managed key that encrypts the stack's CloudWatch log groups (the Lambdas' and the
 * VPC flow log's). CloudWatch Logs of this region may use it only for log groups of this account
 * and region: every request it makes carries the log group's ARN as encryption context.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export class LogEncryptionKey extends pulumi.ComponentResource {
    public readonly keyArn: pulumi.Output<string>;

    constructor(name: string, args: LogEncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:LogEncryptionKey", name, {}, opts);
        const partition = partitionOf(args.region);
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: "Encrypts the SSM baseline's CloudWatch log groups",
                enableKeyRotation: true,
                policy: policyDocument([
                    accountAdministersKey(args.region, args.accountId),
                    {
                        Sid: "CloudWatchLogsEncrypts",
                        Effect: "Allow",
                        Principal: { Service: logsServicePrincipal(args.region) },
                        Action: [
                            "kms:Encrypt*",
                            "kms:Decrypt*",
                            "kms:ReEncrypt*",
                            "kms:GenerateDataKey*",
                            "kms:Describe*",
                        ],
                        Resource: "*",
                        Condition: {
                            ArnLike: {
                                [logsEncryptionContextKey]: pulumi.interpolate`arn:${partition}:logs:${args.region}:${args.accountId}:log-group:*`,
                            },
                        },
                    },
                ]),
            },
            { parent: this },
        );

        this.keyArn = key.arn;
        this.registerOutputs({ keyArn: this.keyArn });
    }
}
