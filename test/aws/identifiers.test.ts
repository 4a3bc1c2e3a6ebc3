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
        "logGroupRetentionDays",
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
});
