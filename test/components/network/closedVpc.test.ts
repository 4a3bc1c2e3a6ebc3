// The closed VPC: no path to the internet, DNS on for the endpoints' private DNS; and the
// adopted VPC, which registers nothing.
import * as assert from "assert";
import { adoptedVpc, ClosedVpc } from "../../../components/network/closedVpc";
import { standInZones } from "../../../harness/standIns";
import { underMocks, valueOf } from "../../support/program";

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

describe("the closed VPC's default network ACL", () => {
    /** Whether a rule admits the internet (IPv4 or IPv6) to a port. */
    const admitsInternetTo = (rule: any, port: number) =>
        rule.action === "allow" &&
        (rule.cidrBlock === "0.0.0.0/0" || rule.ipv6CidrBlock === "::/0") &&
        (rule.protocol === "-1" || rule.protocol === "all" || (rule.fromPort <= port && port <= rule.toPort));

    const build = () =>
        underMocks({}, () => new ClosedVpc("vpc", { cidrBlock: "10.42.0.0/16", availabilityZoneCount: 2 }));

    it("is taken over for the VPC's subnets, with rules numbered apart", async () => {
        const { mocks } = await build();
        const acl = mocks.named("vpc-default-acl").inputs;
        assert.strictEqual(acl.defaultNetworkAclId, "vpc-default-acl-id");
        assert.deepStrictEqual(acl.subnetIds, ["vpc-isolated-1-id", "vpc-isolated-2-id"]);
        for (const rules of [acl.ingress, acl.egress]) {
            assert.strictEqual(new Set(rules.map((r: any) => r.ruleNo)).size, rules.length);
        }
    });

    it("admits nothing from 0.0.0.0/0 or ::/0 to SSH (22) or RDP (3389), not even within a range (CIS 5.1/5.2, EC2.21)", async () => {
        const { mocks } = await build();
        const { ingress } = mocks.named("vpc-default-acl").inputs;
        for (const port of [22, 3389]) {
            assert.deepStrictEqual(
                ingress.filter((rule: any) => admitsInternetTo(rule, port)),
                [],
                `a rule admits the internet to ${port}`,
            );
        }
    });

    it("still admits the VPC itself and TCP return traffic from S3 on every other ephemeral port", async () => {
        const { mocks } = await build();
        const { ingress, egress } = mocks.named("vpc-default-acl").inputs;
        assert.deepStrictEqual(ingress[0], {
            ruleNo: 100,
            protocol: "-1",
            action: "allow",
            cidrBlock: "10.42.0.0/16",
            fromPort: 0,
            toPort: 0,
        });
        const fromInternet = ingress.filter((r: any) => r.cidrBlock === "0.0.0.0/0");
        assert.ok(fromInternet.every((r: any) => r.protocol === "tcp"));
        for (const port of [1024, 3388, 3390, 32768, 65535]) {
            assert.ok(
                fromInternet.some((r: any) => admitsInternetTo(r, port)),
                `return traffic to ${port} is refused`,
            );
        }
        assert.ok(!fromInternet.some((r: any) => admitsInternetTo(r, 1023)), "a privileged port is admitted");
        assert.deepStrictEqual(
            egress.map((r: any) => [r.protocol, r.cidrBlock, r.fromPort, r.toPort]),
            [
                ["-1", "10.42.0.0/16", 0, 0],
                ["tcp", "0.0.0.0/0", 443, 443],
                ["tcp", "0.0.0.0/0", 80, 80],
            ],
        );
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
