// AWS Management Console links for the e-mails. Pure: serialized into the handlers.
//
// AWS documents console origins but not the paths of the pages below them. Each path says where
// its form comes from; the ones marked unverified were seen only in public tools and scripts,
// never in AWS documentation. A stale path still lands in the right console and region. Ids are
// encoded: they are AWS-generated, but a malformed event must not bend the link.
import { partitionOf } from "./partition";

/**
 * The console origin for a region, e.g. https://eu-west-1.console.aws.amazon.com. AWS documentation
 * links regional consoles in these three forms, one per partition (the Amazon ECS-optimized AMI
 * tables: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-optimized_AMI.html).
 */
function consoleOrigin(region: string): string {
    switch (partitionOf(region)) {
        case "aws-cn":
            return `https://${region}.console.amazonaws.cn`;
        case "aws-us-gov":
            return `https://${region}.console.amazonaws-us-gov.com`;
        default:
            return `https://${region}.console.aws.amazon.com`;
    }
}

/** A console page in the region: path below the origin, with the region query and an optional fragment. */
export function consoleUrl(region: string, path: string, fragment = ""): string {
    return `${consoleOrigin(region)}${path}?region=${region}${fragment}`;
}

/**
 * The console page of a node: EC2's for instances, Fleet Manager's for hybrid (mi-) nodes.
 * Unverified forms: EC2's InstanceDetails fragment is common in public tools; the Fleet Manager path
 * was seen in one.
 */
export function nodeConsoleUrl(region: string, nodeId: string): string | undefined {
    if (nodeId.startsWith("i-")) {
        return consoleUrl(region, "/ec2/home", `#InstanceDetails:instanceId=${encodeURIComponent(nodeId)}`);
    }
    if (nodeId.startsWith("mi-")) {
        return consoleUrl(region, `/systems-manager/fleet-manager/managed-nodes/${encodeURIComponent(nodeId)}/general`);
    }
    return undefined;
}

/** The console page of an Automation execution, with its steps and outputs. Unverified form (public tools). */
export function automationExecutionUrl(region: string, executionId: string): string {
    return consoleUrl(region, `/systems-manager/automation/execution/${encodeURIComponent(executionId)}`);
}

/** A State Manager association's page, with its execution history. Unverified form (public tools). */
export function associationUrl(region: string, associationId: string): string {
    return consoleUrl(region, `/systems-manager/state-manager/${encodeURIComponent(associationId)}/description`);
}

/** A Run Command's page, with each node's status and output. Unverified form (one public tool). */
export function commandUrl(region: string, commandId: string): string {
    return consoleUrl(region, `/systems-manager/run-command/${encodeURIComponent(commandId)}`);
}

/** A maintenance window's page: its targets, tasks and schedule. Unverified form (public tools). */
export function maintenanceWindowUrl(region: string, windowId: string): string {
    return consoleUrl(region, `/systems-manager/maintenance-windows/${encodeURIComponent(windowId)}/description`);
}

/** A maintenance window's history: its runs, their tasks and each target's result. Unverified form (public tools). */
export function maintenanceWindowHistoryUrl(region: string, windowId: string): string {
    return consoleUrl(region, `/systems-manager/maintenance-windows/${encodeURIComponent(windowId)}/history`);
}

/**
 * Systems Manager's Compliance page (association and patch compliance of every node). AWS links it:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-quick-setup.html
 */
export function nodeComplianceUrl(region: string): string {
    return consoleUrl(region, "/systems-manager/compliance");
}

/** An AWS Config rule's page, with the resources it evaluates. Unverified form (public tools). */
export function configRuleUrl(region: string, ruleName: string): string {
    return consoleUrl(region, "/config/home", `#/rules/details?configRuleName=${encodeURIComponent(ruleName)}`);
}
