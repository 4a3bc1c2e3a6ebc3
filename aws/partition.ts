// The ARN partition of a region. Pure: used by components and serialized into handlers.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html

/** The ARN partition a region belongs to (aws, aws-cn or aws-us-gov). */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

/** The ARN of an AWS managed IAM policy, e.g. arn:aws:iam::aws:policy/service-role/AWS_ConfigRole. */
export function awsManagedPolicyArn(region: string, policyPath: string): string {
    return `arn:${partitionOf(region)}:iam::aws:policy/${policyPath}`;
}
