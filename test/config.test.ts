import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { ConfigError, configKeys, parseBaselineConfig, RawConfig } from "../config";
import { projectRoot, stackConfig } from "./support/program";

const region = "eu-west-1";
const valid: RawConfig = { notificationEmails: JSON.stringify(["ops@example.com"]) };

/** Parses `raw` on top of a valid config and returns the problems, or [] when it is accepted. */
function problemsOf(raw: RawConfig, inRegion: string | undefined = region): string[] {
    try {
        parseBaselineConfig({ ...valid, ...raw }, inRegion);
        return [];
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
        return [...error.problems];
    }
}

function assertRejected(raw: RawConfig, key: string, expected: RegExp, inRegion?: string) {
    const problems = problemsOf(raw, inRegion);
    assert.ok(
        problems.some(p => p.startsWith(key) && expected.test(p)),
        `no problem for ${key} matching ${expected} in:\n${problems.join("\n")}`,
    );
}

describe("config", () => {
    it("applies the documented defaults to a minimal config", () => {
        const config = parseBaselineConfig(valid, region);
        assert.deepStrictEqual(config.network, {
            mode: "create",
            vpc: { cidrBlock: "10.42.0.0/16", availabilityZoneCount: 2 },
        });
        assert.deepStrictEqual(config.endpoints, { region, includeEc2Messages: true });
        assert.deepStrictEqual(config.dhmc, {
            region,
            roleName: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
            regionalSettingsProtection: "retain",
        });
        assert.deepStrictEqual(config.agentUpdate, {
            region,
            schedule: "rate(14 days)",
            version: undefined,
            logRetentionDays: 90,
        });
        assert.deepStrictEqual(config.compliance, {
            region,
            ruleName: "ec2-instance-managed-by-systems-manager",
            createRecorder: false,
            inventoryAssociation: true,
            logRetentionDays: 90,
        });
        assert.deepStrictEqual(config.notifications, { region, emails: ["ops@example.com"] });
        assert.strictEqual(config.canary, false);
    });

    it("declares every key in Pulumi.yaml with the type and default the program applies", () => {
        const project = yaml.load(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as {
            name: string;
            config: Record<string, any>;
        };
        assert.strictEqual(project.name, "ssm-fleet-baseline");
        assert.deepStrictEqual(Object.keys(project.config).sort(), Object.keys(configKeys).sort());
        for (const [key, { type, default: fallback }] of Object.entries(configKeys)) {
            const declared = project.config[key];
            assert.strictEqual(declared.type, type, `${key} type`);
            assert.deepStrictEqual(declared.default, fallback, `${key} default`);
            assert.ok(declared.description, `${key} has a description`);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`accepts Pulumi.${stack}.yaml as it is`, () => {
            const raw = Object.fromEntries(
                Object.entries(stackConfig(stack))
                    .filter(([key]) => key.startsWith("ssm-fleet-baseline:"))
                    .map(([key, value]) => [key.split(":")[1], value]),
            );
            parseBaselineConfig(raw, stackConfig(stack)["aws:region"]);
        });
    }

    it("requires at least one well-formed notification e-mail", () => {
        assertRejected(
            { notificationEmails: undefined },
            "ssm-fleet-baseline:notificationEmails",
            /missing; expected at least one e-mail address/,
        );
        assertRejected({ notificationEmails: "[]" }, "ssm-fleet-baseline:notificationEmails", /missing/);
        assertRejected(
            { notificationEmails: JSON.stringify(["ops@example.com", "ops.example.com"]) },
            "ssm-fleet-baseline:notificationEmails[1]",
            /"ops.example.com"; expected an e-mail address/,
        );
        assertRejected(
            { notificationEmails: "ops@example.com" },
            "ssm-fleet-baseline:notificationEmails",
            /expected a YAML list of e-mail addresses/,
        );
    });

    it("requires a region code", () => {
        assertRejected({}, "aws:region", /expected a region code such as eu-west-1/, "Ireland");
        assert.deepStrictEqual(problemsOf({}, "us-gov-west-1"), []);
    });

    it("rejects a VPC CIDR that is malformed, not a network address or of the wrong size", () => {
        assertRejected(
            { vpcCidr: "10.42.0.0" },
            "ssm-fleet-baseline:vpcCidr",
            /expected an IPv4 CIDR such as 10.42.0.0\/16/,
        );
        assertRejected({ vpcCidr: "10.300.0.0/16" }, "ssm-fleet-baseline:vpcCidr", /expected an IPv4 CIDR/);
        assertRejected(
            { vpcCidr: "10.42.1.0/16" },
            "ssm-fleet-baseline:vpcCidr",
            /host bits of 10.42.1.0\/16 are not zero/,
        );
        assertRejected({ vpcCidr: "10.0.0.0/8" }, "ssm-fleet-baseline:vpcCidr", /prefix from \/16 to \/24/);
        assertRejected({ vpcCidr: "10.0.0.0/26" }, "ssm-fleet-baseline:vpcCidr", /prefix from \/16 to \/24/);
    });

    it("accepts one to six availability zones", () => {
        assertRejected(
            { availabilityZoneCount: "0" },
            "ssm-fleet-baseline:availabilityZoneCount",
            /a whole number from 1 to 6/,
        );
        assertRejected(
            { availabilityZoneCount: "7" },
            "ssm-fleet-baseline:availabilityZoneCount",
            /a whole number from 1 to 6/,
        );
        assertRejected(
            { availabilityZoneCount: "two" },
            "ssm-fleet-baseline:availabilityZoneCount",
            /a whole number from 1 to 6/,
        );
    });

    it("rejects schedules State Manager would refuse", () => {
        for (const schedule of [
            "every 14 days",
            "rate(14 day)",
            "rate(1 days)",
            "rate(0 minutes)",
            "rate(15 minutes)",
            "cron(0 2 * *)",
        ]) {
            assertRejected(
                { agentUpdateSchedule: schedule },
                "ssm-fleet-baseline:agentUpdateSchedule",
                /expected rate\(N minutes\|hours\|days\)/,
            );
        }
        for (const schedule of [
            "rate(30 minutes)",
            "rate(1 hour)",
            "rate(1 day)",
            "rate(7 days)",
            "cron(0 2 ? * SUN *)",
        ]) {
            assert.deepStrictEqual(problemsOf({ agentUpdateSchedule: schedule }), [], schedule);
        }
    });

    it("pins agent versions only at or above the DHMC floor 3.2.582.0", () => {
        assertRejected(
            { agentVersion: "3.2" },
            "ssm-fleet-baseline:agentVersion",
            /empty \(latest\) or a version such as 3.2.582.0/,
        );
        assertRejected(
            { agentVersion: "3.2.581.9" },
            "ssm-fleet-baseline:agentVersion",
            /3.2.582.0 or newer, the oldest agent DHMC supports/,
        );
        assert.strictEqual(
            parseBaselineConfig({ ...valid, agentVersion: "3.2.582.0" }, region).agentUpdate.version,
            "3.2.582.0",
        );
        assert.strictEqual(
            parseBaselineConfig({ ...valid, agentVersion: "3.10.0.0" }, region).agentUpdate.version,
            "3.10.0.0",
        );
    });

    it("rejects malformed booleans, names, protection modes and retention", () => {
        assertRejected(
            { ec2MessagesEndpoint: "yes" },
            "ssm-fleet-baseline:ec2MessagesEndpoint",
            /expected true or false/,
        );
        assertRejected(
            { createConfigRecorder: "1" },
            "ssm-fleet-baseline:createConfigRecorder",
            /expected true or false/,
        );
        assertRejected({ dhmcRoleName: "role/with/slash" }, "ssm-fleet-baseline:dhmcRoleName", /an IAM role name/);
        assertRejected({ dhmcRoleName: "x".repeat(65) }, "ssm-fleet-baseline:dhmcRoleName", /1 to 64/);
        assertRejected(
            { regionalSettingsProtection: "delete" },
            "ssm-fleet-baseline:regionalSettingsProtection",
            /expected retain or protect/,
        );
        assertRejected({ logRetentionDays: "0" }, "ssm-fleet-baseline:logRetentionDays", /from 1 to 3650/);
        assertRejected(
            { configRuleName: "managed by ssm" },
            "ssm-fleet-baseline:configRuleName",
            /letters, digits, dots, dashes or underscores/,
        );
    });

    describe("an adopted VPC", () => {
        const adopted: RawConfig = {
            existingVpcId: "vpc-0123456789abcdef0",
            existingVpcCidr: "10.0.0.0/16",
            existingSubnets: JSON.stringify([
                "subnet-0aaaaaaaaaaaaaaaa@eu-west-1a",
                "subnet-0bbbbbbbbbbbbbbbb@eu-west-1b",
            ]),
            existingRouteTableIds: JSON.stringify(["rtb-0123456789abcdef0"]),
        };

        it("is accepted with one subnet per availability zone", () => {
            const config = parseBaselineConfig({ ...valid, ...adopted }, region);
            assert.deepStrictEqual(config.network, {
                mode: "adopt",
                vpc: {
                    vpcId: "vpc-0123456789abcdef0",
                    cidrBlock: "10.0.0.0/16",
                    subnets: [
                        { id: "subnet-0aaaaaaaaaaaaaaaa", availabilityZone: "eu-west-1a" },
                        { id: "subnet-0bbbbbbbbbbbbbbbb", availabilityZone: "eu-west-1b" },
                    ],
                    routeTableIds: ["rtb-0123456789abcdef0"],
                },
            });
        });

        it("rejects two subnets in one availability zone", () => {
            assertRejected(
                {
                    ...adopted,
                    existingSubnets: JSON.stringify([
                        "subnet-0aaaaaaaaaaaaaaaa@eu-west-1a",
                        "subnet-0bbbbbbbbbbbbbbbb@eu-west-1a",
                    ]),
                },
                "ssm-fleet-baseline:existingSubnets",
                /subnet-0aaaaaaaaaaaaaaaa and subnet-0bbbbbbbbbbbbbbbb are both in eu-west-1a; an interface endpoint takes one subnet per availability zone/,
            );
        });

        it("rejects subnets without a zone of the stack's region, and malformed ids", () => {
            assertRejected(
                { ...adopted, existingSubnets: JSON.stringify(["subnet-0aaaaaaaaaaaaaaaa"]) },
                "ssm-fleet-baseline:existingSubnets[0]",
                /expected subnet-id@availability-zone in eu-west-1/,
            );
            assertRejected(
                { ...adopted, existingSubnets: JSON.stringify(["subnet-0aaaaaaaaaaaaaaaa@us-east-1a"]) },
                "ssm-fleet-baseline:existingSubnets[0]",
                /in eu-west-1/,
            );
            assertRejected(
                { ...adopted, existingVpcId: "vpc-xyz" },
                "ssm-fleet-baseline:existingVpcId",
                /a VPC id such as vpc-0123456789abcdef0/,
            );
            assertRejected(
                { ...adopted, existingRouteTableIds: JSON.stringify(["rtb-1"]) },
                "ssm-fleet-baseline:existingRouteTableIds[0]",
                /a route table id/,
            );
            assertRejected(
                { ...adopted, existingVpcCidr: "" },
                "ssm-fleet-baseline:existingVpcCidr",
                /the adopted VPC's IPv4 CIDR/,
            );
        });

        it("requires subnets and route tables", () => {
            assertRejected(
                { ...adopted, existingSubnets: "[]" },
                "ssm-fleet-baseline:existingSubnets",
                /missing; expected one subnet per availability zone/,
            );
            assertRejected(
                { ...adopted, existingRouteTableIds: "[]" },
                "ssm-fleet-baseline:existingRouteTableIds",
                /missing; expected the route tables/,
            );
        });

        it("rejects adopted-VPC settings without the VPC id", () => {
            const { existingVpcId: _, ...withoutId } = adopted;
            assertRejected(withoutId, "ssm-fleet-baseline:existingVpcId", /only apply to an adopted VPC/);
        });
    });

    it("configures the health watch, on by default, and validates its schedule, grace, debounce and tag key", () => {
        assert.deepStrictEqual(parseBaselineConfig(valid, region).healthWatch, {
            region,
            schedule: "rate(5 minutes)",
            graceMinutes: 15,
            debounceSweeps: 2,
            excludeTagKey: "ssm-fleet-baseline:unwatched",
            diagnose: false,
        });
        assert.strictEqual(parseBaselineConfig({ ...valid, healthWatch: "false" }, region).healthWatch, undefined);
        assert.strictEqual(
            parseBaselineConfig({ ...valid, healthWatchSchedule: "rate(1 minute)" }, region).healthWatch?.schedule,
            "rate(1 minute)",
        );
        for (const schedule of [
            "rate(5 minute)",
            "rate(1 minutes)",
            "rate(0 minutes)",
            "rate(61 minutes)",
            "rate(1 hour)",
            "cron(0/5 * * * ? *)",
        ]) {
            assertRejected(
                { healthWatchSchedule: schedule },
                "ssm-fleet-baseline:healthWatchSchedule",
                /rate\(N minutes\) with N from 1 to 60/,
            );
        }
        assertRejected(
            { healthWatchGraceMinutes: "-1" },
            "ssm-fleet-baseline:healthWatchGraceMinutes",
            /from 0 to 1440/,
        );
        assertRejected(
            { healthWatchDebounceSweeps: "0" },
            "ssm-fleet-baseline:healthWatchDebounceSweeps",
            /from 1 to 10/,
        );
        assertRejected(
            { healthWatchExcludeTagKey: "aws:reserved" },
            "ssm-fleet-baseline:healthWatchExcludeTagKey",
            /does not start with aws:/,
        );
        assertRejected(
            { healthWatchExcludeTagKey: "" },
            "ssm-fleet-baseline:healthWatchExcludeTagKey",
            /1 to 128 characters/,
        );
        assertRejected({ healthWatchDiagnose: "sometimes" }, "ssm-fleet-baseline:healthWatchDiagnose", /true or false/);
        assertRejected({ canary: "on" }, "ssm-fleet-baseline:canary", /true or false/);
    });

    describe("VPC flow logs", () => {
        const adopted: RawConfig = {
            existingVpcId: "vpc-0123456789abcdef0",
            existingVpcCidr: "10.0.0.0/16",
            existingSubnets: JSON.stringify(["subnet-0aaaaaaaaaaaaaaaa@eu-west-1a"]),
            existingRouteTableIds: JSON.stringify(["rtb-0123456789abcdef0"]),
        };

        it("always log the created VPC's rejected traffic, for logRetentionDays", () => {
            assert.deepStrictEqual(parseBaselineConfig(valid, region).flowLogs, {
                region,
                trafficType: "REJECT",
                retentionDays: 90,
            });
            assert.deepStrictEqual(
                parseBaselineConfig({ ...valid, flowLogTrafficType: "ALL", logRetentionDays: "30" }, region).flowLogs,
                { region, trafficType: "ALL", retentionDays: 30 },
            );
        });

        it("log an adopted VPC only when asked, since its owner may log it already", () => {
            assert.strictEqual(parseBaselineConfig({ ...valid, ...adopted }, region).flowLogs, undefined);
            assert.deepStrictEqual(
                parseBaselineConfig({ ...valid, ...adopted, existingVpcFlowLogs: "true" }, region).flowLogs,
                { region, trafficType: "REJECT", retentionDays: 90 },
            );
        });

        it("take REJECT or ALL only, and existingVpcFlowLogs only with an adopted VPC", () => {
            assertRejected(
                { flowLogTrafficType: "ACCEPT" },
                "ssm-fleet-baseline:flowLogTrafficType",
                /got "ACCEPT"; expected REJECT or ALL \(Security Hub EC2.6/,
            );
            assertRejected({ flowLogTrafficType: "reject" }, "ssm-fleet-baseline:flowLogTrafficType", /REJECT or ALL/);
            assertRejected(
                { existingVpcFlowLogs: "false" },
                "ssm-fleet-baseline:existingVpcFlowLogs",
                /only applies to an adopted VPC/,
            );
            assertRejected(
                { ...adopted, existingVpcFlowLogs: "yes" },
                "ssm-fleet-baseline:existingVpcFlowLogs",
                /true or false/,
            );
        });
    });

    it("reports every problem at once", () => {
        const problems = problemsOf({ vpcCidr: "nope", agentVersion: "1", ec2MessagesEndpoint: "maybe" });
        assert.strictEqual(problems.length, 3, problems.join("\n"));
    });
});
