// The fleet manifest: the committed fleet.yaml is valid, bad input names the key and the expected
// form, every cell's stack config derives from it, and the DHMC role's inline-policy arithmetic.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { partitionOf } from "../../aws/partition";
import { knownRegions, unsupportedRegionReason } from "../../aws/regions";
import { ConfigError } from "../../config";
import { nodeSessionLogPolicy } from "../../components/parts/nodeRoles";
import { projectName } from "../../config";
import { exceedsRoleChaining, fleetCells, parseManifest, readFleet } from "../../driver/fleet";
import { readProjectFile } from "../../harness/engineConfig";
import { projectRoot } from "../support/program";

const project = readProjectFile(path.join(projectRoot, "Pulumi.yaml"));
const base = `
rings: [dev]
regions: [eu-west-1]
access: {roleName: deployer}
config: {notificationEmails: [ops@example.com]}
accounts: [{id: "111111111111", name: alpha, ring: dev}]
`;

function problems(text: string): string[] {
    try {
        fleetCells(parseManifest(text), project);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return [...error.problems];
    }
    assert.fail("expected a ConfigError");
}

/** A manifest of `accounts` accounts, each in `regions`, with an organization view in the first. */
function monitoredManifest(accounts: number, regions: readonly string[], monitoring = true): string {
    const list = Array.from(
        { length: accounts },
        (_, i) => `{id: "${String(100000000000 + i)}", name: a${i}, ring: dev}`,
    );
    return [
        "rings: [dev]",
        `regions: [${regions.join(", ")}]`,
        "access: {roleName: deployer}",
        `accounts: [${list.join(", ")}]`,
        ...(monitoring ? ["monitoring: {account: a0, region: eu-west-1}"] : []),
    ].join("\n");
}

describe("fleet manifest", () => {
    it("refuses, before anything runs, a manifest the organization view cannot draw on one dashboard", () => {
        const supported = [...knownRegions].filter(r => !unsupportedRegionReason(r));
        const regions = ["eu-west-1", ...supported.filter(r => r !== "eu-west-1")];
        const refusal = (text: string) => {
            try {
                parseManifest(text);
            } catch (error) {
                assert.ok(error instanceof ConfigError, String(error));
                return error.problems.join("\n");
            }
            return "";
        };
        // One column per Region on the 24-column grid.
        assert.strictEqual(refusal(monitoredManifest(1, regions.slice(0, 24))), "");
        assert.match(
            refusal(monitoredManifest(1, regions.slice(0, 25))),
            /^fleet.yaml: monitoring: the organization view draws one column per Region on CloudWatch's 24-column grid; the manifest has 25 Regions: split it into manifests of at most 24 Regions, each with its own monitoring:$/,
        );
        // Two widgets per cell, and at most 500 widgets on a dashboard (Dashboard Body Structure).
        assert.strictEqual(refusal(monitoredManifest(125, regions.slice(0, 2))), "");
        assert.match(
            refusal(monitoredManifest(126, regions.slice(0, 2))),
            /^fleet.yaml: monitoring: the organization view draws 2 widgets per cell and a CloudWatch dashboard holds at most 500; the manifest has 252 cells \(504 widgets\): split it into manifests of at most 250 cells \(accounts × Regions\), each with its own monitoring:$/,
        );
        // Without an organization view, nothing draws the fleet on one dashboard.
        assert.strictEqual(refusal(monitoredManifest(126, regions.slice(0, 25), false)), "");
    });

    it("the committed fleet.yaml derives one cell per account × Region, each account's home Region first", () => {
        const { manifest, cells } = readFleet(path.join(projectRoot, "fleet.yaml"), project);
        assert.deepStrictEqual(manifest.rings, ["dev", "prod"]);
        const analytics = cells.filter(c => c.account.name === "analytics");
        assert.deepStrictEqual(
            analytics.map(c => [c.stack, c.phase, c.config["ssm-fleet-baseline:dhmcRole"]]),
            [
                ["fleet-analytics-us-east-1", "account", "create"],
                ["fleet-analytics-us-west-2", "region", "adopt"],
            ],
        );
        assert.strictEqual(analytics[1].config["ssm-fleet-baseline:ec2MessagesEndpoint"], "false");
        // Pulumi.yaml defaults are merged in, as the engine does.
        assert.strictEqual(analytics[0].config["ssm-fleet-baseline:dhmcRoleName"], project.config.dhmcRoleName.default);
        assert.ok(!exceedsRoleChaining(manifest), "the committed session fits a chained role session");
    });

    it("passes the provider its role chain and the one account it may touch, in @pulumi/aws 7.48's config shapes", () => {
        // aws:assumeRoles is a list of {roleArn, sessionName, duration, ...} (config/vars.d.ts,
        // types/output.d.ts config.AssumeRoles); aws:allowedAccountIds a list of account ids.
        const [cell] = fleetCells(
            parseManifest(base.replace("{roleName: deployer}", "{roleName: deployer, externalId: x-1}")),
            project,
        );
        assert.deepStrictEqual(JSON.parse(cell.config["aws:allowedAccountIds"]), ["111111111111"]);
        assert.deepStrictEqual(JSON.parse(cell.config["aws:assumeRoles"]), [
            {
                roleArn: "arn:aws:iam::111111111111:role/deployer",
                sessionName: "ssm-fleet-baseline-fleet-alpha-eu-west-1",
                duration: "1h",
                externalId: "x-1",
            },
        ]);
    });

    it("a config change changes the cell's hash, and key order does not", () => {
        const [a] = fleetCells(parseManifest(base), project);
        const [b] = fleetCells(parseManifest(base.replace("config: {", "config: {logRetentionDays: 30, ")), project);
        const [c] = fleetCells(parseManifest(base), project);
        assert.notStrictEqual(a.configHash, b.configHash);
        assert.strictEqual(a.configHash, c.configHash);
    });

    it("lets an account adopt Quick Setup's DHMC, which the preflight then notes instead of stopping", () => {
        assert.strictEqual(parseManifest(base).accounts[0].adoptQuickSetup, false);
        const adopting = base.replace("ring: dev}", "ring: dev, adoptQuickSetup: true}");
        assert.strictEqual(parseManifest(adopting).accounts[0].adoptQuickSetup, true);
        assert.deepStrictEqual(problems(base.replace("ring: dev}", "ring: dev, adoptQuickSetup: yes}")), [
            'fleet.yaml: accounts[0].adoptQuickSetup: got "yes"; expected true to take DHMC over from Quick Setup or the unified console in this account, false by default',
        ]);
    });

    it("names the key and the expected form for each problem", () => {
        assert.deepStrictEqual(
            problems(`
concurrency: 0
rings: [dev, dev]
regions: [eu-west-9]
access: {roleName: "bad name", sessionDuration: 13h}
accounts:
  - {id: "12345", name: Alpha, ring: qa, config: {"aws:region": us-east-1}}
`),
            [
                "fleet.yaml: concurrency: got 0; expected a whole number of cells at once, from 1 to 32 (8 by default)",
                'fleet.yaml: rings: got ["dev","dev"]; expected each ring once',
                'fleet.yaml: regions: got "eu-west-9"; expected Region codes such as eu-west-1',
                'fleet.yaml: access.roleName: got "bad name"; expected the role each account trusts your credentials to assume, 1 to 64 of letters, digits and +=,.@_-',
                'fleet.yaml: access.sessionDuration: got "13h"; expected a session length from 15m to 12h, such as 1h',
                'fleet.yaml: accounts[0].id: got "12345"; expected a 12-digit AWS account id in quotes, such as "111111111111" (unquoted, YAML drops leading zeros)',
                'fleet.yaml: accounts[0].name: got "Alpha"; expected a short name of lower-case letters, digits and -',
                'fleet.yaml: accounts[0].ring: got "qa"; expected one of the rings (dev, dev)',
                "fleet.yaml: accounts[0].config.aws:region: derived from the account and Region of each cell; remove it",
                "fleet.yaml: rings: ring dev has no accounts; remove it or give it one",
            ],
        );
    });

    it("checks each cell's config as the program would, and keeps the DHMC role with the home Region", () => {
        const found = problems(
            base.replace(
                'accounts: [{id: "111111111111", name: alpha, ring: dev}]',
                'accounts: [{id: "111111111111", name: alpha, ring: dev, regions: [eu-west-1, us-east-1], cells: {us-east-1: {dhmcRole: create, logRetentionDays: 0}}}]',
            ),
        );
        assert.ok(
            found.includes(
                'fleet.yaml: alpha us-east-1: dhmcRole "create"; only the home Region (eu-west-1) owns the account\'s DHMC role, the other Regions adopt it',
            ),
            found.join("\n"),
        );
        assert.ok(
            found.some(p => p.startsWith("fleet-alpha-us-east-1: ssm-fleet-baseline:logRetentionDays")),
            JSON.stringify(found),
        );
    });

    it("takes every commercial Region in one account: the DHMC role keeps one fixed inline policy, far under IAM's limits", () => {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html: "Role policy size
        // cannot exceed 10,240 characters" (a role's inline policies together, whitespace not counted),
        // and a managed policy 6,144 characters.
        const inlineRolePolicyLimit = 10_240;
        const managedPolicyLimit = 6_144;
        const commercial = knownRegions.filter(region => partitionOf(region) === "aws");
        assert.strictEqual(commercial.length, 34);
        const manifest = parseManifest(base.replace("regions: [eu-west-1]", `regions: [${commercial.join(", ")}]`));
        const cells = fleetCells(manifest, project);
        assert.strictEqual(cells.length, 34);
        // The home cell creates the role and writes its one inline policy, for every Region at once;
        // the 33 other cells adopt the role and add no policy to it: their buckets' policies admit it
        // and the session key's policy names it (test/index.test.ts, test/components).
        const dhmcRole = (cell: (typeof cells)[number]) => cell.config[`${projectName}:dhmcRole`];
        assert.deepStrictEqual(
            cells.filter(cell => dhmcRole(cell) !== "adopt").map(cell => [cell.region, dhmcRole(cell)]),
            [[commercial[0], "create"]],
        );
        const accountWide = nodeSessionLogPolicy("aws", manifest.accounts[0].id, projectName, "*", "*");
        assert.doesNotMatch(accountWide, /\s/, "measured as IAM counts, without whitespace");
        const perCell = cells.map(cell => (dhmcRole(cell) === "adopt" ? 0 : accountWide.length));
        const total = perCell.reduce((sum, chars) => sum + chars, 0);
        assert.strictEqual(total, accountWide.length);
        assert.strictEqual(total, 327, "1 × 327 + 33 × 0");
        assert.ok(total <= inlineRolePolicyLimit && total <= managedPolicyLimit);
        // Before, every Region stack put 154 + 201 + 679 = 1,034 characters on the role (review F6),
        // about 1,345 with real ARNs: 34 Regions came to 45,730, 4.5 times the limit.
    });

    it("flags a session longer than IAM's one-hour role-chaining limit", () => {
        assert.ok(
            exceedsRoleChaining(
                parseManifest(base.replace("{roleName: deployer}", "{roleName: deployer, sessionDuration: 2h}")),
            ),
        );
        assert.ok(
            !exceedsRoleChaining(
                parseManifest(base.replace("{roleName: deployer}", "{roleName: deployer, sessionDuration: 45m}")),
            ),
        );
    });

    it("the cells' stack files are git-ignored: the manifest is their source", () => {
        assert.match(fs.readFileSync(path.join(projectRoot, ".gitignore"), "utf8"), /^Pulumi\.fleet-\*\.yaml$/m);
    });
});
