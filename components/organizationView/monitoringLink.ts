import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { sharedResourceTypes } from "./observabilityAccess";

export interface MonitoringLinkArgs {
    /** The monitoring account's sink in this cell's Region (fleet.yaml's monitoring; the rollout hands it over). */
    readonly sinkArn: string;
}

/**
 * The cell's side of the organization view: an OAM link sharing the cell's metrics and log groups
 * with the monitoring account's sink in the same Region. Links are managed by the source account.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html
 * https://docs.aws.amazon.com/OAM/latest/APIReference/API_CreateLink.html
 */
export class MonitoringLink extends pulumi.ComponentResource {
    public readonly linkArn: pulumi.Output<string>;

    constructor(name: string, args: MonitoringLinkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:MonitoringLink", name, {}, opts);
        const link = new aws.oam.Link(
            `${name}-link`,
            {
                sinkIdentifier: args.sinkArn,
                resourceTypes: [...sharedResourceTypes],
                // How the monitoring account's console names this account: its account name (CreateLink LabelTemplate).
                labelTemplate: "$AccountName",
            },
            { parent: this },
        );
        this.linkArn = link.arn;
        this.registerOutputs({ linkArn: this.linkArn });
    }
}
