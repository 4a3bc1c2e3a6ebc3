import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { knownRegions, zoneCountOf } from "../aws/regions";
import { ConfigError, configKeys, parseBaselineConfig, ParseOptions, RawConfig } from "../config";
import { projectRoot, stackConfig } from "./support/program";

const region = "eu-west-1";
const valid: RawConfig = { notificationEmails: JSON.stringify(["ops@example.com"]) };

/** Parses `raw` on top of a valid config and returns the problems, or [] when it is accepted. */
function problemsOf(raw: RawConfig, inRegion: string | undefined = region, options: ParseOptions = {}): string[] {
    try {
        parseBaselineConfig({ ...valid, ...raw }, inRegion, options);
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
        assert.deepStrictEqual(config.endpoints, {
            region,
            includeEc2Messages: true,
            includeLogs: true,
            includeKms: true,
        });
        assert.deepStrictEqual(config.dhmc, {
            region,
            role: "create",
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

    it("accepts the aws provider's own keys and other namespaces, and refuses what pulumi up would refuse or ignore", () => {
        const otherKeys = ["aws:region", "aws:profile", "aws:assumeRoles", "aws:version", "pulumi:tags", "random:seed"];
        assert.deepStrictEqual(problemsOf({}, region, { otherKeys }), []);
        assert.deepStrictEqual(
            problemsOf({}, region, { otherKeys: ["aws:awsAccessKey", "ssm-fleet-baselin:canary"] }),
            [
                "aws:awsAccessKey: not a configuration key of the aws provider, which refuses it at pulumi up; did you mean aws:accessKey?",
                "ssm-fleet-baselin:canary: ssm-fleet-baselin is not this project's namespace, so Pulumi would ignore the key; did you mean ssm-fleet-baseline:canary?",
            ],
        );
    });

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
        assertRejected({}, "aws:region", /expected a Region code such as eu-west-1/, "Ireland");
        assertRejected(
            {},
            "aws:region",
            /got "eu-west-4"; expected a Region code .* aws\/regions.ts; a Region AWS opened since can be added there/,
            "eu-west-4",
        );
        assert.throws(() => parseBaselineConfig(valid, undefined), /aws:region: missing; expected the stack's Region/);
    });

    it("refuses the Regions of the aws-cn and aws-us-gov partitions, saying why", () => {
        for (const [inRegion, partition, why] of [
            ["cn-north-1", "aws-cn \\(China\\)", "amazonaws\\.com\\.cn DNS suffix"],
            ["cn-northwest-1", "aws-cn \\(China\\)", "amazonaws\\.com\\.cn DNS suffix"],
            ["us-gov-west-1", "aws-us-gov \\(AWS GovCloud \\(US\\)\\)", "patching .* buckets"],
            ["us-gov-east-1", "aws-us-gov \\(AWS GovCloud \\(US\\)\\)", "patching .* buckets"],
        ]) {
            assertRejected(
                {},
                "aws:region",
                new RegExp(
                    `${inRegion} is in the ${partition} partition, which this program does not support: .*${why}.*; choose a Region of the aws partition`,
                ),
                inRegion,
            );
        }
    });

    it("accepts exactly the known Regions whose zone count it knows, and refuses more zones than the Region has", () => {
        for (const inRegion of knownRegions) {
            assert.strictEqual(problemsOf({}, inRegion).length === 0, zoneCountOf(inRegion) !== undefined, inRegion);
        }
        // eu-west-3 (Paris) has three zones: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html
        assertRejected(
            { availabilityZoneCount: "6" },
            "ssm-fleet-baseline:availabilityZoneCount",
            /got 6; expected at most 3: eu-west-3 has 3 Availability Zones/,
            "eu-west-3",
        );
        assert.deepStrictEqual(problemsOf({ availabilityZoneCount: "3" }, "eu-west-3"), []);
        assert.deepStrictEqual(problemsOf({ availabilityZoneCount: "6" }, "us-east-1"), []);
        assertRejected(
            { availabilityZoneCount: "5" },
            "ssm-fleet-baseline:availabilityZoneCount",
            /expected at most 4: us-west-2 has 4 Availability Zones/,
            "us-west-2",
        );
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
            "rate(31 days)",
        ]) {
            assertRejected(
                { agentUpdateSchedule: schedule },
                "ssm-fleet-baseline:agentUpdateSchedule",
                /expected rate\(N minutes\|hours\|days\) from 30 minutes to 30 days/,
            );
        }
        for (const [schedule, expected] of [
            ["cron(0 2 * *)", /six fields/],
            ["cron(99 99 * * ? *)", /minutes field "99": 99 is out of range; expected 0 to 59/],
            ["cron(0 2 * * * *)", /exactly one of day-of-month and day-of-week must be \?/],
        ] as const) {
            assertRejected(
                { agentUpdateSchedule: schedule },
                "ssm-fleet-baseline:agentUpdateSchedule",
                new RegExp(`expected a valid cron expression: ${expected.source}`),
            );
        }
        assertRejected(
            { agentUpdateSchedule: "cron(0 2 ? JAN SUN *)" },
            "ssm-fleet-baseline:agentUpdateSchedule",
            /expected a valid cron expression: month field "JAN": State Manager doesn't support months/,
        );
        for (const schedule of [
            "rate(30 minutes)",
            "rate(1 hour)",
            "rate(1 day)",
            "rate(7 days)",
            "cron(0 2 ? * SUN *)",
            "cron(0 2 ? * TUE#2 *)",
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
            diagnosesPerHour: 10,
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
        for (const perHour of ["0", "101", "5.5", "many"]) {
            assertRejected(
                { healthWatchDiagnosesPerHour: perHour },
                "ssm-fleet-baseline:healthWatchDiagnosesPerHour",
                /from 1 to 100/,
            );
        }
        assert.strictEqual(
            parseBaselineConfig({ ...valid, healthWatchDiagnosesPerHour: "3" }, region).healthWatch?.diagnosesPerHour,
            3,
        );
        assertRejected({ canary: "on" }, "ssm-fleet-baseline:canary", /true or false/);
    });

    describe("Session Manager preferences", () => {
        it("are on by default: logs to S3 and CloudWatch, encryption, 20-minute idle timeout, no Run As", () => {
            const config = parseBaselineConfig(valid, region);
            assert.deepStrictEqual(config.sessionManager, {
                region,
                adoptExisting: false,
                regionalSettingsProtection: "retain",
                s3Logging: true,
                auditReaders: [],
                logRetentionDays: 90,
                cloudWatchLogging: true,
                logGroupRetentionDays: 90,
                encryption: true,
                idleSessionTimeoutMinutes: 20,
                maxSessionDurationMinutes: undefined,
                runAsUser: undefined,
                shellProfile: { linux: "", windows: "" },
            });
            assert.strictEqual(
                parseBaselineConfig({ ...valid, sessionPreferences: "false" }, region).sessionManager,
                undefined,
            );
        });

        it("add the logs and kms endpoints only for the features that use them", () => {
            const endpoints = (raw: RawConfig) => {
                const { includeLogs, includeKms } = parseBaselineConfig({ ...valid, ...raw }, region).endpoints;
                return [includeLogs, includeKms];
            };
            assert.deepStrictEqual(endpoints({ sessionCloudWatchLogging: "false" }), [false, true]);
            assert.deepStrictEqual(endpoints({ sessionEncryption: "false" }), [true, false]);
            assert.deepStrictEqual(endpoints({ sessionPreferences: "false" }), [false, false]);
        });

        it("take the maximum duration, Run As user, shell profile and regional protection from config", () => {
            const config = parseBaselineConfig(
                {
                    ...valid,
                    sessionMaxDurationMinutes: "1440",
                    sessionRunAs: "true",
                    sessionRunAsUser: "ec2-user",
                    sessionShellProfileLinux: "cd ~",
                    regionalSettingsProtection: "protect",
                    sessionPreferencesAdopt: "true",
                },
                region,
            ).sessionManager!;
            assert.deepStrictEqual(
                [
                    config.maxSessionDurationMinutes,
                    config.runAsUser,
                    config.shellProfile,
                    config.regionalSettingsProtection,
                    config.adoptExisting,
                ],
                [1440, "ec2-user", { linux: "cd ~", windows: "" }, "protect", true],
            );
        });

        it("reject timeouts out of range", () => {
            for (const idle of ["0", "61", "twenty"]) {
                assertRejected(
                    { sessionIdleTimeoutMinutes: idle },
                    "ssm-fleet-baseline:sessionIdleTimeoutMinutes",
                    /expected a whole number from 1 to 60/,
                );
            }
            for (const max of ["1441", "-5", "1.5"]) {
                assertRejected(
                    { sessionMaxDurationMinutes: max },
                    "ssm-fleet-baseline:sessionMaxDurationMinutes",
                    /expected 0 \(no maximum\) or a whole number of minutes from 1 to 1440/,
                );
            }
        });

        it("reject a log group retention CloudWatch Logs does not accept", () => {
            for (const days of ["2", "100", "0", "3650"]) {
                assertRejected(
                    { sessionLogGroupRetentionDays: days },
                    "ssm-fleet-baseline:sessionLogGroupRetentionDays",
                    /a retention CloudWatch Logs accepts: one of 1, 3, 5, 7, 14, 30, 60, 90, .*, 3653 days/,
                );
            }
            assert.deepStrictEqual(problemsOf({ sessionLogGroupRetentionDays: "731" }), []);
        });

        it("reject Run As on without a user, and a user name Linux does not accept", () => {
            assertRejected(
                { sessionRunAs: "true" },
                "ssm-fleet-baseline:sessionRunAsUser",
                /missing; expected the Linux user sessions run as when ssm-fleet-baseline:sessionRunAs is true/,
            );
            assertRejected(
                { sessionRunAs: "true", sessionRunAsUser: "root user" },
                "ssm-fleet-baseline:sessionRunAsUser",
                /expected a Linux user name/,
            );
        });

        it("take the audit readers as IAM role ARNs, and reject anything else by its position", () => {
            const readers = [
                "arn:aws:iam::123456789012:role/session-auditor",
                "arn:aws-us-gov:iam::123456789012:role/sec/reader",
            ];
            assert.deepStrictEqual(
                parseBaselineConfig({ ...valid, auditReaders: JSON.stringify(readers) }, region).sessionManager!
                    .auditReaders,
                readers,
            );
            for (const wrong of [
                "arn:aws:iam::123456789012:user/alice",
                "arn:aws:iam::123456789012:root",
                "session-auditor",
                "arn:aws:sts::123456789012:assumed-role/r/s",
            ]) {
                assertRejected(
                    { auditReaders: JSON.stringify([readers[0], wrong]) },
                    "ssm-fleet-baseline:auditReaders",
                    /auditReaders\[1\]: got .*; expected an IAM role ARN such as arn:aws:iam::123456789012:role\/session-auditor/,
                );
            }
        });

        it("refuse audit readers whose log-readers SCP could not fit 5,120 characters, before anything is registered", () => {
            const reader = (i: number) =>
                `arn:aws:iam::123456789012:role/security/audit/${`session-auditor-${String(i).padStart(2, "0")}-`.padEnd(64, "x")}`;
            const many = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => reader(i)));
            assert.strictEqual(
                parseBaselineConfig({ ...valid, auditReaders: many(20) }, region).sessionManager!.auditReaders.length,
                20,
            );
            assertRejected(
                { auditReaders: many(60) },
                "ssm-fleet-baseline:auditReaders",
                /auditReaders: 60 readers make the session log readers SCP up to \d+ characters, over the 5120/,
            );
            // Without the log group there is no SCP, so no limit but IAM's.
            assert.strictEqual(
                parseBaselineConfig({ ...valid, auditReaders: many(60), sessionCloudWatchLogging: "false" }, region)
                    .sessionManager!.auditReaders.length,
                60,
            );
        });

        it("reject adopting the document while not managing it", () => {
            assertRejected(
                { sessionPreferences: "false", sessionPreferencesAdopt: "true" },
                "ssm-fleet-baseline:sessionPreferencesAdopt",
                /only applies when ssm-fleet-baseline:sessionPreferences is true/,
            );
        });
    });

    describe("hybrid activations", () => {
        const clock = { now: new Date("2026-12-01T20:30:00Z") };
        const on: RawConfig = { ...valid, hybridActivation: "true" };
        const problemsAt = (raw: RawConfig) => {
            try {
                parseBaselineConfig({ ...on, ...raw }, region, clock);
                return [];
            } catch (error) {
                assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
                return [...error.problems];
            }
        };
        const rejectedAt = (raw: RawConfig, key: string, expected: RegExp) => {
            const problems = problemsAt(raw);
            assert.ok(
                problems.some(p => p.startsWith(`ssm-fleet-baseline:${key}`) && expected.test(p)),
                `no problem for ${key} matching ${expected} in:\n${problems.join("\n")}`,
            );
        };

        it("are off by default; on, they take the expiry, limit, tier and regional protection", () => {
            assert.strictEqual(parseBaselineConfig(valid, region, clock).hybrid, undefined);
            assert.deepStrictEqual(
                parseBaselineConfig(
                    {
                        ...on,
                        hybridActivationExpiry: "2026-12-24T00:00:00Z",
                        hybridRegistrationLimit: "1000",
                        hybridInstanceTier: "advanced",
                        regionalSettingsProtection: "protect",
                    },
                    region,
                    clock,
                ).hybrid,
                {
                    region,
                    regionalSettingsProtection: "protect",
                    expirationDate: "2026-12-24T00:00:00Z",
                    registrationLimit: 1000,
                    instanceTier: "advanced",
                },
            );
            assert.deepStrictEqual(parseBaselineConfig(on, region, clock).hybrid, {
                region,
                regionalSettingsProtection: "retain",
                expirationDate: undefined,
                registrationLimit: 10,
                instanceTier: "standard",
            });
        });

        it("reject an expiry in the past, telling the user to set a new date", () => {
            rejectedAt(
                { hybridActivationExpiry: "2026-11-30T00:00:00Z" },
                "hybridActivationExpiry",
                /got "2026-11-30T00:00:00Z"; expected a time in the future: this activation expired; set a new date up to 30 days ahead, such as 2026-12-30T00:00:00Z/,
            );
        });

        it("reject an expiry beyond 30 days, or not a whole-second UTC time", () => {
            rejectedAt(
                { hybridActivationExpiry: "2027-01-01T00:00:00Z" },
                "hybridActivationExpiry",
                /expected a time at most 30 days ahead, no later than 2026-12-31T20:30:00Z/,
            );
            rejectedAt(
                { hybridActivationExpiry: "2026-12-24" },
                "hybridActivationExpiry",
                /expected a UTC time in RFC 3339 form such as 2026-12-30T00:00:00Z/,
            );
            assert.deepStrictEqual(problemsAt({ hybridActivationExpiry: "2026-12-31T20:30:00Z" }), []);
        });

        it("leave an old expiry alone while activations are off", () => {
            assert.strictEqual(
                parseBaselineConfig({ ...valid, hybridActivationExpiry: "2020-01-01T00:00:00Z" }, region, clock).hybrid,
                undefined,
            );
        });

        it("reject a registration limit out of range and an unknown tier", () => {
            for (const limit of ["0", "1001"]) {
                rejectedAt({ hybridRegistrationLimit: limit }, "hybridRegistrationLimit", /from 1 to 1000/);
            }
            rejectedAt(
                { hybridInstanceTier: "premium" },
                "hybridInstanceTier",
                /got "premium"; expected standard or advanced/,
            );
        });
    });

    describe("patching", () => {
        const patchKey = (k: string) => `ssm-fleet-baseline:${k}`;
        const rules = (...list: string[]) => JSON.stringify(list);

        it("is on by default with AL2023, the two default rules, a daily scan and a weekly window that reboots as AWS does", () => {
            assert.deepStrictEqual(parseBaselineConfig(valid, region).patching, {
                region,
                operatingSystem: "AMAZON_LINUX_2023",
                approvalRules: [
                    {
                        filters: [
                            { key: "CLASSIFICATION", values: ["Security"] },
                            { key: "SEVERITY", values: ["Critical", "Important"] },
                        ],
                        approveAfterDays: 7,
                        complianceLevel: "CRITICAL",
                    },
                    {
                        filters: [{ key: "CLASSIFICATION", values: ["Bugfix"] }],
                        approveAfterDays: 14,
                        complianceLevel: "MEDIUM",
                    },
                ],
                patchGroup: undefined,
                scanSchedule: "rate(1 day)",
                installTagKey: "ssm-fleet-baseline:patch",
                window: { schedule: "cron(0 3 ? * SUN *)", timeZone: "UTC", durationHours: 3, cutoffHours: 1 },
                rebootOption: "RebootIfNeeded",
                maxConcurrency: "10%",
                maxErrors: "10%",
                logRetentionDays: 90,
            });
            assert.strictEqual(parseBaselineConfig({ ...valid, patching: "false" }, region).patching, undefined);
        });

        it("takes Amazon Linux 2, a patch group, a rule without a compliance level, and the other reboot option", () => {
            const patching = parseBaselineConfig(
                {
                    ...valid,
                    patchOperatingSystem: "AMAZON_LINUX_2",
                    patchGroup: "web servers",
                    patchApprovalRules: rules("PRODUCT=* SEVERITY=Critical approveAfterDays=0"),
                    patchRebootOption: "NoReboot",
                    patchMaxErrors: "0",
                },
                region,
            ).patching;
            assert.deepStrictEqual(
                [patching?.operatingSystem, patching?.patchGroup, patching?.rebootOption, patching?.maxErrors],
                ["AMAZON_LINUX_2", "web servers", "NoReboot", "0"],
            );
            assert.deepStrictEqual(patching?.approvalRules, [
                {
                    filters: [
                        { key: "PRODUCT", values: ["*"] },
                        { key: "SEVERITY", values: ["Critical"] },
                    ],
                    approveAfterDays: 0,
                    complianceLevel: "UNSPECIFIED",
                },
            ]);
        });

        it("rejects an unknown operating system", () => {
            assertRejected(
                { patchOperatingSystem: "WINDOWS" },
                patchKey("patchOperatingSystem"),
                /expected AMAZON_LINUX_2023 or AMAZON_LINUX_2/,
            );
        });

        it("rejects approval days out of 0 to 360, unknown levels, and filter keys or severities the OS does not have", () => {
            const rule = (text: string) => ({
                patchApprovalRules: rules("CLASSIFICATION=Bugfix approveAfterDays=1", text),
            });
            assertRejected(
                rule("CLASSIFICATION=Security approveAfterDays=361"),
                patchKey("patchApprovalRules[1]"),
                /approveAfterDays from 0 to 360/,
            );
            assertRejected(
                rule("CLASSIFICATION=Security approveAfterDays=-1"),
                patchKey("patchApprovalRules[1]"),
                /approveAfterDays from 0 to 360/,
            );
            assertRejected(
                rule("CLASSIFICATION=Security approveAfterDays=7 complianceLevel=SEVERE"),
                patchKey("patchApprovalRules[1]"),
                /complianceLevel one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNSPECIFIED/,
            );
            assertRejected(
                rule("MSRC_SEVERITY=Critical approveAfterDays=7"),
                patchKey("patchApprovalRules[1]"),
                /MSRC_SEVERITY is not a patch filter key for AMAZON_LINUX_2023/,
            );
            assertRejected(
                rule("SEVERITY=High approveAfterDays=7"),
                patchKey("patchApprovalRules[1]"),
                /SEVERITY values among Critical, Important, Medium, Low, None/,
            );
            assertRejected(
                { patchOperatingSystem: "AMAZON_LINUX_2", ...rule("SEVERITY=None approveAfterDays=7") },
                patchKey("patchApprovalRules[1]"),
                /SEVERITY values among Critical, Important, Medium, Low \(or \*\) for AMAZON_LINUX_2/,
            );
        });

        it("rejects rules that repeat a key, lack a filter or the days, or pass the API's value limits, and more than 10 rules", () => {
            const problem = (text: string) => problemsOf({ patchApprovalRules: rules(text) });
            for (const text of [
                "CLASSIFICATION=Security CLASSIFICATION=Bugfix approveAfterDays=7",
                "approveAfterDays=7",
                "CLASSIFICATION=Security",
                "CLASSIFICATION= approveAfterDays=7",
                "CLASSIFICATION:Security approveAfterDays=7",
                `PRODUCT=${Array.from({ length: 21 }, (_, i) => `P${i}`).join(",")} approveAfterDays=7`,
                `PRODUCT=${"x".repeat(65)} approveAfterDays=7`,
            ]) {
                assert.ok(
                    problem(text).some(p => p.startsWith(patchKey("patchApprovalRules[0]"))),
                    `${text}: ${problem(text).join("; ")}`,
                );
            }
            assertRejected(
                {
                    patchApprovalRules: rules(
                        ...Array.from({ length: 11 }, () => "CLASSIFICATION=Bugfix approveAfterDays=1"),
                    ),
                },
                patchKey("patchApprovalRules"),
                /got 11 rules; expected 1 to 10/,
            );
            assertRejected({ patchApprovalRules: "[]" }, patchKey("patchApprovalRules"), /got 0 rules/);
        });

        it("rejects a bad scan schedule, window schedule or time zone", () => {
            assertRejected(
                { patchScanSchedule: "rate(10 minutes)" },
                patchKey("patchScanSchedule"),
                /from 30 minutes to 30 days/,
            );
            for (const [schedule, expected] of [
                ["cron(0 3 * * SUN *)", /exactly one of day-of-month and day-of-week must be \?/],
                ["cron(99 99 ? * SUN *)", /minutes field "99": 99 is out of range; expected 0 to 59/],
                ["cron(0 25 ? * SUN *)", /hours field "25": 25 is out of range; expected 0 to 23/],
                ["cron(0 0 3 ? * SUN *)", /seconds field "0" is the six-field form/],
                ["at(2020-13-45T99:00:00)", /month 13 is out of range; expected 1 to 12/],
                ["rate(1 minute)", /of at least 5 minutes/],
            ] as const) {
                assertRejected({ patchWindowSchedule: schedule }, patchKey("patchWindowSchedule"), expected);
            }
            assertRejected(
                { patchScanSchedule: "cron(0 3 1 * ? *)" },
                patchKey("patchScanSchedule"),
                /expected a valid cron expression: one of the cron schedules associations support/,
            );
            assertRejected({ patchWindowSchedule: "weekly" }, patchKey("patchWindowSchedule"), /cron\(minutes hours/);
            assertRejected(
                { patchWindowTimezone: "Europe/Atlantis" },
                patchKey("patchWindowTimezone"),
                /an IANA time zone such as UTC or Europe\/Paris/,
            );
            assertRejected({ patchWindowTimezone: "utc" }, patchKey("patchWindowTimezone"), /case-sensitive/);
            assert.strictEqual(
                parseBaselineConfig({ ...valid, patchWindowTimezone: "America/Los_Angeles" }, region).patching?.window
                    .timeZone,
                "America/Los_Angeles",
            );
        });

        it("rejects a duration out of 1 to 24 hours, a cutoff out of 0 to 23, and a cutoff not shorter than the duration", () => {
            assertRejected({ patchWindowDurationHours: "0" }, patchKey("patchWindowDurationHours"), /from 1 to 24/);
            assertRejected({ patchWindowDurationHours: "25" }, patchKey("patchWindowDurationHours"), /from 1 to 24/);
            assertRejected({ patchWindowCutoffHours: "24" }, patchKey("patchWindowCutoffHours"), /from 0 to 23/);
            assertRejected(
                { patchWindowDurationHours: "2", patchWindowCutoffHours: "2" },
                patchKey("patchWindowCutoffHours"),
                /got 2; expected fewer hours than patchWindowDurationHours \(2\)/,
            );
        });

        it("rejects an unknown reboot option and limits the API does not take", () => {
            assertRejected(
                { patchRebootOption: "RebootAlways" },
                patchKey("patchRebootOption"),
                /expected RebootIfNeeded or NoReboot/,
            );
            assertRejected({ patchMaxConcurrency: "0" }, patchKey("patchMaxConcurrency"), /from 1/);
            assertRejected({ patchMaxConcurrency: "101%" }, patchKey("patchMaxConcurrency"), /percentage/);
            assertRejected({ patchMaxErrors: "ten" }, patchKey("patchMaxErrors"), /from 0/);
        });

        it("rejects a bad patch group or install tag key, and an install tag key beside a patch group", () => {
            assertRejected({ patchGroup: "web;db" }, patchKey("patchGroup"), /1 to 256 letters/);
            assertRejected(
                { patchInstallTagKey: "aws:patch" },
                patchKey("patchInstallTagKey"),
                /does not start with aws:/,
            );
            assertRejected(
                { patchGroup: "web", patchInstallTagKey: "patch-me" },
                patchKey("patchInstallTagKey"),
                /only applies without patchGroup/,
            );
        });
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
                { existingVpcFlowLogs: "true" },
                "ssm-fleet-baseline:existingVpcFlowLogs",
                /only applies to an adopted VPC/,
            );
            // Its default, which `pulumi up` always hands over, means what leaving it out means.
            assert.deepStrictEqual(problemsOf({ existingVpcFlowLogs: "false" }), []);
            assertRejected(
                { ...adopted, existingVpcFlowLogs: "yes" },
                "ssm-fleet-baseline:existingVpcFlowLogs",
                /true or false/,
            );
        });
    });

    it("restricts the S3 gateway endpoint only when asked, to valid bucket names", () => {
        assert.strictEqual(parseBaselineConfig(valid, region).endpoints.s3EndpointPolicy, undefined);
        assert.deepStrictEqual(
            parseBaselineConfig(
                { ...valid, s3EndpointPolicy: "true", s3EndpointAllowedBuckets: JSON.stringify(["my.data-bucket"]) },
                region,
            ).endpoints.s3EndpointPolicy,
            { allowedBuckets: ["my.data-bucket"] },
        );
        for (const bucket of ["arn:aws:s3:::data", "Data", "ab", "a..b", "-data", "192.168.1.1", "x".repeat(64)]) {
            assertRejected(
                { s3EndpointPolicy: "true", s3EndpointAllowedBuckets: JSON.stringify([bucket]) },
                "ssm-fleet-baseline:s3EndpointAllowedBuckets[0]",
                /expected an S3 bucket name/,
            );
        }
        assertRejected(
            { s3EndpointAllowedBuckets: JSON.stringify(["data"]) },
            "ssm-fleet-baseline:s3EndpointAllowedBuckets",
            /only applies with s3EndpointPolicy: true/,
        );
        assertRejected({ s3EndpointPolicy: "yes" }, "ssm-fleet-baseline:s3EndpointPolicy", /true or false/);
    });

    it("reports every problem at once", () => {
        const problems = problemsOf({ vpcCidr: "nope", agentVersion: "1", ec2MessagesEndpoint: "maybe" });
        assert.strictEqual(problems.length, 3, problems.join("\n"));
    });

    describe("the mistakes people make most", () => {
        it("refuses a misspelled key, suggesting the declared one", () => {
            assert.deepStrictEqual(problemsOf({ availabiltyZoneCount: "3" }), [
                "ssm-fleet-baseline:availabiltyZoneCount: not a setting of this project; did you mean availabilityZoneCount? (Pulumi.yaml lists every setting)",
            ]);
            assert.deepStrictEqual(problemsOf({ healthwatchschedule: "rate(10 minutes)" }).length, 1);
            assert.match(
                problemsOf({ color: "blue" })[0],
                /ssm-fleet-baseline:color: not a setting of this project \(Pulumi.yaml/,
            );
        });

        it("refuses keys that only apply to a created VPC when adopting one", () => {
            const adopting: RawConfig = {
                existingVpcId: "vpc-0123456789abcdef0",
                existingVpcCidr: "10.0.0.0/16",
                existingSubnets: JSON.stringify(["subnet-0aaaaaaaaaaaaaaaa@eu-west-1a"]),
                existingRouteTableIds: JSON.stringify(["rtb-0123456789abcdef0"]),
            };
            assert.deepStrictEqual(problemsOf({ ...adopting, availabilityZoneCount: "3", vpcCidr: "10.1.0.0/16" }), [
                "ssm-fleet-baseline:existingVpcId: an adopted VPC keeps its own zones and CIDR, so availabilityZoneCount and vpcCidr would be ignored; remove them, or remove existingVpcId to create a closed VPC",
            ]);
        });

        it("reports a scalar or a mixed list of e-mails once", () => {
            assert.deepStrictEqual(problemsOf({ notificationEmails: "ops@example.com" }), [
                'ssm-fleet-baseline:notificationEmails: got "ops@example.com"; expected a YAML list of e-mail addresses',
            ]);
            assert.deepStrictEqual(problemsOf({ notificationEmails: JSON.stringify(["ops@example.com", 3]) }), [
                "ssm-fleet-baseline:notificationEmails[1]: got 3; expected a YAML list of e-mail addresses, each a string (quote it)",
            ]);
        });

        it("says to quote a value that YAML may have read as a number", () => {
            assert.deepStrictEqual(problemsOf({ agentVersion: "2.0" }), [
                'ssm-fleet-baseline:agentVersion: got "2.0"; expected empty (latest) or a version such as 3.2.582.0 (if Pulumi.<stack>.yaml has it unquoted, YAML reads it as a number: quote it, as in "2.0")',
            ]);
            assert.doesNotMatch(problemsOf({ dhmcRoleName: "role/x" })[0], /quote/);
        });

        it("says plainly that a secure: value is for secrets, which this key is not", () => {
            assert.deepStrictEqual(
                problemsOf({ agentVersion: '{"secure":"AAAB"}' }, region, { secretKeys: ["agentVersion"] }),
                [
                    "ssm-fleet-baseline:agentVersion: is stored as a secret (secure:), but it is not secret; set it in plain text with pulumi config set agentVersion <value>",
                ],
            );
        });

        it("creates, imports or adopts the DHMC role when told to, and refuses other modes", () => {
            for (const mode of ["create", "import", "adopt"]) {
                assert.strictEqual(parseBaselineConfig({ ...valid, dhmcRole: mode }, region).dhmc.role, mode);
            }
            assertRejected(
                { dhmcRole: "share" },
                "ssm-fleet-baseline:dhmcRole",
                /expected create \(this stack creates and owns the role\), import \(.*\) or adopt/,
            );
        });
    });
});
