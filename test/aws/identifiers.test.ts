// Every AWS identifier the program relies on, pinned to the value its AWS source gives. A wrong
// string deploys fine and silently does nothing; the component tests check each one is used.
import * as assert from "assert";
import * as identifiers from "../../aws/identifiers";
import { awsManagedPolicyArn, partitionOf } from "../../aws/partition";

const pinned: [keyof typeof identifiers, unknown, string][] = [
    [
        "dhmcSettingId",
        "/ssm/managed-instance/default-ec2-instance-management-role",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html",
    ],
    ["dhmcDefaultRoleName", "AWSSystemsManagerDefaultEC2InstanceManagementRole", "same page"],
    ["dhmcRolePath", "/service-role/", "same page: the role ARNs in its IAM and SCP examples"],
    [
        "dhmcRoleDescription",
        "Default Host Management Configuration: Systems Manager manages EC2 instances with this role",
        "this program's own mark, not AWS's: doctor tells a role this program made by it",
    ],
    ["dhmcRoleStackTag", "ssm-fleet-baseline:stack", "this program's own tag key, not AWS's (<project>/<stack>)"],
    [
        "dhmcManagedPolicyName",
        "AmazonSSMManagedEC2InstanceDefaultPolicy",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/security-iam-awsmanpol.html",
    ],
    [
        "ssmInterfaceEndpointServices",
        ["ssm", "ssmmessages", "ec2messages"],
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
    ],
    [
        "agentUpdateDocument",
        "AWS-UpdateSSMAgent",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html",
    ],
    [
        "inventoryDocument",
        "AWS-GatherSoftwareInventory",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-inventory-cliwalk.html",
    ],
    [
        "managedNodeRuleIdentifier",
        "EC2_INSTANCE_MANAGED_BY_SSM",
        "https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-managed-by-ssm.html",
    ],
    ["managedNodeRuleDefaultName", "ec2-instance-managed-by-systems-manager", "same page"],
    ["managedNodeRecordedTypes", ["AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"], "same page"],
    [
        "configRecorderPolicyPath",
        "service-role/AWS_ConfigRole",
        "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html",
    ],
    [
        "diagnosisRunbook",
        "AWSSupport-TroubleshootManagedInstance",
        "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-awssupport-troubleshoot-managed-instance.html",
    ],
    [
        "al2023Arm64AmiParameter",
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
        "https://docs.aws.amazon.com/linux/al2023/ug/ec2.html",
    ],
    [
        "sessionPreferencesDocument",
        "SSM-SessionManagerRunShell",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-preferences-cli.html",
    ],
    [
        "sessionDocumentType",
        "Session",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html",
    ],
    ["sessionDocumentSchemaVersion", "1.0", "same page: the only version Session documents accept"],
    ["sessionPreferencesSessionType", "Standard_Stream", "same page"],
    [
        "idleSessionTimeoutMinutes",
        { min: 1, max: 60, default: 20 },
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-timeout.html",
    ],
    [
        "maxSessionDurationMinutes",
        { min: 1, max: 1440 },
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-max-timeout.html",
    ],
    [
        "sessionLogsEndpointService",
        "logs",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-privatelink.html",
    ],
    ["sessionEncryptionEndpointService", "kms", "same page"],
    [
        "logRetentionPeriodsDays",
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
    ],
    [
        "logsEncryptionContextKey",
        "kms:EncryptionContext:aws:logs:arn",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    ],
    [
        "logsKeyActions",
        ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "same page",
    ],
    [
        "kmsKeyAdministrationActions",
        [
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
        ],
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators",
    ],
    [
        "hybridManagedPolicyName",
        "AmazonSSMManagedInstanceCore",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-service-role.html",
    ],
    [
        "activationRegistrationLimit",
        { min: 1, max: 1000 },
        "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateActivation.html",
    ],
    ["activationMaxExpiryDays", 30, "same page: ExpirationDate up to 30 days in advance"],
    [
        "activationTierSettingId",
        "/ssm/managed-instance/activation-tier",
        "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateServiceSetting.html",
    ],
    ["activationTiers", ["standard", "advanced"], "same page"],
    [
        "patchBaselineDocument",
        "AWS-RunPatchBaseline",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-aws-runpatchbaseline.html",
    ],
    ["patchRebootOptions", ["RebootIfNeeded", "NoReboot"], "same page: RebootIfNeeded is the default"],
    [
        "patchFilterKeysByOs",
        {
            AMAZON_LINUX_2023: ["PRODUCT", "CLASSIFICATION", "SEVERITY"],
            AMAZON_LINUX_2: ["PRODUCT", "CLASSIFICATION", "SEVERITY"],
        },
        "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribePatchProperties.html",
    ],
    [
        "patchSeveritiesByOs",
        {
            AMAZON_LINUX_2023: ["Critical", "Important", "Medium", "Low", "None"],
            AMAZON_LINUX_2: ["Critical", "Important", "Medium", "Low"],
        },
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-installing-patches.html",
    ],
    [
        "patchComplianceLevels",
        ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNSPECIFIED"],
        "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PatchRule.html",
    ],
    [
        "patchRuleLimits",
        { rules: 10, filtersPerRule: 4, valuesPerFilter: 20, valueLength: 64, approveAfterDays: 360 },
        "API_PatchRule, API_PatchRuleGroup, API_PatchFilterGroup and API_PatchFilter in the same reference",
    ],
    [
        "patchGroupTagKey",
        "PatchGroup",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-tag-a-patch-group.html",
    ],
    [
        "runCommandTaskActions",
        [
            "ssm:SendCommand",
            "ssm:CancelCommand",
            "ssm:ListCommands",
            "ssm:ListCommandInvocations",
            "ssm:GetCommandInvocation",
            "tag:GetResources",
        ],
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/configuring-maintenance-window-permissions-console.html",
    ],
    [
        "maintenanceWindowLimits",
        {
            durationHours: { min: 1, max: 24 },
            cutoffHours: { min: 0, max: 23 },
            maxConcurrency: /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/,
            maxErrors: /^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$/,
        },
        "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTaskWithMaintenanceWindow.html",
    ],
    [
        "diagnosisRunbookActions",
        [
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
        ],
        "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-awssupport-troubleshoot-managed-instance.html",
    ],
    [
        "automationAssumeRoleParameter",
        "AutomationAssumeRole",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-event-bridge.html",
    ],
    [
        "flowLogsServicePrincipal",
        "vpc-flow-logs.amazonaws.com",
        "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
    ],
    [
        "flowLogTrafficTypes",
        ["REJECT", "ALL"],
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6",
    ],
    [
        "s3LoggingServicePrincipal",
        "logging.s3.amazonaws.com",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    ],
    [
        "deadLetterAttributes",
        {
            ruleArn: "RULE_ARN",
            targetArn: "TARGET_ARN",
            errorCode: "ERROR_CODE",
            errorMessage: "ERROR_MESSAGE",
            exhaustedRetryCondition: "EXHAUSTED_RETRY_CONDITION",
            retryAttempts: "RETRY_ATTEMPTS",
        },
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
    ],
    ["asyncInvocationType", "Event", "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html"],
    [
        "tamperWatchedCalls",
        identifiers.tamperWatchedCalls,
        "each service's API reference (the links in aws/identifiers.ts); tested against the CloudTrail records in test/fixtures/tamper",
    ],
    [
        "nodeUnmanagingCalls",
        {
            ssm: ["UpdateServiceSetting", "ResetServiceSetting", "DeregisterDefaultHostManagementConfiguration"],
            ec2: [
                "DeleteVpcEndpoints",
                "ModifyVpcEndpoint",
                "RevokeSecurityGroupEgress",
                "ModifyVpcAttribute",
                "ModifyInstanceMetadataDefaults",
            ],
        },
        "a subset of tamperWatchedCalls (the type checks it); the SSM and EC2 API references linked there",
    ],
    [
        "iamEventsRegion",
        "us-east-1",
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html (IAM's events in us-east-1)",
    ],
];

describe("AWS identifiers", () => {
    for (const [name, value, source] of pinned) {
        it(`${name} is ${JSON.stringify(value)} (${source})`, () => {
            assert.deepStrictEqual(identifiers[name], value);
        });
    }

    it("pins every identifier the module exports", () => {
        const values = Object.entries(identifiers).filter(([, v]) => typeof v !== "function");
        assert.deepStrictEqual(values.map(([name]) => name).sort(), pinned.map(([name]) => name).sort());
    });

    it("names the DHMC role in the setting by path and name, never by ARN", () => {
        assert.strictEqual(
            identifiers.dhmcSettingValue("AWSSystemsManagerDefaultEC2InstanceManagementRole"),
            "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
        );
    });

    it("names CloudWatch Logs' service principal by region", () => {
        assert.strictEqual(identifiers.logsServicePrincipal("eu-west-1"), "logs.eu-west-1.amazonaws.com");
    });

    it("keeps log records at least the configured days, in a period CloudWatch Logs accepts", () => {
        assert.deepStrictEqual(
            [1, 2, 30, 31, 45, 365, 366, 3650].map(identifiers.logRetentionPeriodAtLeast),
            [1, 3, 30, 60, 60, 365, 400, 3653],
        );
    });

    it("forms endpoint service names and managed-policy ARNs per partition", () => {
        assert.strictEqual(identifiers.endpointServiceName("eu-west-1", "ssm"), "com.amazonaws.eu-west-1.ssm");
        assert.deepStrictEqual(["eu-west-1", "cn-north-1", "us-gov-west-1"].map(partitionOf), [
            "aws",
            "aws-cn",
            "aws-us-gov",
        ]);
        // The DHMC policy's ARN has no service-role/ segment; the Config role's policy has one.
        assert.strictEqual(
            awsManagedPolicyArn("us-gov-west-1", identifiers.dhmcManagedPolicyName),
            "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy",
        );
        assert.strictEqual(
            awsManagedPolicyArn("eu-west-1", identifiers.configRecorderPolicyPath),
            "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
        );
    });

    it("keeps every Amazon Linux rule within the API's 4 filters: each key appears once, and Amazon Linux has 3", () => {
        for (const keys of Object.values(identifiers.patchFilterKeysByOs)) {
            assert.ok(keys.length <= identifiers.patchRuleLimits.filtersPerRule);
        }
    });

    it("targets a runbook by its automation-definition ARN with the account, and grants both ARN forms IAM evaluates", () => {
        assert.strictEqual(
            identifiers.automationDefinitionArn(
                "aws",
                "eu-west-1",
                "123456789012",
                "AWSSupport-TroubleshootManagedInstance",
            ),
            "arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWSSupport-TroubleshootManagedInstance",
        );
        assert.deepStrictEqual(
            identifiers.startAutomationResources(
                "aws-us-gov",
                "us-gov-west-1",
                "123456789012",
                "AWS-RestartEC2Instance",
            ),
            [
                "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:automation-definition/AWS-RestartEC2Instance:*",
                "arn:aws-us-gov:ssm:us-gov-west-1::automation-definition/AWS-RestartEC2Instance:*",
            ],
        );
    });

    it("names the AWS-owned buckets of agent updates, patching and the Amazon Linux repositories, with the regional exceptions", () => {
        assert.deepStrictEqual(
            identifiers.patchingAndAgentBuckets("eu-west-1").map(b => b.bucket),
            [
                "amazon-ssm-eu-west-1",
                "aws-ssm-eu-west-1",
                "patch-baseline-snapshot-eu-west-1",
                "al2023-repos-eu-west-1-de612dc2",
                "amazonlinux-2-repos-eu-west-1",
                "amazonlinux.eu-west-1.amazonaws.com",
            ],
        );
        const names = (region: string) => identifiers.patchingAndAgentBuckets(region).map(b => b.bucket);
        assert.deepStrictEqual(names("me-south-1").slice(1, 3), [
            "aws-patch-manager-me-south-1-a53fc9dce",
            "patch-baseline-snapshot-me-south-1-uduvl7q8",
        ]);
        assert.deepStrictEqual(names("af-south-1").slice(1, 3), [
            "aws-ssm-af-south-1",
            "patch-baseline-snapshot-af-south-1-tbxdb5b9",
        ]);
    });
});
