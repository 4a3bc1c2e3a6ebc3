// The Regions a stack may name in aws:region, and what the repository knows of their zones. Pure.
//
// The Region codes are the S3 API's LocationConstraint values plus us-east-1, which has none:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucketConfiguration.html
// (test/aws/regions.test.ts holds them against @aws-sdk/client-s3's BucketLocationConstraint).
// To add a new Region: add its code below, with its zone count from AWS's Availability Zones page
// (zoneCounts), and run npm test.

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
 * Availability Zones per Region, counted from the AZ IDs AWS lists per Region on its "AWS
 * Availability Zones" page (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html,
 * read 2026 as stored by the search tools; it lists the commercial Regions only). us-east-1's
 * announced seventh zone ("Coming in 2026") is not counted. An account may see fewer zones than a
 * Region has (newer accounts see two of us-west-1's three; a constrained zone may be withheld),
 * which is why the program reads the real zones at `pulumi up` and the closed VPC checks them
 * again there; config refuses only what no account can have.
 */
const zoneCounts: Readonly<Record<string, number>> = {
    "af-south-1": 3,
    "ap-east-1": 3,
    "ap-east-2": 3,
    "ap-northeast-1": 4,
    "ap-northeast-2": 4,
    "ap-northeast-3": 3,
    "ap-south-1": 3,
    "ap-south-2": 3,
    "ap-southeast-1": 3,
    "ap-southeast-2": 3,
    "ap-southeast-3": 3,
    "ap-southeast-4": 3,
    "ap-southeast-5": 3,
    "ap-southeast-6": 3,
    "ap-southeast-7": 3,
    "ca-central-1": 3,
    "ca-west-1": 3,
    "eu-central-1": 3,
    "eu-central-2": 3,
    "eu-north-1": 3,
    "eu-south-1": 3,
    "eu-south-2": 3,
    "eu-west-1": 3,
    "eu-west-2": 4,
    "eu-west-3": 3,
    "il-central-1": 3,
    "me-central-1": 3,
    "me-south-1": 3,
    "mx-central-1": 3,
    "sa-east-1": 3,
    "us-east-1": 6,
    "us-east-2": 3,
    "us-west-1": 3,
    "us-west-2": 4,
};

export const isKnownRegion = (region: string) => knownRegions.includes(region);

/** The Region's zone count, or undefined for a code that is not a commercial Region. */
export const zoneCountOf = (region: string): number | undefined => zoneCounts[region];

/**
 * Why the program does not deploy to a known Region, or undefined where it does: only the aws
 * partition is supported. What the program names in other partitions is not verified: China
 * Regions use the amazonaws.com.cn DNS suffix, which the CloudWatch Logs service principal, the
 * user-data S3 host and the Windows agent download host would need, and neither there nor in
 * AWS GovCloud (US) are the AWS-owned agent, patching and Amazon Linux repository buckets that
 * the endpoint policy admits (aws/identifiers.ts patchingAndAgentBuckets) or the zone counts
 * documented on the pages this repository cites.
 */
export function unsupportedRegionReason(region: string): string | undefined {
    if (!isolatedPartitionRegions.includes(region)) {
        return undefined;
    }
    const [partition, reason] = region.startsWith("cn-")
        ? [
              "aws-cn (China)",
              "its Regions use the amazonaws.com.cn DNS suffix, while the program's service principals and S3 and download hosts use amazonaws.com",
          ]
        : [
              "aws-us-gov (AWS GovCloud (US))",
              "the AWS-owned agent, patching and Amazon Linux repository buckets that the program's endpoint policy admits, and the Regions' zone counts, are not verified there",
          ];
    return `${region} is in the ${partition} partition, which this program does not support: ${reason}`;
}
