import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { availabilityZoneAt, isolatedSubnetCidrs } from "./subnetCidrs";

/** A VPC as the endpoints and the canary use it, created here or adopted. */
export interface VpcNetwork {
    readonly vpcId: pulumi.Output<string>;
    readonly cidrBlock: pulumi.Output<string>;
    /** One subnet per availability zone. */
    readonly subnetIds: pulumi.Output<string>[];
    /** The route tables of the managed nodes' subnets. */
    readonly routeTableIds: pulumi.Output<string>[];
}

/** A VPC someone else owns, described by stack configuration. */
export interface AdoptedVpcArgs {
    readonly vpcId: string;
    readonly cidrBlock: string;
    readonly subnets: readonly { readonly id: string; readonly availabilityZone: string }[];
    readonly routeTableIds: readonly string[];
}

/** The adopted VPC as a network; it registers nothing. */
export function adoptedVpc(args: AdoptedVpcArgs): VpcNetwork {
    return {
        vpcId: pulumi.output(args.vpcId),
        cidrBlock: pulumi.output(args.cidrBlock),
        subnetIds: args.subnets.map(subnet => pulumi.output(subnet.id)),
        routeTableIds: args.routeTableIds.map(id => pulumi.output(id)),
    };
}

export interface ClosedVpcArgs {
    readonly cidrBlock: string;
    readonly availabilityZoneCount: number;
}

/**
 * A VPC with no path to the internet: isolated subnets only (one per availability zone, one
 * route table with nothing but the local route), no internet gateway, no NAT, and a default
 * security group stripped of its rules. DNS support and hostnames are on, as the endpoints'
 * private DNS requires. (awsx.ec2.Vpc always adds an internet gateway, hence plain resources.)
 */
export class ClosedVpc extends pulumi.ComponentResource implements VpcNetwork {
    public readonly vpcId: pulumi.Output<string>;
    public readonly cidrBlock: pulumi.Output<string>;
    public readonly subnetIds: pulumi.Output<string>[];
    public readonly routeTableIds: pulumi.Output<string>[];

    constructor(name: string, args: ClosedVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:ClosedVpc", name, {}, opts);
        const child = { parent: this };

        const zones = aws.getAvailabilityZonesOutput(
            {
                state: "available",
                // Regular zones only: Local and Wavelength Zones have no SSM endpoints.
                filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
            },
            child,
        );
        const vpc = new aws.ec2.Vpc(
            name,
            {
                cidrBlock: args.cidrBlock,
                enableDnsSupport: true,
                enableDnsHostnames: true,
                tags: { Name: name },
            },
            child,
        );
        new aws.ec2.DefaultSecurityGroup(
            `${name}-default-sg`,
            { vpcId: vpc.id, tags: { Name: `${name}-default-unused` } },
            child,
        );
        const routeTable = new aws.ec2.RouteTable(
            `${name}-isolated`,
            { vpcId: vpc.id, tags: { Name: `${name}-isolated` } },
            child,
        );

        this.subnetIds = isolatedSubnetCidrs(args.cidrBlock, args.availabilityZoneCount).map((cidrBlock, i) => {
            const subnetName = `${name}-isolated-${i + 1}`;
            const subnet = new aws.ec2.Subnet(
                subnetName,
                {
                    vpcId: vpc.id,
                    cidrBlock,
                    availabilityZone: zones.names.apply(names =>
                        availabilityZoneAt(names, i, args.availabilityZoneCount),
                    ),
                    mapPublicIpOnLaunch: false,
                    tags: { Name: subnetName },
                },
                child,
            );
            new aws.ec2.RouteTableAssociation(subnetName, { subnetId: subnet.id, routeTableId: routeTable.id }, child);
            return subnet.id;
        });
        this.vpcId = vpc.id;
        this.cidrBlock = vpc.cidrBlock;
        this.routeTableIds = [routeTable.id];
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, routeTableIds: this.routeTableIds });
    }
}
