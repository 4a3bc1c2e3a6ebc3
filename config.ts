// The one place stack configuration is read and validated. It returns one section per
// component, shaped as that component's settings, whose values are already checked: a bad value
// fails before any resource is registered, with a message naming the key and the form it expects.
import * as pulumi from "@pulumi/pulumi";
import { compareAgentVersions, dhmcMinimumAgentVersion, parseAgentVersion } from "./aws/agentVersion";
import {
    dhmcDefaultRoleName,
    maintenanceWindowLimits,
    managedNodeRuleDefaultName,
    patchComplianceLevels,
    patchFilterKeysByOs,
    patchRebootOptions,
    patchRuleLimits,
    patchSeveritiesByOs,
} from "./aws/identifiers";
import {
    associationScheduleProblem,
    isIanaTimeZone,
    maintenanceWindowScheduleProblem,
    parseRate,
    rateMinutes,
} from "./aws/schedules";
import { AgentAutoUpdateSettings } from "./components/agentAutoUpdate";
import { AdoptedVpcArgs, ClosedVpcArgs } from "./components/closedVpc";
import { DefaultHostManagementArgs } from "./components/defaultHostManagement";
import { isNetworkAddress, parseIpv4Cidr } from "./components/ipv4";
import { ManagedNodeComplianceSettings } from "./components/managedNodeCompliance";
import { ManagedNodeHealthWatchSettings } from "./components/managedNodeHealthWatch";
import { NotificationPipelineSettings } from "./components/notificationPipeline";
import {
    PatchApprovalRule,
    PatchComplianceLevel,
    PatchManagerSettings,
    PatchOperatingSystem,
    PatchRebootOption,
} from "./components/patchManager";
import { SsmEndpointsSettings } from "./components/ssmEndpoints";

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
    patching: { type: "boolean", default: true },
    patchOperatingSystem: { type: "string", default: "AMAZON_LINUX_2023" },
    patchApprovalRules: {
        type: "array",
        default: [
            "CLASSIFICATION=Security SEVERITY=Critical,Important approveAfterDays=7 complianceLevel=CRITICAL",
            "CLASSIFICATION=Bugfix approveAfterDays=14 complianceLevel=MEDIUM",
        ],
    },
    patchGroup: { type: "string", default: "" },
    patchScanSchedule: { type: "string", default: "rate(1 day)" },
    patchInstallTagKey: { type: "string", default: "ssm-fleet-baseline:patch" },
    patchWindowSchedule: { type: "string", default: "cron(0 3 ? * SUN *)" },
    patchWindowTimezone: { type: "string", default: "UTC" },
    patchWindowDurationHours: { type: "integer", default: 3 },
    patchWindowCutoffHours: { type: "integer", default: 1 },
    patchRebootOption: { type: "string", default: "RebootIfNeeded" },
    patchMaxConcurrency: { type: "string", default: "10%" },
    patchMaxErrors: { type: "string", default: "10%" },
    s3EndpointPolicy: { type: "boolean", default: false },
    s3EndpointAllowedBuckets: { type: "array", default: [] },
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
    /** Undefined when patching is off. */
    readonly patching?: PatchManagerSettings;
    /** Launch a canary instance that `up --verify` checks. */
    readonly canary: boolean;
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
// S3 general purpose bucket names: 3 to 63 lower-case letters, digits, dots and hyphens, starting
// and ending with a letter or digit, no two dots in a row, not an IPv4 address.
const bucketNamePattern = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Patch group names: 1 to 256 letters, spaces, digits or _.:/=+-@ (API PatchGroup pattern).
const patchGroupPattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

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
        endpoints: {
            region: inRegion,
            includeEc2Messages: read.bool("ec2MessagesEndpoint"),
            ...parseS3EndpointPolicy(read),
        },
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
        patching: parsePatching(read, inRegion, logRetentionDays),
        canary: read.bool("canary"),
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
    const excludeTagKey = parseTagKey(read, "healthWatchExcludeTagKey");
    const diagnose = read.bool("healthWatchDiagnose");
    return enabled ? { region, schedule, graceMinutes, debounceSweeps, excludeTagKey, diagnose } : undefined;
}

/** The S3 gateway endpoint's optional policy: absent unless s3EndpointPolicy is on. */
function parseS3EndpointPolicy(read: ConfigReader): Pick<SsmEndpointsSettings, "s3EndpointPolicy"> {
    const restricted = read.bool("s3EndpointPolicy");
    const allowedBuckets = read.list("s3EndpointAllowedBuckets", "S3 bucket names");
    allowedBuckets.forEach((bucket, i) => {
        if (!bucketNamePattern.test(bucket)) {
            read.report(
                `${read.key("s3EndpointAllowedBuckets")}[${i}]: got ${JSON.stringify(bucket)}; expected an S3 bucket name (3 to 63 lower-case letters, digits, dots or hyphens), not an ARN`,
            );
        }
    });
    if (!restricted && allowedBuckets.length > 0) {
        read.report(
            `${read.key("s3EndpointAllowedBuckets")}: only applies with s3EndpointPolicy: true; without it the endpoint allows all of S3`,
        );
    }
    return restricted ? { s3EndpointPolicy: { allowedBuckets } } : {};
}

/** An EC2 tag key: 1 to 128 characters, not starting with "aws:". */
function parseTagKey(read: ConfigReader, k: ConfigKey): string {
    const key = read.text(k);
    if (key.length < 1 || key.length > 128 || key.startsWith("aws:")) {
        read.problem(k, key, "an EC2 tag key of 1 to 128 characters that does not start with aws:");
    }
    return key;
}

function parsePatching(read: ConfigReader, region: string, logRetentionDays: number): PatchManagerSettings | undefined {
    const enabled = read.bool("patching");
    const operatingSystem = read.text("patchOperatingSystem");
    const operatingSystems = Object.keys(patchFilterKeysByOs);
    if (!operatingSystems.includes(operatingSystem)) {
        read.problem("patchOperatingSystem", operatingSystem, operatingSystems.join(" or "));
    }
    const os = operatingSystem as PatchOperatingSystem;
    // Filter keys and severities depend on the OS: without a known one, the rules cannot be checked.
    const approvalRules = operatingSystems.includes(operatingSystem) ? parseApprovalRules(read, os) : [];

    const patchGroup = read.text("patchGroup");
    if (patchGroup !== "" && !patchGroupPattern.test(patchGroup)) {
        read.problem("patchGroup", patchGroup, "empty, or 1 to 256 letters, spaces, digits or _.:/=+-@");
    }
    const installTagKey = parseTagKey(read, "patchInstallTagKey");
    if (patchGroup !== "" && read.isSet("patchInstallTagKey")) {
        read.report(
            `${read.key("patchInstallTagKey")}: only applies without patchGroup; the window installs on the patch group's nodes, so remove one of the two`,
        );
    }

    const scanSchedule = read.text("patchScanSchedule");
    const scanProblem = associationScheduleProblem(scanSchedule);
    if (scanProblem) {
        read.problem("patchScanSchedule", scanSchedule, scanProblem);
    }
    const schedule = read.text("patchWindowSchedule");
    const scheduleProblem = maintenanceWindowScheduleProblem(schedule);
    if (scheduleProblem) {
        read.problem("patchWindowSchedule", schedule, scheduleProblem);
    }
    const timeZone = read.text("patchWindowTimezone");
    if (!isIanaTimeZone(timeZone)) {
        read.problem("patchWindowTimezone", timeZone, "an IANA time zone such as UTC or Europe/Paris (case-sensitive)");
    }
    const { durationHours: duration, cutoffHours: cutoff } = maintenanceWindowLimits;
    const durationHours = read.integer("patchWindowDurationHours", duration.min, duration.max);
    const cutoffHours = read.integer("patchWindowCutoffHours", cutoff.min, cutoff.max);
    if (cutoffHours >= durationHours) {
        read.report(
            `${read.key("patchWindowCutoffHours")}: got ${cutoffHours}; expected fewer hours than patchWindowDurationHours (${durationHours}), or no task could ever start`,
        );
    }

    const rebootOption = read.text("patchRebootOption");
    if (!(patchRebootOptions as readonly string[]).includes(rebootOption)) {
        read.problem("patchRebootOption", rebootOption, patchRebootOptions.join(" or "));
    }
    const maxConcurrency = read.text("patchMaxConcurrency");
    if (!maintenanceWindowLimits.maxConcurrency.test(maxConcurrency)) {
        read.problem(
            "patchMaxConcurrency",
            maxConcurrency,
            "a number of nodes from 1, or a percentage from 1% to 100%",
        );
    }
    const maxErrors = read.text("patchMaxErrors");
    if (!maintenanceWindowLimits.maxErrors.test(maxErrors)) {
        read.problem("patchMaxErrors", maxErrors, "a number of nodes from 0, or a percentage from 0% to 100%");
    }
    return enabled
        ? {
              region,
              operatingSystem: os,
              approvalRules,
              patchGroup: patchGroup || undefined,
              scanSchedule,
              installTagKey,
              window: { schedule, timeZone, durationHours, cutoffHours },
              rebootOption: rebootOption as PatchRebootOption,
              maxConcurrency,
              maxErrors,
              logRetentionDays,
          }
        : undefined;
}

function parseApprovalRules(read: ConfigReader, os: PatchOperatingSystem): PatchApprovalRule[] {
    const key = read.key("patchApprovalRules");
    const entries = read.list("patchApprovalRules", "approval rules");
    if (entries.length < 1 || entries.length > patchRuleLimits.rules) {
        read.report(`${key}: got ${entries.length} rules; expected 1 to ${patchRuleLimits.rules}`);
    }
    const rules: PatchApprovalRule[] = [];
    entries.forEach((entry, i) => {
        const parsed = parseApprovalRule(entry, os);
        if (typeof parsed === "string") {
            read.report(`${key}[${i}]: got ${JSON.stringify(entry)}; expected ${parsed}`);
        } else {
            rules.push(parsed);
        }
    });
    return rules;
}

/**
 * One approval rule, written as KEY=value,value ... approveAfterDays=N [complianceLevel=LEVEL]:
 * filters by the OS's patch filter keys, each at most once. Returns the rule, or what was expected.
 */
function parseApprovalRule(text: string, os: PatchOperatingSystem): PatchApprovalRule | string {
    const filterKeys: readonly string[] = patchFilterKeysByOs[os];
    const form = `KEY=value[,value...] ... approveAfterDays=0..${patchRuleLimits.approveAfterDays} [complianceLevel=LEVEL], with KEY one of ${filterKeys.join(", ")}`;
    const filters: { key: string; values: string[] }[] = [];
    const seen = new Set<string>();
    let approveAfterDays: number | undefined;
    let complianceLevel: PatchComplianceLevel = "UNSPECIFIED";
    for (const token of text.trim().split(/\s+/)) {
        const [name, value, ...rest] = token.split("=");
        if (value === undefined || value === "" || rest.length > 0) {
            return form;
        }
        if (seen.has(name)) {
            return `${form}; ${name} appears twice`;
        }
        seen.add(name);
        if (name === "approveAfterDays") {
            if (!/^\d+$/.test(value) || Number(value) > patchRuleLimits.approveAfterDays) {
                return `approveAfterDays from 0 to ${patchRuleLimits.approveAfterDays}`;
            }
            approveAfterDays = Number(value);
        } else if (name === "complianceLevel") {
            if (!(patchComplianceLevels as readonly string[]).includes(value)) {
                return `complianceLevel one of ${patchComplianceLevels.join(", ")}`;
            }
            complianceLevel = value as PatchComplianceLevel;
        } else if (filterKeys.includes(name)) {
            const values = value.split(",");
            const problem = filterValuesProblem(name, values, os);
            if (problem) {
                return problem;
            }
            filters.push({ key: name, values });
        } else {
            return `${form}; ${name} is not a patch filter key for ${os}`;
        }
    }
    if (approveAfterDays === undefined || filters.length === 0) {
        return `${form}; a rule needs at least one filter and approveAfterDays`;
    }
    return { filters, approveAfterDays, complianceLevel };
}

/** Why a filter's values are not ones the API takes, or undefined: 1 to 20 values of 1 to 64 characters, known severities. */
function filterValuesProblem(key: string, values: string[], os: PatchOperatingSystem): string | undefined {
    const { valuesPerFilter, valueLength } = patchRuleLimits;
    if (values.length > valuesPerFilter || values.some(v => v.length < 1 || v.length > valueLength)) {
        return `${key} with 1 to ${valuesPerFilter} values of 1 to ${valueLength} characters, separated by commas`;
    }
    const severities: readonly string[] = patchSeveritiesByOs[os];
    if (key === "SEVERITY" && !values.every(v => v === "*" || severities.includes(v))) {
        return `SEVERITY values among ${severities.join(", ")} (or *) for ${os}`;
    }
    return undefined;
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
