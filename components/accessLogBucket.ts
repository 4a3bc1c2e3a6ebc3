import * as pulumi from "@pulumi/pulumi";
import { s3LoggingServicePrincipal } from "../aws/identifiers";
import { AccessLogDestination, PrivateBucket } from "./parts/privateBucket";
import { RegionalSettingsProtection } from "./parts/regionWide";

/** What stack configuration decides. */
export interface AccessLogBucketSettings {
    /** Days the access logs are kept. */
    readonly expirationDays: number;
}

export interface AccessLogBucketArgs extends AccessLogBucketSettings {
    readonly accountId: pulumi.Input<string>;
    /** The access logs are audit data: kept (or protected) on destroy, as the region-wide settings are. */
    readonly regionalSettingsProtection: RegionalSettingsProtection;
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
 * Sources register through PrivateBucket's `accessLogs` argument; the program then calls
 * `writePolicy()` once every bucket is built, and the policy names them all. A bucket that
 * registers later is an error rather than a bucket whose logs are silently refused; until
 * `writePolicy()` is called the policy waits, and so does the update.
 */
export class AccessLogBucket extends pulumi.ComponentResource implements AccessLogDestination {
    public readonly bucketName: pulumi.Output<string>;
    private readonly sourceArns: pulumi.Output<string>[] = [];
    private policyWritten = false;
    private readonly name: string;
    private admitSources!: (arns: pulumi.Output<string>[]) => void;

    constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:AccessLogBucket", name, {}, opts);
        this.name = name;
        const sources = pulumi.output(new Promise<pulumi.Output<string>[]>(resolve => (this.admitSources = resolve)));
        const bucket = new PrivateBucket(
            `${name}-bucket`,
            {
                expirationDays: args.expirationDays,
                protection: args.regionalSettingsProtection,
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

    /** Writes the policy for every source admitted so far; index.ts calls it once every bucket is built. */
    writePolicy(): void {
        if (this.sourceArns.length === 0) {
            throw new Error(
                `no bucket sends its access logs to ${this.name}: give one accessLogs, or remove ${this.name}`,
            );
        }
        this.policyWritten = true;
        this.admitSources(this.sourceArns);
    }

    /** Lets the source bucket's log delivery write here. PrivateBucket calls it for its `accessLogs` argument. */
    admit(sourceName: string, sourceArn: pulumi.Output<string>): void {
        if (this.policyWritten) {
            throw new Error(
                `${sourceName} asked for access logs after the access-log bucket's policy was written: create every bucket before index.ts calls writePolicy()`,
            );
        }
        this.sourceArns.push(sourceArn);
    }
}
