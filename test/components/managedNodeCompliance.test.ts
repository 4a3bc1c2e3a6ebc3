// Config facts: the rule's identifier differs from its name and it reads two recorded types
// (https://docs.aws.amazon.com/config/latest/developerguide/ec2-instance-managed-by-ssm.html); the
// recorder role's policy and the delivery bucket's statements
// (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html); inventory items
// come from AWS-GatherSoftwareInventory
// (https://docs.aws.amazon.com/config/latest/developerguide/recording-managed-instance-inventory.html).
import * as assert from "assert";
import { complianceChangePattern, ManagedNodeCompliance } from "../../components/managedNodeCompliance";
import { standInAccountId } from "../../harness/standIns";
import { underMocks, valueOf } from "../support/program";
import { matchesPattern } from "../support/eventPattern";
import { complianceChangeSample } from "../../harness/fixtures";
import { RecordingAccessLogs } from "../support/accessLogs";

const baseArgs = {
    region: "eu-west-1",
    accountId: standInAccountId,
    ruleName: "ec2-instance-managed-by-systems-manager",
    logRetentionDays: 90,
    regionalSettingsProtection: "retain" as const,
};

describe("managed-node Config rule", () => {
    it("uses the managed rule EC2_INSTANCE_MANAGED_BY_SSM under its own name, without a recorder by default", async () => {
        const { mocks, result } = await underMocks(
            {},
            () =>
                new ManagedNodeCompliance("nodes", {
                    ...baseArgs,
                    accessLogs: new RecordingAccessLogs(),
                    createRecorder: false,
                    inventoryAssociation: true,
                }),
        );
        const rule = mocks.named("nodes-rule").inputs;
        assert.strictEqual(rule.name, "ec2-instance-managed-by-systems-manager");
        assert.deepStrictEqual(rule.source, { owner: "AWS", sourceIdentifier: "EC2_INSTANCE_MANAGED_BY_SSM" });
        assert.strictEqual(rule.inputParameters, undefined, "the managed rule takes no parameters");
        assert.deepStrictEqual(mocks.ofType("aws:cfg/recorder:Recorder"), []);
        assert.deepStrictEqual(mocks.ofType("aws:cfg/deliveryChannel:DeliveryChannel"), []);
        assert.strictEqual(await valueOf(result.ruleName), "ec2-instance-managed-by-systems-manager");
    });

    it("gathers software inventory on all nodes, or leaves that to an existing association", async () => {
        const { mocks } = await underMocks(
            {},
            () =>
                new ManagedNodeCompliance("nodes", {
                    ...baseArgs,
                    accessLogs: new RecordingAccessLogs(),
                    createRecorder: false,
                    inventoryAssociation: true,
                }),
        );
        const inventory = mocks.named("nodes-inventory").inputs;
        assert.strictEqual(inventory.name, "AWS-GatherSoftwareInventory");
        assert.deepStrictEqual(inventory.targets, [{ key: "InstanceIds", values: ["*"] }]);
        assert.strictEqual(inventory.scheduleExpression, "rate(30 minutes)");
        const { mocks: without } = await underMocks(
            {},
            () =>
                new ManagedNodeCompliance("nodes", {
                    ...baseArgs,
                    accessLogs: new RecordingAccessLogs(),
                    createRecorder: false,
                    inventoryAssociation: false,
                }),
        );
        assert.deepStrictEqual(without.ofType("aws:ssm/association:Association"), []);
    });

    describe("with a recorder", () => {
        const build = () =>
            underMocks(
                {},
                () =>
                    new ManagedNodeCompliance("nodes", {
                        ...baseArgs,
                        accessLogs: new RecordingAccessLogs(),
                        createRecorder: true,
                        inventoryAssociation: true,
                    }),
            );

        it("records exactly the instance and managed-instance-inventory types", async () => {
            const { mocks } = await build();
            assert.deepStrictEqual(mocks.named("nodes-recorder").inputs.recordingGroup, {
                allSupported: false,
                resourceTypes: ["AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"],
            });
        });

        it("gives the recorder AWS_ConfigRole (with its service-role/ segment) and delivery rights to its own prefix", async () => {
            const { mocks } = await build();
            assert.deepStrictEqual(
                JSON.parse(mocks.named("nodes-recorder-role").inputs.assumeRolePolicy).Statement[0].Principal,
                { Service: "config.amazonaws.com" },
            );
            assert.strictEqual(
                mocks.named("nodes-recorder-policy").inputs.policyArn,
                "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
            );
            const delivery = JSON.parse(mocks.named("nodes-recorder-delivery").inputs.policy).Statement;
            assert.deepStrictEqual(
                delivery.map((s: any) => [s.Action, s.Resource]),
                [
                    ["s3:GetBucketAcl", "arn:aws:s3:::nodes-delivery-1234567"],
                    ["s3:PutObject", `arn:aws:s3:::nodes-delivery-1234567/AWSLogs/${standInAccountId}/Config/*`],
                ],
            );
        });

        it("logs the delivery bucket's server access into the stack's access-log bucket", async () => {
            const { mocks } = await build();
            const logging = mocks.named("nodes-delivery-access-logging").inputs;
            assert.deepStrictEqual(
                [logging.bucket, logging.targetBucket, logging.targetPrefix],
                ["nodes-delivery-1234567", "access-logs-bucket", "nodes-delivery/"],
            );
        });

        it("lets the Config service deliver to the bucket only for this account", async () => {
            const { mocks } = await build();
            const statements = JSON.parse(mocks.named("nodes-delivery-policy").inputs.policy).Statement;
            const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
            assert.deepStrictEqual(Object.keys(bySid), [
                "DenyInsecureTransport",
                "AWSConfigBucketPermissionsCheck",
                "AWSConfigBucketExistenceCheck",
                "AWSConfigBucketDelivery",
            ]);
            assert.strictEqual(
                bySid.AWSConfigBucketDelivery.Resource,
                `arn:aws:s3:::nodes-delivery-1234567/AWSLogs/${standInAccountId}/Config/*`,
            );
            assert.deepStrictEqual(bySid.AWSConfigBucketDelivery.Condition, {
                StringEquals: { "AWS:SourceAccount": standInAccountId, "s3:x-amz-acl": "bucket-owner-full-control" },
            });
            for (const sid of [
                "AWSConfigBucketPermissionsCheck",
                "AWSConfigBucketExistenceCheck",
                "AWSConfigBucketDelivery",
            ]) {
                assert.deepStrictEqual(bySid[sid].Principal, { Service: "config.amazonaws.com" });
            }
        });

        it("starts recording after the delivery channel exists, and creates the rule after that", async () => {
            const { mocks } = await build();
            const dependsOn = (name: string, on: string) =>
                mocks.optionsOf(name).dependencies.some(urn => urn.endsWith(`::${on}`));
            assert.ok(dependsOn("nodes-recorder-status", "nodes-channel"));
            assert.ok(dependsOn("nodes-rule", "nodes-recorder-status"));
            assert.strictEqual(mocks.named("nodes-recorder-status").inputs.isEnabled, true);
            assert.strictEqual(
                mocks.named("nodes-recorder-status").inputs.name,
                mocks.named("nodes-recorder").inputs.name ?? "nodes-recorder-1234567",
            );
        });
    });
});

describe("the compliance change pattern", () => {
    describe("matched against AWS sample events", () => {
        // The documented notification is a recovery (COMPLIANT, previously NON_COMPLIANT) of rule cloudtrail-enabled.
        const sampleRule = "cloudtrail-enabled";

        it("match a recovery of the rule, built from AWS's documented Config envelope and notification", () => {
            const event = complianceChangeSample();
            assert.deepStrictEqual(event.resources, []);
            assert.ok(matchesPattern(complianceChangePattern(sampleRule), event));
        });

        it("match every NON_COMPLIANT result", () => {
            const event = complianceChangeSample();
            event.detail.newEvaluationResult.complianceType = "NON_COMPLIANT";
            event.detail.oldEvaluationResult.complianceType = "COMPLIANT";
            assert.ok(matchesPattern(complianceChangePattern(sampleRule), event));
            delete event.detail.oldEvaluationResult;
            assert.ok(
                matchesPattern(complianceChangePattern(sampleRule), event),
                "a first evaluation that is NON_COMPLIANT",
            );
        });

        it("ignore a first COMPLIANT result, which is no news", () => {
            const event = complianceChangeSample();
            delete event.detail.oldEvaluationResult;
            assert.ok(!matchesPattern(complianceChangePattern(sampleRule), event));
        });

        it("ignore other rules, matching on the rule's name rather than its identifier", () => {
            assert.ok(
                !matchesPattern(
                    complianceChangePattern("ec2-instance-managed-by-systems-manager"),
                    complianceChangeSample(),
                ),
            );
            assert.ok(
                !matchesPattern(complianceChangePattern("EC2_INSTANCE_MANAGED_BY_SSM"), complianceChangeSample()),
            );
        });

        it("pin the Config source, detail-type and message type", () => {
            const pattern = complianceChangePattern("r");
            assert.deepStrictEqual(pattern.source, ["aws.config"]);
            assert.deepStrictEqual(pattern["detail-type"], ["Config Rules Compliance Change"]);
            assert.deepStrictEqual(pattern.detail.messageType, ["ComplianceChangeNotification"]);
        });
    });
});
