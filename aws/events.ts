// EventBridge sources and detail types: the ones AWS services emit that the notifier describes,
// and the one this program emits itself, each declared once under the name of its detail type.
// Pure: used by the components' event patterns and serialized into the notifier.

// Systems Manager's events come from source aws.ssm; the page prints a sample of each:
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
export const ssmEventSource = "aws.ssm";

/** A State Manager association's result on one node (kebab-case detail: instance-id, document-name, status). */
export const associationStateChangeDetailType = "EC2 State Manager Instance Association State Change";
/** A State Manager association as a whole, with its status counts across the targets. */
export const associationSummaryStateChangeDetailType = "EC2 State Manager Association State Change";
/** A Run Command as a whole (command-id, document-name, status). */
export const commandStatusChangeDetailType = "EC2 Command Status-change Notification";
/** One node's result of a Run Command (adds instance-id). */
export const commandInvocationStatusChangeDetailType = "EC2 Command Invocation Status-change Notification";
/** An Automation execution (PascalCase detail: ExecutionId, Definition, Status). */
export const automationExecutionStatusChangeDetailType = "EC2 Automation Execution Status-change Notification";
/** One step of an Automation execution (adds StepName and Action). */
export const automationStepStatusChangeDetailType = "EC2 Automation Step Status-change Notification";
/**
 * A node's compliance with its associations or its patch baseline (compliance-type Association or
 * Patch). The samples carry compliance-status and severity in lower case, the API in upper case.
 */
export const nodeComplianceStateChangeDetailType = "Configuration Compliance State Change";
/** A maintenance window enabled or disabled. */
export const maintenanceWindowStateChangeDetailType = "Maintenance Window State-change Notification";
/** A target registered with or deregistered from a maintenance window. */
export const maintenanceWindowTargetRegistrationDetailType = "Maintenance Window Target Registration Notification";
/** One run of a maintenance window (window-execution-id). */
export const maintenanceWindowExecutionStateChangeDetailType = "Maintenance Window Execution State-change Notification";
/** One task of a window run (adds task-execution-id). */
export const maintenanceWindowTaskExecutionStateChangeDetailType =
    "Maintenance Window Task Execution State-change Notification";
/** One task on one registered target of a window run (adds window-target-id and owner-information). */
export const maintenanceWindowTaskTargetInvocationStateChangeDetailType =
    "Maintenance Window Task Target Invocation State-change Notification";

// EC2's instance lifecycle, from source aws.ec2:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
export const ec2EventSource = "aws.ec2";
/** An instance entered a state: pending, running, stopping, stopped, shutting-down or terminated. */
export const instanceStateChangeDetailType = "EC2 Instance State-change Notification";

// AWS Config, from source aws.config:
// https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
export const configEventSource = "aws.config";
/** An AWS Config rule's compliance change of one resource. */
export const complianceChangeDetailType = "Config Rules Compliance Change";

/** This program's own events: one per node whose health changed (the health watch's sweep). */
export const healthEventSource = "ssm-fleet-baseline";
export const healthEventDetailType = "Managed Node Health Change";

/**
 * A CloudTrail management event as EventBridge delivers it: the source is the called service's
 * (aws.ssm, aws.ec2, aws.iam...), the detail the CloudTrail record. Delivered only where a trail
 * logs management events in the Region; rules in state ENABLED receive no read-only calls; IAM's
 * arrive in us-east-1 only.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export const cloudTrailApiCallDetailType = "AWS API Call via CloudTrail";
