// CloudWatch cross-account observability (Observability Access Manager, OAM): what a source
// account's link shares and who may link to the monitoring account's sinks. Pure.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html
// "monitor and troubleshoot applications that span multiple accounts within a Region ... Each
// account can have one sink per Region": a source account's link in Region R attaches to the
// monitoring account's sink in R, so the monitoring account has one sink per Region of the fleet.

/**
 * What each link shares: the baseline's metrics, and its log groups (the sweep's transitions).
 * PutSinkPolicy lists the types a sink policy may allow; a link asking for more types than the
 * sink allows fails, so the sink policy allows exactly these.
 * https://docs.aws.amazon.com/OAM/latest/APIReference/API_PutSinkPolicy.html
 */
export const sharedResourceTypes = ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"] as const;

/**
 * A sink's ARN, arn:<partition>:oam:<region>:<account>:sink/<id> (OAM API CreateSink response, Arn).
 * https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateSink.html
 */
export const sinkArnPattern = /^arn:(aws|aws-cn|aws-us-gov):oam:([a-z0-9-]+):(\d{12}):sink\/[A-Za-z0-9-]+$/;

/** The Region a sink ARN names, or undefined when it is not a sink ARN. */
export function sinkRegion(arn: string): string | undefined {
    return sinkArnPattern.exec(arn)?.[2];
}

/**
 * The sink policy: exactly the fleet's accounts may create or update a link, and only for the
 * shared types (the PutSinkPolicy example with account principals and the oam:ResourceTypes
 * condition). Account principals rather than aws:PrincipalOrgID: the manifest names the accounts,
 * and an organization-wide grant would admit accounts the rollout never deploys to.
 * https://docs.aws.amazon.com/OAM/latest/APIReference/API_PutSinkPolicy.html
 */
export function sinkPolicy(sourceAccountIds: readonly string[]) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { AWS: [...new Set(sourceAccountIds)].sort() },
                Action: ["oam:CreateLink", "oam:UpdateLink"],
                Resource: "*",
                Condition: { "ForAllValues:StringEquals": { "oam:ResourceTypes": [...sharedResourceTypes] } },
            },
        ],
    };
}
