// AWS Management Console links for the e-mails. Pure: serialized into the handlers.
import { partitionOf } from "./partition";

/** The console origin for a region, e.g. https://eu-west-1.console.aws.amazon.com. */
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

/** The console page of a node: EC2's for instances, Fleet Manager's for hybrid (mi-) nodes. */
export function nodeConsoleUrl(region: string, nodeId: string): string | undefined {
    if (nodeId.startsWith("i-")) {
        return consoleUrl(region, "/ec2/home", `#InstanceDetails:instanceId=${nodeId}`);
    }
    if (nodeId.startsWith("mi-")) {
        return consoleUrl(region, `/systems-manager/fleet-manager/managed-nodes/${nodeId}/general`);
    }
    return undefined;
}

/** The console page of an Automation execution. */
export function automationExecutionUrl(region: string, executionId: string): string {
    return consoleUrl(region, `/systems-manager/automation/execution/${executionId}`);
}
