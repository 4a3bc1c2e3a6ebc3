// The notifier's e-mails, from AWS's official sample events (test/fixtures/events, unchanged) and
// the two kinds AWS prints no sample of (harness/fixtures.ts builds them from documented fields).
import * as assert from "assert";
import { maxMessageBytes } from "../../../../components/parts/lambda/snsMessage";
import { describeEvent, Notification, notifyEvent } from "../../../../components/notifications/lambda/notification";
import {
    associationSample,
    complianceChangeSample,
    describedSamples,
    healthChangeSample,
    loadFixture,
} from "../../../../harness/fixtures";

/** SNS rejects subjects of 100 characters or more, or with line breaks or control characters. */
function assertValidSubject(subject: string) {
    assert.ok(subject.length > 0 && subject.length < 100, `subject length ${subject.length}: ${subject}`);
    // eslint-disable-next-line no-control-regex -- control characters are what SNS rejects
    assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(subject), `control character in ${JSON.stringify(subject)}`);
}

/** The message's lines with runs of spaces made one, so that tests do not pin the column width. */
const linesOf = (message: string) => message.split("\n").map(line => line.replace(/\s+/g, " "));

/** The summary above the raw event. */
const summaryOf = (message: string) => message.slice(0, message.indexOf("\nRaw event"));

const useast2 = "https://us-east-2.console.aws.amazon.com";

/**
 * What each kind's e-mail must say: the subject, and the rows that open the body (the id the
 * subject names, the status, the document or runbook, the console page of the thing).
 */
const expected: Record<string, { subject: string; id: string; opening: string[] }> = {
    "ssm-state-manager-instance-association-state-change.json": {
        subject: "[SSM us-east-2] my-custom-document Success on i-12345678",
        id: "i-12345678",
        opening: [
            "Node: i-12345678",
            "Status: Success",
            "Document: my-custom-document (version 1)",
            `Association console: ${useast2}/systems-manager/state-manager/34fcb7e0-9a14-4984-9989-0e04e3f60bd8/description?region=us-east-2`,
        ],
    },
    "ssm-state-manager-association-state-change.json": {
        subject: "[SSM us-east-2] AWS-RunPowerShellScript association Success: 1 succeeded",
        id: "6e37940a-23ba-4ab0-9b96-5d0a1a05464f",
        opening: [
            "Association: 6e37940a-23ba-4ab0-9b96-5d0a1a05464f",
            "Status: Success",
            // The sample's document-version is "Optional.empty": no version to show.
            "Document: AWS-RunPowerShellScript",
            `Association console: ${useast2}/systems-manager/state-manager/6e37940a-23ba-4ab0-9b96-5d0a1a05464f/description?region=us-east-2`,
        ],
    },
    "ssm-run-command-status-change.json": {
        subject: "[SSM us-east-2] Command e8d3c0e4-71f7-4491-898f-c9b35bee5f3b Success: AWS-RunPowerShellScript",
        id: "e8d3c0e4-71f7-4491-898f-c9b35bee5f3b",
        opening: [
            "Command: e8d3c0e4-71f7-4491-898f-c9b35bee5f3b",
            "Status: Success",
            "Document: AWS-RunPowerShellScript",
            `Command console: ${useast2}/systems-manager/run-command/e8d3c0e4-71f7-4491-898f-c9b35bee5f3b?region=us-east-2`,
        ],
    },
    "ssm-run-command-invocation-status-change.json": {
        // The node is the detail's instance-id; the sample's resources name i-abcd1111.
        subject: "[SSM us-east-2] AWS-RunPowerShellScript Success on i-9bb89e2b",
        id: "i-9bb89e2b",
        opening: [
            "Node: i-9bb89e2b",
            "Status: Success",
            "Document: AWS-RunPowerShellScript",
            `Command console: ${useast2}/systems-manager/run-command/e8d3c0e4-71f7-4491-898f-c9b35bee5f3b?region=us-east-2`,
        ],
    },
    "ssm-automation-execution-status-change.json": {
        subject: "[SSM us-east-2] Automation 333ba70b-2333-48db-b17e-a5e69c6f4d1c Success: runcommand1",
        id: "333ba70b-2333-48db-b17e-a5e69c6f4d1c",
        opening: [
            "Execution: 333ba70b-2333-48db-b17e-a5e69c6f4d1c",
            "Status: Success",
            "Runbook: runcommand1 (version 1)",
            `Execution console: ${useast2}/systems-manager/automation/execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c?region=us-east-2`,
        ],
    },
    "ssm-automation-step-status-change.json": {
        // The event's region (us-east-1) decides the link, not the ARNs' (us-east-2).
        subject: "[SSM us-east-1] Automation 333ba70b-2333-48db-b17e-a5e69c6f4d1c step runFixedCmds Success",
        id: "333ba70b-2333-48db-b17e-a5e69c6f4d1c",
        opening: [
            "Execution: 333ba70b-2333-48db-b17e-a5e69c6f4d1c",
            "Step: runFixedCmds (aws:runCommand)",
            "Status: Success",
            "Runbook: runcommand1 (version 1)",
            "Execution console: https://us-east-1.console.aws.amazon.com/systems-manager/automation/execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c?region=us-east-1",
        ],
    },
    "ssm-compliance-association-compliant.json": {
        subject: "[SSM us-east-2] i-01234567890abcdef Association compliant",
        id: "i-01234567890abcdef",
        opening: [
            "Node: i-01234567890abcdef",
            "Status: compliant",
            `Compliance console: ${useast2}/systems-manager/compliance?region=us-east-2`,
            `Node console: ${useast2}/ec2/home?region=us-east-2#InstanceDetails:instanceId=i-01234567890abcdef`,
        ],
    },
    "ssm-compliance-association-non-compliant.json": {
        subject: "[SSM us-east-2] i-01234567890abcdef Association non_compliant",
        id: "i-01234567890abcdef",
        opening: [
            "Node: i-01234567890abcdef",
            "Status: non_compliant",
            `Compliance console: ${useast2}/systems-manager/compliance?region=us-east-2`,
        ],
    },
    "ssm-compliance-patch-compliant.json": {
        // Described although the sample's source is the documentation's typo aws.123456789012.
        subject: "[SSM us-east-2] i-01234567890abcdef Patch compliant, severity critical",
        id: "i-01234567890abcdef",
        opening: [
            "Node: i-01234567890abcdef",
            "Status: compliant",
            "Patch baseline: PB789",
            `Compliance console: ${useast2}/systems-manager/compliance?region=us-east-2`,
        ],
    },
    "ssm-compliance-patch-non-compliant.json": {
        subject: "[SSM us-east-2] i-01234567890abcdef Patch non_compliant, severity critical",
        id: "i-01234567890abcdef",
        opening: [
            "Node: i-01234567890abcdef",
            "Status: non_compliant",
            "Patch baseline: PB789",
            `Compliance console: ${useast2}/systems-manager/compliance?region=us-east-2`,
        ],
    },
    "ssm-maintenance-window-state-change.json": {
        subject: "[SSM us-east-2] Maintenance window mw-123456789012 DISABLED",
        id: "mw-123456789012",
        opening: [
            "Window: mw-123456789012",
            "Status: DISABLED",
            `Window console: ${useast2}/systems-manager/maintenance-windows/mw-123456789012/description?region=us-east-2`,
        ],
    },
    "ssm-maintenance-window-target-registration.json": {
        subject: "[SSM us-east-2] Maintenance window mw-0ed7251d3fcf6e0c2 target REGISTERED",
        id: "mw-0ed7251d3fcf6e0c2",
        opening: [
            "Window: mw-0ed7251d3fcf6e0c2",
            "Status: REGISTERED",
            `Window console: ${useast2}/systems-manager/maintenance-windows/mw-0ed7251d3fcf6e0c2/description?region=us-east-2`,
            "Target: e7265f13-3cc5-4f2f-97a9-7d3ca86c32a6",
        ],
    },
    // The run, task and target samples name the window in detail.window-id (mw-0ed7251d3fcf6e0c2),
    // and another, with 18 digits, in resources: the e-mail follows the detail.
    "ssm-maintenance-window-execution-state-change.json": {
        subject: "[SSM us-east-2] Maintenance window mw-0ed7251d3fcf6e0c2 run TIMED_OUT",
        id: "mw-0ed7251d3fcf6e0c2",
        opening: [
            "Window: mw-0ed7251d3fcf6e0c2",
            "Status: TIMED_OUT",
            `Window console: ${useast2}/systems-manager/maintenance-windows/mw-0ed7251d3fcf6e0c2/history?region=us-east-2`,
            "Window execution: b60fb56e-776c-4e5c-84ee-123456789012",
        ],
    },
    "ssm-maintenance-window-task-execution-state-change.json": {
        subject: "[SSM us-east-2] Maintenance window mw-0ed7251d3fcf6e0c2 task TIMED_OUT",
        id: "mw-0ed7251d3fcf6e0c2",
        opening: [
            "Window: mw-0ed7251d3fcf6e0c2",
            "Status: TIMED_OUT",
            `Window console: ${useast2}/systems-manager/maintenance-windows/mw-0ed7251d3fcf6e0c2/history?region=us-east-2`,
            "Task execution: 6417e808-7f35-4d1a-843f-123456789012",
        ],
    },
    "ssm-maintenance-window-task-target-invocation-state-change.json": {
        subject: "[SSM us-east-2] Maintenance window mw-0ed7251d3fcf6e0c2 task on target TIMED_OUT",
        id: "mw-0ed7251d3fcf6e0c2",
        opening: [
            "Window: mw-0ed7251d3fcf6e0c2",
            "Status: TIMED_OUT",
            `Window console: ${useast2}/systems-manager/maintenance-windows/mw-0ed7251d3fcf6e0c2/history?region=us-east-2`,
            "Target: e7265f13-3cc5-4f2f-97a9-123456789012",
            "Owner information: Owner",
        ],
    },
    "ec2-instance-state-change.json": {
        subject: "[EC2 us-east-1] Instance i-abcd1111 pending",
        id: "i-abcd1111",
        opening: [
            "Instance: i-abcd1111",
            "State: pending",
            "Instance console: https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-abcd1111",
        ],
    },
    "Config Rules Compliance Change (composed)": {
        subject: "[Config us-east-1] 123456789012 COMPLIANT again: cloudtrail-enabled",
        id: "123456789012",
        opening: [
            "Resource: AWS::::Account 123456789012",
            "Compliance: COMPLIANT (was NON_COMPLIANT)",
            "Rule: cloudtrail-enabled",
            "Rule console: https://us-east-1.console.aws.amazon.com/config/home?region=us-east-1#/rules/details?configRuleName=cloudtrail-enabled",
        ],
    },
    "Managed Node Health Change (this program's)": {
        subject: "[SSM eu-west-1] Node i-0abc1234def567890 not manageable: SSM connection lost",
        id: "i-0abc1234def567890",
        opening: [
            "Node: i-0abc1234def567890",
            "Status: SSM connection lost",
            "Node console: https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0abc1234def567890",
        ],
    },
};

describe("notification e-mails", () => {
    describe("for every kind of event AWS documents for Systems Manager, and this program's own", () => {
        it("has an expectation for each sample, and a sample for each expectation", () => {
            assert.deepStrictEqual(
                describedSamples()
                    .map(s => s.name)
                    .sort(),
                Object.keys(expected).sort(),
            );
        });

        for (const { name, event } of describedSamples()) {
            it(`says what happened and to what, with status, document and console link: ${name}`, () => {
                const { subject, message } = describeEvent(event);
                const want = expected[name];
                assert.strictEqual(subject, want.subject);
                assertValidSubject(subject);
                // The headline names the id again; the rows under it open with status, document and link.
                const [headline, blank, ...opening] = linesOf(message).slice(0, 7);
                assert.ok(headline.includes(want.id), `headline ${headline} lacks ${want.id}`);
                assert.strictEqual(blank, "");
                for (const line of want.opening) {
                    assert.ok(opening.includes(line), `missing among the first lines: ${line}\n${message}`);
                }
                assert.ok(message.endsWith(`\n\nRaw event:\n${JSON.stringify(event, null, 2)}`), "raw event last");
            });
        }

        it("keep the status and id whole in the subject in the longest-named regions", () => {
            for (const { name, event } of describedSamples()) {
                for (const region of ["ap-southeast-2", "us-gov-west-1"]) {
                    const { subject } = describeEvent({ ...event, region });
                    assertValidSubject(subject);
                    const want = expected[name].subject.replace(/^\[(\w+) [a-z0-9-]+\]/, `[$1 ${region}]`);
                    // Only a long document or runbook name at the end may be cut.
                    const kept = want.length < 100 ? want : want.slice(0, want.lastIndexOf(":"));
                    assert.ok(subject.startsWith(kept.slice(0, 96)), `${subject} does not keep ${kept}`);
                }
            }
        });
    });

    describe("wording that depends on the kind", () => {
        it("decode State Manager's JSON-in-string targets and status counts", () => {
            const lines = linesOf(
                describeEvent(loadFixture("ssm-state-manager-association-state-change.json")).message,
            );
            assert.ok(lines.includes("Nodes: 1 succeeded (1 in all)"));
            assert.ok(lines.includes("Targets: InstanceIds = i-12345678"));
            assert.ok(lines.includes("Schedule: cron(0 */30 * * * ? *)"));
            const undecodable = loadFixture("ssm-state-manager-association-state-change.json");
            undecodable.detail.targets = "not [json";
            assert.ok(linesOf(describeEvent(undecodable).message).includes("Targets: not [json"));
            const many = loadFixture("ssm-state-manager-association-state-change.json");
            const nodes = Array.from({ length: 60 }, (_, n) => `i-${String(n).padStart(17, "0")}`);
            many.detail.targets = JSON.stringify([{ key: "InstanceIds", values: nodes }]);
            const targets = linesOf(describeEvent(many).message).find(line => line.startsWith("Targets: "));
            assert.ok(targets?.startsWith(`Targets: InstanceIds = ${nodes[0]}, ${nodes[1]}, `), targets);
            assert.ok(targets?.endsWith("... (see the raw event)"), "decoded, then cut as any field");
        });

        it("count an association's nodes by status in words, in the subject and the body", () => {
            const run = loadFixture("ssm-state-manager-association-state-change.json");
            run.region = "eu-west-1";
            run.detail["document-name"] = "AWS-UpdateSSMAgent";
            run.detail.status = "Failed";
            run.detail["association-status-aggregated-count"] = JSON.stringify({
                Success: 990,
                Failed: 8,
                Pending: 2,
            });
            const { subject, message } = describeEvent(run);
            assert.strictEqual(
                subject,
                "[SSM eu-west-1] AWS-UpdateSSMAgent association Failed: 990 succeeded, 8 failed, 2 pending",
            );
            const lines = linesOf(message);
            assert.ok(lines[0].endsWith("990 succeeded, 8 failed, 2 pending, of 1000 nodes."), lines[0]);
            assert.ok(lines.includes("Nodes: 990 succeeded, 8 failed, 2 pending (1000 in all)"));
            // Statuses without a word of ours are shown as AWS sends them.
            const counts = '{"InProgress":3,"Queued":4}';
            const unknown = { ...run, detail: { ...run.detail, "association-status-aggregated-count": counts } };
            assert.ok(linesOf(describeEvent(unknown).message).includes("Nodes: 3 in progress, 4 Queued (7 in all)"));
            const undecodable = { ...run, detail: { ...run.detail, "association-status-aggregated-count": "n/a" } };
            const plain = describeEvent(undecodable);
            assert.strictEqual(plain.subject, "[SSM eu-west-1] AWS-UpdateSSMAgent association Failed");
            assert.ok(linesOf(plain.message).includes("Nodes: n/a"));
        });

        it("keep the instance association's result fields and leave empty ones out", () => {
            const { message } = describeEvent(associationSample());
            const lines = linesOf(message);
            for (const line of [
                "Error: testErrorCode",
                "Execution summary: testExecutionSummary",
                "Output: sampleurl",
                "Account / region: 123456789012 / us-east-2",
                "Node console: https://us-east-2.console.aws.amazon.com/ec2/home?region=us-east-2#InstanceDetails:instanceId=i-12345678",
            ]) {
                assert.ok(lines.includes(line), `missing ${line} in\n${message}`);
            }
            assert.ok(!message.includes("Detailed status"), "the sample's empty detailed-status is left out");
        });

        it("show a command's parameters and an Automation's run time in seconds", () => {
            const command = linesOf(describeEvent(loadFixture("ssm-run-command-status-change.json")).message);
            assert.ok(command.includes('Parameters: {"executionTimeout":["3600"],"commands":["date"]}'));
            const automation = linesOf(
                describeEvent(loadFixture("ssm-automation-execution-status-change.json")).message,
            );
            assert.ok(automation.includes("Duration: 5.8 s"), "Time is 5753.0 milliseconds");
            assert.ok(automation.includes("Started by: arn:aws:iam::123456789012:user/userName"));
        });

        it("word compliance in either case: the samples' non_compliant and the API's NON_COMPLIANT", () => {
            const patch = loadFixture("ssm-compliance-patch-non-compliant.json");
            assert.ok(
                describeEvent(patch).message.startsWith(
                    "Node i-01234567890abcdef is not compliant with patch baseline PB789.",
                ),
            );
            patch.detail["compliance-status"] = "NON_COMPLIANT";
            assert.ok(describeEvent(patch).message.startsWith("Node i-01234567890abcdef is not compliant with"));
            assert.strictEqual(
                describeEvent(patch).subject,
                "[SSM us-east-2] i-01234567890abcdef Patch NON_COMPLIANT, severity critical",
            );
            const association = describeEvent(loadFixture("ssm-compliance-association-non-compliant.json"));
            assert.ok(
                association.message.startsWith(
                    "Node i-01234567890abcdef is not compliant with its State Manager associations.",
                ),
            );
            assert.ok(linesOf(association.message).includes("Last association run: 2017-01-01T10:10:10Z"));
            assert.ok(!association.subject.includes("severity"), "association events carry no severity");
        });

        it("report the diagnosis runbook's outcome with its execution's console link", () => {
            const execution = loadFixture("ssm-automation-execution-status-change.json");
            execution.detail.Definition = "AWSSupport-TroubleshootManagedInstance";
            const outcome = (status: string) => {
                execution.detail.Status = status;
                return describeEvent(execution);
            };
            const success = outcome("Success");
            assert.strictEqual(
                success.subject,
                "[SSM us-east-2] Node diagnosis 333ba70b-2333-48db-b17e-a5e69c6f4d1c Success",
            );
            assert.ok(
                success.message.startsWith(
                    "The health watch's diagnosis of a node that stopped being manageable, AWSSupport-TroubleshootManagedInstance execution 333ba70b-2333-48db-b17e-a5e69c6f4d1c, ran to the end: its findings, what keeps the node from Systems Manager, are the output of its FinalOutput step.",
                ),
                success.message,
            );
            assert.ok(
                linesOf(success.message).includes(
                    `Execution console: ${useast2}/systems-manager/automation/execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c?region=us-east-2`,
                ),
            );
            for (const status of ["Failed", "TimedOut", "Cancelled"]) {
                assert.ok(
                    outcome(status).message.includes(
                        `did not finish (${status}): its page shows the step that stopped it`,
                    ),
                );
            }
            assert.ok(
                outcome("InProgress").message.includes(
                    "execution 333ba70b-2333-48db-b17e-a5e69c6f4d1c, has status InProgress.",
                ),
            );
        });

        it("word the health watch's recoveries, departures and diagnoses", () => {
            const recovered = describeEvent(
                healthChangeSample({ change: "recovered", status: "online", previous: "connection-lost" }),
            );
            assert.strictEqual(recovered.subject, "[SSM eu-west-1] Node i-0abc1234def567890 recovered");
            assert.ok(
                recovered.message.startsWith(
                    "Managed node i-0abc1234def567890 (ec2) is manageable again: online (was SSM connection lost).",
                ),
            );
            const gone = describeEvent(
                healthChangeSample({
                    nodeId: "mi-0123456789abcdef0",
                    kind: "hybrid",
                    change: "gone",
                    status: "gone",
                    previous: "hybrid-lost",
                }),
            );
            assert.strictEqual(gone.subject, "[SSM eu-west-1] Node mi-0123456789abcdef0 gone");
            assert.ok(
                linesOf(gone.message).includes(
                    "Node console: https://eu-west-1.console.aws.amazon.com/systems-manager/fleet-manager/managed-nodes/mi-0123456789abcdef0/general?region=eu-west-1",
                ),
            );
            const diagnosed = describeEvent(
                healthChangeSample({ diagnosis: "AWSSupport-TroubleshootManagedInstance execution abc" }),
            );
            assert.ok(
                linesOf(diagnosed.message).includes("Diagnosis: AWSSupport-TroubleshootManagedInstance execution abc"),
            );
            const unknownStatus = describeEvent(healthChangeSample({ status: "constructor" as never }));
            assert.ok(unknownStatus.subject.endsWith("not manageable: constructor"), unknownStatus.subject);
        });

        it("link the console of the event's partition", () => {
            for (const [region, origin] of [
                ["cn-north-1", "https://cn-north-1.console.amazonaws.cn"],
                ["us-gov-west-1", "https://us-gov-west-1.console.amazonaws-us-gov.com"],
            ]) {
                for (const { event } of describedSamples()) {
                    const summary = summaryOf(describeEvent({ ...event, region }).message);
                    const links = summary.match(/https:\/\/\S+/g) ?? [];
                    assert.ok(links.length > 0, summary);
                    for (const url of links) {
                        assert.ok(url.startsWith(`${origin}/`) && url.includes(`?region=${region}`), url);
                    }
                }
            }
        });

        it("leave out the links of an event that names no region", () => {
            const event = loadFixture("ssm-run-command-status-change.json");
            delete event.region;
            const { subject, message } = describeEvent(event);
            assert.strictEqual(
                subject,
                "[SSM] Command e8d3c0e4-71f7-4491-898f-c9b35bee5f3b Success: AWS-RunPowerShellScript",
            );
            assert.ok(!summaryOf(message).includes("https://"));
        });
    });

    describe("events of a kind the notifier does not know", () => {
        it("still notify, naming the kind and the resources of an official sample", () => {
            const event = loadFixture("ssm-parameter-store-change-create.json");
            const { subject, message } = describeEvent(event);
            assert.strictEqual(subject, "[SSM us-east-2] Unrecognized event: Parameter Store Change");
            assert.ok(
                message.startsWith(
                    "The notifier has no summary for this kind of event (Parameter Store Change, source aws.ssm); it is attached as received. It names:",
                ),
            );
            assert.ok(
                linesOf(message).includes("Resource: arn:aws:ssm:us-east-2:123456789012:parameter/MyExampleParameter"),
            );
            assert.ok(message.endsWith(JSON.stringify(event, null, 2)));
        });

        it("list the ids they can find: id fields at any depth, and node and window ids in any text", () => {
            const { subject, message } = describeEvent({
                "detail-type": "Some Future Event",
                source: "aws.ssm",
                region: "eu-west-1",
                resources: ["arn:aws:ssm:eu-west-1:123456789012:automation-execution/0f1e2d3c"],
                detail: {
                    "instance-id": "i-0abc1234def567890",
                    nested: [{ ExecutionId: "0f1e2d3c" }, { resourceId: "mi-0123456789abcdef0" }],
                    note: "ran in window mw-0123456789abcdef0 on i-0abc1234def567890",
                    valid: "not an id",
                },
            });
            assert.strictEqual(subject, "[SSM eu-west-1] Unrecognized event: Some Future Event (i-0abc1234def567890)");
            const lines = linesOf(message);
            for (const line of [
                "instance-id: i-0abc1234def567890",
                "ExecutionId: 0f1e2d3c",
                "resourceId: mi-0123456789abcdef0",
                "note: mw-0123456789abcdef0",
                "Resource: arn:aws:ssm:eu-west-1:123456789012:automation-execution/0f1e2d3c",
            ]) {
                assert.ok(lines.includes(line), `missing ${line} in\n${message}`);
            }
            assert.strictEqual(
                linesOf(summaryOf(message)).filter(l => l.includes("i-0abc1234def567890")).length,
                1,
                "each id is listed once",
            );
            assert.ok(
                !summaryOf(message).includes("valid:"),
                "a key ending in -id or Id marks an id, not any key ending in id",
            );
        });

        it("find ids in bounded time in huge, deep or circular details", () => {
            const huge = {
                "detail-type": "Big",
                detail: { items: Array.from({ length: 100_000 }, (_, i) => ({ n: i })), text: "x".repeat(1_000_000) },
            };
            const deep: any = { "detail-type": "Deep", detail: {} };
            let level = deep.detail;
            for (let i = 0; i < 10_000; i++) {
                level = level.next = {};
            }
            const circular: any = { "detail-type": "Loop", detail: {} };
            circular.detail.self = circular.detail;
            const started = Date.now();
            for (const event of [huge, deep, circular]) {
                const { subject, message } = describeEvent(event);
                assert.ok(subject.includes("Unrecognized event"), subject);
                assert.ok(Buffer.byteLength(message, "utf8") <= maxMessageBytes);
            }
            assert.ok(Date.now() - started < 5000, "searching for ids is bounded");
        });

        it("treat detail types that name Object's own members as unknown", () => {
            for (const detailType of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
                const { subject } = describeEvent({ "detail-type": detailType, source: "aws.ssm", detail: {} });
                assert.strictEqual(subject, `[SSM] Unrecognized event: ${detailType}`);
            }
        });

        it("notify with the raw payload for malformed events", () => {
            for (const malformed of ["not an event", null, 42, [1, 2], { detail: "x" }]) {
                const { subject, message } = describeEvent(malformed);
                assert.strictEqual(subject, "[SSM notice] Malformed event received");
                assert.ok(message.endsWith(JSON.stringify(malformed, null, 2)), message);
            }
            const known = associationSample();
            known.detail = null;
            assert.strictEqual(
                describeEvent(known).subject,
                "[SSM us-east-2] Unrecognized event: EC2 State Manager Instance Association State Change",
            );
            const foreign = describeEvent({ "detail-type": "Order Placed", source: "com.example.shop", detail: {} });
            assert.strictEqual(foreign.subject, "[SSM notice] Unrecognized event: Order Placed");
        });
    });

    describe("the guarantees of every e-mail", () => {
        it("never throw on fields of the wrong type, in any describer", () => {
            for (const { event } of describedSamples()) {
                for (const wrong of [{ nested: true }, 7, ["a"], null, ""]) {
                    const broken = JSON.parse(JSON.stringify(event));
                    for (const key of Object.keys(broken.detail)) {
                        broken.detail[key] = wrong;
                    }
                    broken.region = wrong;
                    const { subject, message } = describeEvent(broken);
                    assertValidSubject(subject);
                    assert.ok(message.endsWith(JSON.stringify(broken, null, 2)));
                }
            }
            const circular: any = { "detail-type": "x" };
            circular.self = circular;
            assert.match(describeEvent(circular).message, /\[object Object\]$/);
        });

        it("keep subjects under 100 characters on one line whatever the event holds", () => {
            const event = associationSample();
            event.detail["document-name"] = `Doc\nwith\tcontrol\u0007characters-${"x".repeat(200)}`;
            const { subject } = describeEvent(event);
            assertValidSubject(subject);
            assert.ok(subject.endsWith("..."));
        });

        it("cut oversized fields in the summary and the raw event to fit the SNS message size limit", () => {
            for (const { event } of describedSamples()) {
                const oversized = JSON.parse(JSON.stringify(event));
                for (const key of Object.keys(oversized.detail)) {
                    oversized.detail[key] = "é".repeat(200_000);
                }
                const { subject, message } = describeEvent(oversized);
                assertValidSubject(subject);
                assert.ok(Buffer.byteLength(message, "utf8") <= maxMessageBytes);
                assert.ok(message.includes("Raw event (truncated to fit the SNS size limit):"));
                // Each value is cut to 1000 characters, so the raw event keeps most of the room.
                assert.ok(Buffer.byteLength(summaryOf(message), "utf8") < 64 * 1024, "summary fields are cut");
            }
        });

        it("publish exactly one notification per event and reject when publishing fails", async () => {
            const published: Notification[] = [];
            await notifyEvent(associationSample(), async n => {
                published.push(n);
            });
            assert.strictEqual(published.length, 1);
            await assert.rejects(
                notifyEvent(associationSample(), async () => {
                    throw new Error("SNS throttled");
                }),
                /SNS throttled/,
            );
        });

        it("never cut inside a surrogate pair, so that the SDK can always encode the request", () => {
            // The SDK URI-encodes Subject and Message; a lone surrogate makes that throw URIError
            // before sending, and the event would fail every retry and every redrive (issue 19, 8).
            for (const { event } of describedSamples()) {
                for (const lead of ["", "x"]) {
                    const emoji = JSON.parse(JSON.stringify(event));
                    for (const key of Object.keys(emoji.detail)) {
                        emoji.detail[key] = lead + "\u{1F525}".repeat(2000);
                    }
                    emoji.detail.planted = "half \uD83D of an emoji";
                    const { subject, message } = describeEvent(emoji);
                    assertValidSubject(subject);
                    assert.doesNotThrow(() => encodeURIComponent(subject));
                    assert.doesNotThrow(() => encodeURIComponent(message), "message encodes");
                }
            }
        });

        it("make subjects ASCII and keep the subject as written in the body", () => {
            const event = associationSample();
            event.detail["document-name"] = "Überprüfung-Café \u{1F525} “quoted”";
            const { subject, message } = describeEvent(event);
            assertValidSubject(subject);
            assert.match(subject, /^[\x20-\x7e]+$/);
            assert.ok(subject.includes(`Uberprufung-Cafe ? "quoted"`), subject);
            assert.strictEqual(
                linesOf(message)[0],
                "Subject: [SSM us-east-2] Überprüfung-Café \u{1F525} “quoted” Success on i-12345678",
            );
            // An ASCII subject leaves the body as it was.
            assert.ok(!describeEvent(associationSample()).message.startsWith("Subject:"));
        });

        it("link the console only for regions of the program's region list", () => {
            for (const region of ["evil.example/login#", "eu-west-1.evil.example", "mars-north-1"]) {
                for (const { event } of describedSamples()) {
                    const summary = summaryOf(describeEvent({ ...event, region }).message);
                    assert.ok(!summary.includes("https://"), `${region}: ${summary}`);
                }
            }
            const linked = summaryOf(describeEvent({ ...associationSample(), region: "eu-west-1" }).message);
            assert.ok(linked.includes("https://eu-west-1.console.aws.amazon.com/"), linked);
        });

        it("keep every field on its own line: line breaks and control characters cannot forge lines", () => {
            const forged =
                "web1\r\n\nRecovered:\u2028- i-0fffffffffffffff0 (ec2): see https://evil.example/login\u0085end";
            for (const { event } of describedSamples()) {
                const hostile = JSON.parse(JSON.stringify(event));
                for (const key of Object.keys(hostile.detail)) {
                    hostile.detail[key] = forged;
                }
                hostile["detail-type"] = `${hostile["detail-type"]}`;
                const lines = summaryOf(describeEvent(hostile).message).split(/\n|\u2028|\u2029|\u0085/);
                for (const line of lines) {
                    assert.ok(!/^\s*(Recovered:|- i-)/.test(line), `forged line: ${JSON.stringify(line)}`);
                }
            }
            const unknown = { "detail-type": "Made up\nRecovered:", source: "x", detail: {} };
            assert.ok(!summaryOf(describeEvent(unknown).message).split("\n").includes("Recovered:"));
        });

        it("send a plain ASCII fallback when SNS refuses a notice as written, and name both reasons when that fails too", async () => {
            const sent: Notification[] = [];
            await notifyEvent({ ...associationSample(), extra: "caf\u00e9 \u{1F525}" }, async n => {
                sent.push(n);
                if (sent.length === 1) {
                    throw Object.assign(new Error("Invalid parameter: Subject"), { name: "InvalidParameter" });
                }
            });
            assert.strictEqual(sent.length, 2);
            assert.strictEqual(sent[1].subject, "[SSM notice] Event could not be mailed as worded");
            assert.match(sent[1].message, /^[\x20-\x7e\n]+$/);
            assert.ok(sent[1].message.includes("InvalidParameter: Invalid parameter: Subject"));
            assert.ok(sent[1].message.includes("caf\\u00e9"));
            await assert.rejects(
                notifyEvent(associationSample(), async () => {
                    throw new URIError("URI malformed");
                }),
                /SNS refused the notice \(URIError: URI malformed\) and its plain fallback \(URIError: URI malformed\)/,
            );
            let calls = 0;
            await assert.rejects(
                notifyEvent(associationSample(), async () => {
                    calls++;
                    throw Object.assign(new Error("Rate exceeded"), { name: "Throttled" });
                }),
                /Rate exceeded/,
            );
            assert.strictEqual(calls, 1, "a throttled publish is left to Lambda's retries");
        });

        it("call a compliance recovery a recovery, and a loss a loss", () => {
            assert.ok(
                describeEvent(complianceChangeSample()).message.startsWith(
                    "Recovered: 123456789012 is COMPLIANT again with cloudtrail-enabled (was NON_COMPLIANT).",
                ),
            );
            const event = complianceChangeSample();
            Object.assign(event.detail, {
                configRuleName: "ec2-instance-managed-by-systems-manager",
                resourceType: "AWS::EC2::Instance",
                resourceId: "i-0abc1234def567890",
            });
            event.detail.newEvaluationResult.complianceType = "NON_COMPLIANT";
            event.detail.oldEvaluationResult.complianceType = "COMPLIANT";
            assert.strictEqual(
                describeEvent(event).subject,
                "[Config us-east-1] i-0abc1234def567890 NON_COMPLIANT: ec2-instance-managed-by-systems-manager",
            );
            assert.ok(describeEvent(event).message.includes("#InstanceDetails:instanceId=i-0abc1234def567890"));
        });
    });
});
