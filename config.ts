// The one place stack configuration is read and validated. Everything downstream receives a
// `BaselineConfig` whose values are already checked, so a bad value fails before any resource
// is registered, with a message naming the key and the form it expects.
import * as pulumi from "@pulumi/pulumi";
import { compareAgentVersions, dhmcMinimumAgentVersion, parseAgentVersion } from "./aws/agentVersion";

export const projectName = "ssm-fleet-baseline";

/** The AWS-recommended DHMC role name (aws-facts §1.2). */
export const defaultDhmcRoleName = "AWSSystemsManagerDefaultEC2InstanceManagementRole";

/**
 * Every project config key with its Pulumi.yaml type and default. Pulumi.yaml declares the same
 * keys (a test keeps the two in step); the defaults here also apply under mocks, where the CLI
 * does not fill them in.
 */
export const configKeys = {
    notificationEmails: { type: "array", default: undefined },
    availabilityZoneCount: { type: "integer", default: 2 },
    vpcCidr: { type: "string", default: "10.42.0.0/16" },
    existingVpcId: { type: "string", default: "" },
    existingVpcCidr: { type: "string", default: "" },
    existingSubnets: { type: "array", default: [] },
    existingRouteTableIds: { type: "array", default: [] },
    ec2MessagesEndpoint: { type: "boolean", default: true },
    dhmcRoleName: { type: "string", default: defaultDhmcRoleName },
    regionalSettingsProtection: { type: "string", default: "retain" },
    agentUpdateSchedule: { type: "string", default: "rate(14 days)" },
    agentVersion: { type: "string", default: "" },
    logRetentionDays: { type: "integer", default: 90 },
    configRuleName: { type: "string", default: "ec2-instance-managed-by-systems-manager" },
    createConfigRecorder: { type: "boolean", default: false },
    inventoryAssociation: { type: "boolean", default: true },
    canary: { type: "boolean", default: false },
    healthWatch: { type: "boolean", default: true },
    healthWatchSchedule: { type: "string", default: "rate(5 minutes)" },
    healthWatchGraceMinutes: { type: "integer", default: 15 },
    healthWatchDebounceSweeps: { type: "integer", default: 2 },
    healthWatchExcludeTagKey: { type: "string", default: "ssm-fleet-baseline:unwatched" },
    healthWatchDiagnose: { type: "boolean", default: false },
} as const;

export type ConfigKey = keyof typeof configKeys;

/** Raw config as Pulumi hands it over: every value a string (arrays as JSON), absent keys undefined. */
export type RawConfig = Partial<Record<ConfigKey, string>>;

export interface AdoptedSubnet {
    readonly id: string;
    readonly availabilityZone: string;
}

export type NetworkConfig =
    | { readonly mode: "create"; readonly cidrBlock: string; readonly availabilityZoneCount: number }
    | {
          readonly mode: "adopt";
          readonly vpcId: string;
          readonly cidrBlock: string;
          readonly subnets: readonly AdoptedSubnet[];
          readonly routeTableIds: readonly string[];
      };

/** How the region-wide settings (DHMC, IMDS defaults) survive `pulumi destroy`. */
export type RegionalSettingsProtection = "retain" | "protect";

export interface BaselineConfig {
    readonly region: string;
    readonly notificationEmails: readonly string[];
    readonly network: NetworkConfig;
    readonly ec2MessagesEndpoint: boolean;
    readonly dhmcRoleName: string;
    readonly regionalSettingsProtection: RegionalSettingsProtection;
    readonly agentUpdate: {
        readonly schedule: string;
        /** Pinned agent version; undefined means the latest release. */
        readonly version?: string;
    };
    /** Days that agent-update output and Config delivery files are kept. */
    readonly logRetentionDays: number;
    readonly compliance: {
        readonly ruleName: string;
        readonly createRecorder: boolean;
        readonly inventoryAssociation: boolean;
    };
    /** Launch a canary instance that `up --verify` checks. */
    readonly canary: boolean;
    /** The fast managed-node health watch; undefined when it is off. */
    readonly healthWatch?: {
        /** Minutes between sweeps, from rate(N minutes). */
        readonly intervalMinutes: number;
        readonly graceMinutes: number;
        readonly debounceSweeps: number;
        readonly excludeTagKey: string;
        readonly diagnose: boolean;
    };
}

/** Thrown with every problem found, one line each, so a user fixes them in one round. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration:\n${problems.map(p => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const vpcIdPattern = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const subnetIdPattern = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const routeTableIdPattern = /^rtb-[0-9a-f]{8}([0-9a-f]{9})?$/;
// IAM role names: up to 64 of [\w+=,.@-] (IAM CreateRole RoleName pattern).
const roleNamePattern = /^[\w+=,.@-]{1,64}$/;
// Config rule names: up to 128 characters; kept to characters that are safe in console links.
const ruleNamePattern = /^[A-Za-z0-9._-]{1,128}$/;
const ratePattern = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const cronPattern = /^cron\((\S+ ){4,6}\S+\)$/;

/** The SSM minimum for association rate schedules (aws-facts §7, ssm Association). */
export const minimumAssociationRateMinutes = 30;

/** Validates raw config. Pure: returns the typed config or throws a ConfigError listing every problem. */
export function parseBaselineConfig(raw: RawConfig, region: string | undefined): BaselineConfig {
    const problems: string[] = [];
    const key = (k: ConfigKey) => `${projectName}:${k}`;
    const problem = (k: ConfigKey, got: unknown, expected: string) =>
        problems.push(`${key(k)}: got ${JSON.stringify(got)}; expected ${expected}`);

    const text = (k: ConfigKey): string => {
        const value = raw[k];
        return value === undefined ? String(configKeys[k].default ?? "") : value;
    };
    const bool = (k: ConfigKey): boolean => {
        const value = text(k);
        if (value !== "true" && value !== "false") {
            problem(k, value, "true or false");
        }
        return value === "true";
    };
    const integer = (k: ConfigKey, min: number, max: number): number => {
        const value = text(k);
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < min || n > max) {
            problem(k, value, `a whole number from ${min} to ${max}`);
        }
        return n;
    };
    const list = (k: ConfigKey, expected: string): string[] => {
        const value = raw[k];
        if (value === undefined) {
            return [...((configKeys[k].default as readonly string[] | undefined) ?? [])];
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || !parsed.every(item => typeof item === "string")) {
            problem(k, value, `a YAML list of ${expected}`);
            return [];
        }
        return parsed;
    };

    if (region === undefined || !regionPattern.test(region)) {
        problems.push(`aws:region: got ${JSON.stringify(region)}; expected a region code such as eu-west-1`);
    }

    const notificationEmails = list("notificationEmails", "e-mail addresses");
    if (raw.notificationEmails === undefined || notificationEmails.length === 0) {
        problems.push(
            `${key("notificationEmails")}: missing; expected at least one e-mail address such as ops@example.com`,
        );
    }
    notificationEmails.forEach((email, i) => {
        if (!emailPattern.test(email)) {
            problems.push(
                `${key("notificationEmails")}[${i}]: got ${JSON.stringify(email)}; expected an e-mail address such as ops@example.com`,
            );
        }
    });

    const network = parseNetwork();

    const dhmcRoleName = text("dhmcRoleName");
    if (!roleNamePattern.test(dhmcRoleName)) {
        problem("dhmcRoleName", dhmcRoleName, "an IAM role name: 1 to 64 letters, digits or +=,.@_-");
    }
    const regionalSettingsProtection = text("regionalSettingsProtection");
    if (regionalSettingsProtection !== "retain" && regionalSettingsProtection !== "protect") {
        problem("regionalSettingsProtection", regionalSettingsProtection, "retain or protect");
    }

    const schedule = text("agentUpdateSchedule");
    const scheduleProblem = associationScheduleProblem(schedule);
    if (scheduleProblem) {
        problem("agentUpdateSchedule", schedule, scheduleProblem);
    }
    const agentVersion = text("agentVersion");
    if (agentVersion !== "") {
        if (!parseAgentVersion(agentVersion)) {
            problem("agentVersion", agentVersion, `empty (latest) or a version such as ${dhmcMinimumAgentVersion}`);
        } else if (compareAgentVersions(agentVersion, dhmcMinimumAgentVersion) < 0) {
            problem(
                "agentVersion",
                agentVersion,
                `empty (latest) or ${dhmcMinimumAgentVersion} or newer, the oldest agent DHMC supports`,
            );
        }
    }
    const logRetentionDays = integer("logRetentionDays", 1, 3650);

    const ruleName = text("configRuleName");
    if (!ruleNamePattern.test(ruleName)) {
        problem("configRuleName", ruleName, "1 to 128 letters, digits, dots, dashes or underscores");
    }
    const config: BaselineConfig = {
        region: region ?? "",
        notificationEmails,
        network,
        ec2MessagesEndpoint: bool("ec2MessagesEndpoint"),
        dhmcRoleName,
        regionalSettingsProtection: regionalSettingsProtection as RegionalSettingsProtection,
        agentUpdate: { schedule, version: agentVersion || undefined },
        logRetentionDays,
        compliance: {
            ruleName,
            createRecorder: bool("createConfigRecorder"),
            inventoryAssociation: bool("inventoryAssociation"),
        },
        canary: bool("canary"),
        healthWatch: parseHealthWatch(),
    };
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return config;

    function parseNetwork(): NetworkConfig {
        const vpcId = text("existingVpcId");
        const subnetEntries = list("existingSubnets", "subnet-id@availability-zone entries");
        const routeTableIds = list("existingRouteTableIds", "route table ids");
        if (vpcId === "") {
            if (subnetEntries.length > 0 || routeTableIds.length > 0 || text("existingVpcCidr") !== "") {
                problems.push(
                    `${key("existingVpcId")}: missing; existingVpcCidr, existingSubnets and existingRouteTableIds only apply to an adopted VPC, so set it to the VPC's id (vpc-...) or remove them`,
                );
            }
            const cidrBlock = text("vpcCidr");
            const cidrProblem = vpcCidrProblem(cidrBlock);
            if (cidrProblem) {
                problem("vpcCidr", cidrBlock, cidrProblem);
            }
            return { mode: "create", cidrBlock, availabilityZoneCount: integer("availabilityZoneCount", 1, 6) };
        }

        if (!vpcIdPattern.test(vpcId)) {
            problem("existingVpcId", vpcId, "a VPC id such as vpc-0123456789abcdef0");
        }
        const cidrBlock = text("existingVpcCidr");
        if (ipv4NetworkProblem(cidrBlock)) {
            problem(
                "existingVpcCidr",
                cidrBlock,
                "the adopted VPC's IPv4 CIDR such as 10.0.0.0/16 (endpoints admit HTTPS from it)",
            );
        }
        const subnets: AdoptedSubnet[] = [];
        subnetEntries.forEach((entry, i) => {
            const [id, availabilityZone] = entry.split("@");
            const inRegion =
                region !== undefined &&
                availabilityZone?.startsWith(region) &&
                /^[a-z]$/.test(availabilityZone.slice(region.length));
            if (!subnetIdPattern.test(id ?? "") || !inRegion) {
                problems.push(
                    `${key("existingSubnets")}[${i}]: got ${JSON.stringify(entry)}; expected subnet-id@availability-zone in ${region ?? "the stack's region"}, such as subnet-0123456789abcdef0@${region ?? "eu-west-1"}a`,
                );
                return;
            }
            subnets.push({ id, availabilityZone });
        });
        if (subnetEntries.length === 0) {
            problems.push(
                `${key("existingSubnets")}: missing; expected one subnet per availability zone as subnet-id@availability-zone`,
            );
        }
        const seen = new Map<string, string>();
        for (const subnet of subnets) {
            const other = seen.get(subnet.availabilityZone);
            if (other) {
                problems.push(
                    `${key("existingSubnets")}: ${other} and ${subnet.id} are both in ${subnet.availabilityZone}; an interface endpoint takes one subnet per availability zone`,
                );
            }
            seen.set(subnet.availabilityZone, subnet.id);
        }
        if (routeTableIds.length === 0) {
            problems.push(
                `${key("existingRouteTableIds")}: missing; expected the route tables of the nodes' subnets (rtb-...), for the S3 gateway endpoint`,
            );
        }
        routeTableIds.forEach((id, i) => {
            if (!routeTableIdPattern.test(id)) {
                problems.push(
                    `${key("existingRouteTableIds")}[${i}]: got ${JSON.stringify(id)}; expected a route table id such as rtb-0123456789abcdef0`,
                );
            }
        });
        return { mode: "adopt", vpcId, cidrBlock, subnets, routeTableIds };
    }

    function parseHealthWatch(): BaselineConfig["healthWatch"] {
        const enabled = bool("healthWatch");
        const schedule = text("healthWatchSchedule");
        const minutes = /^rate\((\d+) minutes?\)$/.exec(schedule);
        const intervalMinutes = Number(minutes?.[1]);
        if (
            !minutes ||
            intervalMinutes < 1 ||
            intervalMinutes > 60 ||
            (intervalMinutes === 1) !== schedule.endsWith("minute)")
        ) {
            problem("healthWatchSchedule", schedule, "rate(N minutes) with N from 1 to 60, such as rate(5 minutes)");
        }
        const graceMinutes = integer("healthWatchGraceMinutes", 0, 1440);
        const debounceSweeps = integer("healthWatchDebounceSweeps", 1, 10);
        const excludeTagKey = text("healthWatchExcludeTagKey");
        // EC2 tag keys: 1 to 128 characters, not starting with "aws:".
        if (excludeTagKey.length < 1 || excludeTagKey.length > 128 || excludeTagKey.startsWith("aws:")) {
            problem(
                "healthWatchExcludeTagKey",
                excludeTagKey,
                "an EC2 tag key of 1 to 128 characters that does not start with aws:",
            );
        }
        const diagnose = bool("healthWatchDiagnose");
        return enabled ? { intervalMinutes, graceMinutes, debounceSweeps, excludeTagKey, diagnose } : undefined;
    }
}

/** Why an IPv4 CIDR is not a network address, or undefined when it is one. */
export function ipv4NetworkProblem(cidr: string): string | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!match) {
        return "an IPv4 CIDR such as 10.42.0.0/16";
    }
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some(o => o > 255) || prefix > 32) {
        return "an IPv4 CIDR such as 10.42.0.0/16";
    }
    const address = octets.reduce((acc, o) => acc * 256 + o, 0);
    if (address % 2 ** (32 - prefix) !== 0) {
        return `a network address: the host bits of ${cidr} are not zero`;
    }
    return undefined;
}

function vpcCidrProblem(cidr: string): string | undefined {
    const problem = ipv4NetworkProblem(cidr);
    if (problem) {
        return problem;
    }
    const prefix = Number(cidr.split("/")[1]);
    // AWS VPCs are /16 to /28; /24 keeps room for one /28 or larger subnet per zone.
    return prefix < 16 || prefix > 24 ? "an IPv4 CIDR with a prefix from /16 to /24, such as 10.42.0.0/16" : undefined;
}

/** Why a State Manager schedule is invalid, or undefined when it is valid. */
export function associationScheduleProblem(schedule: string): string | undefined {
    const expected = `rate(N minutes|hours|days) with N of at least ${minimumAssociationRateMinutes} minutes, or cron(...)`;
    const rate = ratePattern.exec(schedule);
    if (rate) {
        const n = Number(rate[1]);
        const unit = rate[2];
        const singular = !unit.endsWith("s");
        if (n < 1 || singular !== (n === 1)) {
            return `${expected}; say "1 day" but "2 days"`;
        }
        const minutes = n * (unit.startsWith("minute") ? 1 : unit.startsWith("hour") ? 60 : 1440);
        return minutes < minimumAssociationRateMinutes ? expected : undefined;
    }
    return cronPattern.test(schedule) ? undefined : expected;
}

/** Reads the stack's config through Pulumi and validates it. */
export function loadBaselineConfig(): BaselineConfig {
    const config = new pulumi.Config(projectName);
    const raw: RawConfig = {};
    for (const k of Object.keys(configKeys) as ConfigKey[]) {
        const value = config.get(k);
        if (value !== undefined) {
            raw[k] = value;
        }
    }
    return parseBaselineConfig(raw, new pulumi.Config("aws").get("region"));
}
