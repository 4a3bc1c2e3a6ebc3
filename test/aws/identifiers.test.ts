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
        "logsEncryptionContextKey",
        "kms:EncryptionContext:aws:logs:arn",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
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
        "logRetentionPeriodsDays",
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653],
        "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
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

    it("keeps log records at least the configured days, in a period CloudWatch Logs accepts", () => {
        assert.deepStrictEqual(
            [1, 2, 30, 31, 45, 365, 366, 3650].map(identifiers.logGroupRetentionDays),
            [1, 3, 30, 60, 60, 365, 400, 3653],
        );
    });

    it("names CloudWatch Logs by its regional service principal", () => {
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
