// SSM Agent versions are four dot-separated numbers compared field by field, numerically; DHMC
// needs 3.2.582.0 or later.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
import * as assert from "assert";
import * as fc from "fast-check";
import { compareAgentVersions, dhmcMinimumAgentVersion, parseAgentVersion } from "../../aws/agentVersion";

const fields = fc.tuple(fc.nat(5000), fc.nat(5000), fc.nat(5000), fc.nat(5000));
const version = (parts: number[]) => parts.join(".");
const sign = (n: number) => Math.sign(n);

describe("agent versions", () => {
    it("pins the DHMC floor, and compares numerically, not as text", () => {
        assert.strictEqual(dhmcMinimumAgentVersion, "3.2.582.0");
        assert.ok(compareAgentVersions("3.10.0.0", "3.2.582.0") > 0);
        assert.ok(compareAgentVersions("3.2.581.99", "3.2.582.0") < 0);
        assert.strictEqual(compareAgentVersions("3.2.582.0", "3.2.582.0"), 0);
    });

    it("parses exactly four dot-separated whole numbers", () => {
        for (const bad of ["3.2", "3.2.582", "3.2.582.0.1", "v3.2.582.0", "3.2.x.0", "", "3..582.0"]) {
            assert.strictEqual(parseAgentVersion(bad), undefined, bad);
        }
        fc.assert(fc.property(fields, parts => assert.deepStrictEqual(parseAgentVersion(version(parts)), parts)));
    });

    it("orders versions as their fields read left to right, as a total order", () => {
        fc.assert(
            fc.property(fields, fields, (a, b) => {
                const expected = sign(a.map((n, i) => n - b[i]).find(d => d !== 0) ?? 0);
                assert.strictEqual(sign(compareAgentVersions(version(a), version(b))), expected);
                assert.strictEqual(sign(compareAgentVersions(version(b), version(a))), -expected);
            }),
        );
        fc.assert(
            fc.property(fields, fields, fields, (a, b, c) => {
                const [x, y, z] = [a, b, c].map(version);
                if (compareAgentVersions(x, y) <= 0 && compareAgentVersions(y, z) <= 0) {
                    assert.ok(compareAgentVersions(x, z) <= 0);
                }
            }),
        );
    });

    it("refuses to compare what it cannot parse", () => {
        assert.throws(() => compareAgentVersions("latest", "3.2.582.0"), /cannot compare agent versions/);
    });
});
