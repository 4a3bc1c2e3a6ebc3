// Endpoint facts: aws-facts §4.1 (service names, ec2messages only for agents before 3.3.40.0),
// §4.2 (Interface type and private DNS must be set explicitly; S3 prefix list; gateway on route tables).
import * as assert from "assert";
import { ClosedVpc } from "../../components/closedVpc";
import { SsmEndpoints } from "../../components/ssmEndpoints";
import { availabilityZoneAt, isolatedSubnetCidrs } from "../../components/subnetCidrs";
import { standInS3PrefixListId, standInZones } from "../../harness/standIns";
import { underMocks, valueOf } from "../support/program";

const endpointArgs = {
    region: "eu-west-1",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidrBlock: "10.0.0.0/16",
    subnetIds: ["subnet-a", "subnet-b"],
    routeTableIds: ["rtb-a"],
};

describe("closed VPC", () => {
    it("cuts one isolated subnet per zone, leaving room for more zones", () => {
        assert.deepStrictEqual(isolatedSubnetCidrs("10.42.0.0/16", 1), ["10.42.0.0/18"]);
        assert.deepStrictEqual(isolatedSubnetCidrs("10.42.0.0/16", 3), [
            "10.42.0.0/18",
            "10.42.64.0/18",
            "10.42.128.0/18",
        ]);
        assert.deepStrictEqual(isolatedSubnetCidrs("10.42.0.0/16", 6), [
            "10.42.0.0/19",
            "10.42.32.0/19",
            "10.42.64.0/19",
            "10.42.96.0/19",
            "10.42.128.0/19",
            "10.42.160.0/19",
        ]);
        assert.deepStrictEqual(isolatedSubnetCidrs("192.168.10.0/24", 2), ["192.168.10.0/26", "192.168.10.64/26"]);
        assert.throws(() => isolatedSubnetCidrs("10.42.0.0/26", 6), /too small for 6 subnets/);
    });

    it("fails clearly when the region has fewer zones than configured", () => {
        const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
        assert.strictEqual(availabilityZoneAt(zones, 2, 3), "eu-west-1c");
        assert.throws(
            () => availabilityZoneAt(zones, 0, 4),
            /ssm-fleet-baseline:availabilityZoneCount is 4, but the region has only 3 available zones/,
        );
    });

    it("has DNS on, isolated subnets in distinct zones, and no route out", async () => {
        const { mocks, result } = await underMocks(
            {},
            () => new ClosedVpc("vpc", { cidrBlock: "10.42.0.0/16", availabilityZoneCount: 3 }),
        );
        const vpc = mocks.named("vpc").inputs;
        assert.deepStrictEqual([vpc.enableDnsSupport, vpc.enableDnsHostnames], [true, true]);
        const subnets = mocks.ofType("aws:ec2/subnet:Subnet").map(s => s.inputs);
        assert.deepStrictEqual(
            subnets.map(s => s.availabilityZone),
            standInZones("eu-west-1").slice(0, 3),
        );
        assert.ok(subnets.every(s => s.mapPublicIpOnLaunch === false));
        assert.strictEqual(mocks.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").length, 3);
        for (const type of [
            "aws:ec2/internetGateway:InternetGateway",
            "aws:ec2/natGateway:NatGateway",
            "aws:ec2/eip:Eip",
            "aws:ec2/route:Route",
        ]) {
            assert.deepStrictEqual(mocks.ofType(type), [], type);
        }
        assert.deepStrictEqual(mocks.named("vpc-isolated").inputs.route, undefined);
        const defaultGroup = mocks.named("vpc-default-sg").inputs;
        assert.deepStrictEqual(
            [defaultGroup.ingress, defaultGroup.egress],
            [undefined, undefined],
            "the default group keeps no rules",
        );
        assert.deepStrictEqual(await valueOf(result.subnetIds), [
            "vpc-isolated-1-id",
            "vpc-isolated-2-id",
            "vpc-isolated-3-id",
        ]);
        const zonesQuery = mocks.invokes.find(i => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones");
        assert.deepStrictEqual(zonesQuery?.inputs.filters, [
            { name: "opt-in-status", values: ["opt-in-not-required"] },
        ]);
    });
});

describe("SSM endpoints", () => {
    it("creates ssm and ssmmessages interface endpoints with private DNS in every given subnet", async () => {
        const { mocks, result } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        const interfaces = mocks
            .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
            .filter(e => e.inputs.vpcEndpointType === "Interface");
        assert.deepStrictEqual(
            interfaces.map(e => e.inputs.serviceName),
            ["com.amazonaws.eu-west-1.ssm", "com.amazonaws.eu-west-1.ssmmessages"],
        );
        for (const endpoint of interfaces) {
            assert.strictEqual(endpoint.inputs.privateDnsEnabled, true);
            assert.deepStrictEqual(endpoint.inputs.subnetIds, ["subnet-a", "subnet-b"]);
            assert.deepStrictEqual(endpoint.inputs.securityGroupIds, ["ep-endpoints-id"]);
        }
        assert.deepStrictEqual(Object.keys(await valueOf(result.interfaceEndpointIds)), ["ssm", "ssmmessages"]);
    });

    it("adds ec2messages for agents older than 3.3.40.0 when asked", async () => {
        const { mocks } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: true }),
        );
        assert.deepStrictEqual(mocks.named("ep-ec2messages").inputs.serviceName, "com.amazonaws.eu-west-1.ec2messages");
        assert.strictEqual(mocks.named("ep-ec2messages").inputs.privateDnsEnabled, true);
    });

    it("puts the S3 gateway endpoint on the nodes' route tables", async () => {
        const { mocks } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        const s3 = mocks.named("ep-s3").inputs;
        assert.deepStrictEqual(
            [s3.serviceName, s3.vpcEndpointType, s3.routeTableIds],
            ["com.amazonaws.eu-west-1.s3", "Gateway", ["rtb-a"]],
        );
    });

    it("admits only HTTPS from the VPC to the endpoints", async () => {
        const { mocks } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        const group = mocks.named("ep-endpoints").inputs;
        assert.deepStrictEqual(
            group.ingress.map(({ protocol, fromPort, toPort, cidrBlocks }: any) => ({
                protocol,
                fromPort,
                toPort,
                cidrBlocks,
            })),
            [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }],
        );
        assert.deepStrictEqual(group.egress, []);
    });

    it("gives managed nodes no ingress and egress only to the endpoints (443) and the S3 prefix list (80, 443)", async () => {
        const { mocks, result } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        const group = mocks.named("ep-managed-nodes").inputs;
        assert.deepStrictEqual(group.ingress, []);
        assert.deepStrictEqual(
            group.egress.map(({ protocol, fromPort, toPort, securityGroups, prefixListIds, cidrBlocks }: any) => ({
                protocol,
                fromPort,
                toPort,
                securityGroups,
                prefixListIds,
                cidrBlocks,
            })),
            [
                {
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    securityGroups: ["ep-endpoints-id"],
                    prefixListIds: undefined,
                    cidrBlocks: undefined,
                },
                {
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    securityGroups: undefined,
                    prefixListIds: [standInS3PrefixListId],
                    cidrBlocks: undefined,
                },
                {
                    protocol: "tcp",
                    fromPort: 80,
                    toPort: 80,
                    securityGroups: undefined,
                    prefixListIds: [standInS3PrefixListId],
                    cidrBlocks: undefined,
                },
            ],
        );
        assert.strictEqual(await valueOf(result.managedNodeSecurityGroupId), "ep-managed-nodes-id");
    });
});
