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

/** The internet, as network ACL rules name it. The VPC has no IPv6 block, so no ::/0 rule is needed. */
const anywhere = "0.0.0.0/0";

/**
 * The default network ACL's rules: everything within the VPC (security groups decide there,
 * including HTTPS between zones to the endpoints), and from outside only TCP return traffic on
 * the ephemeral ports 1024-65535, because the S3 gateway endpoint's responses come from public S3
 * addresses. That range is split around 3389 so that no rule admitting 0.0.0.0/0 spans an
 * administration port (22 is below it): CIS 5.1/5.2 and the scanners that implement it flag a
 * spanning allow even behind a deny. Outbound beyond the VPC is HTTPS and HTTP (Amazon Linux 2
 * repositories) to S3 through the gateway endpoint, the only route out.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-21
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
 */
export function defaultAclRules(vpcCidr: pulumi.Input<string>) {
    const withinVpc = { protocol: "-1", action: "allow", cidrBlock: vpcCidr, fromPort: 0, toPort: 0 };
    const tcpFromAnywhere = (ruleNo: number, fromPort: number, toPort: number) => ({
        ruleNo,
        protocol: "tcp",
        action: "allow",
        cidrBlock: anywhere,
        fromPort,
        toPort,
    });
    return {
        ingress: [{ ruleNo: 100, ...withinVpc }, tcpFromAnywhere(110, 1024, 3388), tcpFromAnywhere(120, 3390, 65535)],
        egress: [{ ruleNo: 100, ...withinVpc }, tcpFromAnywhere(110, 443, 443), tcpFromAnywhere(120, 80, 80)],
    };
}

/**
 * A VPC with no path to the internet: isolated subnets only (one per availability zone, one
 * route table with nothing but the local route), no internet gateway, no NAT, a default
 * security group stripped of its rules, and the default network ACL taken over with rules that
 * admit nothing from the internet to an administration port. DNS support and hostnames are on,
 * as the endpoints' private DNS requires. (awsx.ec2.Vpc always adds an internet gateway, hence
 * plain resources.)
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
        // Taking the default ACL over replaces AWS's allow-everything rules; the subnets stay on it.
        new aws.ec2.DefaultNetworkAcl(
            `${name}-default-acl`,
            {
                defaultNetworkAclId: vpc.defaultNetworkAclId,
                subnetIds: this.subnetIds,
                ...defaultAclRules(vpc.cidrBlock),
                tags: { Name: `${name}-default` },
            },
            child,
        );
        this.vpcId = vpc.id;
        this.cidrBlock = vpc.cidrBlock;
        this.routeTableIds = [routeTable.id];
        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, routeTableIds: this.routeTableIds });
    }
}
