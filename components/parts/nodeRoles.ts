// The roles managed nodes run with, and the inline policies that let each of them write what its
// nodes upload. Associations that target every node reach EC2 instances (the DHMC role) and hybrid
// servers (the activation's role) alike, and the agent uploads with the node's own credentials.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A role whose credentials managed nodes run with. */
export interface NodeRole {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
}

/** The roles nodes run with, keyed by a short name used in the names of their policies. */
export type NodeRoles = Readonly<Record<string, NodeRole>>;

/** The DHMC role's key in `NodeRoles`. */
export const dhmcNodeRoleKey = "dhmc";

/**
 * One inline policy per node role granting `policy`. The DHMC role's keeps the name it had when it
 * was the only node role (`<name>-output-write`): a new name would replace it in deployed stacks.
 */
export function outputWriteGrants(
    name: string,
    nodeRoles: NodeRoles,
    policy: pulumi.Input<string>,
    parent: pulumi.Resource,
): aws.iam.RolePolicy[] {
    return Object.entries(nodeRoles).map(
        ([key, role]) =>
            new aws.iam.RolePolicy(
                key === dhmcNodeRoleKey ? `${name}-output-write` : `${name}-${key}-output-write`,
                { role: role.name, policy },
                { parent },
            ),
    );
}
