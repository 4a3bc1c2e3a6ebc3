// The stack's access-log bucket: only the S3 logging service writes, for this account's admitted
// source buckets; SSE-S3 because log delivery does not write to SSE-KMS default-encrypted buckets
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html); it
// logs nowhere itself, as S3.9 advises
// (https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-9).
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { AccessLogBucket } from "../../components/accessLogBucket";
import { PrivateBucket } from "../../components/parts/privateBucket";
import { standInAccountId } from "../../harness/standIns";
import { underMocks, valueOf } from "../support/program";

const build = () =>
    underMocks({}, () => {
        const accessLogs = new AccessLogBucket("logs", {
            accountId: standInAccountId,
            expirationDays: 30,
            regionalSettingsProtection: "retain",
        });
        for (const name of ["first", "second"]) {
            new PrivateBucket(name, { expirationDays: 7, accessLogs, protection: "retain" });
        }
        accessLogs.writePolicy();
        return accessLogs;
    });

describe("access-log bucket", () => {
    it("lets only S3 log delivery write, for the admitted buckets of this account", async () => {
        const { mocks, result } = await build();
        const [tlsOnly, delivery, ...others] = JSON.parse(mocks.named("logs-bucket-policy").inputs.policy).Statement;
        assert.deepStrictEqual(others, []);
        assert.strictEqual(tlsOnly.Sid, "DenyInsecureTransport");
        assert.deepStrictEqual(delivery, {
            Sid: "S3ServerAccessLogDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::logs-bucket-1234567/*",
            Condition: {
                ArnLike: { "aws:SourceArn": ["arn:aws:s3:::first-1234567", "arn:aws:s3:::second-1234567"] },
                StringEquals: { "aws:SourceAccount": standInAccountId },
            },
        });
        assert.strictEqual(await valueOf(result.bucketName), "logs-bucket-1234567");
    });

    it("is private, SSE-S3 encrypted, expiring, and logs nowhere itself", async () => {
        const { mocks } = await build();
        const block = mocks.named("logs-bucket-public-access").inputs;
        assert.ok(
            block.blockPublicAcls && block.blockPublicPolicy && block.ignorePublicAcls && block.restrictPublicBuckets,
        );
        assert.strictEqual(
            mocks.named("logs-bucket-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm,
            "AES256",
        );
        assert.strictEqual(mocks.named("logs-bucket-lifecycle").inputs.rules[0].expiration.days, 30);
        const loggings = mocks.ofType("aws:s3/bucketLogging:BucketLogging").map(r => r.inputs);
        assert.deepStrictEqual(
            loggings.map(l => [l.bucket, l.targetBucket, l.targetPrefix]),
            [
                ["first-1234567", "logs-bucket-1234567", "first/"],
                ["second-1234567", "logs-bucket-1234567", "second/"],
            ],
        );
    });

    it("starts each source's logging only once its policy admits that source", async () => {
        const { mocks } = await build();
        for (const name of ["first", "second"]) {
            assert.ok(
                mocks
                    .optionsOf(`${name}-access-logging`)
                    .dependencies.some(urn => urn.endsWith("::logs-bucket-policy")),
                `${name}'s logging does not wait for the policy`,
            );
        }
    });

    it("names in its policy the buckets built before the program writes it, awaited or not", async () => {
        const { mocks } = await underMocks({}, async () => {
            const accessLogs = new AccessLogBucket("logs", {
                accountId: standInAccountId,
                expirationDays: 30,
                regionalSettingsProtection: "retain",
            });
            new PrivateBucket("first", { expirationDays: 7, accessLogs, protection: "retain" });
            await Promise.resolve();
            new PrivateBucket("later", { expirationDays: 7, accessLogs, protection: "retain" });
            accessLogs.writePolicy();
        });
        const [, delivery] = JSON.parse(mocks.named("logs-bucket-policy").inputs.policy).Statement;
        assert.deepStrictEqual(delivery.Condition.ArnLike["aws:SourceArn"], [
            "arn:aws:s3:::first-1234567",
            "arn:aws:s3:::later-1234567",
        ]);
    });

    it("refuses to write a policy that no bucket sends its logs to", async () => {
        await assert.rejects(
            underMocks({}, () =>
                new AccessLogBucket("logs", {
                    accountId: standInAccountId,
                    expirationDays: 30,
                    regionalSettingsProtection: "retain",
                }).writePolicy(),
            ),
            /no bucket sends its access logs to logs/,
        );
    });

    it("refuses a bucket that asks for access logs after its policy was written", async () => {
        const { result: accessLogs } = await build();
        assert.throws(
            () => accessLogs.admit("late", pulumi.output("arn:aws:s3:::late")),
            /late asked for access logs after the access-log bucket's policy was written/,
        );
    });
});
