import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, policyDocument, Statement } from "./policyDocuments";
import { RegionalSettingsProtection, regionWideOptions } from "./regionWide";

/** Where buckets send their server access logs: the stack's AccessLogBucket. */
export interface AccessLogDestination extends pulumi.Resource {
    readonly bucketName: pulumi.Output<string>;
    /** Lets the source bucket's log delivery write to the destination. */
    admit(sourceName: string, sourceArn: pulumi.Output<string>): void;
}

export interface PrivateBucketArgs {
    /** Objects (and their old versions) are deleted this many days after they are written. */
    readonly expirationDays: pulumi.Input<number>;
    /** Statements added to the bucket policy after the TLS-only denial, e.g. for a service principal. */
    readonly policyStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<Statement>[];
    /**
     * Where the bucket's server access logs go (Security Hub S3.9): the stack's access-log bucket,
     * under a prefix named after this bucket. Every bucket of the stack passes it, except that one.
     */
    readonly accessLogs?: AccessLogDestination;
    /**
     * How the bucket and every one of its protections survive `pulumi destroy`: kept in AWS, or
     * guarded by Pulumi. A bucket that holds objects cannot be deleted (no forceDestroy), so
     * deleting its public-access block, policy or lifecycle would leave its data unhardened.
     */
    readonly protection: RegionalSettingsProtection;
    /**
     * A customer-managed key to encrypt with (SSE-KMS, with an S3 Bucket Key so that S3 asks KMS
     * for a data key per bucket rather than per object); omitted: SSE-S3.
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
}

/**
 * An S3 bucket for logs and service output: owner-enforced, every public-access block on,
 * SSE-S3 (or with `kmsKeyArn` SSE-KMS) encrypted, versioned, expiring, reachable over TLS only,
 * with `accessLogs` its server access logged, and all of it kept (or protected) on destroy.
 */
export class PrivateBucket extends pulumi.ComponentResource {
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: PrivateBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:PrivateBucket", name, {}, opts);
        const child = regionWideOptions(args.protection, this);

        const bucket = new aws.s3.Bucket(name, {}, child);
        new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            {
                bucket: bucket.id,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            child,
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            child,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: bucket.id,
                // SSE-S3 keeps writers (DHMC nodes, AWS Config) free of KMS grants, where the data allows.
                rules: [
                    args.kmsKeyArn
                        ? {
                              applyServerSideEncryptionByDefault: {
                                  sseAlgorithm: "aws:kms",
                                  kmsMasterKeyId: args.kmsKeyArn,
                              },
                              bucketKeyEnabled: true,
                          }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                ],
            },
            child,
        );
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            {
                bucket: bucket.id,
                versioningConfiguration: { status: "Enabled" },
            },
            child,
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.expirationDays },
                        noncurrentVersionExpiration: { noncurrentDays: args.expirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { ...child, dependsOn: [versioning] },
        );
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucket.id,
                policy: policyDocument([
                    denyInsecureTransport("s3:*", [bucket.arn, pulumi.interpolate`${bucket.arn}/*`]),
                    ...(args.policyStatements?.(bucket.arn) ?? []),
                ]),
            },
            { ...child, dependsOn: [publicAccessBlock] },
        );

        if (args.accessLogs) {
            this.serverAccessLogging(name, bucket, args.accessLogs, child);
        }

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }

    /** Delivers the bucket's access logs under `<name>/`, once the destination's policy admits them. */
    private serverAccessLogging(
        name: string,
        bucket: aws.s3.Bucket,
        destination: AccessLogDestination,
        child: pulumi.CustomResourceOptions,
    ): void {
        destination.admit(name, bucket.arn);
        new aws.s3.BucketLogging(
            `${name}-access-logging`,
            { bucket: bucket.id, targetBucket: destination.bucketName, targetPrefix: `${name}/` },
            { ...child, dependsOn: [destination] },
        );
    }
}
