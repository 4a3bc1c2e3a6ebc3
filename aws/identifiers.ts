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

/**
 * This program's own marks on a DHMC role it creates (not AWS identifiers): its description, and a
 * tag naming the stack, "<project>/<stack>", by which `doctor` tells whose role it finds.
 */
export const dhmcRoleDescription =
    "Default Host Management Configuration: Systems Manager manages EC2 instances with this role";
export const dhmcRoleStackTag = "ssm-fleet-baseline:stack";

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

// Session Manager preferences: the one Session document per account and region that console and CLI
// sessions use (any other name is a separate document users must pick with --document-name).
// https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-preferences-cli.html
// https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
export const sessionPreferencesDocument = "SSM-SessionManagerRunShell";
export const sessionDocumentType = "Session";
/** The only schema version Session documents accept. */
export const sessionDocumentSchemaVersion = "1.0";
export const sessionPreferencesSessionType = "Standard_Stream";

/**
 * Minutes of inactivity before Session Manager ends a session: 1 to 60, 20 by default.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-timeout.html
 */
export const idleSessionTimeoutMinutes = { min: 1, max: 60, default: 20 } as const;
/**
 * The longest a session may last, in minutes: 1 to 1440; no maximum by default.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-max-timeout.html
 */
export const maxSessionDurationMinutes = { min: 1, max: 1440 } as const;

/**
 * The interface endpoints Session Manager's optional features need in a VPC without internet:
 * CloudWatch Logs for session logs, KMS for session encryption.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-privatelink.html
 */
export const sessionLogsEndpointService = "logs";
export const sessionEncryptionEndpointService = "kms";

/**
 * A KMS key that encrypts a log group must let CloudWatch Logs of the region use it, for that log
 * group only: the condition key carries the log group's ARN as encryption context.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 */
export const logsEncryptionContextKey = "kms:EncryptionContext:aws:logs:arn";
export const logsKeyActions = [
    "kms:Encrypt*",
    "kms:Decrypt*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:Describe*",
];

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

/**
 * The key administrators' statement of the console's default key policy: everything but using the key.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators
 */
export const kmsKeyAdministrationActions = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
];

// Hybrid activations: servers outside EC2 register as mi- nodes with an activation code and id.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-managed-instance-activation.html

/**
 * The managed policy of a hybrid activation's service role.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-service-role.html
 */
export const hybridManagedPolicyName = "AmazonSSMManagedInstanceCore";
/**
 * CreateActivation limits: an activation registers 1 to 1000 nodes and expires at most 30 days ahead.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateActivation.html
 */
export const activationRegistrationLimit = { min: 1, max: 1000 } as const;
export const activationMaxExpiryDays = 30;

/**
 * The service setting that chooses the instance tier of every hybrid node in the account and region;
 * Session Manager to hybrid nodes needs "advanced".
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateServiceSetting.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-managed-instances-tiers.html
 */
export const activationTierSettingId = "/ssm/managed-instance/activation-tier";
export const activationTiers = ["standard", "advanced"] as const;
// Patch Manager.

/**
 * The Command document that scans for or installs patches; `Operation` (Scan or Install) is
 * required, `RebootOption` is RebootIfNeeded (the default) or NoReboot.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-aws-runpatchbaseline.html
 */
export const patchBaselineDocument = "AWS-RunPatchBaseline";
export const patchRebootOptions = ["RebootIfNeeded", "NoReboot"] as const;

/**
 * The operating systems a baseline of this stack may be for (of the API's OperatingSystem enum),
 * with the patch filter keys DescribePatchProperties lists for each.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribePatchProperties.html
 */
export const patchFilterKeysByOs = {
    AMAZON_LINUX_2023: ["PRODUCT", "CLASSIFICATION", "SEVERITY"],
    AMAZON_LINUX_2: ["PRODUCT", "CLASSIFICATION", "SEVERITY"],
} as const;

/**
 * Severity values Patch Manager knows on Amazon Linux; AL2023 adds None.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-installing-patches.html
 */
export const patchSeveritiesByOs = {
    AMAZON_LINUX_2023: ["Critical", "Important", "Medium", "Low", "None"],
    AMAZON_LINUX_2: ["Critical", "Important", "Medium", "Low"],
} as const;

/**
 * A rule's compliance level, and the limits of a baseline's rules: 10 rules, 4 filters per rule,
 * 20 values of 1 to 64 characters per filter, approval 0 to 360 days after release.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PatchRule.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PatchFilter.html
 */
export const patchComplianceLevels = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNSPECIFIED"] as const;
export const patchRuleLimits = {
    rules: 10,
    filtersPerRule: 4,
    valuesPerFilter: 20,
    valueLength: 64,
    approveAfterDays: 360,
} as const;

/**
 * The tag that puts a node in a patch group. "Patch Group" is also accepted, but not when tags
 * are allowed in instance metadata, whose keys cannot hold spaces.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-tag-a-patch-group.html
 */
export const patchGroupTagKey = "PatchGroup";

/**
 * What a Run Command task of a maintenance window needs from its service role: the command
 * calls of AWS's example policy, and tag:GetResources to resolve tag targets.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/configuring-maintenance-window-permissions-console.html
 */
export const runCommandTaskActions = [
    "ssm:SendCommand",
    "ssm:CancelCommand",
    "ssm:ListCommands",
    "ssm:ListCommandInvocations",
    "ssm:GetCommandInvocation",
    "tag:GetResources",
];

/**
 * A maintenance window lasts 1 to 24 hours and stops starting tasks `cutoff` (0 to 23) hours
 * before its end; a task's concurrency cannot be 0, its error threshold can.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateMaintenanceWindow.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTaskWithMaintenanceWindow.html
 */
export const maintenanceWindowLimits = {
    durationHours: { min: 1, max: 24 },
    cutoffHours: { min: 0, max: 23 },
    maxConcurrency: /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/,
    maxErrors: /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/,
};

// Automation.

/**
 * The permissions AWSSupport-TroubleshootManagedInstance documents for its assume role.
 * https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-awssupport-troubleshoot-managed-instance.html
 */
export const diagnosisRunbookActions = [
    "ssm:DescribeAutomationExecutions",
    "ssm:DescribeAutomationStepExecutions",
    "ssm:DescribeInstanceInformation",
    "ssm:DescribeInstanceProperties",
    "ssm:StartAutomationExecution",
    "ssm:GetAutomationExecution",
    "ssm:GetDocument",
    "ssm:ListDocuments",
    "iam:ListRoles",
    "iam:GetInstanceProfile",
    "iam:ListAttachedRolePolicies",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVpcEndpoints",
];

/**
 * The runbook parameter naming the role an automation runs with; without it, the automation runs
 * with its starter's permissions (here EventBridge's role).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-event-bridge.html
 */
export const automationAssumeRoleParameter = "AutomationAssumeRole";

/**
 * An Automation runbook as EventBridge targets it: the automation-definition ARN with the account
 * (a document/ ARN makes EventBridge treat the target as Run Command).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-event-bridge.html
 */
export function automationDefinitionArn(partition: string, region: string, account: string, runbook: string): string {
    return `arn:${partition}:ssm:${region}:${account}:automation-definition/${runbook}`;
}

/**
 * The ARNs IAM evaluates ssm:StartAutomationExecution against, any version: with the caller's
 * account, and with an empty account for an AWS-owned runbook.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
 */
export function startAutomationResources(
    partition: string,
    region: string,
    account: string,
    runbook: string,
): string[] {
    return [
        `${automationDefinitionArn(partition, region, account, runbook)}:*`,
        `${automationDefinitionArn(partition, region, "", runbook)}:*`,
    ];
}

// S3 through the gateway endpoint.

/** An AWS-owned bucket nodes read from, and what for. */
export interface AwsOwnedBucket {
    readonly bucket: string;
    readonly purpose: string;
}

/**
 * The AWS-owned buckets that SSM Agent updates and Patch Manager read from in a region, with the
 * documented exceptions of me-south-1 and af-south-1, and the Amazon Linux package repositories
 * that Install downloads from (AL2023 over HTTPS, AL2 over HTTP, under two names). The agent and
 * patching buckets are documented:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-minimum-s3-permissions.html
 * The repository buckets are not named on an AWS page: they are the hosts of the repository files
 * that Amazon Linux ships (al2023-repos-...-de612dc2 in AL2023's mirror list; the two AL2 names in
 * AL2's), and Install needs them because it runs dnf or yum against the node's repositories:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-prerequisites.html
 */
export function patchingAndAgentBuckets(region: string): AwsOwnedBucket[] {
    const snapshotBucket: Record<string, string> = {
        "me-south-1": "patch-baseline-snapshot-me-south-1-uduvl7q8",
        "af-south-1": "patch-baseline-snapshot-af-south-1-tbxdb5b9",
    };
    return [
        { bucket: `amazon-ssm-${region}`, purpose: "SSM Agent packages and the update manifest" },
        {
            bucket: region === "me-south-1" ? "aws-patch-manager-me-south-1-a53fc9dce" : `aws-ssm-${region}`,
            purpose: "document modules, among them Patch Manager's patching code",
        },
        {
            bucket: snapshotBucket[region] ?? `patch-baseline-snapshot-${region}`,
            purpose: "patch baseline snapshots",
        },
        { bucket: `al2023-repos-${region}-de612dc2`, purpose: "Amazon Linux 2023 package repositories" },
        { bucket: `amazonlinux-2-repos-${region}`, purpose: "Amazon Linux 2 package repositories" },
        { bucket: `amazonlinux.${region}.amazonaws.com`, purpose: "Amazon Linux 2 repositories at older URLs" },
    ];
}

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
export function logRetentionPeriodAtLeast(days: number): number {
    return (
        logRetentionPeriodsDays.find(period => period >= days) ??
        logRetentionPeriodsDays[logRetentionPeriodsDays.length - 1]
    );
}

/**
 * The write calls that break a managed fleet, by service, as CloudTrail names them (the API's
 * operation names; each service's API reference lists them). The tamper watch's rule matches them.
 */
export const tamperWatchedCalls = {
    /** https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Operations.html */
    ssm: [
        "UpdateServiceSetting",
        "ResetServiceSetting",
        "RegisterDefaultHostManagementConfiguration",
        "DeregisterDefaultHostManagementConfiguration",
        "UpdateDocument",
        "UpdateDocumentDefaultVersion",
        "DeleteDocument",
        "DeleteAssociation",
        "UpdateAssociation",
        "RegisterDefaultPatchBaseline",
        "RegisterPatchBaselineForPatchGroup",
        "DeregisterPatchBaselineForPatchGroup",
        "UpdatePatchBaseline",
        "DeletePatchBaseline",
        "DeleteMaintenanceWindow",
        "UpdateMaintenanceWindow",
        "DeregisterTaskFromMaintenanceWindow",
        "UpdateMaintenanceWindowTask",
        "UpdateMaintenanceWindowTarget",
        "DeregisterTargetFromMaintenanceWindow",
        "DeleteActivation",
    ],
    /** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/OperationList-query.html */
    ec2: [
        "DeleteVpcEndpoints",
        "ModifyVpcEndpoint",
        "RevokeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "AuthorizeSecurityGroupIngress",
        "ModifySecurityGroupRules",
        "ModifyVpcAttribute",
        "CreateNetworkAclEntry",
        "ReplaceNetworkAclEntry",
        "DeleteNetworkAclEntry",
        "ReplaceNetworkAclAssociation",
        "ModifyInstanceMetadataDefaults",
    ],
    /** https://docs.aws.amazon.com/config/latest/APIReference/API_Operations.html */
    config: [
        "StopConfigurationRecorder",
        "DeleteConfigurationRecorder",
        "DeleteDeliveryChannel",
        "DeleteConfigRule",
        "PutConfigRule",
    ],
    /** https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html */
    events: ["DisableRule", "DeleteRule", "RemoveTargets", "PutTargets", "PutRule"],
    /**
     * CloudTrail names Lambda's calls with the API version appended (UpdateFunctionConfiguration20150331v2),
     * so the rule matches these as prefixes. PutFunctionConcurrency: a reserved concurrency of 0 stops the notifier.
     * https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html
     */
    lambda: [
        "DeleteFunction",
        "UpdateFunctionConfiguration",
        "UpdateFunctionCode",
        "PutFunctionConcurrency",
        "RemovePermission",
    ],
    /** https://docs.aws.amazon.com/sns/latest/api/API_Operations.html */
    sns: ["DeleteTopic", "Unsubscribe", "SetTopicAttributes"],
    /** https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html */
    kms: ["DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy"],
    /** https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Operations.html */
    cloudtrail: ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"],
    /** Seen in us-east-1 only. https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html */
    iam: [
        "DetachRolePolicy",
        "AttachRolePolicy",
        "PutRolePolicy",
        "DeleteRolePolicy",
        "UpdateAssumeRolePolicy",
        "PutRolePermissionsBoundary",
        "DeleteRole",
    ],
} as const;

/** The Region where IAM's CloudTrail events reach EventBridge. */
export const iamEventsRegion = "us-east-1";

/**
 * Of the tamper watch's calls, those that take nodes out of management across the Region: DHMC's
 * setting reset or changed and DHMC deregistered, the SSM endpoints deleted or changed, egress
 * revoked from a security group, VPC DNS turned off, the IMDS defaults changed. The health watch
 * records each successful one as a region-wide cause of the nodes lost after it.
 */
export const nodeUnmanagingCalls = {
    ssm: ["UpdateServiceSetting", "ResetServiceSetting", "DeregisterDefaultHostManagementConfiguration"],
    ec2: [
        "DeleteVpcEndpoints",
        "ModifyVpcEndpoint",
        "RevokeSecurityGroupEgress",
        "ModifyVpcAttribute",
        "ModifyInstanceMetadataDefaults",
    ],
} as const satisfies {
    readonly [S in keyof typeof tamperWatchedCalls]?: readonly (typeof tamperWatchedCalls)[S][number][];
};
