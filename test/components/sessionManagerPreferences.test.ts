// Session Manager preferences facts: the account/region document is SSM-SessionManagerRunShell,
// type Session, schemaVersion "1.0" (the only one), sessionType Standard_Stream; booleans are JSON
// booleans and the timeouts strings of minutes, idle 1 to 60, maximum 1 to 1440
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html).
// The node's credentials (the DHMC role, a hybrid role) need s3:PutObject on the prefix and
// s3:GetEncryptionConfiguration, the four CloudWatch Logs actions, and kms:Decrypt on the session
// key; the bucket and key policies give the first and the last, since within an account a
// resource-based policy needs no identity-based policy beside it
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/security_iam_service-with-iam.html), while a
// log group's resource policy is not enforced for roles, so the logs actions stay IAM policy
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html) (https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html,
// https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html);
// a log group's key must let logs.<region>.amazonaws.com use it for that group only
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { scpDenies } from "../support/scpEvaluation";
import {
    SessionManagerPreferences,
    SessionManagerPreferencesSettings,
    sessionLogReadersScp,
} from "../../components/sessionManagerPreferences";
import { RecordingMocks, standInAccountId } from "../../harness/standIns";
import { underMocks, valueOf } from "../support/program";
import { RecordingAccessLogs } from "../support/accessLogs";

const dhmcRoleArn = `arn:aws:iam::${standInAccountId}:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole`;
const hybridRoleArn = `arn:aws:iam::${standInAccountId}:role/hybrid-role-1234567`;
const auditorArn = `arn:aws:iam::${standInAccountId}:role/session-auditor`;
const account = `arn:aws:iam::${standInAccountId}:root`;
const keyArn = "arn:aws:kms:eu-west-1:123456789012:sm-key";
const allOn: SessionManagerPreferencesSettings = {
    region: "eu-west-1",
    adoptExisting: false,
    regionalSettingsProtection: "retain",
    s3Logging: true,
    auditReaders: [auditorArn],
    logRetentionDays: 30,
    cloudWatchLogging: true,
    logGroupRetentionDays: 90,
    encryption: true,
    idleSessionTimeoutMinutes: 20,
    shellProfile: { linux: "", windows: "" },
};

/** Also records the id a resource is imported with. */
class ImportRecordingMocks extends RecordingMocks {
    readonly importIds = new Map<string, string | undefined>();
    newResource(args: pulumi.runtime.MockResourceArgs) {
        this.importIds.set(args.name, args.id);
        return super.newResource(args);
    }
}

const build = (settings: Partial<SessionManagerPreferencesSettings> = {}, mocks = new ImportRecordingMocks()) =>
    underMocks(
        {},
        () =>
            new SessionManagerPreferences("sm", {
                ...allOn,
                ...settings,
                accountId: standInAccountId,
                accessLogs: new RecordingAccessLogs(),
                nodeRoles: {
                    dhmc: {
                        name: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
                        arn: dhmcRoleArn,
                        accountWide: true,
                    },
                    hybrid: { name: "hybrid-role-1234567", arn: hybridRoleArn },
                },
            }),
        "test",
        mocks,
    );

const content = (mocks: RecordingMocks) => JSON.parse(mocks.named("sm-preferences").inputs.content);
const statementsOf = (mocks: RecordingMocks, name: string) => JSON.parse(mocks.named(name).inputs.policy).Statement;

// The inputs of a Standard_Stream document as session-manager-schema.html lists them.
const schema: Record<string, { type: "string" | "boolean" | "shellProfile"; required: boolean }> = {
    s3BucketName: { type: "string", required: false },
    s3KeyPrefix: { type: "string", required: false },
    s3EncryptionEnabled: { type: "boolean", required: true },
    cloudWatchLogGroupName: { type: "string", required: false },
    cloudWatchEncryptionEnabled: { type: "boolean", required: true },
    cloudWatchStreamingEnabled: { type: "boolean", required: true },
    kmsKeyId: { type: "string", required: false },
    runAsEnabled: { type: "boolean", required: true },
    runAsDefaultUser: { type: "string", required: false },
    idleSessionTimeout: { type: "string", required: false },
    maxSessionDuration: { type: "string", required: false },
    shellProfile: { type: "shellProfile", required: false },
};

function assertMatchesSchema(document: any) {
    assert.deepStrictEqual(Object.keys(document).sort(), ["description", "inputs", "schemaVersion", "sessionType"]);
    assert.deepStrictEqual([document.schemaVersion, document.sessionType], ["1.0", "Standard_Stream"]);
    for (const [key, value] of Object.entries(document.inputs)) {
        const field = schema[key];
        assert.ok(field, `${key} is not a Standard_Stream input`);
        if (field.type === "shellProfile") {
            assert.deepStrictEqual(Object.keys(value as object).sort(), ["linux", "windows"]);
            assert.ok(Object.values(value as object).every(v => typeof v === "string"));
        } else {
            assert.strictEqual(typeof value, field.type, key);
        }
    }
    for (const key of Object.keys(schema).filter(k => schema[k].required)) {
        assert.ok(key in document.inputs, `required input ${key} is missing`);
    }
    const idle = document.inputs.idleSessionTimeout;
    assert.ok(/^\d+$/.test(idle) && Number(idle) >= 1 && Number(idle) <= 60, `idleSessionTimeout ${idle}`);
    const max = document.inputs.maxSessionDuration;
    assert.ok(
        max === "" || (/^\d+$/.test(max) && Number(max) >= 1 && Number(max) <= 1440),
        `maxSessionDuration ${max}`,
    );
}

describe("Session Manager preferences", () => {
    it("writes the region's SSM-SessionManagerRunShell as a JSON Session document of schema 1.0", async () => {
        const { mocks, result } = await build();
        const document = mocks.named("sm-preferences").inputs;
        assert.deepStrictEqual(
            [document.name, document.documentType, document.documentFormat],
            ["SSM-SessionManagerRunShell", "Session", "JSON"],
        );
        assertMatchesSchema(content(mocks));
        assert.strictEqual(await valueOf(result.documentName), "SSM-SessionManagerRunShell");
    });

    it("logs sessions to the private bucket under sessions/ and streams them to the encrypted log group", async () => {
        const { mocks, result } = await build();
        assert.deepStrictEqual(content(mocks).inputs, {
            s3BucketName: "sm-logs-1234567",
            s3KeyPrefix: "sessions",
            s3EncryptionEnabled: true,
            cloudWatchLogGroupName: "/ssm-fleet-baseline/test/sessions",
            cloudWatchEncryptionEnabled: true,
            cloudWatchStreamingEnabled: true,
            kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:sm-key",
            runAsEnabled: false,
            runAsDefaultUser: "",
            idleSessionTimeout: "20",
            maxSessionDuration: "",
            shellProfile: { linux: "", windows: "" },
        });
        const logGroup = mocks.named("sm-log-group").inputs;
        assert.deepStrictEqual(
            [logGroup.name, logGroup.retentionInDays, logGroup.kmsKeyId],
            ["/ssm-fleet-baseline/test/sessions", 90, "arn:aws:kms:eu-west-1:123456789012:sm-key"],
        );
        assert.deepStrictEqual(
            await Promise.all([valueOf(result.logBucketName), valueOf(result.logGroupName), valueOf(result.keyArn)]),
            ["sm-logs-1234567", "/ssm-fleet-baseline/test/sessions", "arn:aws:kms:eu-west-1:123456789012:sm-key"],
        );
    });

    it("keeps the S3 session logs private, encrypted, versioned, TLS-only and for logRetentionDays", async () => {
        const { mocks } = await build();
        const block = mocks.named("sm-logs-public-access").inputs;
        assert.deepStrictEqual(
            [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
            [true, true, true, true],
        );
        // SSE-KMS with the session key: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
        assert.deepStrictEqual(mocks.named("sm-logs-encryption").inputs.rules, [
            {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn },
                bucketKeyEnabled: true,
            },
        ]);
        assert.strictEqual(mocks.named("sm-logs-versioning").inputs.versioningConfiguration.status, "Enabled");
        assert.strictEqual(mocks.named("sm-logs-lifecycle").inputs.rules[0].expiration.days, 30);
        assert.strictEqual(
            JSON.parse(mocks.named("sm-logs-policy").inputs.policy).Statement[0].Condition.Bool["aws:SecureTransport"],
            "false",
        );
    });

    it("lets only the audit readers and the account root read session logs, whatever IAM allows", async () => {
        const { mocks } = await build();
        const [, , , readers] = statementsOf(mocks, "sm-logs-policy");
        assert.deepStrictEqual(readers, {
            Sid: "OnlyAuditReadersRead",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"],
            Resource: "arn:aws:s3:::sm-logs-1234567/*",
            Condition: { StringNotEquals: { "aws:PrincipalArn": [account, auditorArn] } },
        });
        const { mocks: none } = await build({ auditReaders: [] });
        assert.deepStrictEqual(statementsOf(none, "sm-logs-policy")[3].Condition, {
            StringNotEquals: { "aws:PrincipalArn": [account] },
        });
    });

    it("lets nodes only add logs under sessions/: no delete, no version removal, no policy, lifecycle or versioning change", async () => {
        const { mocks } = await build();
        const [, , , , only, prefix, ...rest] = statementsOf(mocks, "sm-logs-policy");
        assert.deepStrictEqual(rest, []);
        const nodes = { ArnEquals: { "aws:PrincipalArn": [dhmcRoleArn, hybridRoleArn] } };
        assert.deepStrictEqual(only, {
            Sid: "NodesOnlyAddSessionLogs",
            Effect: "Deny",
            Principal: "*",
            NotAction: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetEncryptionConfiguration"],
            Resource: ["arn:aws:s3:::sm-logs-1234567", "arn:aws:s3:::sm-logs-1234567/*"],
            Condition: nodes,
        });
        assert.deepStrictEqual(prefix, {
            Sid: "NodesWriteOnlyUnderSessions",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            NotResource: "arn:aws:s3:::sm-logs-1234567/sessions/*",
            Condition: nodes,
        });
        // A write over an existing key only adds a version, which the nodes cannot remove.
        assert.strictEqual(mocks.named("sm-logs-versioning").inputs.versioningConfiguration.status, "Enabled");
        for (const destructive of [
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:PutBucketVersioning",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketPolicy",
            "s3:PutEncryptionConfiguration",
        ]) {
            assert.ok(!only.NotAction.includes(destructive), destructive);
        }
    });

    it("keeps the session key with the bucket on destroy, since the kept logs are encrypted with it", async () => {
        const { mocks } = await build();
        assert.deepStrictEqual(
            [mocks.optionsOf("sm-key").retainOnDelete, mocks.optionsOf("sm-key").protect],
            [true, false],
        );
        const { mocks: guarded } = await build({ regionalSettingsProtection: "protect" });
        assert.deepStrictEqual(
            [guarded.optionsOf("sm-key").retainOnDelete, guarded.optionsOf("sm-key").protect],
            [false, true],
        );
        const { mocks: noBucket } = await build({ s3Logging: false });
        assert.deepStrictEqual(
            [noBucket.optionsOf("sm-key").retainOnDelete, noBucket.optionsOf("sm-key").protect],
            [false, false],
        );
    });

    it("encrypts with a rotating key that the account administers, the node roles decrypt and CloudWatch Logs uses for the session log group only", async () => {
        const { mocks } = await build();
        const key = mocks.named("sm-key").inputs;
        assert.strictEqual(key.enableKeyRotation, true);
        assert.deepStrictEqual(JSON.parse(key.policy).Statement, [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: account },
                Action: [
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
                Resource: "*",
            },
            {
                Sid: "SessionStartersThroughIam",
                Effect: "Allow",
                Principal: { AWS: account },
                Action: "kms:GenerateDataKey",
                Resource: "*",
            },
            {
                Sid: "NodesDecryptSessionData",
                Effect: "Allow",
                Principal: { AWS: [dhmcRoleArn, hybridRoleArn] },
                Action: "kms:Decrypt",
                Resource: "*",
            },
            {
                Sid: "NodesEncryptSessionLogsThroughS3",
                Effect: "Allow",
                Principal: { AWS: [dhmcRoleArn, hybridRoleArn] },
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
            },
            {
                Sid: "AuditReadersDecryptSessionLogs",
                Effect: "Allow",
                Principal: { AWS: account },
                Action: "kms:Decrypt",
                Resource: "*",
                Condition: { ArnEquals: { "aws:PrincipalArn": [account, auditorArn] } },
            },
            {
                Sid: "CloudWatchLogsEncryptSessionLogs",
                Effect: "Allow",
                Principal: { Service: "logs.eu-west-1.amazonaws.com" },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                Condition: {
                    ArnEquals: {
                        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${standInAccountId}:log-group:/ssm-fleet-baseline/test/sessions`,
                    },
                },
            },
        ]);
    });

    it("admits every node role to the documented upload actions in the bucket policy, none on *", async () => {
        const { mocks } = await build();
        assert.deepStrictEqual(statementsOf(mocks, "sm-logs-policy").slice(1, 3), [
            {
                Effect: "Allow",
                Principal: { AWS: [dhmcRoleArn, hybridRoleArn] },
                Action: "s3:PutObject",
                Resource: "arn:aws:s3:::sm-logs-1234567/sessions/*",
            },
            {
                Effect: "Allow",
                Principal: { AWS: [dhmcRoleArn, hybridRoleArn] },
                Action: "s3:GetEncryptionConfiguration",
                Resource: "arn:aws:s3:::sm-logs-1234567",
            },
        ]);
    });

    it("writes the log-group grant only on the stack's own node roles: the account-wide DHMC role has it from its owner", async () => {
        const { mocks } = await build();
        assert.deepStrictEqual(
            mocks.ofType("aws:iam/rolePolicy:RolePolicy").map(p => [p.name, p.inputs.role]),
            [["sm-hybrid-access", "hybrid-role-1234567"]],
        );
        assert.deepStrictEqual(statementsOf(mocks, "sm-hybrid-access"), [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: `arn:aws:logs:eu-west-1:${standInAccountId}:log-group:/ssm-fleet-baseline/test/sessions:*`,
            },
            {
                Effect: "Allow",
                Action: "logs:DescribeLogGroups",
                Resource: `arn:aws:logs:eu-west-1:${standInAccountId}:log-group:*`,
            },
        ]);
        const dependencies = mocks.optionsOf("sm-preferences").dependencies;
        assert.ok(
            ["sm-hybrid-access", "sm-logs-policy"].every(name => dependencies.some(urn => urn.endsWith(`::${name}`))),
            "the preferences take effect only once the nodes may log",
        );
    });

    it("switches each store off on its own: no bucket, no log group, no session key", async () => {
        const { mocks: noS3 } = await build({ s3Logging: false });
        assert.deepStrictEqual(
            [content(noS3).inputs.s3BucketName, content(noS3).inputs.s3KeyPrefix, noS3.ofType("aws:s3/bucket:Bucket")],
            ["", "", []],
        );
        assert.deepStrictEqual(noS3.ofType("aws:s3/bucketPolicy:BucketPolicy"), []);

        const { mocks: noLogs } = await build({ cloudWatchLogging: false });
        assert.deepStrictEqual(
            [content(noLogs).inputs.cloudWatchLogGroupName, content(noLogs).inputs.cloudWatchStreamingEnabled],
            ["", false],
        );
        assert.deepStrictEqual(noLogs.ofType("aws:cloudwatch/logGroup:LogGroup"), []);
        assert.deepStrictEqual(noLogs.ofType("aws:iam/rolePolicy:RolePolicy"), []);
        assert.deepStrictEqual(
            statementsOf(noLogs, "sm-key").map((s: any) => s.Sid),
            [
                "AccountAdministers",
                "SessionStartersThroughIam",
                "NodesDecryptSessionData",
                "NodesEncryptSessionLogsThroughS3",
                "AuditReadersDecryptSessionLogs",
            ],
        );

        // The log group stays KMS-encrypted without session encryption; the nodes get no key access.
        const { mocks: noEncryption } = await build({ encryption: false });
        assert.strictEqual(content(noEncryption).inputs.kmsKeyId, "");
        assert.deepStrictEqual(
            statementsOf(noEncryption, "sm-key").map((s: any) => s.Sid),
            [
                "AccountAdministers",
                "NodesEncryptSessionLogsThroughS3",
                "AuditReadersDecryptSessionLogs",
                "CloudWatchLogsEncryptSessionLogs",
            ],
        );

        const { mocks: none } = await build({ s3Logging: false, cloudWatchLogging: false, encryption: false });
        assert.deepStrictEqual(
            ["aws:kms/key:Key", "aws:iam/rolePolicy:RolePolicy"].map(type => none.ofType(type).length),
            [0, 0],
        );
        assertMatchesSchema(content(none));
    });

    it("writes the timeouts as strings of minutes, Run As with its user and the shell profile", async () => {
        const { mocks } = await build({
            idleSessionTimeoutMinutes: 60,
            maxSessionDurationMinutes: 1440,
            runAsUser: "ops",
            shellProfile: { linux: "cd ~ && bash", windows: "date" },
        });
        const inputs = content(mocks).inputs;
        assert.deepStrictEqual(
            [
                inputs.idleSessionTimeout,
                inputs.maxSessionDuration,
                inputs.runAsEnabled,
                inputs.runAsDefaultUser,
                inputs.shellProfile,
            ],
            ["60", "1440", true, "ops", { linux: "cd ~ && bash", windows: "date" }],
        );
        assertMatchesSchema(content(mocks));
    });

    it("keeps the region-wide document on destroy, or has Pulumi refuse to delete it", async () => {
        const { mocks: retained } = await build();
        assert.deepStrictEqual(
            [retained.optionsOf("sm-preferences").retainOnDelete, retained.optionsOf("sm-preferences").protect],
            [true, false],
        );
        const { mocks: protectedOne } = await build({ regionalSettingsProtection: "protect" });
        assert.deepStrictEqual(
            [protectedOne.optionsOf("sm-preferences").retainOnDelete, protectedOne.optionsOf("sm-preferences").protect],
            [false, true],
        );
    });

    it("imports the document the console created when told to adopt it, and creates it otherwise", async () => {
        const adopting = new ImportRecordingMocks();
        await build({ adoptExisting: true }, adopting);
        assert.strictEqual(adopting.importIds.get("sm-preferences"), "SSM-SessionManagerRunShell");
        const creating = new ImportRecordingMocks();
        await build({}, creating);
        assert.ok(!creating.importIds.get("sm-preferences"));
    });
});

// The session log group's readers SCP. CloudWatch Logs has no resource-side control of reads: a log
// group's resource policy supports only logs:PutLogEvents and logs:CreateLogStream and is not
// enforced for IAM users and roles (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html),
// and CloudWatch Logs decrypts the events itself for any caller
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html).
// The actions and their resource types (log-stream for GetLogEvents, log-group for the others;
// group ARN arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}) are from
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html;
// ListAnomalies returns logSamples (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Anomaly.html).
// An SCP holds at most 5,120 characters (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html);
// ArnNotLike on aws:PrincipalArn exempts principals
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html).
describe("the session log readers SCP", () => {
    const group = `arn:aws:logs:eu-west-1:${standInAccountId}:log-group:/ssm-fleet-baseline/test/sessions`;

    const denies = (
        scp: ReturnType<typeof sessionLogReadersScp>,
        principal: string,
        action: string,
        resource: string,
    ) => scpDenies(scp, principal, action, resource);

    it("denies the group's event reads and copies, each taking the group or its streams as resource", () => {
        const scp = sessionLogReadersScp(group, account, [auditorArn]);
        assert.deepStrictEqual(Object.keys(scp), ["Version", "Statement"]);
        assert.strictEqual(scp.Version, "2012-10-17");
        assert.deepStrictEqual(scp.Statement, [
            {
                Sid: "OnlyAuditReadersReadSessionLogs",
                Effect: "Deny",
                Action: [
                    "logs:GetLogEvents",
                    "logs:FilterLogEvents",
                    "logs:StartQuery",
                    "logs:GetQueryResults",
                    "logs:GetLogRecord",
                    "logs:StartLiveTail",
                    "logs:Unmask",
                    "logs:CreateExportTask",
                    "logs:PutSubscriptionFilter",
                    "logs:CreateLogAnomalyDetector",
                    "logs:IntegrateWithS3Table",
                ],
                Resource: [group, `${group}:*`],
                Condition: { ArnNotLike: { "aws:PrincipalArn": [account, auditorArn] } },
            },
        ]);
    });

    it("lets only the audit readers and the account root read the group and its streams", () => {
        const scp = sessionLogReadersScp(group, account, [auditorArn]);
        const stream = `${group}:log-stream:alice-0123456789abcdef0`;
        const admin = `arn:aws:iam::${standInAccountId}:role/Admin`;
        for (const [action, resource] of [
            ["logs:GetLogEvents", stream],
            ["logs:FilterLogEvents", group],
            ["logs:StartQuery", group],
            ["logs:StartLiveTail", group],
            ["logs:CreateExportTask", group],
        ]) {
            assert.ok(denies(scp, admin, action, resource), `${action} by Admin`);
            assert.ok(denies(scp, `arn:aws:iam::${standInAccountId}:user/alice`, action, resource), action);
            assert.ok(!denies(scp, auditorArn, action, resource), `${action} by the auditor`);
            assert.ok(!denies(scp, account, action, resource), `${action} by the root`);
        }
        // Other groups, including one whose name only starts with this one's, and other actions stay IAM's.
        for (const other of [`${group}-archive`, group.replace("/test/", "/prod/")]) {
            assert.ok(!denies(scp, admin, "logs:FilterLogEvents", other), other);
        }
        assert.ok(!denies(scp, admin, "logs:DescribeLogGroups", group));
        assert.ok(!denies(scp, admin, "logs:DeleteLogGroup", group));
    });

    it("fits an SCP with 20 readers of the longest names", () => {
        const reader = (i: number) =>
            `arn:aws:iam::${standInAccountId}:role/security/audit/${`session-auditor-${String(i).padStart(2, "0")}-`.padEnd(64, "x")}`;
        const twenty = Array.from({ length: 20 }, (_, i) => reader(i));
        assert.strictEqual(twenty[0].split("/").pop()!.length, 64);
        const size = JSON.stringify(sessionLogReadersScp(group, account, twenty)).length;
        assert.ok(size <= 5120, `${size} characters`);
    });

    it("is a stack output exactly when sessions stream to the log group", async () => {
        const { result } = await build();
        assert.deepStrictEqual(
            JSON.parse(await valueOf(result.logReadersScp!)),
            sessionLogReadersScp(group, account, [auditorArn]),
        );
        const { result: bucketOnly } = await build({ cloudWatchLogging: false });
        assert.strictEqual(bucketOnly.logReadersScp, undefined);
        const { result: groupOnly } = await build({ s3Logging: false, encryption: false, auditReaders: [] });
        assert.deepStrictEqual(JSON.parse(await valueOf(groupOnly.logReadersScp!)).Statement[0].Condition, {
            ArnNotLike: { "aws:PrincipalArn": [account] },
        });
    });
});
