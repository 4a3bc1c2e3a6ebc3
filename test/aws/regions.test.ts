import * as assert from "assert";
import { isKnownRegion, knownRegions, zoneCountOf } from "../../aws/regions";

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

    it("know the zone count of the committed stacks' Region", () => {
        assert.strictEqual(zoneCountOf("eu-west-1"), 3);
        assert.strictEqual(zoneCountOf("ap-southeast-6"), undefined);
    });
});
