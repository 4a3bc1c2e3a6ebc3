// A runbook started by EventBridge: the target is the automation-definition ARN with the account
// and its input arrays of strings (https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-event-bridge.html);
// the automation role's trust carries the conditions of
// https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html and
// EventBridge's those of https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { automationCompletionPattern, EventDrivenRunbook } from "../../../components/parts/eventDrivenRunbook";
import { standInAccountId } from "../../../harness/standIns";
import { matchesPattern } from "../../support/eventPattern";
import { automationExecutionSample, automationStepSample } from "../../../harness/fixtures";
import { transformInput } from "../../support/inputTransformer";
import { underMocks, valueOf } from "../../support/program";

const pattern = { source: ["example"], "detail-type": ["Node Lost"] };
const permissions = [{ Effect: "Allow" as const, Action: ["ec2:DescribeInstances"], Resource: "*" }];
const build = (parameters: Record<string, string> = { InstanceId: "$.detail.nodeId" }) =>
    underMocks(
        {},
        () =>
            new EventDrivenRunbook("diagnose", {
                region: "eu-west-1",
                accountId: standInAccountId,
                runbook: "AWSSupport-TroubleshootManagedInstance",
                description: "Diagnoses a lost node",
                eventPattern: pulumi.jsonStringify(pattern),
                parameters,
                runbookPermissions: permissions,
                eventBusName: "health-bus",
                retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 185 },
                deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:dead-letters",
            }),
    );

const automationRoleArn = "arn:aws:iam::123456789012:role/diagnose-automation-role-1234567";

describe("a runbook started by EventBridge", () => {
    it("starts the runbook's automation-definition ARN, with the account, from its rule", async () => {
        const { mocks } = await build();
        const rule = mocks.named("diagnose").inputs;
        assert.deepStrictEqual([JSON.parse(rule.eventPattern), rule.description], [pattern, "Diagnoses a lost node"]);
        const target = mocks.named("diagnose-target").inputs;
        assert.strictEqual(
            target.arn,
            "arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWSSupport-TroubleshootManagedInstance",
        );
        assert.strictEqual(target.rule, mocks.named("diagnose").outputs.name);
        assert.strictEqual(target.roleArn, "arn:aws:iam::123456789012:role/diagnose-events-role-1234567");
        assert.strictEqual(target.runCommandTargets, undefined, "Run Command targets would make it a command");
    });

    it("listens on the bus it is given, and retries then dead-letters a start that fails, like every other target", async () => {
        // A rule on another bus than the default is addressed with its bus, by its rule and by its target:
        // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html
        // Retry policy and dead-letter queue: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
        const { mocks, result } = await build();
        const target = mocks.named("diagnose-target").inputs;
        assert.deepStrictEqual(
            [mocks.named("diagnose").inputs.eventBusName, target.eventBusName],
            ["health-bus", "health-bus"],
        );
        assert.deepStrictEqual(target.retryPolicy, { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 185 });
        assert.deepStrictEqual(target.deadLetterConfig, { arn: "arn:aws:sqs:eu-west-1:123456789012:dead-letters" });
        assert.strictEqual(await valueOf(result.ruleArn), mocks.named("diagnose").outputs.arn);
    });

    it("passes every parameter, and the automation role, as an array of strings taken from the event", async () => {
        const { mocks } = await build();
        const { inputPaths, inputTemplate } = mocks.named("diagnose-target").inputs.inputTransformer;
        assert.deepStrictEqual(inputPaths, { InstanceId: "$.detail.nodeId" });
        const event = { detail: { nodeId: "i-0123456789abcdef0" } };
        assert.deepStrictEqual(JSON.parse(transformInput(inputPaths, inputTemplate, event)), {
            InstanceId: ["i-0123456789abcdef0"],
            AutomationAssumeRole: [automationRoleArn],
        });
    });

    it("lets only this account's automation executions in the region assume the runbook's role, with exactly its permissions", async () => {
        const { mocks } = await build();
        const role = mocks.named("diagnose-automation-role").inputs;
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy).Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "ssm.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: { "aws:SourceArn": "arn:aws:ssm:eu-west-1:123456789012:automation-execution/*" },
                },
            },
        ]);
        assert.deepStrictEqual(
            role.inlinePolicies.map((p: any) => JSON.parse(p.policy).Statement),
            [permissions],
        );
    });

    it("lets only its rule assume the EventBridge role, which starts only that runbook and passes only the automation role", async () => {
        const { mocks } = await build();
        const role = mocks.named("diagnose-events-role").inputs;
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy).Statement[0], {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
                StringEquals: { "aws:SourceAccount": "123456789012" },
                ArnLike: { "aws:SourceArn": mocks.named("diagnose").outputs.arn },
            },
        });
        assert.deepStrictEqual(JSON.parse(role.inlinePolicies[0].policy).Statement, [
            {
                Effect: "Allow",
                Action: "ssm:StartAutomationExecution",
                Resource: [
                    "arn:aws:ssm:eu-west-1:123456789012:automation-definition/AWSSupport-TroubleshootManagedInstance:*",
                    "arn:aws:ssm:eu-west-1::automation-definition/AWSSupport-TroubleshootManagedInstance:*",
                ],
            },
            {
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: automationRoleArn,
                Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
            },
        ]);
    });

    it("refuses an AutomationAssumeRole parameter of the caller's", async () => {
        await assert.rejects(build({ AutomationAssumeRole: "$.detail.role" }), /automation role/);
    });
});

describe("the runbook completion pattern", () => {
    it("matches AWS's sample execution status change of that runbook, and each terminal status", () => {
        assert.ok(matchesPattern(automationCompletionPattern("runcommand1"), automationExecutionSample()));
        for (const status of ["Failed", "TimedOut", "Cancelled"]) {
            const ended = automationExecutionSample();
            ended.detail.Status = status;
            assert.ok(matchesPattern(automationCompletionPattern("runcommand1"), ended), status);
        }
    });

    it("ignores other runbooks, executions still running, and AWS's sample step status change", () => {
        assert.ok(
            !matchesPattern(
                automationCompletionPattern("AWSSupport-TroubleshootManagedInstance"),
                automationExecutionSample(),
            ),
        );
        const running = automationExecutionSample();
        running.detail.Status = "InProgress";
        assert.ok(!matchesPattern(automationCompletionPattern("runcommand1"), running));
        assert.ok(!matchesPattern(automationCompletionPattern("runcommand1"), automationStepSample()));
    });

    it("pins the source, detail-type and fields AWS documents", () => {
        assert.deepStrictEqual(automationCompletionPattern("r"), {
            source: ["aws.ssm"],
            "detail-type": ["EC2 Automation Execution Status-change Notification"],
            detail: { Definition: ["r"], Status: ["Success", "Failed", "TimedOut", "Cancelled"] },
        });
    });
});
