// AWS-UpdateSSMAgent parameters are strings, version empty means latest
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html);
// the DHMC managed policy has no S3 permission, so the bucket policy lets the node role write the output
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/security-iam-awsmanpol.html), and
// every node role does: the association targets hybrid servers too. What is e-mailed: each run as a
// whole and each failed node, against AWS's samples
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html).
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { AgentAutoUpdate, associationRunPattern } from "../../components/agentAutoUpdate";
import { underMocks, valueOf } from "../support/program";
import { matchesPattern } from "../support/eventPattern";
import { associationSample, associationSummarySample } from "../../harness/fixtures";
import { RecordingAccessLogs } from "../support/accessLogs";

const dhmcRole = {
    name: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
    arn: "arn:aws:iam::123456789012:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
};
const hybridRole = { name: "hybrid-role-1234567", arn: "arn:aws:iam::123456789012:role/hybrid-role-1234567" };

const build = (version?: string, nodeRoles: Record<string, typeof dhmcRole> = { dhmc: dhmcRole }) =>
    underMocks({}, () => {
        const accessLogs = new RecordingAccessLogs();
        const update = new AgentAutoUpdate("update", {
            region: "eu-west-1",
            schedule: "rate(14 days)",
            version,
            logRetentionDays: 30,
            nodeRoles,
            accessLogs,
            regionalSettingsProtection: "retain",
        });
        return Object.assign(update, { accessLogs });
    });

describe("agent auto-update", () => {
    it("associates AWS-UpdateSSMAgent with every node on the configured schedule", async () => {
        const { mocks, result } = await build();
        const association = mocks.named("update").inputs;
        assert.strictEqual(association.name, "AWS-UpdateSSMAgent");
        assert.deepStrictEqual(association.targets, [{ key: "InstanceIds", values: ["*"] }]);
        assert.strictEqual(association.scheduleExpression, "rate(14 days)");
        assert.deepStrictEqual(association.parameters, { allowDowngrade: "false" });
        assert.strictEqual(await valueOf(result.associationId), "update-association-id");
    });

    it("passes a pinned version as a string parameter", async () => {
        const { mocks } = await build("3.3.1142.0");
        assert.deepStrictEqual(mocks.named("update").inputs.parameters, {
            allowDowngrade: "false",
            version: "3.3.1142.0",
        });
    });

    it("writes its output to the private bucket, in the stack's region", async () => {
        const { mocks, result } = await build();
        assert.deepStrictEqual(mocks.named("update").inputs.outputLocation, {
            s3BucketName: "update-output-1234567",
            s3KeyPrefix: "agent-update",
            s3Region: "eu-west-1",
        });
        assert.strictEqual(await valueOf(result.outputBucketName), "update-output-1234567");
    });

    it("lets the node roles put objects under the output prefix and nothing more, through the bucket policy, before the association runs", async () => {
        const { mocks } = await build();
        const statements = JSON.parse(mocks.named("update-output-policy").inputs.policy).Statement;
        assert.deepStrictEqual(statements.slice(1), [
            {
                Effect: "Allow",
                Principal: { AWS: [dhmcRole.arn] },
                Action: "s3:PutObject",
                Resource: "arn:aws:s3:::update-output-1234567/agent-update/*",
            },
        ]);
        assert.ok(mocks.optionsOf("update").dependencies.some(urn => urn.endsWith("::update-output-policy")));
    });

    it("adds nothing to the node roles themselves: the DHMC role is the account's, shared by every Region (IAM's inline limit)", async () => {
        const { mocks } = await build(undefined, { dhmc: dhmcRole, hybrid: hybridRole });
        assert.deepStrictEqual(mocks.ofType("aws:iam/rolePolicy:RolePolicy"), []);
        const statements = JSON.parse(mocks.named("update-output-policy").inputs.policy).Statement;
        assert.deepStrictEqual(statements[1].Principal, { AWS: [dhmcRole.arn, hybridRole.arn] });
    });

    it("keeps the output private, encrypted, versioned, TLS-only and expiring", async () => {
        const { mocks } = await build();
        const block = mocks.named("update-output-public-access").inputs;
        assert.deepStrictEqual(
            [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
            [true, true, true, true],
        );
        assert.strictEqual(
            mocks.named("update-output-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm,
            "AES256",
        );
        assert.strictEqual(mocks.named("update-output-versioning").inputs.versioningConfiguration.status, "Enabled");
        assert.strictEqual(mocks.named("update-output-ownership").inputs.rule.objectOwnership, "BucketOwnerEnforced");
        const lifecycle = mocks.named("update-output-lifecycle").inputs.rules[0];
        assert.deepStrictEqual(
            [lifecycle.expiration.days, lifecycle.noncurrentVersionExpiration.noncurrentDays],
            [30, 30],
        );
        const [tlsOnly] = JSON.parse(mocks.named("update-output-policy").inputs.policy).Statement;
        assert.deepStrictEqual(tlsOnly, {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::update-output-1234567", "arn:aws:s3:::update-output-1234567/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
    });
});

describe("the agent-update output's server access logs (Security Hub S3.9)", () => {
    it("go to the stack's access-log bucket under the output bucket's name, admitted by that bucket", async () => {
        const { mocks, result } = await build();
        const logging = mocks.named("update-output-access-logging").inputs;
        assert.deepStrictEqual(
            [logging.bucket, logging.targetBucket, logging.targetPrefix],
            ["update-output-1234567", "access-logs-bucket", "update-output/"],
        );
        assert.deepStrictEqual(
            await valueOf(
                result.accessLogs.admitted.map(({ sourceName, sourceArn }) => pulumi.all([sourceName, sourceArn])),
            ),
            [["update-output", "arn:aws:s3:::update-output-1234567"]],
        );
    });
});

describe("the association run pattern", () => {
    // The samples' associations: 6e37940a-... as a whole (Success, {"Success":1}); 34fcb7e0-... on one node (Success).
    const summaryAssociation = "6e37940a-23ba-4ab0-9b96-5d0a1a05464f";
    const nodeAssociation = "34fcb7e0-9a14-4984-9989-0e04e3f60bd8";

    it("matches AWS's sample of an association as a whole, once it ends Success or Failed", () => {
        assert.ok(matchesPattern(associationRunPattern(summaryAssociation), associationSummarySample()));
        const failed = associationSummarySample();
        failed.detail.status = "Failed";
        failed.detail["association-status-aggregated-count"] = '{"Success":997,"Failed":3}';
        assert.ok(matchesPattern(associationRunPattern(summaryAssociation), failed));
        const pending = associationSummarySample();
        pending.detail.status = "Pending";
        assert.ok(!matchesPattern(associationRunPattern(summaryAssociation), pending));
    });

    it("matches a node's Failed result, not its Success: at fleet scale that was one e-mail per node", () => {
        assert.ok(!matchesPattern(associationRunPattern(nodeAssociation), associationSample()));
        const failed = associationSample();
        failed.detail.status = "Failed";
        assert.ok(matchesPattern(associationRunPattern(nodeAssociation), failed));
        for (const status of ["Pending", "InProgress"]) {
            const unfinished = associationSample();
            unfinished.detail.status = status;
            assert.ok(!matchesPattern(associationRunPattern(nodeAssociation), unfinished), status);
        }
    });

    it("ignores another tool's association", () => {
        const failed = associationSample();
        failed.detail.status = "Failed";
        assert.ok(!matchesPattern(associationRunPattern("another-association-id"), failed));
        assert.ok(!matchesPattern(associationRunPattern("another-association-id"), associationSummarySample()));
    });

    it("pins the source, detail types and fields AWS documents", () => {
        assert.deepStrictEqual(associationRunPattern("a"), {
            source: ["aws.ssm"],
            $or: [
                {
                    "detail-type": ["EC2 State Manager Association State Change"],
                    detail: { "association-id": ["a"], status: ["Success", "Failed"] },
                },
                {
                    "detail-type": ["EC2 State Manager Instance Association State Change"],
                    detail: { "association-id": ["a"], status: ["Failed"] },
                },
            ],
        });
    });
});
