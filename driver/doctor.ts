// `npm run driver -- doctor --stack <name>`: a read-only preflight. With the default AWS credential
// chain, in the stack's region, it reads what a first `pulumi up` depends on and says per item
// "ready", which config key to set and why, or the AWS error that kept it from checking. It only
// reads (Describe*/Get*/List*); each item runs even when another could not be checked.
import {
    CloudTrailClient,
    DescribeTrailsCommand,
    GetEventSelectorsCommand,
    GetTrailStatusCommand,
} from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient, DescribeConfigurationRecorderStatusCommand } from "@aws-sdk/client-config-service";
import { DescribeRegionsCommand, EC2Client, GetInstanceMetadataDefaultsCommand } from "@aws-sdk/client-ec2";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
    DescribeDocumentCommand,
    GetServiceSettingCommand,
    ListAssociationsCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import {
    dhmcRoleDescription,
    dhmcRolePath,
    dhmcRoleStackTag,
    dhmcSettingId,
    dhmcSettingValue,
    sessionPreferencesDocument,
} from "../aws/identifiers";
import { ExitCode } from "../cli/exitCodes";
import type { DhmcRoleMode } from "../components/defaultHostManagement";
import { parseStackConfig, projectName } from "../config";
import { stackConfig } from "../harness/synthesize";

/** The one method of an SDK v3 client the doctor uses. */
export interface Sender {
    send(command: any): Promise<any>;
}

export interface DoctorClients {
    readonly config: Sender;
    readonly iam: Sender;
    readonly ssm: Sender;
    readonly ec2: Sender;
    readonly cloudtrail: Sender;
    /** Releases the clients' connections after the run. */
    readonly close?: () => void;
}

/** The stack's settings the checks depend on, read from its config with Pulumi.yaml's defaults. */
export interface DoctorSettings {
    readonly stack: string;
    readonly region: string;
    readonly createConfigRecorder: boolean;
    readonly dhmcRole: DhmcRoleMode;
    readonly dhmcRoleName: string;
    readonly sessionPreferences: boolean;
    readonly sessionPreferencesAdopt: boolean;
    readonly tamperWatch: boolean;
    /**
     * The fleet manifest's word that this baseline takes DHMC over from Quick Setup or the unified
     * console in the account (`adoptQuickSetup`): their presence is then a note, not a conflict.
     */
    readonly adoptQuickSetup: boolean;
    /**
     * The stack that creates the DHMC role before this one in the same rollout (the account's
     * home-Region cell, when it runs first): a role this stack adopts may then be absent yet.
     */
    readonly dhmcRoleCreatedBy?: string;
}

/** ready: nothing to do. fix: set a key, or act, before `up`. note: worth knowing, no fix. error: not checked. */
export type FindingStatus = "ready" | "fix" | "note" | "error";

export interface Finding {
    readonly item: string;
    readonly status: FindingStatus;
    readonly message: string;
}

/**
 * The doctor's settings, from a stack's config as stackConfig returns it (harness/synthesize.ts),
 * validated by config.ts as the program validates it.
 */
export function doctorSettings(stack: string, config: Record<string, string>): DoctorSettings {
    const region = config["aws:region"];
    if (!region) {
        throw new Error(`stack ${stack} has no aws:region; set it with pulumi config set aws:region <region>`);
    }
    const baseline = parseStackConfig(config);
    return {
        stack,
        region,
        createConfigRecorder: baseline.compliance.createRecorder,
        dhmcRole: baseline.dhmc.role,
        dhmcRoleName: baseline.dhmc.roleName,
        sessionPreferences: baseline.sessionManager !== undefined,
        sessionPreferencesAdopt: baseline.sessionManager?.adoptExisting ?? false,
        tamperWatch: baseline.tamperWatch !== undefined,
        adoptQuickSetup: false,
    };
}

const key = (name: string) => `${projectName}:${name}`;
const awsError = (error: unknown) =>
    `${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? String(error)}`;

/**
 * A Config rule needs a customer-managed recorder: PutConfigRule fails with
 * NoAvailableConfigurationRecorderException without one, and a region has at most one
 * (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html).
 * Without names, DescribeConfigurationRecorderStatus returns the customer-managed recorder.
 */
async function configRecorder(s: DoctorSettings, clients: DoctorClients): Promise<Finding> {
    const item = "Config recorder";
    const response = await clients.config.send(new DescribeConfigurationRecorderStatusCommand({}));
    const recorders = (
        (response.ConfigurationRecordersStatus ?? []) as {
            name?: string;
            recording?: boolean;
            servicePrincipal?: string;
        }[]
    ).filter(r => !r.servicePrincipal);
    const found = recorders[0];
    if (!found) {
        return s.createConfigRecorder
            ? { item, status: "ready", message: `none in ${s.region}; this stack creates one (createConfigRecorder)` }
            : {
                  item,
                  status: "fix",
                  message: `none in ${s.region}: set ${key("createConfigRecorder")} to true. The Config rule needs a recorder; without one PutConfigRule fails with NoAvailableConfigurationRecorderException`,
              };
    }
    if (s.createConfigRecorder) {
        return {
            item,
            status: "fix",
            message: `recorder ${found.name} exists in ${s.region}: set ${key("createConfigRecorder")} to false. A region has one customer-managed recorder, so this stack's would fail with MaxNumberOfConfigurationRecordersExceededException (or, under the same name, overwrite it)`,
        };
    }
    return found.recording
        ? { item, status: "ready", message: `recorder ${found.name} is recording in ${s.region}` }
        : {
              item,
              status: "fix",
              message: `recorder ${found.name} exists but is not recording, so the Config rule would evaluate nothing: start it (aws configservice start-configuration-recorder --configuration-recorder-name ${found.name})`,
          };
}

/** Whose DHMC role exists, read from the tag and description a role of this program carries. */
async function dhmcRole(s: DoctorSettings, clients: DoctorClients): Promise<Finding> {
    const item = "DHMC role";
    const setting = key("dhmcRole");
    let role: { Path?: string; Arn?: string; Description?: string; Tags?: { Key?: string; Value?: string }[] };
    try {
        role = (await clients.iam.send(new GetRoleCommand({ RoleName: s.dhmcRoleName }))).Role;
    } catch (error) {
        if ((error as Error).name !== "NoSuchEntityException") {
            throw error;
        }
        if (s.dhmcRole === "create") {
            return { item, status: "ready", message: `${s.dhmcRoleName} does not exist yet; this stack creates it` };
        }
        return s.dhmcRole === "adopt" && s.dhmcRoleCreatedBy !== undefined
            ? {
                  item,
                  status: "ready",
                  message: `${s.dhmcRoleName} does not exist yet; ${s.dhmcRoleCreatedBy} creates it first in this rollout, then this stack adopts it`,
              }
            : {
                  item,
                  status: "fix",
                  message: `${s.dhmcRoleName} does not exist, so there is nothing to ${s.dhmcRole}: set ${setting} to create${s.dhmcRole === "adopt" ? ", or deploy the stack that owns it first" : ""}`,
              };
    }
    const thisStack = `${projectName}/${s.stack}`;
    const owner = role.Tags?.find(tag => tag.Key === dhmcRoleStackTag)?.Value;
    const madeBy =
        owner !== undefined
            ? `stack ${owner}`
            : role.Description === dhmcRoleDescription
              ? "a stack of this program (untagged: made before stacks tagged their role)"
              : "someone else (no tag of this program; the console's DHMC page creates this name)";
    const found = `${role.Arn} exists, made by ${madeBy}`;
    const pathNote = role.Path === dhmcRolePath ? "" : `; its path is ${role.Path}, not ${dhmcRolePath}`;
    if (owner === thisStack) {
        return s.dhmcRole === "create"
            ? {
                  item,
                  status: "note",
                  message: `${found}: if this stack is deployed it manages the role and nothing is needed; if it was destroyed (the role is kept), set ${setting} to import before up${pathNote}`,
              }
            : { item, status: "ready", message: `${found}; ${setting} is ${s.dhmcRole}${pathNote}` };
    }
    if (owner !== undefined) {
        return s.dhmcRole === "adopt"
            ? { item, status: "ready", message: `${found}; this stack adopts it${pathNote}` }
            : {
                  item,
                  status: "fix",
                  message: `${found}: set ${setting} to adopt, since that stack owns it (import only if ${owner} was destroyed)${s.dhmcRole === "create" ? "; create fails with EntityAlreadyExists" : ""}${pathNote}`,
              };
    }
    return s.dhmcRole === "create"
        ? {
              item,
              status: "fix",
              message: `${found}: set ${setting} to import so that this stack owns it (or adopt, if another stack of the account manages it); create fails with EntityAlreadyExists${pathNote}`,
          }
        : { item, status: "ready", message: `${found}; ${setting} is ${s.dhmcRole}${pathNote}` };
}

/** The region's DHMC setting: unset is "$None" (Status Default); any other value is a role this stack replaces. */
async function dhmcSetting(s: DoctorSettings, clients: DoctorClients): Promise<Finding> {
    const item = "DHMC setting";
    const response = await clients.ssm.send(new GetServiceSettingCommand({ SettingId: dhmcSettingId }));
    const value: string = response.ServiceSetting?.SettingValue ?? "$None";
    const ours = dhmcSettingValue(s.dhmcRoleName);
    if (value === "$None" || response.ServiceSetting?.Status === "Default") {
        return {
            item,
            status: "ready",
            message: `${dhmcSettingId} is not set in ${s.region}; this stack sets it to ${ours}`,
        };
    }
    return value === ours
        ? { item, status: "ready", message: `${dhmcSettingId} already names ${ours}` }
        : {
              item,
              status: "note",
              message: `${dhmcSettingId} names ${value}; this stack changes it to ${ours}, for every instance DHMC manages in ${s.region}`,
          };
}

/** Session Manager preferences: creating SSM-SessionManagerRunShell fails when it exists (DocumentAlreadyExists). */
async function sessionDocument(s: DoctorSettings, clients: DoctorClients): Promise<Finding> {
    const item = sessionPreferencesDocument;
    if (!s.sessionPreferences) {
        return { item, status: "ready", message: `not managed by this stack (${key("sessionPreferences")} is false)` };
    }
    let exists = true;
    try {
        await clients.ssm.send(new DescribeDocumentCommand({ Name: sessionPreferencesDocument }));
    } catch (error) {
        if ((error as Error).name !== "InvalidDocument") {
            throw error;
        }
        exists = false;
    }
    if (exists) {
        return s.sessionPreferencesAdopt
            ? {
                  item,
                  status: "ready",
                  message: `exists in ${s.region}; this stack imports it (sessionPreferencesAdopt)`,
              }
            : {
                  item,
                  status: "fix",
                  message: `exists in ${s.region} (the console creates it when preferences are saved): set ${key("sessionPreferencesAdopt")} to true; creating it fails with DocumentAlreadyExists`,
              };
    }
    return s.sessionPreferencesAdopt
        ? {
              item,
              status: "fix",
              message: `does not exist in ${s.region}, so there is nothing to import: set ${key("sessionPreferencesAdopt")} to false`,
          }
        : { item, status: "ready", message: `does not exist in ${s.region}; this stack creates it` };
}

/**
 * Opt-in state from EC2 DescribeRegions with AllRegions (OptInStatus opt-in-not-required, opted-in
 * or not-opted-in; https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html).
 * It needs only ec2:DescribeRegions, an EC2 read; account:GetRegionOptStatus would need Account
 * Management permissions the stack does not otherwise use.
 */
async function regionOptIn(s: DoctorSettings, clients: DoctorClients): Promise<Finding> {
    const item = "region opt-in";
    const response = await clients.ec2.send(new DescribeRegionsCommand({ AllRegions: true, RegionNames: [s.region] }));
    const status: string | undefined = response.Regions?.find(
        (r: { RegionName?: string }) => r.RegionName === s.region,
    )?.OptInStatus;
    if (status === "opt-in-not-required" || status === "opted-in") {
        return { item, status: "ready", message: `${s.region} is enabled (${status})` };
    }
    return {
        item,
        status: "fix",
        message: `${s.region} is ${status ?? "unknown to EC2"}: enable it for the account (Account settings, AWS Regions) or set aws:region to an enabled region`,
    };
}

/** The region's instance-metadata defaults; this stack sets HttpTokens required for new launches. */
async function metadataDefaults(s: DoctorSettings, clients: DoctorClients): Promise<Finding> {
    const item = "instance metadata defaults";
    const level = (await clients.ec2.send(new GetInstanceMetadataDefaultsCommand({}))).AccountLevel ?? {};
    const shown =
        Object.entries(level)
            .filter(([, v]) => v !== undefined && v !== "")
            .map(([k, v]) => `${k}=${v}`)
            .join(", ") || "none set";
    if (level.ManagedBy === "declarative-policy") {
        return {
            item,
            status: level.HttpTokens === "required" ? "ready" : "fix",
            message: `${shown}: managed by a declarative policy, which the account cannot change${level.HttpTokens === "required" ? "" : "; DHMC needs IMDSv2, so ask its owner to require HttpTokens"}`,
        };
    }
    return level.HttpTokens === "required"
        ? { item, status: "ready", message: `${shown}; HttpTokens is already required, as this stack sets it` }
        : {
              item,
              status: "note",
              message: `${shown}; this stack sets HttpTokens to required for new launches in ${s.region} (DHMC needs IMDSv2)`,
          };
}

interface Trail {
    readonly Name?: string;
    readonly TrailARN?: string;
    readonly HomeRegion?: string;
    readonly IsMultiRegionTrail?: boolean;
}
interface FieldSelector {
    readonly Field?: string;
    readonly Equals?: string[];
    readonly NotEquals?: string[];
}
interface EventSelectors {
    readonly EventSelectors?: { ReadWriteType?: string; IncludeManagementEvents?: boolean }[];
    readonly AdvancedEventSelectors?: { FieldSelectors?: FieldSelector[] }[];
}

/**
 * Whether a trail's selectors log management write events. Classic selectors: ReadWriteType All or
 * WriteOnly with IncludeManagementEvents (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html).
 * Advanced selectors: eventCategory Equals Management, with no readOnly field that keeps only reads
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
 */
export function logsManagementWrites(selectors: EventSelectors): boolean {
    const classic = (selectors.EventSelectors ?? []).some(
        s => s.IncludeManagementEvents !== false && (s.ReadWriteType === "All" || s.ReadWriteType === "WriteOnly"),
    );
    const advanced = (selectors.AdvancedEventSelectors ?? []).some(selector => {
        const fields = selector.FieldSelectors ?? [];
        const field = (name: string) => fields.find(f => f.Field === name);
        const readsOnly =
            field("readOnly")?.Equals?.includes("true") === true ||
            field("readOnly")?.NotEquals?.includes("false") === true;
        return field("eventCategory")?.Equals?.includes("Management") === true && !readsOnly;
    });
    return classic || advanced;
}

/**
 * The tamper watch's rule sees "AWS API Call via CloudTrail" events only when a trail logs the
 * region's management write events and is logging: EventBridge needs "a CloudTrail trail with
 * logging" enabled for them ("Events from AWS services",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/event-types.html), and a trail logs
 * management events as read, write or both
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html).
 * includeShadowTrails lists the multi-region and organization trails whose home is another region
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html); a shadow
 * trail is read by its ARN.
 */
async function managementTrail(s: DoctorSettings, clients: DoctorClients): Promise<Finding> {
    const item = "CloudTrail trail";
    if (!s.tamperWatch) {
        return { item, status: "ready", message: `not needed (${key("tamperWatch")} is false)` };
    }
    const response = await clients.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    const covering = ((response.trailList ?? []) as Trail[]).filter(
        t => t.IsMultiRegionTrail === true || t.HomeRegion === s.region,
    );
    const noTrail = `the tamper watch's rule receives AWS API Call via CloudTrail events only from a logging trail with management write events in ${s.region}: create one (a multi-region trail, usually the organization's), or set ${key("tamperWatch")} to false`;
    if (covering.length === 0) {
        return { item, status: "fix", message: `no trail covers ${s.region}; ${noTrail}` };
    }
    const described = await Promise.all(
        covering.map(async trail => {
            const name = trail.TrailARN ?? trail.Name!;
            const status = await clients.cloudtrail.send(new GetTrailStatusCommand({ Name: name }));
            const selectors = await clients.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: name }));
            return { name, logging: status.IsLogging === true, writes: logsManagementWrites(selectors) };
        }),
    );
    const good = described.find(t => t.logging && t.writes);
    if (good) {
        return { item, status: "ready", message: `${good.name} is logging management write events in ${s.region}` };
    }
    const why = described
        .map(t => `${t.name} ${t.logging ? "logs no management write events" : "is not logging"}`)
        .join("; ");
    return { item, status: "fix", message: `${why}; ${noTrail}` };
}

/** The unified console's daily association that sets DHMC back to its own choice (landscape.md §2.3, [S]). */
export const unifiedConsoleDhmcAssociation = "EnableDHMCAssociation";
/**
 * The service-linked role Quick Setup uses to check its configurations' health and remediate drift:
 * it exists once Quick Setup has deployed a configuration in the account (Systems Manager user guide,
 * "Using roles to maintain Quick Setup-provisioned resource health and consistency"; org-scale-facts §A.1 [V]).
 */
export const quickSetupServiceLinkedRole = "AWSServiceRoleForSSMQuickSetup";
/** The start of the DHMC role Quick Setup creates when the setting is empty (landscape.md §2.2, [I]). */
export const quickSetupDhmcRolePrefix = "AWS-QuickSetup-";

/**
 * Whether Quick Setup or the unified console manages DHMC here, which would undo this stack's
 * setting: the unified console's daily association in the Region, a DHMC setting naming a Quick
 * Setup role, or (a note) Quick Setup's service-linked role in the account. Reads with clients the
 * doctor already has (the ssm-quicksetup client's ListConfigurationManagers is not installed).
 */
async function quickSetup(s: DoctorSettings, clients: DoctorClients): Promise<Finding> {
    const item = "Quick Setup";
    const [associations, setting, serviceLinkedRole] = await Promise.all([
        clients.ssm.send(
            new ListAssociationsCommand({
                AssociationFilterList: [{ key: "AssociationName", value: unifiedConsoleDhmcAssociation }],
            }),
        ),
        clients.ssm.send(new GetServiceSettingCommand({ SettingId: dhmcSettingId })),
        clients.iam.send(new GetRoleCommand({ RoleName: quickSetupServiceLinkedRole })).then(
            () => true,
            (error: Error) => {
                if (error.name === "NoSuchEntityException") {
                    return false;
                }
                throw error;
            },
        ),
    ]);
    const settingValue: string = setting.ServiceSetting?.SettingValue ?? "$None";
    const managers = [
        ...((associations.Associations ?? []) as { AssociationName?: string }[])
            .filter(a => a.AssociationName === unifiedConsoleDhmcAssociation)
            .map(() => `the unified console's daily ${unifiedConsoleDhmcAssociation} in ${s.region}`),
        ...(settingValue.split("/").pop()!.startsWith(quickSetupDhmcRolePrefix)
            ? [`Quick Setup's role ${settingValue} in the DHMC setting`]
            : []),
    ];
    if (managers.length > 0) {
        const found = `${managers.join(" and ")}: they set DHMC back to their own role`;
        return s.adoptQuickSetup
            ? {
                  item,
                  status: "note",
                  message: `${found}; the manifest adopts them (adoptQuickSetup), so name their role in dhmcRoleName with dhmcRole adopt, or remove their configuration`,
              }
            : {
                  item,
                  status: "fix",
                  message: `${found}, and this stack would fight them: remove their DHMC configuration (Quick Setup, or the unified console's), or set adoptQuickSetup: true for the account in fleet.yaml`,
              };
    }
    return serviceLinkedRole
        ? {
              item,
              status: "note",
              message: `${quickSetupServiceLinkedRole} exists, so Quick Setup has deployed here: none of its configurations manages DHMC in ${s.region}; aws ssm-quicksetup list-configuration-managers lists them`,
          }
        : { item, status: "ready", message: `neither Quick Setup nor the unified console manages DHMC in ${s.region}` };
}

const checks = [
    configRecorder,
    dhmcRole,
    dhmcSetting,
    quickSetup,
    sessionDocument,
    regionOptIn,
    metadataDefaults,
    managementTrail,
];
const itemNames = [
    "Config recorder",
    "DHMC role",
    "DHMC setting",
    "Quick Setup",
    sessionPreferencesDocument,
    "region opt-in",
    "instance metadata defaults",
    "CloudTrail trail",
];

/** Runs every check; one that AWS refuses reports "could not check" and the others still run. */
export async function doctor(settings: DoctorSettings, clients: DoctorClients): Promise<Finding[]> {
    return Promise.all(
        checks.map((check, i) =>
            check(settings, clients).catch((error): Finding => ({
                item: itemNames[i],
                status: "error",
                message: `could not check: ${awsError(error)}`,
            })),
        ),
    );
}

/** A fix outranks an unchecked item: exit 2 when a key must change, 1 when something could not be checked. */
export function doctorExitCode(findings: readonly Finding[]): ExitCode {
    if (findings.some(f => f.status === "fix")) {
        return ExitCode.configurationError;
    }
    return findings.some(f => f.status === "error") ? ExitCode.failure : ExitCode.success;
}

export function doctorReport(settings: DoctorSettings, findings: readonly Finding[]): string {
    const width = Math.max(...findings.map(f => f.item.length));
    const lines = findings.map(f => `  ${f.status.padEnd(5)}  ${f.item.padEnd(width)}  ${f.message}`);
    const fixes = findings.filter(f => f.status === "fix").length;
    const errors = findings.filter(f => f.status === "error").length;
    return (
        `doctor ${settings.stack} (${settings.region}):\n${lines.join("\n")}\n\n` +
        (fixes + errors === 0
            ? "ready for pulumi up\n"
            : `${fixes} to fix, ${errors} not checked: fix them in Pulumi.${settings.stack}.yaml or AWS, then run doctor again\n`)
    );
}

/** Real SDK clients for the stack's region, on the default credential chain unless credentials are given. */
export function realDoctorClients(
    region: string,
    credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string },
): DoctorClients {
    const options = { region, ...(credentials ? { credentials } : {}) };
    const clients = {
        config: new ConfigServiceClient(options),
        iam: new IAMClient(options),
        ssm: new SSMClient(options),
        ec2: new EC2Client(options),
        cloudtrail: new CloudTrailClient(options),
    };
    return { ...clients, close: () => Object.values(clients).forEach(client => client.destroy()) };
}

export interface DoctorStackDeps {
    readonly projectDir: string;
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** SDK clients for the stack's region; real ones when omitted. */
    readonly doctorClients?: (region: string) => DoctorClients;
}

/** `doctor --stack <name>`: reads the stack file as the program gets it, then runs every check. */
export async function doctorStack(stack: string, deps: DoctorStackDeps): Promise<ExitCode> {
    let settings: DoctorSettings;
    try {
        settings = doctorSettings(stack, stackConfig(stack, deps.projectDir));
    } catch (error) {
        deps.err(`doctor: ${(error as Error).message}\n`);
        return ExitCode.configurationError;
    }
    const clients = (deps.doctorClients ?? realDoctorClients)(settings.region);
    try {
        const findings = await doctor(settings, clients);
        deps.out(doctorReport(settings, findings));
        return doctorExitCode(findings);
    } finally {
        clients.close?.();
    }
}
