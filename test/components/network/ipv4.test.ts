import * as assert from "assert";
import * as fc from "fast-check";
import { formatIpv4Cidr, isNetworkAddress, parseIpv4Cidr } from "../../../components/network/ipv4";

const networks = fc.record({
    address: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    prefix: fc.integer({ min: 0, max: 32 }),
});

describe("IPv4 CIDR blocks", () => {
    it("parse back what they format, for every address and prefix", () => {
        fc.assert(
            fc.property(networks, network =>
                assert.deepStrictEqual(parseIpv4Cidr(formatIpv4Cidr(network)), { ...network }),
            ),
        );
    });

    it("read octets big-endian", () => {
        assert.deepStrictEqual(parseIpv4Cidr("10.42.0.0/16"), { address: 10 * 2 ** 24 + 42 * 2 ** 16, prefix: 16 });
        assert.deepStrictEqual(parseIpv4Cidr("255.255.255.255/32"), { address: 2 ** 32 - 1, prefix: 32 });
    });

    it("reject what is not four octets of 0 to 255 and a prefix of 0 to 32", () => {
        for (const bad of [
            "10.42.0.0",
            "10.42.0/16",
            "10.256.0.0/16",
            "10.42.0.0/33",
            "10.42.0.0/-1",
            " 10.42.0.0/16",
            "a.b.c.d/8",
        ]) {
            assert.strictEqual(parseIpv4Cidr(bad), undefined, bad);
        }
    });

    it("name a network only when the host bits are zero", () => {
        assert.ok(isNetworkAddress(parseIpv4Cidr("10.42.0.0/16")!));
        assert.ok(!isNetworkAddress(parseIpv4Cidr("10.42.1.0/16")!));
        fc.assert(
            fc.property(networks, ({ address, prefix }) => {
                const network = { address: address - (address % 2 ** (32 - prefix)), prefix };
                assert.ok(isNetworkAddress(network));
                if (prefix < 32) {
                    assert.ok(!isNetworkAddress({ address: network.address + 1, prefix }));
                }
            }),
        );
    });
});
