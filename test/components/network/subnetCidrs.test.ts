// The closed VPC's subnet plan: fixed examples, and properties over generated networks.
import * as assert from "assert";
import * as fc from "fast-check";
import {
    availabilityZoneAt,
    isolatedSubnetCidrs,
    zonesWithoutRenumbering,
} from "../../../components/network/subnetCidrs";
import { parseIpv4Cidr } from "../../../components/network/ipv4";

describe("the subnet plan", () => {
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
            /ssm-fleet-baseline:availabilityZoneCount is 4, but the Region has only 3 available zones \(eu-west-1a, eu-west-1b, eu-west-1c\): set availabilityZoneCount to 3 or fewer/,
        );
    });

    describe("properties, for every VPC the config accepts (/16 to /24) and 1 to 6 zones", () => {
        const vpcs = fc
            .record({ address: fc.integer({ min: 0, max: 2 ** 32 - 1 }), prefix: fc.integer({ min: 16, max: 24 }) })
            .map(({ address, prefix }) => {
                const network = address - (address % 2 ** (32 - prefix));
                const octets = [24, 16, 8, 0].map(shift => Math.floor(network / 2 ** shift) % 256);
                return `${octets.join(".")}/${prefix}`;
            });
        const zoneCounts = fc.integer({ min: 1, max: 6 });
        const range = (cidr: string) => {
            const network = parseIpv4Cidr(cidr);
            assert.ok(network, cidr);
            return {
                first: network.address,
                last: network.address + 2 ** (32 - network.prefix) - 1,
                prefix: network.prefix,
            };
        };

        it("gives each zone a /28 or larger subnet inside the VPC, none overlapping another", () => {
            fc.assert(
                fc.property(vpcs, zoneCounts, (vpc, count) => {
                    const subnets = isolatedSubnetCidrs(vpc, count).map(range);
                    const outer = range(vpc);
                    assert.strictEqual(subnets.length, count);
                    for (const [i, subnet] of subnets.entries()) {
                        assert.ok(subnet.prefix <= 28, `${vpc}: subnet ${i} is smaller than /28`);
                        assert.ok(
                            subnet.first >= outer.first && subnet.last <= outer.last,
                            `${vpc}: subnet ${i} outside`,
                        );
                        for (const other of subnets.slice(i + 1)) {
                            assert.ok(subnet.last < other.first || other.last < subnet.first, `${vpc}: overlap`);
                        }
                    }
                }),
            );
        });

        it(`adds zones without renumbering the others up to ${zonesWithoutRenumbering}: the plan for n zones starts the plan for m`, () => {
            const counts = fc
                .tuple(
                    fc.integer({ min: 1, max: zonesWithoutRenumbering }),
                    fc.integer({ min: 1, max: zonesWithoutRenumbering }),
                )
                .filter(([n, m]) => n < m);
            fc.assert(
                fc.property(vpcs, counts, (vpc, [n, m]) => {
                    assert.deepStrictEqual(isolatedSubnetCidrs(vpc, m).slice(0, n), isolatedSubnetCidrs(vpc, n));
                }),
            );
        });

        it("renumbers every subnet when a fifth zone is added, as its comment warns", () => {
            fc.assert(
                fc.property(vpcs, vpc => {
                    const four = isolatedSubnetCidrs(vpc, 4);
                    const five = isolatedSubnetCidrs(vpc, 5);
                    assert.ok(four.every((cidr, i) => cidr !== five[i]));
                }),
            );
        });
    });
});
