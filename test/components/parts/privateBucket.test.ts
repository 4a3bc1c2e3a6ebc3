// A bucket of audit or output data holds objects, so `pulumi destroy` cannot delete it (no
// forceDestroy); every protection of it must then stay too, or the data is left in a bucket with no
// public-access block, TLS-only policy, ownership controls, encryption default or lifecycle.
import * as assert from "assert";
import { PrivateBucket } from "../../../components/parts/privateBucket";
import { RecordingMocks } from "../../../harness/standIns";
import { RecordingAccessLogs } from "../../support/accessLogs";
import { committedStack, underMocks } from "../../support/program";

const privateBucketType = "ssm-fleet-baseline:index:PrivateBucket";

/** Each child of every PrivateBucket: its type, name and how it survives a destroy. */
function childrenOfBuckets(mocks: RecordingMocks) {
    const bucketUrns = mocks.resources
        .filter(r => r.type === privateBucketType)
        .map(r => mocks.optionsOf(r.name, r.type).urn);
    return mocks.resources
        .map(r => ({ type: r.type, name: r.name, ...mocks.optionsOf(r.name, r.type) }))
        .filter(child => bucketUrns.includes(child.parentUrn));
}

const build = (protection: "retain" | "protect") =>
    underMocks(
        {},
        () => new PrivateBucket("logs", { expirationDays: 7, accessLogs: new RecordingAccessLogs(), protection }),
    );

describe("private bucket", () => {
    it("keeps the bucket and each of its protections on destroy, or has Pulumi refuse to delete them", async () => {
        for (const [protection, retainOnDelete, protect] of [
            ["retain", true, false],
            ["protect", false, true],
        ] as const) {
            const { mocks } = await build(protection);
            const children = childrenOfBuckets(mocks);
            assert.deepStrictEqual(children.map(c => c.type).sort(), [
                "aws:s3/bucket:Bucket",
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "aws:s3/bucketLogging:BucketLogging",
                "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                "aws:s3/bucketPolicy:BucketPolicy",
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "aws:s3/bucketVersioning:BucketVersioning",
            ]);
            for (const child of children) {
                assert.deepStrictEqual([child.retainOnDelete, child.protect], [retainOnDelete, protect], child.name);
            }
        }
    });

    it("encrypts with SSE-S3 by default, and with a given key as SSE-KMS with an S3 Bucket Key", async () => {
        const { mocks: plain } = await build("retain");
        assert.deepStrictEqual(plain.named("logs-encryption").inputs.rules, [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ]);
        const keyArn = "arn:aws:kms:eu-west-1:123456789012:key/session";
        const { mocks: kms } = await underMocks(
            {},
            () => new PrivateBucket("logs", { expirationDays: 7, protection: "retain", kmsKeyArn: keyArn }),
        );
        assert.deepStrictEqual(kms.named("logs-encryption").inputs.rules, [
            {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn },
                bucketKeyEnabled: true,
            },
        ]);
    });

    for (const stack of ["dev", "prod"]) {
        it(`in the ${stack} stack, leaves no bucket of audit or output data, nor any of its protections, to a destroy`, async () => {
            const { mocks } = await committedStack(stack);
            const children = childrenOfBuckets(mocks);
            const buckets = children.filter(c => c.type === "aws:s3/bucket:Bucket");
            assert.ok(buckets.length >= 3, `${buckets.length} buckets`);
            for (const child of children) {
                assert.ok(child.retainOnDelete || child.protect, `${child.type} ${child.name} is deleted on destroy`);
            }
        });
    }
});
