// Official AWS sample events, copied unchanged into test/fixtures/events (its README gives each source).
import * as fs from "fs";
import * as path from "path";
import { healthEventDetailType, healthEventSource } from "../aws/events";
import type { Transition } from "../components/healthWatch/lambda/nodeHealth";
import { projectRoot } from "./synthesize";

const eventsDir = path.join(projectRoot, "test", "fixtures", "events");

export function loadFixture(file: string): any {
    return JSON.parse(fs.readFileSync(path.join(eventsDir, file), "utf8"));
}

/** "EC2 State Manager Instance Association State Change", SSM User Guide monitoring-systems-manager-event-examples. */
export const associationSample = () => loadFixture("ssm-state-manager-instance-association-state-change.json");

/** "EC2 State Manager Association State Change": the association as a whole, with its status counts (same AWS page). */
export const associationSummarySample = () => loadFixture("ssm-state-manager-association-state-change.json");

/**
 * AWS documents no full EventBridge sample of "Config Rules Compliance Change" (fixtures README):
 * this joins the documented envelope (monitor-config-with-cloudwatchevents, with resources []) to
 * the documented SNS notification's Message, which carries the fields of the event's detail.
 */
export function complianceChangeSample(): any {
    const notification = loadFixture("config-compliance-change-sns-notification.json");
    const template = fs.readFileSync(path.join(eventsDir, "config-eventbridge-event-format.template.txt"), "utf8");
    const envelope = JSON.parse(
        template
            .replace(/\[\s*resources\s*\]/, "[]")
            .replace(/"detail":\s*\{\s*specific message type\s*\}/, '"detail": {}'),
    );
    return { ...envelope, "detail-type": "Config Rules Compliance Change", detail: notification.Message };
}

/**
 * This program's own "Managed Node Health Change" event, which AWS prints no sample of: the detail
 * components/healthWatch/lambda/healthSweep.ts puts (a Transition, plus the diagnosis it started, if any) in the envelope
 * EventBridge gives every event (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html).
 */
export function healthChangeSample(change: Partial<Transition> & { diagnosis?: string } = {}): any {
    const transition: Transition = {
        nodeId: "i-0abc1234def567890",
        kind: "ec2",
        change: "unhealthy",
        status: "connection-lost",
        previous: "online",
        detail: "ping ConnectionLost, last ping 2024-05-01T11:40:00.000Z, agent 3.3.1142.0",
    };
    return {
        version: "0",
        id: "3b7f3f4e-5a1c-4d39-9a57-0c1d2e3f4a5b",
        "detail-type": healthEventDetailType,
        source: healthEventSource,
        account: "123456789012",
        time: "2024-05-01T12:00:00Z",
        region: "eu-west-1",
        resources: [],
        detail: { ...transition, ...change },
    };
}

/**
 * One sample of every kind of event the notifier words: AWS's official samples unchanged (their
 * file names), and the two that AWS prints none of, built from documented fields.
 */
export function describedSamples(): { name: string; event: any }[] {
    const official = [
        "ssm-state-manager-instance-association-state-change.json",
        "ssm-state-manager-association-state-change.json",
        "ssm-run-command-status-change.json",
        "ssm-run-command-invocation-status-change.json",
        "ssm-automation-execution-status-change.json",
        "ssm-automation-step-status-change.json",
        "ssm-compliance-association-compliant.json",
        "ssm-compliance-association-non-compliant.json",
        "ssm-compliance-patch-compliant.json",
        "ssm-compliance-patch-non-compliant.json",
        "ssm-maintenance-window-state-change.json",
        "ssm-maintenance-window-target-registration.json",
        "ssm-maintenance-window-execution-state-change.json",
        "ssm-maintenance-window-task-execution-state-change.json",
        "ssm-maintenance-window-task-target-invocation-state-change.json",
        "ec2-instance-state-change.json",
    ];
    return [
        ...official.map(name => ({ name, event: loadFixture(name) })),
        { name: "Config Rules Compliance Change (composed)", event: complianceChangeSample() },
        { name: "Managed Node Health Change (this program's)", event: healthChangeSample() },
    ];
}
/** "EC2 Automation Execution Status-change Notification", of the runbook runcommand1 (same AWS page). */
export const automationExecutionSample = () => loadFixture("ssm-automation-execution-status-change.json");

/** "EC2 Automation Step Status-change Notification", a step of the same execution. */
export const automationStepSample = () => loadFixture("ssm-automation-step-status-change.json");

/** "Configuration Compliance State Change" samples (same AWS page); the compliant one's source is AWS's typo aws.123456789012. */
export const patchNonCompliantSample = () => loadFixture("ssm-compliance-patch-non-compliant.json");
export const patchCompliantSample = () => loadFixture("ssm-compliance-patch-compliant.json");
export const associationNonCompliantSample = () => loadFixture("ssm-compliance-association-non-compliant.json");

/** "Maintenance Window Execution State-change Notification" (TIMED_OUT) and one of its task executions (same AWS page). */
export const windowExecutionSample = () => loadFixture("ssm-maintenance-window-execution-state-change.json");
export const windowTaskExecutionSample = () => loadFixture("ssm-maintenance-window-task-execution-state-change.json");

/** "Maintenance Window Task Target Invocation State-change Notification" (TIMED_OUT): a task on one target (same AWS page). */
export const windowTargetInvocationSample = () =>
    loadFixture("ssm-maintenance-window-task-target-invocation-state-change.json");

const tamperDir = path.join(projectRoot, "test", "fixtures", "tamper");

/** The CloudTrail records of test/fixtures/tamper (official and derived; its README says which). */
export function tamperRecords(): { file: string; record: any }[] {
    return fs
        .readdirSync(tamperDir)
        .filter(file => file.endsWith(".json"))
        .sort()
        .map(file => ({ file, record: JSON.parse(fs.readFileSync(path.join(tamperDir, file), "utf8")) }));
}

/**
 * A CloudTrail record as EventBridge delivers it: "AWS API Call via CloudTrail" from aws.<service>,
 * the record as detail (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 */
export function cloudTrailEvent(record: any): any {
    return {
        version: "0",
        id: "6f87d04b-9f74-4f04-a780-7acf4b0a9b38",
        "detail-type": "AWS API Call via CloudTrail",
        source: `aws.${String(record.eventSource).replace(/\.amazonaws\.com$/, "")}`,
        account: record.recipientAccountId,
        time: record.eventTime,
        region: record.awsRegion,
        resources: [],
        detail: record,
    };
}
