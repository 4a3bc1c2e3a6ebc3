// The one place stack configuration is read and validated. It returns one section per
// component, shaped as that component's settings, whose values are already checked: a bad value
// fails before any resource is registered, with a message naming the key and the form it expects.
import * as pulumi from "@pulumi/pulumi";
import { compareAgentVersions, dhmcMinimumAgentVersion, parseAgentVersion } from "./aws/agentVersion";
import { dhmcDefaultRoleName, managedNodeRuleDefaultName } from "./aws/identifiers";
import { associationScheduleProblem, parseRate, rateMinutes } from "./aws/schedules";
import { AccessLogBucketSettings } from "./components/accessLogBucket";
import { AgentAutoUpdateSettings } from "./components/agentAutoUpdate";
import { AdoptedVpcArgs, ClosedVpcArgs } from "./components/closedVpc";
import { DefaultHostManagementArgs } from "./components/defaultHostManagement";
import { isNetworkAddress, parseIpv4Cidr } from "./components/ipv4";
import { ManagedNodeComplianceSettings } from "./components/managedNodeCompliance";
import { ManagedNodeHealthWatchSettings } from "./components/managedNodeHealthWatch";
import { NotificationPipelineSettings } from "./components/notificationPipeline";
import { SsmEndpointsSettings } from "./components/ssmEndpoints";
import { VpcFlowLogsSettings } from "./components/vpcFlowLogs";
import { flowLogTrafficTypes } from "./aws/identifiers";

export const projectName = "ssm-fleet-baseline";

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
    dhmcRoleName: { type: "string", default: dhmcDefaultRoleName },
    regionalSettingsProtection: { type: "string", default: "retain" },
    agentUpdateSchedule: { type: "string", default: "rate(14 days)" },
    agentVersion: { type: "string", default: "" },
    logRetentionDays: { type: "integer", default: 90 },
    configRuleName: { type: "string", default: managedNodeRuleDefaultName },
    createConfigRecorder: { type: "boolean", default: false },
    inventoryAssociation: { type: "boolean", default: true },
    canary: { type: "boolean", default: false },
    healthWatch: { type: "boolean", default: true },
    healthWatchSchedule: { type: "string", default: "rate(5 minutes)" },
    healthWatchGraceMinutes: { type: "integer", default: 15 },
    healthWatchDebounceSweeps: { type: "integer", default: 2 },
    healthWatchExcludeTagKey: { type: "string", default: "ssm-fleet-baseline:unwatched" },
    healthWatchDiagnose: { type: "boolean", default: false },
    flowLogTrafficType: { type: "string", default: "REJECT" },
    existingVpcFlowLogs: { type: "boolean", default: false },
} as const;

export type ConfigKey = keyof typeof configKeys;

/** Raw config as Pulumi hands it over: every value a string (arrays as JSON), absent keys undefined. */
export type RawConfig = Partial<Record<ConfigKey, string>>;

/** The validated configuration: one section per component. */
export interface BaselineConfig {
    readonly region: string;
    /** A closed VPC to create, or a VPC to adopt. */
    readonly network:
        | { readonly mode: "create"; readonly vpc: ClosedVpcArgs }
        | { readonly mode: "adopt"; readonly vpc: AdoptedVpcArgs };
    readonly endpoints: SsmEndpointsSettings;
    readonly dhmc: DefaultHostManagementArgs;
    readonly agentUpdate: AgentAutoUpdateSettings;
    readonly compliance: ManagedNodeComplianceSettings;
    readonly notifications: NotificationPipelineSettings;
    /** Undefined when the health watch is off. */
    readonly healthWatch?: ManagedNodeHealthWatchSettings;
    /** Launch a canary instance that `up --verify` checks. */
    readonly canary: boolean;
    /** The VPC's flow log; undefined for an adopted VPC unless asked for. */
    readonly flowLogs?: VpcFlowLogsSettings;
    /** The bucket every other bucket's server access logs go to. */
    readonly accessLogs: AccessLogBucketSettings;
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

/** Reads raw values by key, applying the declared defaults, and collects every problem it meets. */
class ConfigReader {
    readonly problems: string[] = [];

    constructor(
        private readonly raw: RawConfig,
        readonly region: string | undefined,
    ) {}

    key(k: ConfigKey): string {
        return `${projectName}:${k}`;
    }

    problem(k: ConfigKey, got: unknown, expected: string): void {
        this.problems.push(`${this.key(k)}: got ${JSON.stringify(got)}; expected ${expected}`);
    }

    /** A problem with its own wording, e.g. about one element of a list or about two keys together. */
    report(text: string): void {
        this.problems.push(text);
    }

    isSet(k: ConfigKey): boolean {
        return this.raw[k] !== undefined;
    }

    text(k: ConfigKey): string {
        return this.raw[k] ?? String(configKeys[k].default ?? "");
    }

    bool(k: ConfigKey): boolean {
        const value = this.text(k);
        if (value !== "true" && value !== "false") {
            this.problem(k, value, "true or false");
        }
        return value === "true";
    }

    integer(k: ConfigKey, min: number, max: number): number {
        const value = this.text(k);
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < min || n > max) {
            this.problem(k, value, `a whole number from ${min} to ${max}`);
        }
        return n;
    }

    list(k: ConfigKey, expected: string): string[] {
        const value = this.raw[k];
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
            this.problem(k, value, `a YAML list of ${expected}`);
            return [];
        }
        return parsed;
    }
}

/** Validates raw config. Pure: returns the typed config or throws a ConfigError listing every problem. */
export function parseBaselineConfig(raw: RawConfig, region: string | undefined): BaselineConfig {
    const read = new ConfigReader(raw, region);
    if (region === undefined || !regionPattern.test(region)) {
        read.report(`aws:region: got ${JSON.stringify(region)}; expected a region code such as eu-west-1`);
    }
    const inRegion = region ?? "";
    const logRetentionDays = read.integer("logRetentionDays", 1, 3650);
    const config: BaselineConfig = {
        region: inRegion,
        network: parseNetwork(read),
        endpoints: { region: inRegion, includeEc2Messages: read.bool("ec2MessagesEndpoint") },
        dhmc: parseDhmc(read, inRegion),
        agentUpdate: parseAgentUpdate(read, inRegion, logRetentionDays),
        compliance: {
            region: inRegion,
            ruleName: parseRuleName(read),
            createRecorder: read.bool("createConfigRecorder"),
            inventoryAssociation: read.bool("inventoryAssociation"),
            logRetentionDays,
        },
        notifications: { region: inRegion, emails: parseEmails(read) },
        healthWatch: parseHealthWatch(read, inRegion),
        canary: read.bool("canary"),
        flowLogs: parseFlowLogs(read, inRegion, logRetentionDays),
        accessLogs: { expirationDays: logRetentionDays },
    };
    if (read.problems.length > 0) {
        throw new ConfigError(read.problems);
    }
    return config;
}

function parseEmails(read: ConfigReader): string[] {
    const emails = read.list("notificationEmails", "e-mail addresses");
    if (!read.isSet("notificationEmails") || emails.length === 0) {
        read.report(
            `${read.key("notificationEmails")}: missing; expected at least one e-mail address such as ops@example.com`,
        );
    }
    emails.forEach((email, i) => {
        if (!emailPattern.test(email)) {
            read.report(
                `${read.key("notificationEmails")}[${i}]: got ${JSON.stringify(email)}; expected an e-mail address such as ops@example.com`,
            );
        }
    });
    return emails;
}

function parseNetwork(read: ConfigReader): BaselineConfig["network"] {
    const vpcId = read.text("existingVpcId");
    if (vpcId === "") {
        const adoptedOnly = [
            read.list("existingSubnets", "subnet-id@availability-zone entries"),
            read.list("existingRouteTableIds", "route table ids"),
        ];
        if (adoptedOnly.some(list => list.length > 0) || read.text("existingVpcCidr") !== "") {
            read.report(
                `${read.key("existingVpcId")}: missing; existingVpcCidr, existingSubnets and existingRouteTableIds only apply to an adopted VPC, so set it to the VPC's id (vpc-...) or remove them`,
            );
        }
        const cidrBlock = read.text("vpcCidr");
        const cidrProblem = vpcCidrProblem(cidrBlock);
        if (cidrProblem) {
            read.problem("vpcCidr", cidrBlock, cidrProblem);
        }
        return {
            mode: "create",
            vpc: { cidrBlock, availabilityZoneCount: read.integer("availabilityZoneCount", 1, 6) },
        };
    }
    return { mode: "adopt", vpc: parseAdoptedVpc(read, vpcId) };
}

function parseAdoptedVpc(read: ConfigReader, vpcId: string): AdoptedVpcArgs {
    const region = read.region;
    if (!vpcIdPattern.test(vpcId)) {
        read.problem("existingVpcId", vpcId, "a VPC id such as vpc-0123456789abcdef0");
    }
    const cidrBlock = read.text("existingVpcCidr");
    if (ipv4NetworkProblem(cidrBlock)) {
        read.problem(
            "existingVpcCidr",
            cidrBlock,
            "the adopted VPC's IPv4 CIDR such as 10.0.0.0/16 (endpoints admit HTTPS from it)",
        );
    }

    const entries = read.list("existingSubnets", "subnet-id@availability-zone entries");
    const subnets: AdoptedVpcArgs["subnets"][number][] = [];
    entries.forEach((entry, i) => {
        const [id, availabilityZone] = entry.split("@");
        const inRegion =
            region !== undefined &&
            availabilityZone?.startsWith(region) &&
            /^[a-z]$/.test(availabilityZone.slice(region.length));
        if (!subnetIdPattern.test(id ?? "") || !inRegion) {
            read.report(
                `${read.key("existingSubnets")}[${i}]: got ${JSON.stringify(entry)}; expected subnet-id@availability-zone in ${region ?? "the stack's region"}, such as subnet-0123456789abcdef0@${region ?? "eu-west-1"}a`,
            );
            return;
        }
        subnets.push({ id, availabilityZone });
    });
    if (entries.length === 0) {
        read.report(
            `${read.key("existingSubnets")}: missing; expected one subnet per availability zone as subnet-id@availability-zone`,
        );
    }
    const seen = new Map<string, string>();
    for (const subnet of subnets) {
        const other = seen.get(subnet.availabilityZone);
        if (other) {
            read.report(
                `${read.key("existingSubnets")}: ${other} and ${subnet.id} are both in ${subnet.availabilityZone}; an interface endpoint takes one subnet per availability zone`,
            );
        }
        seen.set(subnet.availabilityZone, subnet.id);
    }

    const routeTableIds = read.list("existingRouteTableIds", "route table ids");
    if (routeTableIds.length === 0) {
        read.report(
            `${read.key("existingRouteTableIds")}: missing; expected the route tables of the nodes' subnets (rtb-...), for the S3 gateway endpoint`,
        );
    }
    routeTableIds.forEach((id, i) => {
        if (!routeTableIdPattern.test(id)) {
            read.report(
                `${read.key("existingRouteTableIds")}[${i}]: got ${JSON.stringify(id)}; expected a route table id such as rtb-0123456789abcdef0`,
            );
        }
    });
    return { vpcId, cidrBlock, subnets, routeTableIds };
}

function parseDhmc(read: ConfigReader, region: string): DefaultHostManagementArgs {
    const roleName = read.text("dhmcRoleName");
    if (!roleNamePattern.test(roleName)) {
        read.problem("dhmcRoleName", roleName, "an IAM role name: 1 to 64 letters, digits or +=,.@_-");
    }
    const protection = read.text("regionalSettingsProtection");
    if (protection !== "retain" && protection !== "protect") {
        read.problem("regionalSettingsProtection", protection, "retain or protect");
    }
    return { region, roleName, regionalSettingsProtection: protection === "protect" ? "protect" : "retain" };
}

function parseAgentUpdate(read: ConfigReader, region: string, logRetentionDays: number): AgentAutoUpdateSettings {
    const schedule = read.text("agentUpdateSchedule");
    const scheduleProblem = associationScheduleProblem(schedule);
    if (scheduleProblem) {
        read.problem("agentUpdateSchedule", schedule, scheduleProblem);
    }
    const version = read.text("agentVersion");
    if (version !== "") {
        if (!parseAgentVersion(version)) {
            read.problem("agentVersion", version, `empty (latest) or a version such as ${dhmcMinimumAgentVersion}`);
        } else if (compareAgentVersions(version, dhmcMinimumAgentVersion) < 0) {
            read.problem(
                "agentVersion",
                version,
                `empty (latest) or ${dhmcMinimumAgentVersion} or newer, the oldest agent DHMC supports`,
            );
        }
    }
    return { region, schedule, version: version || undefined, logRetentionDays };
}

function parseRuleName(read: ConfigReader): string {
    const ruleName = read.text("configRuleName");
    if (!ruleNamePattern.test(ruleName)) {
        read.problem("configRuleName", ruleName, "1 to 128 letters, digits, dots, dashes or underscores");
    }
    return ruleName;
}

function parseHealthWatch(read: ConfigReader, region: string): ManagedNodeHealthWatchSettings | undefined {
    const enabled = read.bool("healthWatch");
    const schedule = read.text("healthWatchSchedule");
    const rate = parseRate(schedule);
    if (!rate || rate.unit !== "minute" || rateMinutes(rate) > 60) {
        read.problem("healthWatchSchedule", schedule, "rate(N minutes) with N from 1 to 60, such as rate(5 minutes)");
    }
    const graceMinutes = read.integer("healthWatchGraceMinutes", 0, 1440);
    const debounceSweeps = read.integer("healthWatchDebounceSweeps", 1, 10);
    const excludeTagKey = read.text("healthWatchExcludeTagKey");
    // EC2 tag keys: 1 to 128 characters, not starting with "aws:".
    if (excludeTagKey.length < 1 || excludeTagKey.length > 128 || excludeTagKey.startsWith("aws:")) {
        read.problem(
            "healthWatchExcludeTagKey",
            excludeTagKey,
            "an EC2 tag key of 1 to 128 characters that does not start with aws:",
        );
    }
    const diagnose = read.bool("healthWatchDiagnose");
    return enabled ? { region, schedule, graceMinutes, debounceSweeps, excludeTagKey, diagnose } : undefined;
}

/** A created VPC always logs; an adopted one only when asked, since its owner may log it already. */
function parseFlowLogs(read: ConfigReader, region: string, retentionDays: number): VpcFlowLogsSettings | undefined {
    const trafficType = read.text("flowLogTrafficType");
    const known = flowLogTrafficTypes.find(type => type === trafficType);
    if (!known) {
        read.problem(
            "flowLogTrafficType",
            trafficType,
            `${flowLogTrafficTypes.join(" or ")} (Security Hub EC2.6 checks that rejected traffic is logged)`,
        );
    }
    const adopted = read.text("existingVpcId") !== "";
    const logAdopted = read.bool("existingVpcFlowLogs");
    if (!adopted && read.isSet("existingVpcFlowLogs")) {
        read.report(
            `${read.key("existingVpcFlowLogs")}: only applies to an adopted VPC (existingVpcId); the created VPC always has a flow log, so remove it`,
        );
    }
    return !adopted || logAdopted ? { region, trafficType: known ?? "REJECT", retentionDays } : undefined;
}

/** Why an IPv4 CIDR is not a network address, or undefined when it is one. */
function ipv4NetworkProblem(cidr: string): string | undefined {
    const network = parseIpv4Cidr(cidr);
    if (!network) {
        return "an IPv4 CIDR such as 10.42.0.0/16";
    }
    return isNetworkAddress(network) ? undefined : `a network address: the host bits of ${cidr} are not zero`;
}

function vpcCidrProblem(cidr: string): string | undefined {
    const problem = ipv4NetworkProblem(cidr);
    if (problem) {
        return problem;
    }
    const prefix = parseIpv4Cidr(cidr)?.prefix ?? 0;
    // AWS VPCs are /16 to /28; /24 keeps room for one /28 or larger subnet per zone.
    return prefix < 16 || prefix > 24 ? "an IPv4 CIDR with a prefix from /16 to /24, such as 10.42.0.0/16" : undefined;
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
