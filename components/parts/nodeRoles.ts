// The roles managed nodes run with, and how each gets to write what its nodes upload. Associations
// that target every node reach EC2 instances (the DHMC role) and hybrid servers (the activation's
// role) alike, and the agent uploads with the node's own credentials.
//
// The DHMC role is one per account and every Region stack of the account uses it, so nothing a
// Region stack grants may grow the role: IAM caps a role's inline policies at 10,240 characters in
// all (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). Each Region's
// buckets therefore admit the node roles in their bucket policies (within one account a
// resource-based policy needs no identity-based policy beside it:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/security_iam_service-with-iam.html), the
// session key's policy names them, and the one grant that only IAM can give, writing to log
// groups (a log group's resource policy is not enforced for IAM roles:
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html),
// is written once by the role's owner, for the baseline's session log groups of every Region.
import * as pulumi from "@pulumi/pulumi";
import { Statement } from "./policyDocuments";

/** A role whose credentials managed nodes run with. */
export interface NodeRole {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
    /**
     * Shared by every Region stack of the account (the DHMC role): its owner writes its log-group
     * grant once (`nodeSessionLogPolicy`), and Region stacks add no policy to it.
     */
    readonly accountWide?: boolean;
}

/** The roles nodes run with, keyed by a short name used in the names of their policies. */
export type NodeRoles = Readonly<Record<string, NodeRole>>;

/** The DHMC role's key in `NodeRoles`. */
export const dhmcNodeRoleKey = "dhmc";

/** A bucket-policy statement letting every node role do `action` on `resource`. */
export function nodeRolesMay(
    nodeRoles: NodeRoles,
    action: string,
    resource: pulumi.Input<string> | pulumi.Input<string>[],
): Statement {
    return {
        Effect: "Allow",
        Principal: { AWS: Object.values(nodeRoles).map(role => role.arn) },
        Action: action,
        Resource: resource,
    };
}

/** The session log group of a stack: fixed, so that the key policy can name it before it exists. */
export function sessionLogGroupName(project: string, stack: string): string {
    return `/${project}/${stack}/sessions`;
}

/**
 * The policy a node role needs to stream session logs (AWS's list for CloudWatch logging), on the
 * session log group of `stack` in `region`; with "*" for both, on those of every stack of the
 * project in every Region of the account, in the same two statements whatever the number of
 * Regions. DescribeLogGroups is evaluated against all of a Region's log groups, never one group,
 * so that is its narrowest resource. Pure: the fleet's size arithmetic measures it.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
 */
export function nodeSessionLogPolicy(
    partition: string,
    accountId: string,
    project: string,
    stack: string,
    region: string,
): string {
    const logGroups = `arn:${partition}:logs:${region}:${accountId}:log-group:`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: `${logGroups}${sessionLogGroupName(project, stack)}:*`,
            },
            { Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: `${logGroups}*` },
        ],
    });
}
