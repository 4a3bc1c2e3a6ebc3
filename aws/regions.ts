// The Regions a stack may name in aws:region, and what the repository knows of their zones. Pure.
//
// The Region codes are the S3 API's LocationConstraint values plus us-east-1, which has none:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketConfiguration.html
// (test/aws/regions.test.ts holds them against @aws-sdk/client-s3's BucketLocationConstraint).
// To add a new Region: add its code below, with its zone count if AWS's Regions and Availability
// Zones page gives one, and run npm test.

/** Commercial Regions (partition aws). */
const commercialRegions = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/** The China (aws-cn) and AWS GovCloud (aws-us-gov) Regions. */
const isolatedPartitionRegions = ["cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1"];

export const knownRegions: readonly string[] = [...commercialRegions, ...isolatedPartitionRegions].sort();

/**
 * Availability Zones per Region, where the repository knows the count: from AWS's Regions and
 * Availability Zones page (https://aws.amazon.com/about-aws/global-infrastructure/regions_az/),
 * a secondary source as read for this table. An account may see fewer zones than a Region has,
 * which is why the program reads the real zones at `pulumi up`; the offline plan uses this
 * count for its stand-in zones and says when a Region is not here.
 */
const zoneCounts: Readonly<Record<string, number>> = {
    "eu-west-1": 3,
    "eu-central-1": 3,
    "us-east-1": 6,
    "us-east-2": 3,
    "us-west-2": 4,
};

export const isKnownRegion = (region: string) => knownRegions.includes(region);

/** The Region's zone count, or undefined where the repository does not know it. */
export const zoneCountOf = (region: string): number | undefined => zoneCounts[region];
