import * as pulumi from "@pulumi/pulumi";
import { s3LoggingServicePrincipal } from "../aws/identifiers";
import { AccessLogDestination, PrivateBucket } from "./parts/privateBucket";

/** What stack configuration decides. */
export interface AccessLogBucketSettings {
    /** Days the access logs are kept. */
    readonly expirationDays: number;
}

export interface AccessLogBucketArgs extends AccessLogBucketSettings {
    readonly accountId: pulumi.Input<string>;
}

/** Resolves once the program's synchronous composition (index.ts and every constructor it runs) is done. */
function afterComposition(): Promise<void> {
    return new Promise(resolve => setImmediate(resolve));
}

/**
 * The stack's one destination for S3 server access logs (Security Hub S3.9): a PrivateBucket
 * (private, TLS-only, SSE-S3, which is the only default encryption log delivery writes to,
 * expiring) whose policy lets only the S3 logging service write, for this account's source
 * buckets that registered here. It does not log itself: AWS advises against logging the
 * destination, and S3.9 says to suppress its finding for it.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 * https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-9
 *
 * Sources register through PrivateBucket's `accessLogs` argument while the program composes its
 * resources; the policy naming them is written once composition is over, so a bucket that
 * registers later is an error rather than a bucket whose logs are silently refused.
 */
export class AccessLogBucket extends pulumi.ComponentResource implements AccessLogDestination {
    public readonly bucketName: pulumi.Output<string>;
    private readonly sourceArns: pulumi.Output<string>[] = [];
    private policyWritten = false;

    constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:AccessLogBucket", name, {}, opts);
        const sources = pulumi.output(afterComposition().then(() => this.closeAdmissions(name)));
        const bucket = new PrivateBucket(
            `${name}-bucket`,
            {
                expirationDays: args.expirationDays,
                policyStatements: bucketArn => [
                    {
                        Sid: "S3ServerAccessLogDelivery",
                        Effect: "Allow",
                        Principal: { Service: s3LoggingServicePrincipal },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${bucketArn}/*`,
                        Condition: {
                            ArnLike: { "aws:SourceArn": sources },
                            StringEquals: { "aws:SourceAccount": args.accountId },
                        },
                    },
                ],
            },
            { parent: this },
        );

        this.bucketName = bucket.bucketName;
        this.registerOutputs({ bucketName: this.bucketName });
    }

    /** The source buckets' ARNs, once composition is over; later admissions fail. */
    private closeAdmissions(name: string): pulumi.Output<string>[] {
        this.policyWritten = true;
        if (this.sourceArns.length === 0) {
            throw new Error(`no bucket sends its access logs to ${name}: give one accessLogs, or remove ${name}`);
        }
        return this.sourceArns;
    }

    /** Lets the source bucket's log delivery write here. PrivateBucket calls it for its `accessLogs` argument. */
    admit(sourceName: string, sourceArn: pulumi.Output<string>): void {
        if (this.policyWritten) {
            throw new Error(
                `${sourceName} asked for access logs after the access-log bucket's policy was written: create buckets while the program composes its resources, not in an apply or after an await`,
            );
        }
        this.sourceArns.push(sourceArn);
    }
}
