// The one place stack configuration is read and validated. It returns one section per
// component, shaped as that component's settings, whose values are already checked: a bad value
// fails before any resource is registered, with a message naming the key and the form it expects.
import * as pulumi from "@pulumi/pulumi";
import { compareAgentVersions, dhmcMinimumAgentVersion, parseAgentVersion } from "./aws/agentVersion";
import {
    activationRegistrationLimit,
    activationTiers,
    dhmcDefaultRoleName,
    flowLogTrafficTypes,
    idleSessionTimeoutMinutes,
    logRetentionPeriodsDays,
    maintenanceWindowLimits,
    managedNodeRuleDefaultName,
    maxSessionDurationMinutes,
    patchComplianceLevels,
    patchFilterKeysByOs,
    patchRebootOptions,
    patchRuleLimits,
    patchSeveritiesByOs,
} from "./aws/identifiers";
import { isKnownRegion, unsupportedRegionReason, zoneCountOf } from "./aws/regions";
import {
    associationScheduleProblem,
    isIanaTimeZone,
    maintenanceWindowScheduleProblem,
    parseRate,
    rateMinutes,
} from "./aws/schedules";
import { AccessLogBucketSettings } from "./components/accessLogBucket";
import { AgentAutoUpdateSettings } from "./components/agentAutoUpdate";
import { AdoptedVpcArgs, ClosedVpcArgs } from "./components/network/closedVpc";
import { DefaultHostManagementSettings, DhmcRoleMode } from "./components/defaultHostManagement";
import { activationExpiryProblem, HybridActivationSettings, InstanceTier } from "./components/hybridActivation";
import { isNetworkAddress, parseIpv4Cidr } from "./components/network/ipv4";
import { ManagedNodeComplianceSettings } from "./components/managedNodeCompliance";
import { ManagedNodeHealthWatchSettings } from "./components/healthWatch/managedNodeHealthWatch";
import { NotificationPipelineSettings } from "./components/notifications/notificationPipeline";
import {
    scpMaxCharacters,
    SessionManagerPreferencesSettings,
    sessionLogReadersScp,
} from "./components/sessionManagerPreferences";
import {
    PatchApprovalRule,
    PatchComplianceLevel,
    PatchManagerSettings,
    PatchOperatingSystem,
    PatchRebootOption,
} from "./components/patchManager";
import { sessionLogGroupName } from "./components/parts/nodeRoles";
import { SsmEndpointsSettings } from "./components/network/ssmEndpoints";
import { TamperWatchSettings } from "./components/tamperWatch/tamperWatch";
import { MonitoringLinkArgs } from "./components/organizationView/monitoringLink";
import { sinkArnPattern, sinkRegion } from "./components/organizationView/observabilityAccess";
import { FleetCell } from "./components/organizationView/organizationViewBody";
import { VpcFlowLogsSettings } from "./components/network/vpcFlowLogs";

export const projectName = "ssm-fleet-baseline";

/**
 * Every project config key with its Pulumi.yaml type and default, and for whole numbers the range
 * accepted. Pulumi.yaml and the README's table declare the same (a test keeps the three in step).
 * The engine merges Pulumi.yaml's defaults into every stack before the program runs; the program
 * applies the same ones to a key it does not receive, so that the two mean the same.
 */
export const configKeys = {
    notificationEmails: { type: "array", default: undefined },
    availabilityZoneCount: { type: "integer", default: 2, range: [1, 6] },
    vpcCidr: { type: "string", default: "10.42.0.0/16" },
    existingVpcId: { type: "string", default: "" },
    existingVpcCidr: { type: "string", default: "" },
    existingSubnets: { type: "array", default: [] },
    existingRouteTableIds: { type: "array", default: [] },
    ec2MessagesEndpoint: { type: "boolean", default: true },
    dhmcRole: { type: "string", default: "create" },
    dhmcRoleName: { type: "string", default: dhmcDefaultRoleName },
    regionalSettingsProtection: { type: "string", default: "retain" },
    agentUpdateSchedule: { type: "string", default: "rate(14 days)" },
    agentVersion: { type: "string", default: "" },
    logRetentionDays: { type: "integer", default: 90, range: [1, 3650] },
    configRuleName: { type: "string", default: managedNodeRuleDefaultName },
    createConfigRecorder: { type: "boolean", default: false },
    inventoryAssociation: { type: "boolean", default: true },
    canary: { type: "boolean", default: false },
    healthWatch: { type: "boolean", default: true },
    healthWatchSchedule: { type: "string", default: "rate(5 minutes)" },
    healthWatchGraceMinutes: { type: "integer", default: 15, range: [0, 1440] },
    healthWatchDebounceSweeps: { type: "integer", default: 2, range: [1, 10] },
    healthWatchExcludeTagKey: { type: "string", default: "ssm-fleet-baseline:unwatched" },
    healthWatchDiagnose: { type: "boolean", default: false },
    healthWatchDiagnosesPerHour: { type: "integer", default: 10, range: [1, 100] },
    dashboard: { type: "boolean", default: true },
    monitoringSinkArn: { type: "string", default: "" },
    tamperWatch: { type: "boolean", default: true },
    tamperWatchDeployerArns: { type: "array", default: [] },
    sessionPreferences: { type: "boolean", default: true },
    sessionPreferencesAdopt: { type: "boolean", default: false },
    sessionS3Logging: { type: "boolean", default: true },
    auditReaders: { type: "array", default: [] },
    sessionCloudWatchLogging: { type: "boolean", default: true },
    sessionLogGroupRetentionDays: { type: "integer", default: 90 },
    sessionEncryption: { type: "boolean", default: true },
    sessionIdleTimeoutMinutes: {
        type: "integer",
        default: idleSessionTimeoutMinutes.default,
        range: [idleSessionTimeoutMinutes.min, idleSessionTimeoutMinutes.max],
    },
    sessionMaxDurationMinutes: { type: "integer", default: 0 },
    sessionRunAs: { type: "boolean", default: false },
    sessionRunAsUser: { type: "string", default: "" },
    sessionShellProfileLinux: { type: "string", default: "" },
    sessionShellProfileWindows: { type: "string", default: "" },
    hybridActivation: { type: "boolean", default: false },
    hybridActivationExpiry: { type: "string", default: "" },
    hybridRegistrationLimit: {
        type: "integer",
        default: 10,
        range: [activationRegistrationLimit.min, activationRegistrationLimit.max],
    },
    hybridInstanceTier: { type: "string", default: "standard" },
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
    patchWindowDurationHours: {
        type: "integer",
        default: 3,
        range: [maintenanceWindowLimits.durationHours.min, maintenanceWindowLimits.durationHours.max],
    },
    patchWindowCutoffHours: {
        type: "integer",
        default: 1,
        range: [maintenanceWindowLimits.cutoffHours.min, maintenanceWindowLimits.cutoffHours.max],
    },
    patchRebootOption: { type: "string", default: "RebootIfNeeded" },
    patchMaxConcurrency: { type: "string", default: "10%" },
    patchMaxErrors: { type: "string", default: "10%" },
    s3EndpointPolicy: { type: "boolean", default: false },
    s3EndpointAllowedBuckets: { type: "array", default: [] },
    flowLogTrafficType: { type: "string", default: "REJECT" },
    existingVpcFlowLogs: { type: "boolean", default: false },
} as const;

export type ConfigKey = keyof typeof configKeys;
type IntegerKey = {
    [K in ConfigKey]: (typeof configKeys)[K] extends { range: readonly [number, number] } ? K : never;
}[ConfigKey];

/**
 * The project's config as Pulumi hands it over, keys without the project namespace: every value a
 * string (lists as JSON). It may hold keys Pulumi.yaml does not declare, which are errors.
 */
export type RawConfig = Partial<Record<ConfigKey, string>> & Readonly<Record<string, string | undefined>>;

export interface ParseOptions {
    /** Keys (without the namespace) whose values are stored encrypted (secure:) in the stack file. */
    readonly secretKeys?: readonly string[];
    /** Every config key outside the project's namespace, namespaced (aws:region, pulumi:tags, ...). */
    readonly otherKeys?: readonly string[];
    /** The clock the hybrid activation's expiry is checked against; the time of this run by default. */
    readonly now?: Date;
}

/** The validated configuration: one section per component. */
export interface BaselineConfig {
    readonly region: string;
    /** A closed VPC to create, or a VPC to adopt. */
    readonly network:
        | { readonly mode: "create"; readonly vpc: ClosedVpcArgs }
        | { readonly mode: "adopt"; readonly vpc: AdoptedVpcArgs };
    readonly endpoints: SsmEndpointsSettings;
    readonly dhmc: DefaultHostManagementSettings;
    readonly agentUpdate: AgentAutoUpdateSettings;
    readonly compliance: ManagedNodeComplianceSettings;
    readonly notifications: NotificationPipelineSettings;
    /** Undefined when the health watch is off. */
    readonly healthWatch?: ManagedNodeHealthWatchSettings;
    /** Undefined when patching is off. */
    readonly patching?: PatchManagerSettings;
    /** Launch a canary instance that `up --verify` checks. */
    readonly canary: boolean;
    /** Draw the region's fleet dashboard. */
    readonly dashboard: boolean;
    /** Undefined unless fleet.yaml names a monitoring account: the link to its sink in this Region. */
    readonly monitoringLink?: MonitoringLinkArgs;
    /** Undefined when the tamper watch is off. */
    readonly tamperWatch?: TamperWatchSettings;
    /** Undefined when the stack leaves the region's Session Manager preferences alone. */
    readonly sessionManager?: SessionManagerPreferencesSettings;
    /** Undefined when hybrid activations are off. */
    readonly hybrid?: HybridActivationSettings;
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

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const vpcIdPattern = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const subnetIdPattern = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const routeTableIdPattern = /^rtb-[0-9a-f]{8}([0-9a-f]{9})?$/;
// IAM role names: up to 64 of [\w+=,.@-] (IAM CreateRole RoleName pattern).
const roleNamePattern = /^[\w+=,.@-]{1,64}$/;
// Config rule names: up to 128 characters; kept to characters that are safe in console links.
const ruleNamePattern = /^[A-Za-z0-9._-]{1,128}$/;
// Linux user names as useradd accepts them portably: up to 32 letters, digits, _ . -, not starting with - or a digit.
const linuxUserPattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
// S3 general purpose bucket names: 3 to 63 lower-case letters, digits, dots and hyphens, starting
// and ending with a letter or digit, no two dots in a row, not an IPv4 address.
const bucketNamePattern = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Patch group names: 1 to 256 letters, spaces, digits or _.:/=+-@ (API PatchGroup pattern).
const patchGroupPattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

/** How YAML reads an unquoted scalar as a number (YAML 1.2 core schema). */
const yamlNumber = /^[-+]?(\.inf|\.nan|0x[0-9a-f]+|0o[0-7]+|(\d+\.?\d*|\.\d+)(e[-+]?\d+)?)$/i;

/**
 * Reads raw values by key, applying the declared defaults, and collects the problems it meets:
 * at most one per key, so a key whose value is unreadable is not also reported as missing.
 */
class ConfigReader {
    readonly problems: string[] = [];
    private readonly reported = new Set<string>();
    private readonly secretKeys: ReadonlySet<string>;

    constructor(
        private readonly raw: RawConfig,
        readonly region: string | undefined,
        options: ParseOptions,
    ) {
        this.secretKeys = new Set(options.secretKeys ?? []);
    }

    key(k: ConfigKey): string {
        return `${projectName}:${k}`;
    }

    problem(k: ConfigKey, got: unknown, expected: string): void {
        const quote =
            configKeys[k].type === "string" && typeof got === "string" && yamlNumber.test(got)
                ? ` (if Pulumi.<stack>.yaml has it unquoted, YAML reads it as a number: quote it, as in "${got}")`
                : "";
        this.reportOnce(k, `${this.key(k)}: got ${JSON.stringify(got)}; expected ${expected}${quote}`);
    }

    /** A problem with its own wording, e.g. about one element of a list or about two keys together. */
    report(text: string): void {
        this.problems.push(text);
    }

    /** Reports a problem of the key unless one is already reported for it. */
    reportOnce(k: ConfigKey, text: string): void {
        if (!this.reported.has(k)) {
            this.reported.add(k);
            this.problems.push(text);
        }
    }

    /**
     * Whether the stack sets the key to something other than its declared default. The engine
     * merges every Pulumi.yaml default into the stack before the program runs, so a key at its
     * default is indistinguishable from one left out, and checks of which keys go together look
     * only at values that differ.
     */
    differsFromDefault(k: ConfigKey): boolean {
        const value = this.raw[k];
        return value !== undefined && !isDefaultValue(k, value);
    }

    /** Whether the key's problems are already reported, so a check that depends on its value can stay quiet. */
    isReported(k: ConfigKey): boolean {
        return this.reported.has(k);
    }

    text(k: ConfigKey): string {
        const value = this.raw[k];
        if (value !== undefined && this.secretKeys.has(k)) {
            this.reportOnce(
                k,
                `${this.key(k)}: is stored as a secret (secure:), but it is not secret; set it in plain text with pulumi config set ${k} <value>`,
            );
            return String(configKeys[k].default ?? "");
        }
        return value ?? String(configKeys[k].default ?? "");
    }

    bool(k: ConfigKey): boolean {
        const value = this.text(k);
        if (value !== "true" && value !== "false") {
            this.problem(k, value, "true or false");
        }
        return value === "true";
    }

    /** A whole number within the key's declared range. */
    integer(k: IntegerKey): number {
        const [min, max] = configKeys[k].range;
        const value = this.text(k);
        const n = Number(value);
        if (!/^\d+$/.test(value) || n < min || n > max) {
            this.problem(k, value, `a whole number from ${min} to ${max}`);
        }
        return n;
    }

    /** A list of strings; undefined (with the problem reported) when the value is not one. */
    list(k: ConfigKey, expected: string): string[] | undefined {
        const value = this.text(k);
        if (this.raw[k] === undefined || this.isReported(k)) {
            return [...((configKeys[k].default as readonly string[] | undefined) ?? [])];
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed)) {
            this.problem(k, value, `a YAML list of ${expected}`);
            return undefined;
        }
        const notText = parsed.findIndex(item => typeof item !== "string");
        if (notText >= 0) {
            this.reportOnce(
                k,
                `${this.key(k)}[${notText}]: got ${JSON.stringify(parsed[notText])}; expected a YAML list of ${expected}, each a string (quote it)`,
            );
            return undefined;
        }
        return parsed;
    }
}

/** Whether a raw value means the key's declared default: the same text, number, truth value or list. */
function isDefaultValue(k: ConfigKey, value: string): boolean {
    const declared = configKeys[k];
    switch (declared.type) {
        case "integer":
            return /^[+-]?\d+$/.test(value) && Number(value) === declared.default;
        case "array":
            try {
                return JSON.stringify(JSON.parse(value)) === JSON.stringify(declared.default ?? null);
            } catch {
                return false;
            }
        default:
            return value === String(declared.default);
    }
}

/** The candidate nearest to an unknown key, when it is near enough to be a typo. */
function nearest<K extends string>(unknown: string, candidates: readonly K[]): K | undefined {
    const distance = (a: string, b: string) => {
        const row = Array.from({ length: b.length + 1 }, (_, j) => j);
        for (let i = 1; i <= a.length; i++) {
            let diagonal = row[0];
            row[0] = i;
            for (let j = 1; j <= b.length; j++) {
                const above = row[j];
                row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length];
    };
    const [best] = candidates
        .map(k => ({ k, d: distance(unknown.toLowerCase(), k.toLowerCase()) }))
        .sort((a, b) => a.d - b.d);
    return best && best.d <= Math.max(2, Math.floor(unknown.length / 4)) ? best.k : undefined;
}

const declaredKeys = Object.keys(configKeys) as ConfigKey[];

function reportUnknownKeys(raw: RawConfig): string[] {
    return Object.keys(raw)
        .filter(k => !(k in configKeys))
        .map(k => {
            const suggestion = nearest(k, declaredKeys);
            return `${projectName}:${k}: not a setting of this project${suggestion ? `; did you mean ${suggestion}?` : ""} (Pulumi.yaml lists every setting)`;
        });
}

/**
 * The aws provider's configuration keys, as @pulumi/aws declares them (config/vars), plus the two
 * the engine reads for any default provider (pulumi/pulumi pkg/resource/deploy/providers/registry.go:
 * version, pluginDownloadURL). The provider refuses any other aws: key at `pulumi up`
 * ("`aws:awsAccessKey` is not a valid configuration key for the aws provider";
 * pulumi/pulumi-aws#5116, pulumi/pulumi-terraform-bridge#1663).
 */
const awsProviderKeys: readonly string[] = [
    ...Object.getOwnPropertyNames(require("@pulumi/aws/config/vars")).filter(k => k !== "__esModule"),
    "version",
    "pluginDownloadURL",
];

/**
 * Keys outside the project's namespace that `pulumi up` would refuse (an aws: key the provider
 * does not declare) or silently ignore (a key of this project under another namespace).
 */
function reportForeignKeys(keys: readonly string[]): string[] {
    return keys.flatMap(key => {
        const [namespace, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
        if (namespace === "aws") {
            if (awsProviderKeys.includes(name)) {
                return [];
            }
            const suggestion = nearest(name, awsProviderKeys);
            return [
                `${key}: not a configuration key of the aws provider, which refuses it at pulumi up${suggestion ? `; did you mean aws:${suggestion}?` : ""}`,
            ];
        }
        if (namespace !== projectName && namespace !== "pulumi" && name in configKeys) {
            return [
                `${key}: ${namespace} is not this project's namespace, so Pulumi would ignore the key; did you mean ${projectName}:${name}?`,
            ];
        }
        return [];
    });
}

/** Validates raw config. Pure: returns the typed config or throws a ConfigError listing every problem. */
export function parseBaselineConfig(
    raw: RawConfig,
    region: string | undefined,
    options: ParseOptions = {},
): BaselineConfig {
    const read = new ConfigReader(raw, region, options);
    [...reportUnknownKeys(raw), ...reportForeignKeys(options.otherKeys ?? [])].forEach(problem => read.report(problem));
    if (region === undefined) {
        read.report(
            "aws:region: missing; expected the stack's Region, such as eu-west-1 (pulumi config set aws:region eu-west-1)",
        );
    } else if (!isKnownRegion(region)) {
        read.report(
            `aws:region: got ${JSON.stringify(region)}; expected a Region code such as eu-west-1. The known Regions are in aws/regions.ts; a Region AWS opened since can be added there`,
        );
    } else if (unsupportedRegionReason(region)) {
        read.report(`aws:region: ${unsupportedRegionReason(region)}; choose a Region of the aws partition`);
    }
    const inRegion = region ?? "";
    const logRetentionDays = read.integer("logRetentionDays");
    const dhmc = parseDhmc(read, inRegion);
    const sessionManager = parseSessionManager(read, dhmc, logRetentionDays);
    const config: BaselineConfig = {
        region: inRegion,
        network: parseNetwork(read),
        endpoints: {
            region: inRegion,
            includeEc2Messages: read.bool("ec2MessagesEndpoint"),
            // Closed VPCs reach what session logging and encryption use only through endpoints.
            includeLogs: sessionManager?.cloudWatchLogging ?? false,
            includeKms: sessionManager?.encryption ?? false,
            ...parseS3EndpointPolicy(read),
        },
        dhmc,
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
        dashboard: read.bool("dashboard"),
        monitoringLink: parseMonitoringLink(read, inRegion),
        tamperWatch: parseTamperWatch(read, inRegion),
        sessionManager,
        hybrid: parseHybridActivation(read, dhmc, options.now ?? new Date()),
        flowLogs: parseFlowLogs(read, inRegion, logRetentionDays),
        accessLogs: { expirationDays: logRetentionDays },
    };
    if (read.problems.length > 0) {
        throw new ConfigError(read.problems);
    }
    return config;
}

function parseMonitoringLink(read: ConfigReader, region: string): MonitoringLinkArgs | undefined {
    const sinkArn = read.text("monitoringSinkArn");
    if (sinkArn === "") {
        return undefined;
    }
    if (!sinkArnPattern.test(sinkArn)) {
        read.problem(
            "monitoringSinkArn",
            sinkArn,
            "an OAM sink ARN such as arn:aws:oam:eu-west-1:123456789012:sink/a1b2c3d4-... (the rollout sets it from fleet.yaml's monitoring)",
        );
    } else if (sinkRegion(sinkArn) !== region) {
        // A link attaches to a sink of its own Region (cross-account observability is per Region).
        read.problem("monitoringSinkArn", sinkArn, `the monitoring account's sink in this stack's Region, ${region}`);
    }
    return { sinkArn };
}

function parseEmails(read: ConfigReader): string[] {
    const emails = read.list("notificationEmails", "e-mail addresses");
    if (emails === undefined) {
        return [];
    }
    if (emails.length === 0) {
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
            read.list("existingSubnets", "subnet-id@availability-zone entries") ?? [],
            read.list("existingRouteTableIds", "route table ids") ?? [],
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
        const availabilityZoneCount = read.integer("availabilityZoneCount");
        // The closed VPC takes one subnet per zone (components/network/subnetCidrs.ts checks the account's zones again at up).
        const regionZones = zoneCountOf(read.region ?? "");
        if (regionZones !== undefined && availabilityZoneCount > regionZones) {
            read.problem(
                "availabilityZoneCount",
                availabilityZoneCount,
                `at most ${regionZones}: ${read.region} has ${regionZones} Availability Zones`,
            );
        }
        return { mode: "create", vpc: { cidrBlock, availabilityZoneCount } };
    }
    return { mode: "adopt", vpc: parseAdoptedVpc(read, vpcId) };
}

function parseAdoptedVpc(read: ConfigReader, vpcId: string): AdoptedVpcArgs {
    const region = read.region;
    const createdOnly = (["availabilityZoneCount", "vpcCidr"] as const).filter(k => read.differsFromDefault(k));
    if (createdOnly.length > 0) {
        read.report(
            `${read.key("existingVpcId")}: an adopted VPC keeps its own zones and CIDR, so ${createdOnly.join(" and ")} would be ignored; remove ${createdOnly.length > 1 ? "them" : "it"}, or remove existingVpcId to create a closed VPC`,
        );
    }
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
    if (entries === undefined) {
        return {
            vpcId,
            cidrBlock,
            subnets: [],
            routeTableIds: read.list("existingRouteTableIds", "route table ids") ?? [],
        };
    }
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
    if (routeTableIds === undefined) {
        return { vpcId, cidrBlock, subnets, routeTableIds: [] };
    }
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

function parseDhmc(read: ConfigReader, region: string): DefaultHostManagementSettings {
    const role = read.text("dhmcRole");
    const roleModes: readonly string[] = ["create", "import", "adopt"] satisfies DhmcRoleMode[];
    if (!roleModes.includes(role)) {
        read.problem(
            "dhmcRole",
            role,
            "create (this stack creates and owns the role), import (this stack takes over the role that already exists) or adopt (another stack of the account owns it)",
        );
    }
    const roleName = read.text("dhmcRoleName");
    if (!roleNamePattern.test(roleName)) {
        read.problem("dhmcRoleName", roleName, "an IAM role name: 1 to 64 letters, digits or +=,.@_-");
    }
    const protection = read.text("regionalSettingsProtection");
    if (protection !== "retain" && protection !== "protect") {
        read.problem("regionalSettingsProtection", protection, "retain or protect");
    }
    return {
        region,
        role: roleModes.includes(role) ? (role as DhmcRoleMode) : "create",
        roleName,
        regionalSettingsProtection: protection === "protect" ? "protect" : "retain",
    };
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

// The deployer's identity as CloudTrail records it: a role's ARN (the session issuer) or a user's.
const deployerArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

function parseTamperWatch(read: ConfigReader, region: string): TamperWatchSettings | undefined {
    const enabled = read.bool("tamperWatch");
    const deployerArns = read.list("tamperWatchDeployerArns", "IAM role or user ARNs") ?? [];
    deployerArns.forEach((arn, i) => {
        if (!deployerArnPattern.test(arn)) {
            read.report(
                `${read.key("tamperWatchDeployerArns")}[${i}]: got ${JSON.stringify(arn)}; expected an IAM role or user ARN such as arn:aws:iam::123456789012:role/deploy`,
            );
        }
    });
    return enabled ? { region, deployerArns } : undefined;
}

function parseHealthWatch(read: ConfigReader, region: string): ManagedNodeHealthWatchSettings | undefined {
    const enabled = read.bool("healthWatch");
    const schedule = read.text("healthWatchSchedule");
    const rate = parseRate(schedule);
    if (!rate || rate.unit !== "minute" || rateMinutes(rate) > 60) {
        read.problem("healthWatchSchedule", schedule, "rate(N minutes) with N from 1 to 60, such as rate(5 minutes)");
    }
    const graceMinutes = read.integer("healthWatchGraceMinutes");
    const debounceSweeps = read.integer("healthWatchDebounceSweeps");
    const excludeTagKey = parseTagKey(read, "healthWatchExcludeTagKey");
    const diagnose = read.bool("healthWatchDiagnose");
    const diagnosesPerHour = read.integer("healthWatchDiagnosesPerHour");
    return enabled
        ? { region, schedule, graceMinutes, debounceSweeps, excludeTagKey, diagnose, diagnosesPerHour }
        : undefined;
}

// A role as aws:PrincipalArn names an assumed role's session: the role's ARN, with its path.
const roleArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function parseAuditReaders(read: ConfigReader): string[] {
    const readers = read.list("auditReaders", "IAM role ARNs") ?? [];
    readers.forEach((arn, i) => {
        if (!roleArnPattern.test(arn)) {
            read.report(
                `${read.key("auditReaders")}[${i}]: got ${JSON.stringify(arn)}; expected an IAM role ARN such as arn:aws:iam::123456789012:role/session-auditor`,
            );
        }
    });
    return readers;
}

/** Pulumi's longest stack name (https://www.pulumi.com/docs/iac/concepts/stacks/): the session log group is named after it. */
const longestStackName = "s".repeat(100);

/**
 * The session log readers SCP (a stack output when sessions stream to CloudWatch) must fit an SCP's
 * 5,120 characters. Sized here, before anything is registered, for the longest stack name and a
 * 12-digit account, so it fits whatever the stack is called.
 */
function checkLogReadersScpFits(read: ConfigReader, region: string, auditReaders: readonly string[]): void {
    const account = "123456789012";
    const group = `arn:aws:logs:${region}:${account}:log-group:${sessionLogGroupName(projectName, longestStackName)}`;
    const size = JSON.stringify(sessionLogReadersScp(group, `arn:aws:iam::${account}:root`, auditReaders)).length;
    if (size > scpMaxCharacters) {
        read.report(
            `${read.key("auditReaders")}: ${auditReaders.length} readers make the session log readers SCP up to ${size} characters, over the ${scpMaxCharacters} an SCP may hold; expected fewer readers (roles with shorter paths or names, or one role the readers assume)`,
        );
    }
}

function parseSessionManager(
    read: ConfigReader,
    dhmc: DefaultHostManagementSettings,
    logRetentionDays: number,
): SessionManagerPreferencesSettings | undefined {
    const enabled = read.bool("sessionPreferences");
    const adoptExisting = read.bool("sessionPreferencesAdopt");
    if (adoptExisting && !enabled) {
        read.report(
            `${read.key("sessionPreferencesAdopt")}: only applies when ${read.key("sessionPreferences")} is true, since adopting makes this stack manage the document`,
        );
    }
    const retention = read.text("sessionLogGroupRetentionDays");
    if (!/^\d+$/.test(retention) || !(logRetentionPeriodsDays as readonly number[]).includes(Number(retention))) {
        read.problem(
            "sessionLogGroupRetentionDays",
            retention,
            `a retention CloudWatch Logs accepts: one of ${logRetentionPeriodsDays.join(", ")} days`,
        );
    }
    const idle = read.integer("sessionIdleTimeoutMinutes");
    const maxDuration = read.text("sessionMaxDurationMinutes");
    const maxMinutes = Number(maxDuration);
    if (!/^\d+$/.test(maxDuration) || maxMinutes > maxSessionDurationMinutes.max) {
        read.problem(
            "sessionMaxDurationMinutes",
            maxDuration,
            `0 (no maximum) or a whole number of minutes from ${maxSessionDurationMinutes.min} to ${maxSessionDurationMinutes.max}`,
        );
    }
    const runAs = read.bool("sessionRunAs");
    const runAsUser = read.text("sessionRunAsUser");
    if (runAs && runAsUser === "") {
        read.report(
            `${read.key("sessionRunAsUser")}: missing; expected the Linux user sessions run as when ${read.key("sessionRunAs")} is true, such as ec2-user (it must exist on every node, or sessions fail)`,
        );
    } else if (runAsUser !== "" && !linuxUserPattern.test(runAsUser)) {
        read.problem(
            "sessionRunAsUser",
            runAsUser,
            "a Linux user name such as ec2-user: up to 32 letters, digits, _ . or -",
        );
    }
    const settings: SessionManagerPreferencesSettings = {
        region: dhmc.region,
        adoptExisting,
        regionalSettingsProtection: dhmc.regionalSettingsProtection,
        s3Logging: read.bool("sessionS3Logging"),
        auditReaders: parseAuditReaders(read),
        logRetentionDays,
        cloudWatchLogging: read.bool("sessionCloudWatchLogging"),
        logGroupRetentionDays: Number(retention),
        encryption: read.bool("sessionEncryption"),
        idleSessionTimeoutMinutes: idle,
        maxSessionDurationMinutes: maxMinutes > 0 ? maxMinutes : undefined,
        runAsUser: runAs ? runAsUser : undefined,
        shellProfile: {
            linux: read.text("sessionShellProfileLinux"),
            windows: read.text("sessionShellProfileWindows"),
        },
    };
    if (enabled && settings.cloudWatchLogging) {
        checkLogReadersScpFits(read, settings.region, settings.auditReaders);
    }
    return enabled ? settings : undefined;
}

function parseHybridActivation(
    read: ConfigReader,
    dhmc: DefaultHostManagementSettings,
    now: Date,
): HybridActivationSettings | undefined {
    const enabled = read.bool("hybridActivation");
    const registrationLimit = read.integer("hybridRegistrationLimit");
    const tier = read.text("hybridInstanceTier");
    if (!(activationTiers as readonly string[]).includes(tier)) {
        read.problem("hybridInstanceTier", tier, activationTiers.join(" or "));
    }
    const expiry = read.text("hybridActivationExpiry");
    // Checked only when activations are on: an old date left in a stack that turned them off harms nothing.
    const expiryProblem = enabled && expiry !== "" ? activationExpiryProblem(expiry, now) : undefined;
    if (expiryProblem) {
        read.problem("hybridActivationExpiry", expiry, expiryProblem);
    }
    const settings: HybridActivationSettings = {
        region: dhmc.region,
        regionalSettingsProtection: dhmc.regionalSettingsProtection,
        expirationDate: expiry || undefined,
        registrationLimit,
        instanceTier: tier as InstanceTier,
    };
    return enabled ? settings : undefined;
}

/** The S3 gateway endpoint's optional policy: absent unless s3EndpointPolicy is on. */
function parseS3EndpointPolicy(read: ConfigReader): Pick<SsmEndpointsSettings, "s3EndpointPolicy"> {
    const restricted = read.bool("s3EndpointPolicy");
    const allowedBuckets = read.list("s3EndpointAllowedBuckets", "S3 bucket names") ?? [];
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
    if (patchGroup !== "" && read.differsFromDefault("patchInstallTagKey")) {
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
    const durationHours = read.integer("patchWindowDurationHours");
    const cutoffHours = read.integer("patchWindowCutoffHours");
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
    if (entries === undefined) {
        return [];
    }
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
    if (!adopted && read.differsFromDefault("existingVpcFlowLogs")) {
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

// Internal to @pulumi/pulumi, as exported by runtime/config.js: whether a key's value is stored as a secret.
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/**
 * Validates a stack's whole config as the engine hands it over: namespaced keys, every value a
 * string. The project's keys are parsed; the others are checked for what `pulumi up` would refuse or ignore.
 */
export function parseStackConfig(
    all: Readonly<Record<string, string>>,
    options: Omit<ParseOptions, "otherKeys"> = {},
): BaselineConfig {
    const prefix = `${projectName}:`;
    const keys = Object.keys(all);
    const raw = Object.fromEntries(keys.filter(k => k.startsWith(prefix)).map(k => [k.slice(prefix.length), all[k]]));
    const otherKeys = keys.filter(k => !k.startsWith(prefix));
    return parseBaselineConfig(raw, all["aws:region"], { ...options, otherKeys });
}

/** Reads all of the stack's config through Pulumi and validates it. */
export function loadBaselineConfig(): BaselineConfig {
    const all = pulumi.runtime.allConfig();
    const prefix = `${projectName}:`;
    const secretKeys = Object.keys(all)
        .filter(k => k.startsWith(prefix) && isConfigSecret(k))
        .map(k => k.slice(prefix.length));
    return parseStackConfig(all, { secretKeys });
}

/** The monitoring stack's program (monitoring/): the organization view, nothing of the baseline. */
export const monitoringProjectName = `${projectName}-monitoring`;

export interface OrganizationViewConfig {
    readonly homeRegion: string;
    readonly monitoringAccountId: string;
    readonly cells: readonly FleetCell[];
}

/**
 * Validates the monitoring stack's config, which the rollout derives from fleet.yaml: the
 * monitoring account and home Region, and every cell (account id and name, Region, tamper watch).
 */
export function parseOrganizationViewConfig(all: Readonly<Record<string, string>>): OrganizationViewConfig {
    const key = (name: string) => `${monitoringProjectName}:${name}`;
    const problems: string[] = [];
    const homeRegion = all["aws:region"] ?? "";
    if (!isKnownRegion(homeRegion)) {
        problems.push(
            `aws:region: got ${JSON.stringify(homeRegion)}; expected the monitoring account's home Region, such as eu-west-1`,
        );
    } else if (unsupportedRegionReason(homeRegion)) {
        problems.push(`aws:region: ${unsupportedRegionReason(homeRegion)}; choose a Region of the aws partition`);
    }
    const monitoringAccountId = all[key("accountId")] ?? "";
    if (!/^\d{12}$/.test(monitoringAccountId)) {
        problems.push(
            `${key("accountId")}: got ${JSON.stringify(monitoringAccountId)}; expected the monitoring account's 12-digit id`,
        );
    }
    let cells: FleetCell[] = [];
    try {
        cells = JSON.parse(all[key("cells")] ?? "");
    } catch {
        problems.push(`${key("cells")}: expected a JSON list of {accountId, accountName, region, tamperWatch}`);
    }
    if (!Array.isArray(cells) || cells.length === 0) {
        problems.push(`${key("cells")}: expected at least one cell`);
        cells = [];
    }
    cells.forEach((cell, i) => {
        const ok =
            /^\d{12}$/.test(String(cell?.accountId)) &&
            /^[a-z0-9][a-z0-9-]{0,30}$/.test(String(cell?.accountName)) &&
            isKnownRegion(String(cell?.region)) &&
            typeof cell?.tamperWatch === "boolean";
        if (!ok) {
            problems.push(
                `${key("cells")}[${i}]: got ${JSON.stringify(cell)}; expected {accountId: 12 digits, accountName, region: a Region code, tamperWatch: true|false}`,
            );
        }
    });
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return { homeRegion, monitoringAccountId, cells };
}

export function loadOrganizationViewConfig(): OrganizationViewConfig {
    return parseOrganizationViewConfig(pulumi.runtime.allConfig());
}
