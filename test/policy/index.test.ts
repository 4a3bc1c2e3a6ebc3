// policy/index.ts as the Pulumi CLI loads it: the analyzer it starts serves this pack, every policy
// of policies.ts at its level, and applies pack configs (`--policy-pack-config`) as the CLI hands
// them over; policy/evaluate.ts, which the offline plan runs, applies them the same way.
import * as aws from "@pulumi/aws";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluatePolicies, PackConfig } from "../../policy/evaluate";
import { packName, policies } from "../../policy/policies";
import { synthesize } from "../support/engineView";
import { packDir, PolicyAnalyzer } from "../support/policyAnalyzer";

describe("the policy pack as the Pulumi CLI loads it", function () {
    let analyzer: PolicyAnalyzer;
    before(async function () {
        this.timeout(180_000);
        analyzer = await PolicyAnalyzer.start("update");
    });
    after(async () => {
        await analyzer?.stop();
    });

    it("serves every policy of policies.ts, with its description, level and kind, under the pack's name and version", async () => {
        const { version } = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as {
            version: string;
        };
        assert.deepStrictEqual(await analyzer.info(), {
            name: packName,
            version,
            policies: policies.map(p => ({
                name: p.name,
                description: p.description,
                level: p.enforcementLevel,
                type: "validateStack" in p ? "stack" : "resource",
            })),
        });
    });

    describe("applies pack configs", () => {
        // An instance allowing IMDSv1 (a DHMC policy) and an unencrypted topic (a baseline policy).
        const twoViolations = () =>
            synthesize(() => {
                new aws.ec2.Instance("web", { ami: "ami-1" });
                new aws.sns.Topic("plain", {});
            }, "update");
        const preset = JSON.parse(fs.readFileSync(path.join(packDir, "dhmc-advisory.json"), "utf8")) as PackConfig;
        const configs: [string, PackConfig, [string, string][]][] = [
            [
                "none: every policy at its own level",
                {},
                [
                    ["dhmc-imdsv2-required", "mandatory"],
                    ["encrypted-topics-and-queues", "mandatory"],
                ],
            ],
            [
                "policy/dhmc-advisory.json: the DHMC policies advisory, the others mandatory",
                preset,
                [
                    ["dhmc-imdsv2-required", "advisory"],
                    ["encrypted-topics-and-queues", "mandatory"],
                ],
            ],
            [
                '"all", then a policy\'s own level over it',
                { all: "advisory", "encrypted-topics-and-queues": { enforcementLevel: "mandatory" } },
                [
                    ["dhmc-imdsv2-required", "advisory"],
                    ["encrypted-topics-and-queues", "mandatory"],
                ],
            ],
            ['"disabled"', { "dhmc-imdsv2-required": "disabled" }, [["encrypted-topics-and-queues", "mandatory"]]],
        ];
        for (const [title, config, expected] of configs) {
            it(`${title}, in the analyzer and in policy/evaluate.ts`, async () => {
                const resources = await twoViolations();
                const levels = (found: { policy: string; level: string }[]) =>
                    found.map(v => [v.policy, v.level]).sort((a, b) => a[0].localeCompare(b[0]));
                assert.deepStrictEqual(levels(await analyzer.analyze(resources, config)), expected);
                assert.deepStrictEqual(levels(await evaluatePolicies(policies, resources, { config })), expected);
            });
        }

        it("policy/dhmc-advisory.json names every DHMC policy and nothing else", () => {
            assert.deepStrictEqual(
                Object.keys(preset).sort(),
                policies
                    .map(p => p.name)
                    .filter(name => name.startsWith("dhmc-"))
                    .sort(),
            );
        });
    });
});
