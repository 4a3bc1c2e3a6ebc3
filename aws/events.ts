// EventBridge sources and detail types: the ones AWS services emit that the notifier describes,
// and the one this program emits itself. Pure: used by the components' event patterns and
// serialized into the notifier.

/**
 * A State Manager association's result on one node.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 */
export const associationStateChangeDetailType = "EC2 State Manager Instance Association State Change";

/**
 * An AWS Config rule's compliance change of one resource.
 * https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
 */
export const complianceChangeDetailType = "Config Rules Compliance Change";

/** This program's own events: one per node whose health changed (handlers/healthSweep.ts). */
export const healthEventSource = "ssm-fleet-baseline";
export const healthEventDetailType = "Managed Node Health Change";

/**
 * A node's patch or association compliance changed; kebab-case detail keys, and in AWS's samples
 * the status is lower-case (non_compliant) where the API's enum is upper-case.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 */
export const complianceStateChangeDetailType = "Configuration Compliance State Change";

/** A maintenance window execution's status changed (same page); its task-level events have their own detail types. */
export const maintenanceWindowExecutionDetailType = "Maintenance Window Execution State-change Notification";

/** An Automation execution's status changed (same page); PascalCase detail keys (Definition, Status, ExecutionId). */
export const automationExecutionDetailType = "EC2 Automation Execution Status-change Notification";
