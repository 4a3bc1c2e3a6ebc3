// The closed VPC: no path to the internet, DNS on for the endpoints' private DNS; and the
// adopted VPC, which registers nothing.
import * as assert from "assert";
import { adoptedVpc, ClosedVpc } from "../../components/closedVpc";
import { standInZones } from "../../harness/standIns";
import { underMocks, valueOf } from "../support/program";

describe("closed VPC", () => {
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

describe("adopted VPC", () => {
    it("is the configured ids as a network, and registers nothing", async () => {
        const { mocks, result } = await underMocks({}, () =>
            adoptedVpc({
                vpcId: "vpc-0123456789abcdef0",
                cidrBlock: "10.0.0.0/16",
                subnets: [{ id: "subnet-0aaaaaaaaaaaaaaaa", availabilityZone: "eu-west-1a" }],
                routeTableIds: ["rtb-0123456789abcdef0"],
            }),
        );
        assert.deepStrictEqual(mocks.resources, []);
        assert.deepStrictEqual(
            await valueOf({
                vpcId: result.vpcId,
                cidrBlock: result.cidrBlock,
                subnetIds: result.subnetIds,
                routeTableIds: result.routeTableIds,
            }),
            {
                vpcId: "vpc-0123456789abcdef0",
                cidrBlock: "10.0.0.0/16",
                subnetIds: ["subnet-0aaaaaaaaaaaaaaaa"],
                routeTableIds: ["rtb-0123456789abcdef0"],
            },
        );
    });
});
