// Region-derived facts. Pure: used by components and serialized into handlers.

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

/** The AWS Management Console origin for a region, e.g. https://eu-west-1.console.aws.amazon.com. */
export function consoleOrigin(region: string): string {
    switch (partitionOf(region)) {
        case "aws-cn":
            return `https://${region}.console.amazonaws.cn`;
        case "aws-us-gov":
            return `https://${region}.console.amazonaws-us-gov.com`;
        default:
            return `https://${region}.console.aws.amazon.com`;
    }
}
