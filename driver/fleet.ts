// The fleet manifest (fleet.yaml): which accounts and Regions get the baseline, in which rings, how
// each account is reached, how many cells run at once, and per-cell config overrides. Every cell's
// stack name and stack config derive from it; a user never writes a stack file per cell. Pure
// apart from reading the files; every problem is a ConfigError line naming the key (exit 2).
import { createHash } from "crypto";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { partitionOf } from "../aws/partition";
import { isKnownRegion, unsupportedRegionReason } from "../aws/regions";
import { ConfigError, monitoringProjectName, parseStackConfig, projectName } from "../config";
import { FleetCell, organizationViewLimits } from "../components/organizationView/organizationViewBody";
import { engineStackConfig, ProjectFile } from "../harness/engineConfig";

export const manifestFile = "fleet.yaml";

/** Prefix of every cell's stack name; cell stack files match Pulumi.fleet-*.yaml (git-ignored). */
export const cellStackPrefix = "fleet";

/**
 * Role chaining (credentials that are themselves an assumed role, such as a CI job's OIDC role,
 * assuming the cell role) caps a session at one hour, whatever the role allows.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (DurationSeconds)
 */
export const roleChainingLimitMinutes = 60;

type Overrides = Readonly<Record<string, unknown>>;

export interface FleetAccount {
    readonly id: string;
    readonly name: string;
    readonly ring: string;
    /**
     * In order; the first is the account's home Region, whose cell owns the account-wide (IAM) parts.
     * Any number, up to every commercial Region: Region cells add no policy to the account's DHMC
     * role (components/parts/nodeRoles.ts), so IAM's cap on its inline policies does not bound them.
     */
    readonly regions: readonly string[];
    readonly config: Overrides;
    readonly cells: Readonly<Record<string, Overrides>>;
    /** The baseline takes DHMC over from Quick Setup or the unified console here: the preflight notes them, not stops. */
    readonly adoptQuickSetup: boolean;
}

/** fleet.yaml's monitoring: the account and home Region of the organization view. */
export interface MonitoringTarget {
    readonly accountId: string;
    readonly region: string;
}

export interface FleetManifest {
    readonly concurrency: number;
    /** Undefined without an organization view. */
    readonly monitoring?: MonitoringTarget;
    readonly rings: readonly string[];
    readonly roleName: string;
    /** The provider's session length for the cell role, e.g. "1h" (15m to 12h; 1h at most when chained). */
    readonly sessionDuration: string;
    readonly externalId?: string;
    readonly config: Overrides;
    readonly accounts: readonly FleetAccount[];
}

/** account: the home Region's cell, which owns the DHMC role. region: every other cell, which adopts it. */
export type CellPhase = "account" | "region";

export interface Cell {
    readonly stack: string;
    readonly account: FleetAccount;
    readonly region: string;
    readonly ring: string;
    readonly phase: CellPhase;
    /** The stack file the driver writes for the cell (its `config:` map, as YAML values). */
    readonly stackSettings: Readonly<Record<string, unknown>>;
    /** The config the program receives, as the engine hands it over (Pulumi.yaml defaults merged in). */
    readonly config: Readonly<Record<string, string>>;
    /** A hash of `config`: the journal compares it to tell a changed cell from an unchanged one. */
    readonly configHash: string;
}

const accountIdPattern = /^\d{12}$/;
const namePattern = /^[a-z0-9][a-z0-9-]{0,30}$/;
// IAM CreateRole RoleName and STS RoleSessionName.
const roleNamePattern = /^[\w+=,.@-]{1,64}$/;
const durationPattern = /^(\d+)(m|h)$/;
// Derived for every cell: an override would route the cell to another account or Region.
const derivedKeys = ["aws:region", "aws:allowedAccountIds", "aws:assumeRoles", "aws:profile"];

class ManifestReader {
    readonly problems: string[] = [];
    constructor(readonly file: string) {}

    problem(key: string, got: unknown, expected: string): void {
        this.problems.push(`${this.file}: ${key}: got ${JSON.stringify(got)}; expected ${expected}`);
    }

    overrides(key: string, value: unknown): Overrides {
        if (value === undefined || value === null) {
            return {};
        }
        if (typeof value !== "object" || Array.isArray(value)) {
            this.problem(key, value, "a map of config keys to values, such as {logRetentionDays: 30}");
            return {};
        }
        for (const [name, v] of Object.entries(value)) {
            if (derivedKeys.includes(name)) {
                this.problems.push(
                    `${this.file}: ${key}.${name}: derived from the account and Region of each cell; remove it`,
                );
            }
            if (typeof v === "object" && v !== null && "secure" in v) {
                this.problems.push(
                    `${this.file}: ${key}.${name}: a secure value is encrypted for one stack and cannot be shared; set secrets per cell with pulumi config set --secret`,
                );
            }
        }
        return value as Overrides;
    }
}

/** Reads and validates fleet.yaml (structure only; see `fleetCells` for each cell's config). */
export function parseManifest(text: string, file = manifestFile): FleetManifest {
    const read = new ManifestReader(file);
    let raw: any;
    try {
        raw = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: file });
    } catch (error) {
        throw new ConfigError([`${file}: ${(error as Error).message.split("\n")[0]}`]);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new ConfigError([`${file}: expected a map with concurrency, rings, regions, access and accounts`]);
    }
    const known = ["concurrency", "rings", "regions", "access", "config", "accounts", "monitoring"];
    for (const key of Object.keys(raw).filter(k => !known.includes(k))) {
        read.problems.push(`${file}: ${key}: unknown key; expected one of ${known.join(", ")}`);
    }

    const concurrency = raw.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
        read.problem("concurrency", concurrency, "a whole number of cells at once, from 1 to 32 (8 by default)");
    }
    const rings: string[] = raw.rings;
    if (!Array.isArray(rings) || rings.length === 0 || rings.some(r => typeof r !== "string" || !namePattern.test(r))) {
        read.problem("rings", rings, "the rings in rollout order, such as [dev, prod]");
    } else if (new Set(rings).size !== rings.length) {
        read.problem("rings", rings, "each ring once");
    }
    const regions = regionList(read, "regions", raw.regions);

    const access = raw.access ?? {};
    const roleName = access.roleName;
    if (typeof roleName !== "string" || !roleNamePattern.test(roleName)) {
        read.problem(
            "access.roleName",
            roleName,
            "the role each account trusts your credentials to assume, 1 to 64 of letters, digits and +=,.@_-",
        );
    }
    const sessionDuration = access.sessionDuration ?? "1h";
    const minutes = durationMinutes(sessionDuration);
    if (minutes === undefined || minutes < 15 || minutes > 12 * 60) {
        read.problem("access.sessionDuration", sessionDuration, "a session length from 15m to 12h, such as 1h");
    }
    if (access.externalId !== undefined && typeof access.externalId !== "string") {
        read.problem("access.externalId", access.externalId, "the external id the cell role's trust policy requires");
    }

    const accounts: FleetAccount[] = [];
    if (!Array.isArray(raw.accounts) || raw.accounts.length === 0) {
        read.problem("accounts", raw.accounts, "a list of {id, name, ring}");
    } else {
        raw.accounts.forEach((account: any, i: number) => {
            const key = `accounts[${i}]`;
            if (typeof account?.id !== "string" || !accountIdPattern.test(account.id)) {
                read.problem(
                    `${key}.id`,
                    account?.id,
                    'a 12-digit AWS account id in quotes, such as "111111111111" (unquoted, YAML drops leading zeros)',
                );
            }
            if (typeof account?.name !== "string" || !namePattern.test(account.name)) {
                read.problem(`${key}.name`, account?.name, "a short name of lower-case letters, digits and -");
            }
            if (!Array.isArray(rings) || !rings.includes(account?.ring)) {
                read.problem(`${key}.ring`, account?.ring, `one of the rings (${[rings].flat().join(", ")})`);
            }
            const own = account?.regions === undefined ? regions : regionList(read, `${key}.regions`, account.regions);
            const adoptQuickSetup = account?.adoptQuickSetup ?? false;
            if (typeof adoptQuickSetup !== "boolean") {
                read.problem(
                    `${key}.adoptQuickSetup`,
                    adoptQuickSetup,
                    "true to take DHMC over from Quick Setup or the unified console in this account, false by default",
                );
            }
            const cells = read.overrides(`${key}.cells`, account?.cells) as Record<string, unknown>;
            for (const [region, overrides] of Object.entries(cells)) {
                if (!own.includes(region)) {
                    read.problem(`${key}.cells.${region}`, region, `one of the account's Regions (${own.join(", ")})`);
                }
                read.overrides(`${key}.cells.${region}`, overrides);
            }
            accounts.push({
                id: String(account?.id),
                name: String(account?.name),
                ring: String(account?.ring),
                regions: own,
                config: read.overrides(`${key}.config`, account?.config),
                cells: cells as FleetAccount["cells"],
                adoptQuickSetup: adoptQuickSetup === true,
            });
        });
        for (const field of ["id", "name"] as const) {
            const seen = accounts.map(a => a[field]);
            const twice = seen.find((v, i) => seen.indexOf(v) !== i);
            if (twice !== undefined) {
                read.problems.push(`${file}: accounts: ${field} ${twice} appears twice; each account once`);
            }
        }
        for (const ring of new Set(Array.isArray(rings) ? rings : [])) {
            if (!accounts.some(a => a.ring === ring)) {
                read.problems.push(`${file}: rings: ring ${ring} has no accounts; remove it or give it one`);
            }
        }
    }
    const config = read.overrides("config", raw.config);
    const monitoring = raw.monitoring === undefined ? undefined : monitoringTarget(read, raw.monitoring, accounts);
    if (monitoring) {
        // The organization view draws every cell on one dashboard: refuse what it cannot draw before anything runs.
        const cells = accounts.flatMap(a => a.regions.map(region => ({ accountId: a.id, region })));
        read.problems.push(...organizationViewLimits(cells).map(problem => `${file}: monitoring: ${problem}`));
    }
    if (read.problems.length > 0) {
        throw new ConfigError(read.problems);
    }
    return {
        concurrency,
        rings,
        roleName,
        sessionDuration,
        ...(access.externalId !== undefined ? { externalId: access.externalId } : {}),
        config,
        accounts,
        ...(monitoring ? { monitoring } : {}),
    };
}

/** monitoring: {account: an account's name, or any 12-digit id; region: its home Region}. */
function monitoringTarget(
    read: ManifestReader,
    raw: any,
    accounts: readonly FleetAccount[],
): MonitoringTarget | undefined {
    const account = raw?.account;
    const named = accounts.find(a => a.name === account);
    const accountId =
        named?.id ?? (typeof account === "string" && accountIdPattern.test(account) ? account : undefined);
    if (accountId === undefined) {
        read.problem(
            "monitoring.account",
            account,
            'the monitoring account: one of the accounts\' names, or a 12-digit id in quotes such as "444444444444"',
        );
    }
    const region = raw?.region;
    if (typeof region !== "string" || !isKnownRegion(region)) {
        read.problem("monitoring.region", region, "the monitoring account's home Region, such as eu-west-1");
    } else if (unsupportedRegionReason(region)) {
        // The cells are all in the aws partition, and links and sinks never cross partitions.
        read.problems.push(`${read.file}: monitoring.region: ${unsupportedRegionReason(region)}`);
    }
    for (const key of Object.keys(raw ?? {}).filter(k => !["account", "region"].includes(k))) {
        read.problems.push(`${read.file}: monitoring.${key}: unknown key; expected account and region`);
    }
    return accountId !== undefined && typeof region === "string" ? { accountId, region } : undefined;
}

function regionList(read: ManifestReader, key: string, value: unknown): string[] {
    if (!Array.isArray(value) || value.length === 0 || value.some(r => typeof r !== "string")) {
        read.problem(key, value, "a list of Region codes, the home Region first, such as [eu-west-1, eu-central-1]");
        return [];
    }
    for (const region of value as string[]) {
        if (!isKnownRegion(region)) {
            read.problem(key, region, "Region codes such as eu-west-1");
        } else if (unsupportedRegionReason(region)) {
            read.problems.push(`${read.file}: ${key}: ${unsupportedRegionReason(region)}`);
        }
    }
    if (new Set(value).size !== value.length) {
        read.problem(key, value, "each Region once");
    }
    return value as string[];
}

function durationMinutes(text: unknown): number | undefined {
    const match = typeof text === "string" ? durationPattern.exec(text) : null;
    return match ? Number(match[1]) * (match[2] === "h" ? 60 : 1) : undefined;
}

/** Whether the session outlives what IAM grants a chained role session (one hour). */
export function exceedsRoleChaining(manifest: FleetManifest): boolean {
    return (durationMinutes(manifest.sessionDuration) ?? 0) > roleChainingLimitMinutes;
}

export function cellStackName(account: FleetAccount, region: string): string {
    return `${cellStackPrefix}-${account.name}-${region}`;
}

/**
 * The cell's stack file: the derived keys (Region, the account it may touch, the role to reach
 * it), who owns the DHMC role, then the manifest's overrides (fleet-wide, account, cell). The
 * home Region's cell creates the role; every other cell adopts it, so the role is made once per
 * account and IAM-global changes run in one place.
 */
function cellSettings(manifest: FleetManifest, account: FleetAccount, region: string, stack: string) {
    const partition = partitionOf(region);
    const assumeRole: Record<string, string> = {
        roleArn: `arn:${partition}:iam::${account.id}:role/${manifest.roleName}`,
        sessionName: `${projectName}-${stack}`.slice(0, 64),
        duration: manifest.sessionDuration,
        ...(manifest.externalId !== undefined ? { externalId: manifest.externalId } : {}),
    };
    const namespaced = (overrides: Overrides) =>
        Object.fromEntries(
            Object.entries(overrides).map(([key, value]) => [key.includes(":") ? key : `${projectName}:${key}`, value]),
        );
    const home = region === account.regions[0];
    return {
        "aws:region": region,
        "aws:allowedAccountIds": [account.id],
        "aws:assumeRoles": [assumeRole],
        [`${projectName}:dhmcRole`]: home ? "create" : "adopt",
        ...namespaced(manifest.config),
        ...namespaced(account.config),
        ...namespaced(account.cells[region] ?? {}),
    };
}

/** Hash of a config map, independent of key order. */
export function configHash(config: Readonly<Record<string, string>>): string {
    const canonical = JSON.stringify(
        Object.keys(config)
            .sort()
            .map(key => [key, config[key]]),
    );
    return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/**
 * Every cell of the manifest, ring by ring, each account's home Region first. Each cell's config
 * goes through the engine's merge (harness/engineConfig.ts) and the program's validation
 * (config.ts), so a bad override fails here, before any cell runs.
 */
export function fleetCells(manifest: FleetManifest, project: ProjectFile): Cell[] {
    const problems: string[] = [];
    const cells: Cell[] = [];
    for (const ring of manifest.rings) {
        for (const account of manifest.accounts.filter(a => a.ring === ring)) {
            for (const region of account.regions) {
                const stack = cellStackName(account, region);
                const settings = cellSettings(manifest, account, region, stack);
                const home = region === account.regions[0];
                const role = settings[`${projectName}:dhmcRole`];
                if (!home && role !== "adopt") {
                    problems.push(
                        `${manifestFile}: ${account.name} ${region}: dhmcRole ${JSON.stringify(role)}; only the home Region (${account.regions[0]}) owns the account's DHMC role, the other Regions adopt it`,
                    );
                }
                if (account.cells[region]?.dhmcRoleName !== undefined) {
                    problems.push(
                        `${manifestFile}: ${account.name} ${region}: dhmcRoleName is one per account; set it in the account's config`,
                    );
                }
                try {
                    const config = engineStackConfig(stack, yaml.dump({ config: settings }), project);
                    parseStackConfig(config);
                    cells.push({
                        stack,
                        account,
                        region,
                        ring,
                        phase: home ? "account" : "region",
                        stackSettings: settings,
                        config,
                        configHash: configHash(config),
                    });
                } catch (error) {
                    if (!(error instanceof ConfigError)) {
                        throw error;
                    }
                    problems.push(...error.problems.map(problem => `${stack}: ${problem}`));
                }
            }
        }
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return cells;
}

/** The monitoring stack's name: one per manifest. */
export const monitoringStackName = `${cellStackPrefix}-monitoring`;

/** Where the monitoring stack's program lives, beside the project. */
export const monitoringProgramDir = "monitoring";

/**
 * The monitoring stack's file: the monitoring account, reached like any cell's, and every cell of
 * the manifest in the rollout's order (the organization view draws them as the rollout's matrix).
 */
export function monitoringStackSettings(manifest: FleetManifest, cells: readonly Cell[]): Record<string, unknown> {
    const monitoring = manifest.monitoring!;
    const fleetCells: FleetCell[] = cells.map(c => ({
        accountId: c.account.id,
        accountName: c.account.name,
        region: c.region,
        tamperWatch: parseStackConfig(c.config).tamperWatch !== undefined,
    }));
    return {
        "aws:region": monitoring.region,
        "aws:allowedAccountIds": [monitoring.accountId],
        "aws:assumeRoles": [
            {
                roleArn: `arn:${partitionOf(monitoring.region)}:iam::${monitoring.accountId}:role/${manifest.roleName}`,
                sessionName: `${projectName}-${monitoringStackName}`.slice(0, 64),
                duration: manifest.sessionDuration,
                ...(manifest.externalId !== undefined ? { externalId: manifest.externalId } : {}),
            },
        ],
        [`${monitoringProjectName}:accountId`]: monitoring.accountId,
        [`${monitoringProjectName}:cells`]: JSON.stringify(fleetCells),
    };
}

/**
 * The monitoring stack as the journal, the plan and the summary see it: a cell of its own, in the
 * monitoring account and Region and the first ring, hashed over its stack file like any cell.
 */
export function monitoringCell(manifest: FleetManifest, cells: readonly Cell[]): Cell {
    const { accountId, region } = manifest.monitoring!;
    const stackSettings = monitoringStackSettings(manifest, cells);
    const config = Object.fromEntries(
        Object.entries(stackSettings).map(([key, value]) => [
            key,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
    const account: FleetAccount = {
        id: accountId,
        name: monitoringStackName,
        ring: manifest.rings[0],
        regions: [region],
        config: {},
        cells: {},
        adoptQuickSetup: false,
    };
    return {
        stack: monitoringStackName,
        account,
        region,
        ring: account.ring,
        phase: "account",
        stackSettings,
        config,
        configHash: configHash(config),
    };
}

/**
 * The cell with its link to the monitoring account's sink in its Region, its config and hash
 * recomputed (and validated) with it. A cell in the monitoring account itself needs no link.
 */
export function linkedCell(cell: Cell, sinkArn: string | undefined, project: ProjectFile): Cell {
    if (sinkArn === undefined || cell.account.id === sinkArn.split(":")[4]) {
        return cell;
    }
    const stackSettings = { ...cell.stackSettings, [`${projectName}:monitoringSinkArn`]: sinkArn };
    const config = engineStackConfig(cell.stack, yaml.dump({ config: stackSettings }), project);
    parseStackConfig(config);
    return { ...cell, stackSettings, config, configHash: configHash(config) };
}

/** Reads fleet.yaml (or another manifest) and its cells; throws a ConfigError listing every problem. */
export function readFleet(file: string, project: ProjectFile): { manifest: FleetManifest; cells: Cell[] } {
    if (!fs.existsSync(file)) {
        throw new ConfigError([`${file}: no fleet manifest; see the README, "Many accounts and regions"`]);
    }
    const manifest = parseManifest(fs.readFileSync(file, "utf8"), path.basename(file));
    return { manifest, cells: fleetCells(manifest, project) };
}
