import * as assert from "assert";
import { isKnownRegion, knownRegions, unsupportedRegionReason, zoneCountOf } from "../../aws/regions";
import { partitionOf } from "../../aws/partition";

describe("Regions", () => {
    it("are the S3 API's LocationConstraint values plus us-east-1, as the SDK lists them", () => {
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketConfiguration.html
        const { BucketLocationConstraint } = require("@aws-sdk/client-s3") as {
            BucketLocationConstraint: Record<string, string>;
        };
        const fromSdk = Object.values(BucketLocationConstraint).filter(value => value !== "EU");
        assert.deepStrictEqual([...knownRegions], [...fromSdk, "us-east-1"].sort());
    });

    it("refuse codes that only look like Regions", () => {
        assert.ok(isKnownRegion("eu-west-1"));
        assert.ok(isKnownRegion("us-gov-west-1"));
        for (const code of ["eu-west-4", "us-east-7", "EU-WEST-1", "eu-west-1a"]) {
            assert.ok(!isKnownRegion(code), code);
        }
    });

    it("are supported exactly in the aws partition, and each of those has its zone count", () => {
        for (const region of knownRegions) {
            const supported = partitionOf(region) === "aws";
            assert.strictEqual(unsupportedRegionReason(region) === undefined, supported, region);
            assert.strictEqual(zoneCountOf(region) !== undefined, supported, region);
        }
        assert.strictEqual(zoneCountOf("eu-west-4"), undefined);
    });

    it("count the zones AWS lists per Region: at least three, six in us-east-1", () => {
        // https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html:
        // "Each Region has at least three Availability Zones"; AZ IDs use1-az1 to use1-az6,
        // usw2-az1 to usw2-az4, euw1-az1 to euw1-az3, euw3-az1 to euw3-az3.
        const counts = knownRegions.map(zoneCountOf).filter(count => count !== undefined);
        assert.ok(
            counts.every(count => count >= 3 && count <= 6),
            counts.join(),
        );
        assert.deepStrictEqual(
            ["us-east-1", "us-west-2", "eu-west-1", "eu-west-3", "ap-northeast-1", "eu-west-2"].map(zoneCountOf),
            [6, 4, 3, 3, 4, 4],
        );
    });
});
