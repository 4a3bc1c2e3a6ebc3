// Official AWS sample events, copied unchanged into test/fixtures/events (its README gives each source).
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./program";

const eventsDir = path.join(projectRoot, "test", "fixtures", "events");

export function loadFixture(file: string): any {
    return JSON.parse(fs.readFileSync(path.join(eventsDir, file), "utf8"));
}

/** "EC2 State Manager Instance Association State Change", SSM User Guide monitoring-systems-manager-event-examples. */
export const associationSample = () => loadFixture("ssm-state-manager-instance-association-state-change.json");

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
