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
