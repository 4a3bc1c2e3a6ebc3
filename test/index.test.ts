import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { ConfigError } from "../config";
import { associationRunPattern } from "../components/agentAutoUpdate";
import { automationCompletionPattern } from "../components/parts/eventDrivenRunbook";
import { complianceChangePattern } from "../components/managedNodeCompliance";
import { diagnosisPattern } from "../components/healthWatch/managedNodeHealthWatch";
import {
    installTargetFailurePattern,
    patchNonCompliancePattern,
    windowFailurePattern,
} from "../components/patchManager";
import { parseTamperContext } from "../components/parts/lambda/tamperContext";
import { RecordingMocks, standInActivationCode } from "../harness/standIns";
import { SerializedRequestMocks } from "./support/plainValues";
import { committedStack, runProgram, stackConfig, Synthesized } from "./support/program";

/** Every resource we register sits under one of our components and is named from it. */
function assertComponentTree(mocks: RecordingMocks) {
    const ours = (type: string) => type.startsWith("ssm-fleet-baseline:");
    for (const resource of mocks.resources) {
        if (resource.type === "pulumi:pulumi:Stack") {
            continue;
        }
        const { parentUrn } = mocks.optionsOf(resource.name, resource.type);
        if (!resource.custom && parentUrn === "") {
            assert.ok(ours(resource.type), `top-level component ${resource.type}`);
            continue;
        }
        const parentName = parentUrn.split("::").pop() ?? "";
        const parentType = parentUrn.split("::")[2]?.split("$").pop() ?? "";
        assert.ok(ours(parentType), `${resource.type} ${resource.name} has parent ${parentUrn || "(none)"}`);
        assert.ok(
            resource.name.startsWith(parentName),
            `${resource.name} is not named from its component ${parentName}`,
        );
    }
}

describe("the program", () => {
    it("synthesizes Pulumi.dev.yaml: one zone, a closed VPC, no ec2messages endpoint", async () => {
        const { mocks, outputs } = await committedStack("dev");
        assert.deepStrictEqual(outputs.subnetIds, ["ssm-vpc-isolated-1-id"]);
        assert.deepStrictEqual(Object.keys(outputs.interfaceEndpointIds as object), [
            "ssm",
            "ssmmessages",
            "logs",
            "kms",
        ]);
        assert.strictEqual(outputs.dhmcSettingValue, "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole");
        assert.strictEqual(outputs.configRuleName, "ec2-instance-managed-by-systems-manager");
        for (const name of [
            "notificationTopicArn",
            "deadLetterQueueUrl",
            "vpcId",
            "s3GatewayEndpointId",
            "managedNodeSecurityGroupId",
            "managedNodeLaunchTemplateId",
            "dhmcRoleArn",
            "agentUpdateAssociationId",
            "agentUpdateOutputBucket",
        ]) {
            assert.ok(typeof outputs[name] === "string" && outputs[name] !== "", `output ${name}`);
        }
        assertComponentTree(mocks);
    });

    it("synthesizes Pulumi.prod.yaml: three zones, ec2messages, protected regional settings", async () => {
        const { mocks, outputs } = await committedStack("prod");
        assert.strictEqual((outputs.subnetIds as string[]).length, 3);
        assert.deepStrictEqual(Object.keys(outputs.interfaceEndpointIds as object), [
            "ssm",
            "ssmmessages",
            "ec2messages",
            "logs",
            "kms",
        ]);
        assert.strictEqual(mocks.optionsOf("dhmc-setting").protect, true);
        assert.strictEqual(mocks.optionsOf("session-manager-preferences").protect, true);
        assert.strictEqual(outputs.hybridRoleName, undefined, "hybrid activations are off in prod");
        // Two addresses, each on the notification topic and the watch topic (issue 19, 1).
        assert.strictEqual(mocks.ofType("aws:sns/topicSubscription:TopicSubscription").length, 4);
        assertComponentTree(mocks);
    });

    it("routes this stack's agent-update results and managed-node compliance changes to the notifier", async () => {
        const { mocks, outputs } = await committedStack("dev");
        assert.deepStrictEqual(
            JSON.parse(mocks.named("ssm-notify-agent-update").inputs.eventPattern),
            associationRunPattern(outputs.agentUpdateAssociationId as string),
        );
        assert.deepStrictEqual(
            JSON.parse(mocks.named("ssm-notify-managed-node-compliance").inputs.eventPattern),
            complianceChangePattern("ec2-instance-managed-by-systems-manager"),
        );
    });

    it("sets the region's Session Manager preferences, logging with the DHMC and hybrid roles", async () => {
        const { mocks, outputs } = await committedStack("dev");
        assert.strictEqual(outputs.sessionPreferencesDocument, "SSM-SessionManagerRunShell");
        const inputs = JSON.parse(mocks.named("session-manager-preferences").inputs.content).inputs;
        assert.deepStrictEqual(
            [inputs.s3BucketName, inputs.cloudWatchLogGroupName, inputs.kmsKeyId],
            [outputs.sessionLogBucket, outputs.sessionLogGroup, outputs.sessionKeyArn],
        );
        // The readers SCP names the very group the sessions stream to.
        assert.ok(
            JSON.parse(outputs.sessionLogReadersScp as string).Statement[0].Resource[0].endsWith(
                `:log-group:${outputs.sessionLogGroup}`,
            ),
        );
        assert.deepStrictEqual(
            mocks
                .ofType("aws:iam/rolePolicy:RolePolicy")
                .filter(p => p.name.startsWith("session-manager-"))
                .map(p => [p.name, p.inputs.role]),
            [["session-manager-hybrid-access", outputs.hybridRoleName]],
        );
    });

    it("adds no policy of its Region to the account's DHMC role: the buckets admit the node roles, its owner grants the logs once", async () => {
        const { mocks, outputs } = await committedStack("dev");
        const dhmcRoleName = mocks.named("dhmc-role").inputs.name;
        assert.deepStrictEqual(
            mocks
                .ofType("aws:iam/rolePolicy:RolePolicy")
                .filter(p => p.inputs.role === dhmcRoleName)
                .map(p => p.name),
            ["dhmc-session-logs"],
        );
        for (const bucketPolicy of [
            "ssm-agent-update-output-policy",
            "patching-output-policy",
            "session-manager-logs-policy",
        ]) {
            const admitted = JSON.parse(mocks.named(bucketPolicy).inputs.policy)
                .Statement.filter((st: any) => st.Effect === "Allow" && st.Principal?.AWS)
                .map((st: any) => st.Principal.AWS);
            assert.ok(admitted.length > 0, bucketPolicy);
            for (const principals of admitted) {
                assert.strictEqual(principals.length, 2, bucketPolicy);
                assert.match(principals[0], new RegExp(`:role/service-role/${dhmcRoleName}$`), bucketPolicy);
                assert.match(principals[1], new RegExp(`:role/${outputs.hybridRoleName}$`), bucketPolicy);
            }
        }
    });

    it("creates dev's hybrid role and tier but no activation while no expiry is set", async () => {
        const { mocks, outputs } = await committedStack("dev");
        assert.deepStrictEqual(
            [outputs.hybridInstanceTier, mocks.ofType("aws:ssm/activation:Activation").length],
            ["standard", 0],
        );
        assert.deepStrictEqual(
            [outputs.hybridActivationId, outputs.hybridActivationCode, outputs.hybridRegistrationCommands],
            [undefined, undefined, undefined],
        );
    });

    it("with an expiry set for a deployment, exports the activation id plainly and its code only as secrets", async () => {
        // A week from the real clock: the program checks the expiry against the time it runs.
        const expiry = `${new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 19)}Z`;
        const mocks = new SerializedRequestMocks("eu-west-1");
        const { outputs, exports } = await runProgram(
            "dev",
            { ...stackConfig("dev"), "ssm-fleet-baseline:hybridActivationExpiry": expiry },
            mocks,
        );
        assert.strictEqual(mocks.named("hybrid").inputs.expirationDate, expiry);
        assert.strictEqual(outputs.hybridActivationCode, standInActivationCode);
        assert.match((outputs.hybridRegistrationCommands as { linux: string }).linux, /-region "eu-west-1"/);
        const holdingCode: string[] = [];
        for (const [name, value] of Object.entries(exports)) {
            if (JSON.stringify(outputs[name] ?? null).includes(standInActivationCode)) {
                holdingCode.push(`${name}${(await pulumi.isSecret(pulumi.output(value))) ? " (secret)" : ""}`);
            }
        }
        assert.deepStrictEqual(holdingCode, ["hybridActivationCode (secret)", "hybridRegistrationCommands (secret)"]);
        assert.strictEqual(await pulumi.isSecret(pulumi.output(exports.hybridActivationId)), false);
        assert.deepStrictEqual(mocks.holdingInPlain(standInActivationCode), []);
    });

    it("with healthWatchDiagnose, starts the runbook from health events and routes its completions to the notifier", async () => {
        const { mocks } = await runProgram("dev", {
            ...stackConfig("dev"),
            "ssm-fleet-baseline:healthWatchDiagnose": "true",
        });
        assert.deepStrictEqual(
            JSON.parse(mocks.named("node-health-diagnosis").inputs.eventPattern),
            diagnosisPattern(),
        );
        assert.deepStrictEqual(
            JSON.parse(mocks.named("ssm-notify-node-diagnosis").inputs.eventPattern),
            automationCompletionPattern("AWSSupport-TroubleshootManagedInstance"),
        );
        assertComponentTree(mocks);
    });

    it("lets the notifier read metrics (the tamper mail's count of nodes relying on DHMC) only with the tamper watch", async () => {
        const readsMetrics = (mocks: Synthesized["mocks"]) =>
            JSON.parse(mocks.named("ssm-notify-handler-policy").inputs.policy).Statement.filter((s: any) =>
                [s.Action].flat().some((action: string) => action.startsWith("cloudwatch:")),
            );
        // GetMetricData has no resource type: "*" is the narrowest it takes
        // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
        assert.deepStrictEqual(readsMetrics((await committedStack("dev")).mocks), [
            { Effect: "Allow", Action: "cloudwatch:GetMetricData", Resource: "*" },
        ]);
        const { mocks } = await runProgram("dev", { ...stackConfig("dev"), "ssm-fleet-baseline:tamperWatch": "false" });
        assert.deepStrictEqual(readsMetrics(mocks), []);
        assert.strictEqual(mocks.named("ssm-notify-handler").inputs.environment.variables.TAMPER_CONTEXT, "");
    });

    it("tells the notifier every KMS key of the stack by its ARN, with the component that owns it", async () => {
        // A KMS call names its key by key id or key ARN, and CloudTrail adds the key ARN to the record's
        // resources (https://docs.aws.amazon.com/kms/latest/developerguide/ct-disablekey.html): no autoname
        // prefix matches a key id, so each key must be listed, the pipeline's own keys too.
        const { mocks } = await committedStack("dev");
        const context = parseTamperContext(
            mocks.named("ssm-notify-handler").inputs.environment.variables.TAMPER_CONTEXT,
        )!;
        const keys = mocks.ofType("aws:kms/key:Key");
        assert.deepStrictEqual(keys.map(k => k.name).sort(), [
            "log-encryption-key",
            "session-manager-key",
            "ssm-notify-key",
            "ssm-notify-watch-key",
        ]);
        for (const key of keys) {
            const owner = mocks.optionsOf(key.name, key.type).parentUrn;
            assert.strictEqual(context.resources[key.outputs.arn], owner, key.name);
        }
    });

    it("recognises whoever runs pulumi up as a deployer: an assumed role's role, besides the configured ones", async () => {
        const contextOf = async (config: Record<string, string>, callerArn: string) => {
            const mocks = new RecordingMocks("eu-west-1", false, callerArn);
            await runProgram("dev", config, mocks);
            return parseTamperContext(mocks.named("ssm-notify-handler").inputs.environment.variables.TAMPER_CONTEXT)!;
        };
        // The CI's session: CloudTrail names the role behind it as the session issuer, which tamperKind compares.
        const ci = "arn:aws:sts::123456789012:assumed-role/github-deploy/GitHubActions";
        const other = "arn:aws:iam::123456789012:role/platform/break-glass";
        assert.deepStrictEqual((await contextOf(stackConfig("dev"), ci)).deployerArns, [
            "arn:aws:iam::123456789012:role/github-deploy",
        ]);
        // The key at its default means what leaving it out means.
        const atDefault = { ...stackConfig("dev"), "ssm-fleet-baseline:tamperWatchDeployerArns": "[]" };
        assert.deepStrictEqual((await contextOf(atDefault, ci)).deployerArns, [
            "arn:aws:iam::123456789012:role/github-deploy",
        ]);
        const listed = { ...stackConfig("dev"), "ssm-fleet-baseline:tamperWatchDeployerArns": JSON.stringify([other]) };
        assert.deepStrictEqual((await contextOf(listed, ci)).deployerArns, [
            "arn:aws:iam::123456789012:role/github-deploy",
            other,
        ]);
        // A user passes through as itself.
        const user = "arn:aws:iam::123456789012:user/alice";
        assert.deepStrictEqual((await contextOf(stackConfig("dev"), user)).deployerArns, [user]);
    });

    it("keeps the notifier's environment under Lambda's 4 KB with the most the config can list", async () => {
        // "Environment variables: 4 KB, for all environment variables associated with the function, in
        // aggregate" (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). The tamper
        // context grows with the stack name (in every URN), the watched resources and the deployers: prod's
        // endpoints (ec2messages too), hybrid with an activation, patching, sessions, the health watch,
        // five deployers, and Pulumi's longest stack name (100 characters, https://www.pulumi.com/docs/iac/concepts/stacks/).
        const expiry = `${new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 19)}Z`;
        const deployers = [1, 2, 3, 4, 5].map(
            n => `arn:aws:iam::123456789012:role/platform/deployers/deploy-${n}-${"x".repeat(40)}`,
        );
        const config = {
            ...stackConfig("prod"),
            "ssm-fleet-baseline:hybridActivation": "true",
            "ssm-fleet-baseline:hybridActivationExpiry": expiry,
            "ssm-fleet-baseline:tamperWatchDeployerArns": JSON.stringify(deployers),
        };
        const mocks = new RecordingMocks(
            "eu-west-1",
            false,
            `arn:aws:sts::123456789012:assumed-role/${"r".repeat(64)}/${"s".repeat(64)}`,
        );
        await runProgram("s".repeat(100), config, mocks);
        const variables: Record<string, string> = mocks.named("ssm-notify-handler").inputs.environment.variables;
        const context = parseTamperContext(variables.TAMPER_CONTEXT)!;
        assert.strictEqual(context.deployerArns.length, 6);
        assert.ok(Object.keys(context.resources).length >= 20, Object.keys(context.resources).join(", "));
        const size = Object.entries(variables).reduce(
            (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
            0,
        );
        assert.ok(size <= 4096, `${size} bytes`);
    });

    it("patches by default, routing this baseline's non-compliant nodes and this window's failures to the notifier", async () => {
        const { mocks, outputs } = await committedStack("dev");
        const baseline = mocks.named("patching-baseline").outputs;
        assert.deepStrictEqual([outputs.patchBaselineId, outputs.patchWindowId], [baseline.id, "patching-window-id"]);
        assert.ok(typeof outputs.patchOutputBucket === "string" && outputs.patchOutputBucket !== "");
        assert.deepStrictEqual(
            JSON.parse(mocks.named("ssm-notify-patch-compliance").inputs.eventPattern),
            patchNonCompliancePattern([baseline.id, baseline.arn]),
        );
        assert.deepStrictEqual(
            JSON.parse(mocks.named("ssm-notify-patch-window").inputs.eventPattern),
            windowFailurePattern("patching-window-id"),
        );
        assert.deepStrictEqual(
            JSON.parse(mocks.named("ssm-notify-patch-install-targets").inputs.eventPattern),
            installTargetFailurePattern("patching-window-id"),
        );
        const { mocks: unpatched, outputs: without } = await runProgram("dev", {
            ...stackConfig("dev"),
            "ssm-fleet-baseline:patching": "false",
        });
        assert.deepStrictEqual(unpatched.ofType("ssm-fleet-baseline:index:PatchManager"), []);
        assert.strictEqual(without.patchBaselineId, undefined);
    });

    it("with s3EndpointPolicy, lets the nodes upload agent-update and patch output and session logs through the endpoint", async () => {
        const { mocks, outputs } = await runProgram("prod", {
            ...stackConfig("prod"),
            "ssm-fleet-baseline:s3EndpointPolicy": "true",
        });
        const statements = JSON.parse(mocks.named("ssm-endpoints-s3").inputs.policy).Statement;
        assert.deepStrictEqual(statements.find((s: any) => s.Sid === "StackOutput").Resource, [
            `arn:aws:s3:::${outputs.agentUpdateOutputBucket}/*`,
            `arn:aws:s3:::${outputs.patchOutputBucket}/*`,
            `arn:aws:s3:::${outputs.sessionLogBucket}/*`,
        ]);
        assert.deepStrictEqual(statements.find((s: any) => s.Sid === "StackOutputEncryption").Resource, [
            `arn:aws:s3:::${outputs.agentUpdateOutputBucket}`,
            `arn:aws:s3:::${outputs.patchOutputBucket}`,
            `arn:aws:s3:::${outputs.sessionLogBucket}`,
        ]);
        assert.strictEqual((await committedStack("prod")).mocks.named("ssm-endpoints-s3").inputs.policy, undefined);
    });

    it("adopts an existing VPC instead of creating one", async () => {
        const { "ssm-fleet-baseline:availabilityZoneCount": _createdOnly, ...dev } = stackConfig("dev");
        const { mocks, outputs } = await runProgram("dev", {
            ...dev,
            "ssm-fleet-baseline:existingVpcId": "vpc-0123456789abcdef0",
            "ssm-fleet-baseline:existingVpcCidr": "10.0.0.0/16",
            "ssm-fleet-baseline:existingSubnets": JSON.stringify([
                "subnet-0aaaaaaaaaaaaaaaa@eu-west-1a",
                "subnet-0bbbbbbbbbbbbbbbb@eu-west-1b",
            ]),
            "ssm-fleet-baseline:existingRouteTableIds": JSON.stringify(["rtb-0123456789abcdef0"]),
        });
        assert.deepStrictEqual(mocks.ofType("aws:ec2/vpc:Vpc"), []);
        assert.strictEqual(outputs.vpcId, "vpc-0123456789abcdef0");
        assert.deepStrictEqual(mocks.named("ssm-endpoints-ssm").inputs.subnetIds, [
            "subnet-0aaaaaaaaaaaaaaaa",
            "subnet-0bbbbbbbbbbbbbbbb",
        ]);
        assert.deepStrictEqual(mocks.named("ssm-endpoints-s3").inputs.routeTableIds, ["rtb-0123456789abcdef0"]);
        assert.deepStrictEqual(mocks.named("ssm-endpoints-endpoints").inputs.ingress[0].cidrBlocks, ["10.0.0.0/16"]);
    });

    it("fails on bad config before registering any resource", async () => {
        const mocks = new RecordingMocks();
        await assert.rejects(
            runProgram("dev", { ...stackConfig("dev"), "ssm-fleet-baseline:vpcCidr": "10.42.0.0/33" }, mocks),
            (error: unknown) =>
                error instanceof ConfigError &&
                /ssm-fleet-baseline:vpcCidr: got "10.42.0.0\/33"; expected an IPv4 CIDR/.test(error.message),
        );
        assert.deepStrictEqual([mocks.resources, mocks.invokes], [[], []]);
    });

    for (const stack of ["dev", "prod"]) {
        it(`gives ${stack}'s VPC a flow log of rejected traffic into an encrypted group (Security Hub EC2.6)`, async () => {
            const { mocks, outputs } = await committedStack(stack);
            const [flowLog, ...others] = mocks.ofType("aws:ec2/flowLog:FlowLog").map(r => r.inputs);
            assert.deepStrictEqual(others, []);
            assert.deepStrictEqual([flowLog.vpcId, flowLog.trafficType], [outputs.vpcId, "REJECT"]);
            const group = mocks.named("vpc-flow-logs-logs").inputs;
            assert.strictEqual(group.kmsKeyId, mocks.named("log-encryption-key").outputs.arn);
            assert.strictEqual(group.retentionInDays, stack === "dev" ? 30 : 365);
        });

        it(`takes over ${stack}'s default network ACL so that the internet reaches neither 22 nor 3389 (CIS 5.1/5.2)`, async () => {
            const { mocks } = await committedStack(stack);
            const [acl, ...others] = mocks.ofType("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl").map(r => r.inputs);
            assert.deepStrictEqual(others, []);
            assert.strictEqual(acl.defaultNetworkAclId, mocks.named("ssm-vpc").outputs.defaultNetworkAclId);
            const fromInternet = acl.ingress.filter(
                (rule: any) =>
                    rule.action === "allow" && (rule.cidrBlock === "0.0.0.0/0" || rule.ipv6CidrBlock === "::/0"),
            );
            for (const port of [22, 3389]) {
                assert.ok(
                    fromInternet.every(
                        (rule: any) => rule.protocol !== "-1" && (port < rule.fromPort || port > rule.toPort),
                    ),
                    `the internet reaches ${port}`,
                );
            }
        });
    }

    for (const [stack, recorder] of [
        ["dev", "false"],
        ["prod", "true"],
    ]) {
        it(`logs the server access of every bucket of ${stack} into the access-log bucket (S3.9), which logs nowhere`, async () => {
            const { mocks, outputs } = await runProgram(stack, {
                ...stackConfig(stack),
                "ssm-fleet-baseline:createConfigRecorder": recorder,
            });
            const logBucket = outputs.accessLogBucket as string;
            const buckets = mocks.ofType("aws:s3/bucket:Bucket").map(b => b.outputs.bucket as string);
            const sources = buckets.filter(name => name !== logBucket);
            assert.strictEqual(buckets.length, sources.length + 1);
            assert.ok(sources.length >= (recorder === "true" ? 2 : 1));
            const loggings = mocks.ofType("aws:s3/bucketLogging:BucketLogging").map(r => r.inputs);
            assert.deepStrictEqual(loggings.map(l => l.bucket).sort(), [...sources].sort());
            assert.ok(loggings.every(l => l.targetBucket === logBucket));
            const delivery = JSON.parse(mocks.named("access-logs-bucket-policy").inputs.policy).Statement.find(
                (s: any) => s.Sid === "S3ServerAccessLogDelivery",
            );
            assert.deepStrictEqual(
                [...delivery.Condition.ArnLike["aws:SourceArn"]].sort(),
                sources.map(name => `arn:aws:s3:::${name}`).sort(),
            );
        });
    }

    it("encrypts every log group of the stack: session logs with the session key, the others with the log key", async () => {
        const { mocks } = await committedStack("prod");
        const groups = mocks.ofType("aws:cloudwatch/logGroup:LogGroup");
        assert.ok(groups.length >= 4, groups.map(g => g.name).join(", "));
        for (const group of groups) {
            const key = group.name === "session-manager-log-group" ? "session-manager-key" : "log-encryption-key";
            assert.strictEqual(group.inputs.kmsKeyId, mocks.named(key).outputs.arn, group.name);
        }
    });

    it("logs an adopted VPC only when told to", async () => {
        const { "ssm-fleet-baseline:availabilityZoneCount": _createdOnly, ...dev } = stackConfig("dev");
        const adopted = {
            ...dev,
            "ssm-fleet-baseline:existingVpcId": "vpc-0123456789abcdef0",
            "ssm-fleet-baseline:existingVpcCidr": "10.0.0.0/16",
            "ssm-fleet-baseline:existingSubnets": JSON.stringify(["subnet-0aaaaaaaaaaaaaaaa@eu-west-1a"]),
            "ssm-fleet-baseline:existingRouteTableIds": JSON.stringify(["rtb-0123456789abcdef0"]),
        };
        const { mocks: unlogged } = await runProgram("dev", adopted);
        assert.deepStrictEqual(unlogged.ofType("aws:ec2/flowLog:FlowLog"), []);
        assert.deepStrictEqual(unlogged.ofType("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"), []);
        const { mocks: logged } = await runProgram("dev", {
            ...adopted,
            "ssm-fleet-baseline:existingVpcFlowLogs": "true",
        });
        assert.deepStrictEqual(
            logged.ofType("aws:ec2/flowLog:FlowLog").map(r => r.inputs.vpcId),
            ["vpc-0123456789abcdef0"],
        );
    });

    it("opens no SSH or RDP and attaches no instance profile anywhere", async () => {
        const { mocks } = await committedStack("prod");
        for (const group of mocks.ofType("aws:ec2/securityGroup:SecurityGroup")) {
            for (const rule of group.inputs.ingress ?? []) {
                assert.ok(
                    rule.fromPort === 443 && rule.toPort === 443,
                    `${group.name} admits ${rule.fromPort}-${rule.toPort}`,
                );
            }
        }
        assert.deepStrictEqual(mocks.ofType("aws:iam/instanceProfile:InstanceProfile"), []);
    });
});
