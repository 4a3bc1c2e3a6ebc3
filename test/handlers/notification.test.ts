import * as assert from "assert";
import { describeEvent, maxMessageBytes, Notification, notifyEvent } from "../../handlers/notification";
import { associationSample, complianceChangeSample } from "../support/fixtures";

/** SNS rejects subjects of 100 characters or more, or with line breaks or control characters. */
function assertValidSubject(subject: string) {
    assert.ok(subject.length > 0 && subject.length < 100, `subject length ${subject.length}: ${subject}`);
    // eslint-disable-next-line no-control-regex -- control characters are what SNS rejects
    assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(subject), `control character in ${JSON.stringify(subject)}`);
}

describe("notification e-mails", () => {
    it("summarise an association result with node, association, document, status, output and links", () => {
        const { subject, message } = describeEvent(associationSample());
        assert.strictEqual(subject, "[SSM us-east-2] my-custom-document Success on i-12345678");
        assertValidSubject(subject);
        for (const line of [
            "Node:               i-12345678",
            "Association:        34fcb7e0-9a14-4984-9989-0e04e3f60bd8",
            "Document:           my-custom-document (version 1)",
            "Status:             Success",
            "Error:              testErrorCode",
            "Execution summary:  testExecutionSummary",
            "Output:             sampleurl",
            "Account / region:   123456789012 / us-east-2",
            "Association console: https://us-east-2.console.aws.amazon.com/systems-manager/state-manager/34fcb7e0-9a14-4984-9989-0e04e3f60bd8/description?region=us-east-2",
        ]) {
            assert.ok(
                message.split("\n").some(l => l.replace(/\s+/g, " ") === line.replace(/\s+/g, " ")),
                `missing line ${line} in\n${message}`,
            );
        }
        assert.ok(
            message.includes(
                "https://us-east-2.console.aws.amazon.com/ec2/home?region=us-east-2#InstanceDetails:instanceId=i-12345678",
            ),
        );
        assert.ok(!message.includes("Detailed status"), "empty fields are left out");
    });

    it("end every message with the raw event", () => {
        const event = associationSample();
        const { message } = describeEvent(event);
        assert.ok(message.endsWith(`Raw event:\n${JSON.stringify(event, null, 2)}`));
    });

    it("call a compliance recovery a recovery", () => {
        const { subject, message } = describeEvent(complianceChangeSample());
        assert.strictEqual(subject, "[Config us-east-1] 123456789012 COMPLIANT again: cloudtrail-enabled");
        assert.ok(
            message.startsWith(
                "Recovered: 123456789012 is COMPLIANT again with cloudtrail-enabled (was NON_COMPLIANT).",
            ),
            message,
        );
        assert.ok(message.includes("Compliance:       COMPLIANT (was NON_COMPLIANT)"), message);
        assert.ok(message.includes("#/rules/details?configRuleName=cloudtrail-enabled"));
    });

    it("name the node that stopped being managed", () => {
        const event = complianceChangeSample();
        Object.assign(event.detail, {
            configRuleName: "ec2-instance-managed-by-systems-manager",
            resourceType: "AWS::EC2::Instance",
            resourceId: "i-0abc1234def567890",
        });
        event.detail.newEvaluationResult.complianceType = "NON_COMPLIANT";
        event.detail.oldEvaluationResult.complianceType = "COMPLIANT";
        const { subject, message } = describeEvent(event);
        assert.strictEqual(
            subject,
            "[Config us-east-1] i-0abc1234def567890 NON_COMPLIANT: ec2-instance-managed-by-systems-manager",
        );
        event.region = "ap-southeast-2";
        assert.ok(!describeEvent(event).subject.endsWith("..."), "the whole rule name fits with a long region name");
        assert.ok(message.includes("Resource:         AWS::EC2::Instance i-0abc1234def567890"));
        assert.ok(message.includes("#InstanceDetails:instanceId=i-0abc1234def567890"));
    });

    it("keep subjects under 100 characters on one line whatever the event holds", () => {
        const event = associationSample();
        event.detail["document-name"] = `Doc\nwith\tcontrol\u0007characters-${"x".repeat(200)}`;
        const { subject } = describeEvent(event);
        assertValidSubject(subject);
        assert.ok(subject.endsWith("..."));
    });

    it("still notify, with the raw payload, for unknown and malformed events", () => {
        const unknown = describeEvent({
            "detail-type": "EC2 Instance State-change Notification",
            source: "aws.ec2",
            detail: { state: "running" },
        });
        assert.strictEqual(unknown.subject, "[SSM notice] Unrecognized event: EC2 Instance State-change Notification");
        assert.ok(unknown.message.includes('"state": "running"'));
        for (const malformed of ["not an event", null, 42, [1, 2], { detail: "x" }]) {
            const { subject, message } = describeEvent(malformed);
            assert.strictEqual(subject, "[SSM notice] Malformed event received");
            assert.ok(message.endsWith(JSON.stringify(malformed, null, 2)), message);
        }
        const known = associationSample();
        known.detail = null;
        assert.strictEqual(
            describeEvent(known).subject,
            "[SSM notice] Unrecognized event: EC2 State Manager Instance Association State Change",
        );
    });

    it("never throws on fields of the wrong type", () => {
        const event = associationSample();
        event.detail["instance-id"] = { nested: true };
        event.detail.status = 7;
        event.region = ["us-east-2"];
        const { subject } = describeEvent(event);
        assertValidSubject(subject);
        const circular: any = { "detail-type": "x" };
        circular.self = circular;
        assert.match(describeEvent(circular).message, /\[object Object\]$/);
    });

    it("truncate the raw event to fit the SNS message size limit", () => {
        const event = associationSample();
        event.detail["execution-summary"] = "é".repeat(200_000);
        const { message } = describeEvent(event);
        assert.ok(Buffer.byteLength(message, "utf8") <= maxMessageBytes);
        assert.ok(message.includes("Raw event (truncated to fit the SNS size limit):"));
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
});
