// The VPC's flow log (Security Hub EC2.6,
// https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6), published
// through a role trusted by vpc-flow-logs.amazonaws.com under aws:SourceAccount and aws:SourceArn
// (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html).
import * as assert from "assert";
import { VpcFlowLogs, VpcFlowLogsSettings } from "../../../components/network/vpcFlowLogs";
import { standInAccountId } from "../../../harness/standIns";
import { underMocks, valueOf } from "../../support/program";

const logKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/logs";
const build = (settings: Partial<VpcFlowLogsSettings> = {}) =>
    underMocks(
        {},
        () =>
            new VpcFlowLogs("flow", {
                region: "eu-west-1",
                trafficType: "REJECT",
                retentionDays: 30,
                ...settings,
                accountId: standInAccountId,
                vpcId: "vpc-0123456789abcdef0",
                logKeyArn,
            }),
    );

describe("VPC flow logs", () => {
    it("log the VPC's rejected traffic to CloudWatch Logs through the publishing role, once its policy exists", async () => {
        const { mocks, result } = await build();
        const flowLog = mocks.named("flow").inputs;
        assert.deepStrictEqual(
            [
                flowLog.vpcId,
                flowLog.trafficType,
                flowLog.logDestinationType,
                flowLog.logDestination,
                flowLog.iamRoleArn,
            ],
            [
                "vpc-0123456789abcdef0",
                "REJECT",
                "cloud-watch-logs",
                "arn:aws:cloudwatch:eu-west-1:123456789012:flow-logs",
                "arn:aws:iam::123456789012:role/flow-role-1234567",
            ],
        );
        assert.ok(
            mocks.optionsOf("flow", "aws:ec2/flowLog:FlowLog").dependencies.some(u => u.endsWith("::flow-policy")),
        );
        assert.strictEqual(await valueOf(result.logGroupName), "flow-logs-1234567");
    });

    it("keep the records in a KMS-encrypted group for a period CloudWatch Logs accepts", async () => {
        const { mocks } = await build({ trafficType: "ALL", retentionDays: 45 });
        assert.strictEqual(mocks.named("flow").inputs.trafficType, "ALL");
        const group = mocks.named("flow-logs").inputs;
        assert.deepStrictEqual([group.kmsKeyId, group.retentionInDays], [logKeyArn, 60]);
    });

    it("trust only the flow-logs service, for a flow log of this account", async () => {
        const { mocks } = await build();
        assert.deepStrictEqual(JSON.parse(mocks.named("flow-role").inputs.assumeRolePolicy).Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": standInAccountId },
                    ArnLike: { "aws:SourceArn": `arn:aws:ec2:eu-west-1:${standInAccountId}:vpc-flow-log/*` },
                },
            },
        ]);
    });

    it("write only to their own log group", async () => {
        const { mocks } = await build();
        assert.deepStrictEqual(JSON.parse(mocks.named("flow-policy").inputs.policy).Statement, [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: "arn:aws:cloudwatch:eu-west-1:123456789012:flow-logs:*",
            },
            {
                Effect: "Allow",
                Action: "logs:DescribeLogGroups",
                Resource: `arn:aws:logs:eu-west-1:${standInAccountId}:log-group:*`,
            },
        ]);
        assert.deepStrictEqual(mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
    });
});
