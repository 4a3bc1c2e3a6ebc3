// AWS identifiers the program creates, names or checks, defined once with their sources. A wrong
// string deploys fine and silently does nothing, so test/aws/identifiers.test.ts pins each one.
// Pure (no @pulumi imports).

// Default Host Management Configuration:
// https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html

/** The service setting that turns DHMC on for a region. */
export const dhmcSettingId = "/ssm/managed-instance/default-ec2-instance-management-role";
/** The role name AWS recommends, at the path its examples use. */
export const dhmcDefaultRoleName = "AWSSystemsManagerDefaultEC2InstanceManagementRole";
export const dhmcRolePath = "/service-role/";
/** The managed policy a DHMC role carries; its ARN has no service-role/ segment. */
export const dhmcManagedPolicyName = "AmazonSSMManagedEC2InstanceDefaultPolicy";

/** The setting value names the role by its path-qualified name, never its ARN: "service-role/<name>". */
export function dhmcSettingValue(roleName: string): string {
    return `${dhmcRolePath.slice(1)}${roleName}`;
}

/**
 * The interface endpoints SSM uses; ec2messages only serves agents older than 3.3.40.0.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
 */
export const ssmInterfaceEndpointServices = ["ssm", "ssmmessages", "ec2messages"] as const;

/** The VPC endpoint service name, e.g. com.amazonaws.eu-west-1.ssm. */
export function endpointServiceName(region: string, service: string): string {
    return `com.amazonaws.${region}.${service}`;
}

/**
 * The Command document that updates the SSM Agent; its optional parameters are `version` and
 * `allowDowngrade`, both strings.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html
 */
export const agentUpdateDocument = "AWS-UpdateSSMAgent";

/**
 * The inventory document; only one association of it may target a node.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-inventory-cliwalk.html
 */
export const inventoryDocument = "AWS-GatherSoftwareInventory";

// The AWS Config managed rule; its identifier differs from its default name.
// https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-managed-by-ssm.html
export const managedNodeRuleIdentifier = "EC2_INSTANCE_MANAGED_BY_SSM";
export const managedNodeRuleDefaultName = "ec2-instance-managed-by-systems-manager";
/** Both resource types feed the rule; the inventory items come from the inventory association. */
export const managedNodeRecordedTypes = ["AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"];

/**
 * The managed policy of an AWS Config recorder's role (under service-role/).
 * https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html
 */
export const configRecorderPolicyPath = "service-role/AWS_ConfigRole";

/**
 * The runbook that diagnoses why a node is not managed; it takes EC2 instance ids only.
 * https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-awssupport-troubleshoot-managed-instance.html
 */
export const diagnosisRunbook = "AWSSupport-TroubleshootManagedInstance";

/**
 * AWS's public parameter for the newest Amazon Linux 2023 arm64 AMI.
 * https://docs.aws.amazon.com/linux/al2023/ug/ec2.html
 */
export const al2023Arm64AmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

/**
 * VPC flow logs assume their publishing role as this service; the trust takes aws:SourceAccount
 * and aws:SourceArn (the flow log's ARN, arn:<partition>:ec2:<region>:<account>:vpc-flow-log/<id>).
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
 */
export const flowLogsServicePrincipal = "vpc-flow-logs.amazonaws.com";

/**
 * The traffic types a flow log may record that Security Hub EC2.6 accepts: it checks for REJECT,
 * and its remediation says to choose Reject or All (ACCEPT alone would fail it).
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6
 */
export const flowLogTrafficTypes = ["REJECT", "ALL"] as const;

/**
 * S3 server access log delivery writes as this service; a destination bucket with ACLs disabled
 * grants it s3:PutObject in its bucket policy, conditioned on aws:SourceArn (the source bucket)
 * and aws:SourceAccount. The destination may only use SSE-S3 default encryption, not SSE-KMS.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 */
export const s3LoggingServicePrincipal = "logging.s3.amazonaws.com";

/**
 * CloudWatch Logs of one region uses a customer-managed key as this regional service principal;
 * the key policy scopes it with the kms:EncryptionContext:aws:logs:arn condition (the log group's
 * ARN). China regions use other DNS suffixes and are not verified here.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export function logsServicePrincipal(region: string): string {
    return `logs.${region}.amazonaws.com`;
}

/** The encryption-context key CloudWatch Logs sends with the log group's ARN (same page). */
export const logsEncryptionContextKey = "kms:EncryptionContext:aws:logs:arn";

/**
 * The attributes EventBridge puts on each message it dead-letters; the message body is the event.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export const deadLetterAttributes = {
    ruleArn: "RULE_ARN",
    targetArn: "TARGET_ARN",
    errorCode: "ERROR_CODE",
    errorMessage: "ERROR_MESSAGE",
    exhaustedRetryCondition: "EXHAUSTED_RETRY_CONDITION",
    retryAttempts: "RETRY_ATTEMPTS",
} as const;

/**
 * Lambda's invocation type for an asynchronous invoke: Lambda queues the event, answers 202, and
 * applies the function's retries and on-failure destination to it.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
export const asyncInvocationType = "Event";

/**
 * The retention periods a CloudWatch log group accepts, in days (0, never expire, aside).
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const logRetentionPeriodsDays = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The shortest retention period a log group accepts that keeps records at least this many days. */
export function logGroupRetentionDays(days: number): number {
    return (
        logRetentionPeriodsDays.find(period => period >= days) ??
        logRetentionPeriodsDays[logRetentionPeriodsDays.length - 1]
    );
}
