// The engine's config rules, each checked against the behaviour of the pulumi/pulumi function that
// harness/engineConfig.ts cites for it.
import * as assert from "assert";
import { ConfigError } from "../../config";
import { engineStackConfig, ProjectFile, readProjectFile } from "../../harness/engineConfig";
import * as path from "path";
import { projectRoot } from "../support/program";

const project = readProjectFile(path.join(projectRoot, "Pulumi.yaml"));
const stackFile = (...lines: string[]) => ["config:", ...lines.map(l => `  ${l}`), ""].join("\n");
const emails = "ssm-fleet-baseline:notificationEmails: [ops@example.com]";

function engineError(text: string, withProject: ProjectFile = project): string {
    try {
        engineStackConfig("x", text, withProject);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems.join("\n");
    }
    assert.fail("the engine would accept this stack file");
}

describe("config as the engine hands it to the program", () => {
    it("merges every Pulumi.yaml default the stack file leaves out (mergeConfig)", () => {
        const config = engineStackConfig("x", stackFile("aws:region: eu-west-1", emails), project);
        assert.strictEqual(config["ssm-fleet-baseline:existingVpcFlowLogs"], "false");
        assert.strictEqual(config["ssm-fleet-baseline:availabilityZoneCount"], "2");
        assert.strictEqual(config["ssm-fleet-baseline:vpcCidr"], "10.42.0.0/16");
        assert.strictEqual(config["ssm-fleet-baseline:existingSubnets"], "[]");
        assert.deepStrictEqual(JSON.parse(config["ssm-fleet-baseline:patchApprovalRules"]), [
            "CLASSIFICATION=Security SEVERITY=Critical,Important approveAfterDays=7 complianceLevel=CRITICAL",
            "CLASSIFICATION=Bugfix approveAfterDays=14 complianceLevel=MEDIUM",
        ]);
        assert.deepStrictEqual(
            Object.keys(config).sort(),
            ["aws:region", ...Object.keys(project.config).map(k => `ssm-fleet-baseline:${k}`)].sort(),
        );
    });

    it("keeps what the stack file sets over the default", () => {
        const config = engineStackConfig("x", stackFile(emails, "availabilityZoneCount: 3"), project);
        assert.strictEqual(config["ssm-fleet-baseline:availabilityZoneCount"], "3");
    });

    it("gives keys without a namespace to the project (stackConfigNamespacedWithProject)", () => {
        const config = engineStackConfig(
            "x",
            stackFile("notificationEmails: [a@example.com]", "canary: true"),
            project,
        );
        assert.strictEqual(config["ssm-fleet-baseline:canary"], "true");
        assert.strictEqual(config["ssm-fleet-baseline:notificationEmails"], '["a@example.com"]');
        assert.strictEqual(config.canary, undefined);
    });

    it("keeps a timestamp-like scalar's text, as yaml.v3 does for interface{}", () => {
        const config = engineStackConfig(
            "x",
            stackFile(emails, "hybridActivationExpiry: 2026-12-30T00:00:00Z"),
            project,
        );
        assert.strictEqual(config["ssm-fleet-baseline:hybridActivationExpiry"], "2026-12-30T00:00:00Z");
    });

    it("writes booleans and numbers as JSON (config/object.go MarshalString): 2.0 arrives as 2, yes stays text", () => {
        const config = engineStackConfig(
            "x",
            stackFile(emails, "availabilityZoneCount: 2.0", "agentVersion: 3.2", "dhmcRoleName: yes", "canary: True"),
            project,
        );
        assert.strictEqual(config["ssm-fleet-baseline:availabilityZoneCount"], "2");
        assert.strictEqual(config["ssm-fleet-baseline:agentVersion"], "3.2");
        assert.strictEqual(config["ssm-fleet-baseline:dhmcRoleName"], "yes");
        assert.strictEqual(config["ssm-fleet-baseline:canary"], "true");
    });

    it("keeps a secure value encrypted and marks it, and requires one for a secret: true key", () => {
        const config = engineStackConfig("x", stackFile(emails, "agentVersion:", "  secure: AAABAG9wcw=="), project);
        assert.strictEqual(config["ssm-fleet-baseline:agentVersion"], '{"secure":"AAABAG9wcw=="}');
        const withSecret: ProjectFile = {
            name: "ssm-fleet-baseline",
            config: { token: { type: "string", secret: true } },
        };
        assert.strictEqual(
            engineError(stackFile("token: plain"), withSecret),
            "Stack 'x' with configuration key 'token' must be encrypted as it's secret",
        );
        engineStackConfig("x", stackFile("token:", "  secure: AAABAG9wcw=="), withSecret);
    });

    it("reports declared project keys without a default that the stack lacks (missingStackConfigurationKeysError)", () => {
        assert.strictEqual(
            engineError(stackFile("aws:region: eu-west-1")),
            "Stack 'x' is missing configuration value 'notificationEmails'",
        );
        const twoRequired: ProjectFile = { name: "p", config: { a: { type: "string" }, b: { type: "string" } } };
        assert.strictEqual(engineError(stackFile(), twoRequired), "Stack 'x' is missing configuration values 'a', 'b'");
    });

    it("checks each declared type (validateStackConfigValue)", () => {
        const cases: [string, string][] = [
            ["availabilityZoneCount: two", "integer"],
            ["availabilityZoneCount: 2.5", "integer"],
            ["ec2MessagesEndpoint: yes", "boolean"],
            ["ec2MessagesEndpoint: 1", "boolean"],
            ["existingSubnets: subnet-0123456789abcdef0@eu-west-1a", "array<string>"],
            ["existingRouteTableIds: [rtb-0123456789abcdef0, 3]", "array<string>"],
            ["vpcCidr: [10.0.0.0/16]", "string"],
            ["vpcCidr:", "string"],
        ];
        for (const [line, type] of cases) {
            const key = line.split(":")[0];
            assert.strictEqual(
                engineError(stackFile(emails, line)),
                `Stack 'x' with configuration key '${key}' must be of type '${type}'`,
                line,
            );
        }
        // Whole numbers as text pass the integer check (strconv.Atoi), and so do whole floats.
        engineStackConfig(
            "x",
            stackFile(emails, 'availabilityZoneCount: "3"', "healthWatchGraceMinutes: 30.0"),
            project,
        );
    });

    it("names the stack file when its YAML cannot be read", () => {
        assert.match(engineError("config:\n  a: [\n"), /^Pulumi\.x\.yaml: /);
    });
});
