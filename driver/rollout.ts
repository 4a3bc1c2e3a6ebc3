// `npm run driver -- rollout`: the baseline over every account × Region of fleet.yaml. A plan
// first (the cells, their order, what changed since the last run, orphaned cells), then a
// read-only preflight of every cell (doctor), then ring by ring each account's home-Region cell
// (which owns the account's DHMC role) before the account's other Regions, at most `concurrency`
// cells at once. Each transition goes to an append-only journal, so `--resume` re-runs only what
// is not current. `--matrix`, `--cell` and `--gather` run the same cells as a GitHub Actions matrix.
import { ConcurrentUpdateError, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import { setMaxListeners } from "events";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parseCommandLine, UsageError } from "../cli/arguments";
import { ExitCode } from "../cli/exitCodes";
import { renderTable } from "../cli/table";
import { ConfigError } from "../config";
import { readProjectFile } from "../harness/engineConfig";
import type { DoctorClients, Finding } from "./doctor";
import type { VerifyResult } from "./verify";
import { classifyFailure, EngineDeps, localBackendUrl, workspaceEnvironment } from "./engine";
import {
    Cell,
    exceedsRoleChaining,
    FleetManifest,
    linkedCell,
    manifestFile,
    monitoringCell,
    monitoringProgramDir,
    monitoringStackName,
    monitoringStackSettings,
    readFleet,
    roleChainingLimitMinutes,
} from "./fleet";
import {
    appendJournal,
    CellState,
    changeSinceLastRun,
    isCurrent,
    JournalEntry,
    journalPath,
    lastDeployment,
    lastSettings,
    programCommit,
    readJournal,
} from "./rolloutJournal";
import { CellResult, summaryJson, summaryMarkdown, summaryTerminal } from "./rolloutSummary";
import { hasChanges } from "./summary";

export const rolloutUsage = `usage: npm run driver -- rollout [options]

  every account × Region of fleet.yaml: plan, preflight (doctor, read-only), then ring by ring each
  account's home Region (it owns the DHMC role) before its other Regions, at most concurrency at once

options:
  --manifest <file>               the fleet manifest (default fleet.yaml)
  --resume                        skip cells current since the last run (same commit and config)
  --verify                        a cell is green only when its canary came Online through DHMC
  --ring <ring>                   only this ring's cells
  --drift                         read-only: refresh --preview-only every cell and report drift
  --matrix                        print the cells as GitHub Actions matrix waves (JSON) and exit
  --cell <stack>                  run one cell (a matrix job); its result goes to .rollout/results/
  --gather <dir>                  summarise the matrix jobs' results from <dir>
  --local                         keep state in a file backend, file://<project>/.pulumi-state`;

export interface RolloutDeps extends EngineDeps {
    /** Ctrl-C: ends the running operations cleanly; their cells are interrupted. */
    readonly signal?: AbortSignal;
    /** The read-only preflight of one cell; by default doctor with the cell role's credentials. */
    readonly preflight?: (cell: Cell) => Promise<Finding[]>;
    /** The AWS clients the default preflight reads a cell with; by default the SDK's, with the cell role's credentials. */
    readonly preflightClients?: (cell: Cell) => Promise<DoctorClients>;
    /** Proves a cell's canary is managed; by default through DHMC with the cell role's credentials. */
    readonly verifyCell?: (cell: Cell, instanceId: string, timeoutMs: number) => Promise<VerifyResult>;
    /** Wait before the one retry of a transient engine error. */
    readonly transientRetryDelayMs?: number;
    /** The npm that installs the policy pack's dependencies; by default npm on PATH. */
    readonly npm?: string;
}

interface RolloutArguments {
    readonly manifest: string;
    readonly resume: boolean;
    readonly verify: boolean;
    readonly ring?: string;
    readonly drift: boolean;
    readonly matrix: boolean;
    readonly cell?: string;
    readonly gather?: string;
    readonly local: boolean;
    readonly verifyTimeoutMs: number;
}

function parseRolloutArguments(argv: readonly string[], projectDir: string): RolloutArguments {
    const { values, positionals } = parseCommandLine(
        argv,
        {
            manifest: { type: "string" },
            resume: { type: "boolean" },
            verify: { type: "boolean" },
            ring: { type: "string" },
            drift: { type: "boolean" },
            matrix: { type: "boolean" },
            cell: { type: "string" },
            gather: { type: "string" },
            local: { type: "boolean" },
            "verify-timeout-minutes": { type: "string" },
        },
        true,
    );
    if (positionals.length > 1) {
        throw new UsageError(`unexpected argument ${positionals[1]}`);
    }
    const modes = (["drift", "matrix", "cell", "gather"] as const).filter(mode => values[mode] !== undefined);
    if (modes.length > 1) {
        throw new UsageError(`--${modes[0]} and --${modes[1]} do not go together`);
    }
    const verifyTimeoutMinutes = Number(values["verify-timeout-minutes"] ?? 30);
    if (!(verifyTimeoutMinutes > 0)) {
        throw new UsageError("--verify-timeout-minutes takes a positive number");
    }
    return {
        manifest: path.resolve(projectDir, values.manifest ?? manifestFile),
        resume: values.resume ?? false,
        verify: values.verify ?? false,
        ring: values.ring,
        drift: values.drift ?? false,
        matrix: values.matrix ?? false,
        cell: values.cell,
        gather: values.gather,
        local: values.local ?? false,
        verifyTimeoutMs: verifyTimeoutMinutes * 60_000,
    };
}

/** `pulumi stack init --no-select`: creates the stack without making it the workspace's current one. */
async function createStack(
    pulumiCommand: PulumiCommand,
    stack: string,
    workDir: string,
    envVars: Record<string, string>,
): Promise<void> {
    const { execFile } = require("child_process") as typeof import("child_process");
    await new Promise<void>((resolve, reject) =>
        execFile(
            pulumiCommand.command,
            ["stack", "init", stack, "--no-select", "--non-interactive"],
            { cwd: workDir, env: { ...process.env, ...envVars, PULUMI_AUTOMATION_API: "true" } },
            (error, _stdout, stderr) =>
                error && !/already exists/.test(stderr)
                    ? reject(new Error(`pulumi stack init ${stack}: ${stderr.trim() || error.message}`))
                    : resolve(),
        ),
    );
}

/** Runs `work` over `items`, at most `limit` at once, starting each as soon as a slot is free. */
async function bounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await work(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/** Engine errors seen at high parallelism that a second attempt clears (pulumi/pulumi#7782, #10523). */
const transientPattern =
    /\bUNAVAILABLE\b|transport is closing|ECONNRESET|connection reset by peer|error reading from server/i;

/** Who holds a lock, as the CLI words it: the DIY backend lists each lock file's creator. */
function lockHolder(stderr: string): string {
    return /created by ([^\n]+)/i.exec(stderr)?.[1]?.trim() ?? "holder not reported by the backend";
}

function oneLine(error: unknown): string {
    const result = (error as { commandResult?: { stderr?: string } }).commandResult;
    const text = result?.stderr?.trim() || (error instanceof Error ? error.message : String(error));
    // The CLI closes with a generic "error: update failed"; the resource's own error says why.
    const lines = text.split("\n");
    const line = lines.find(l => /error/i.test(l) && !/^\s*error: update failed\s*$/i.test(l)) ?? lines[0];
    return line.replace(/^\s*error:\s*/i, "").slice(0, 160);
}

/** The matrix waves for GitHub Actions: per ring, the account cells, then the Region cells. */
export function matrixWaves(manifest: FleetManifest, cells: readonly Cell[]) {
    return {
        maxParallel: manifest.concurrency,
        // The organization view's one job, before every account job ("" without one).
        monitoring: manifest.monitoring ? monitoringStackName : "",
        rings: Object.fromEntries(
            manifest.rings.map(ring => [
                ring,
                {
                    account: cells.filter(c => c.ring === ring && c.phase === "account").map(c => c.stack),
                    region: cells.filter(c => c.ring === ring && c.phase === "region").map(c => c.stack),
                },
            ]),
        ),
    };
}

/** The exit code of a run: success when every cell is, the cells' shared code when they agree, failure otherwise. */
export function rolloutExitCode(results: readonly CellResult[]): ExitCode {
    const codes = [...new Set(results.map(r => r.exitCode).filter(code => code !== ExitCode.success))];
    if (codes.length === 0) {
        return ExitCode.success;
    }
    return codes.length === 1 ? (codes[0] as ExitCode) : ExitCode.failure;
}

/** Short-lived credentials of the cell role, assumed from the credentials at hand (the hub role). */
async function cellCredentials(cell: Cell, purpose: string) {
    const { STSClient, AssumeRoleCommand } = require("@aws-sdk/client-sts") as typeof import("@aws-sdk/client-sts");
    const [role] = cell.stackSettings["aws:assumeRoles"] as { roleArn: string; externalId?: string }[];
    const sts = new STSClient({ region: cell.region });
    try {
        const { Credentials } = await sts.send(
            new AssumeRoleCommand({
                RoleArn: role.roleArn,
                RoleSessionName: `${purpose}-${cell.stack}`.slice(0, 64),
                ExternalId: role.externalId,
            }),
        );
        return {
            accessKeyId: Credentials!.AccessKeyId!,
            secretAccessKey: Credentials!.SecretAccessKey!,
            sessionToken: Credentials!.SessionToken,
        };
    } finally {
        sts.destroy();
    }
}

/** The doctor's AWS clients in the cell's account and Region, with the cell role's credentials. */
async function assumedRoleDoctorClients(cell: Cell): Promise<DoctorClients> {
    const { realDoctorClients } = require("./doctor") as typeof import("./doctor");
    return realDoctorClients(cell.region, await cellCredentials(cell, "preflight"));
}

/**
 * The default preflight: doctor in the cell's account and Region, taking Quick Setup over where the
 * account's manifest entry says so. `roleCreatedBy` names the home-Region cell when it runs first
 * in this rollout: the DHMC role this cell adopts need not exist yet.
 */
async function doctorPreflight(
    cell: Cell,
    clientsOf: (cell: Cell) => Promise<DoctorClients>,
    roleCreatedBy: string | undefined,
): Promise<Finding[]> {
    const { doctor, doctorSettings } = require("./doctor") as typeof import("./doctor");
    const settings = {
        ...doctorSettings(cell.stack, cell.config),
        adoptQuickSetup: cell.account.adoptQuickSetup,
        dhmcRoleCreatedBy: roleCreatedBy,
    };
    const clients = await clientsOf(cell);
    try {
        return await doctor(settings, clients);
    } finally {
        clients.close?.();
    }
}

/** The default proof: the canary verifier (driver/verify.ts) in the cell's account, with the cell role's credentials. */
async function assumedRoleVerify(cell: Cell, instanceId: string, timeoutMs: number): Promise<VerifyResult> {
    const { verifyCanaryWithAws } = require("./verify") as typeof import("./verify");
    return verifyCanaryWithAws(
        instanceId,
        cell.region,
        timeoutMs,
        () => undefined,
        await cellCredentials(cell, "verify"),
    );
}

export async function rollout(argv: readonly string[], deps: RolloutDeps): Promise<ExitCode> {
    const project = readProjectFile(path.join(deps.projectDir, "Pulumi.yaml"));
    let args: RolloutArguments;
    let manifest: FleetManifest;
    let allCells: Cell[];
    try {
        args = parseRolloutArguments(argv, deps.projectDir);
        ({ manifest, cells: allCells } = readFleet(args.manifest, project));
        if (args.ring !== undefined && !manifest.rings.includes(args.ring)) {
            throw new UsageError(`--ring ${args.ring}: not a ring of ${manifestFile} (${manifest.rings.join(", ")})`);
        }
        const monitors = manifest.monitoring !== undefined && args.cell === monitoringStackName;
        if (args.cell !== undefined && !monitors && !allCells.some(c => c.stack === args.cell)) {
            throw new UsageError(`--cell ${args.cell}: not a cell of ${manifestFile}`);
        }
    } catch (error) {
        if (error instanceof UsageError || error instanceof ConfigError) {
            deps.err(`${error.message}\n${error instanceof UsageError ? `\n${rolloutUsage}\n` : ""}`);
            return ExitCode.configurationError;
        }
        throw error;
    }
    const rolloutDir = path.join(deps.projectDir, ".rollout");

    if (args.matrix) {
        deps.out(`${JSON.stringify(matrixWaves(manifest, allCells))}\n`);
        return ExitCode.success;
    }
    if (args.gather !== undefined) {
        const dir = path.resolve(args.gather);
        const results: CellResult[] = fs.existsSync(dir)
            ? fs
                  .readdirSync(dir)
                  .filter(file => file.endsWith(".json"))
                  .map(file => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")))
            : [];
        const order = allCells.map(c => c.stack);
        results.sort((a, b) => order.indexOf(a.stack) - order.indexOf(b.stack));
        // A cell whose job never reported (cancelled, or skipped because its account cell failed) is held.
        const expected = [...(manifest.monitoring ? [monitoringCell(manifest, allCells)] : []), ...allCells];
        for (const cell of expected.filter(c => !results.some(r => r.stack === c.stack))) {
            results.push(resultOf(cell, "held", ExitCode.failure, "no result: its job was skipped or cancelled"));
        }
        return report(results, "gather");
    }

    const commit = (deps.commit ?? (() => programCommit(deps.projectDir)))();
    const journal = journalPath(deps.projectDir);
    const entries = readJournal(journal);
    const last = lastDeployment(entries);
    const run = new Date().toISOString();
    // The organization view, when the manifest has one and this run includes it; the cells carry
    // the sinks it last made (the journal's, until it runs), so a replaced sink re-runs them.
    const monitoring =
        manifest.monitoring && [undefined, monitoringStackName].includes(args.cell)
            ? monitoringCell(manifest, allCells)
            : undefined;
    const inScope = allCells.filter(
        c => (args.ring === undefined || c.ring === args.ring) && (args.cell === undefined || c.stack === args.cell),
    );
    const linked = (sinks: Readonly<Record<string, string>>) =>
        inScope.map(c => linkedCell(c, sinks[c.region], project));
    // Without an organization view in the manifest (say, its block removed) the cells link to no sink.
    let cells = linked((manifest.monitoring && last.get(monitoringStackName)?.sinkArns) || {});

    // Plan: the cells in order, what changed since their last deployment, and orphans.
    const planRows = [...(monitoring ? [monitoring] : []), ...cells].map(c => [
        c.stack,
        c.ring,
        c === monitoring
            ? "organization view (its sinks first)"
            : c.phase === "account"
              ? "account (owns the DHMC role)"
              : "region (adopts the role)",
        changeSinceLastRun(c, last.get(c.stack), commit),
        args.resume && isCurrent(c, last.get(c.stack), commit, args.verify) ? "skip (current)" : "run",
    ]);
    deps.out(
        `rollout plan: ${cells.length} cells, rings ${manifest.rings.join(" → ")}, ${manifest.concurrency} at once\n` +
            `${renderTable([["cell", "ring", "phase", "since last run", "action"], ...planRows]).join("\n")}\n`,
    );
    // The organization view is a known cell while the manifest has `monitoring:`; without it, orphaned.
    // An orphan the operator has since destroyed (driver destroy journals it) is reported no more.
    const knownStacks = new Set([...allCells.map(c => c.stack), ...(manifest.monitoring ? [monitoringStackName] : [])]);
    const orphans = [...last].filter(([stack, entry]) => !knownStacks.has(stack) && entry.state !== "destroyed");
    for (const [stack] of orphans) {
        deps.out(
            `${orphanLine(stack, orphanStackFile(stack, lastSettings(entries, stack)), args.local ? localBackendUrl(deps.projectDir) : undefined)}\n`,
        );
    }
    if (exceedsRoleChaining(manifest)) {
        deps.out(
            `note: access.sessionDuration ${manifest.sessionDuration} is over ${roleChainingLimitMinutes} minutes; ` +
                "STS refuses it when your credentials are themselves an assumed role (role chaining)\n",
        );
    }

    let envVars: Record<string, string>;
    let pulumiCommand: PulumiCommand;
    try {
        envVars = workspaceEnvironment(deps.env, deps.projectDir, args.local);
    } catch (error) {
        if (error instanceof UsageError) {
            deps.err(`${error.message}\n`);
            return ExitCode.configurationError;
        }
        throw error;
    }
    try {
        pulumiCommand = await (deps.findPulumi ?? (() => PulumiCommand.get()))();
    } catch (error) {
        deps.err(`The Pulumi CLI is not installed or not on PATH (${(error as Error).message.split("\n")[0]})\n`);
        return ExitCode.configurationError;
    }

    let toRun = cells.filter(c => !(args.resume && isCurrent(c, last.get(c.stack), commit, args.verify)));

    // Preflight: read-only, every cell at once (bounded), before anything changes.
    const homeRunningFirst = (cell: Cell) =>
        cell.phase === "region"
            ? toRun.find(c => c.account.id === cell.account.id && c.phase === "account")?.stack
            : undefined;
    const preflight =
        deps.preflight ??
        ((cell: Cell) =>
            doctorPreflight(cell, deps.preflightClients ?? assumedRoleDoctorClients, homeRunningFirst(cell)));
    const findings = await bounded(toRun, manifest.concurrency, cell =>
        preflight(cell).catch((error): Finding[] => [
            { item: "preflight", status: "error", message: `could not check: ${(error as Error).message}` },
        ]),
    );
    const finding = (i: number, item: string) => {
        const f = findings[i].find(x => x.item === item);
        return f ? `${f.status}: ${f.message}`.slice(0, 60) : "-";
    };
    deps.out(
        `preflight ownership map:\n${renderTable([
            ["cell", "DHMC role", "DHMC setting", "Quick Setup", "Config recorder"],
            ...toRun.map((c, i) => [
                c.stack,
                finding(i, "DHMC role"),
                finding(i, "DHMC setting"),
                finding(i, "Quick Setup"),
                finding(i, "Config recorder"),
            ]),
        ]).join("\n")}\n`,
    );
    const conflicts = toRun.flatMap((c, i) =>
        findings[i].filter(f => f.status === "fix").map(f => `${c.stack}: ${f.item}: ${f.message}`),
    );
    if (conflicts.length > 0) {
        deps.err(
            `preflight found ${conflicts.length} conflict(s); nothing was changed. Say in ${manifestFile} how to take ` +
                `each over (for example config: {dhmcRole: adopt}, sessionPreferencesAdopt: true, or an account's ` +
                `adoptQuickSetup: true), then run again:\n` +
                conflicts.map(c => `  ${c}\n`).join(""),
        );
        return ExitCode.configurationError;
    }
    for (const [i, c] of toRun.entries()) {
        for (const f of findings[i].filter(x => x.status === "error")) {
            deps.err(`preflight ${c.stack}: ${f.item}: ${f.message}\n`);
        }
    }

    // Once, before the fan-out: the AWS plugin (parallel installs interfere, pulumi/pulumi#22784)
    // and the policy pack's dependencies (parallel installs race, pulumi/pulumi#4031).
    const workspace = await LocalWorkspace.create({ workDir: deps.projectDir, pulumiCommand, envVars });
    const awsVersion = JSON.parse(fs.readFileSync(require.resolve("@pulumi/aws/package.json"), "utf8")).version;
    await workspace.installPlugin("aws", `v${awsVersion}`);
    const policyDir = path.join(deps.projectDir, "policy");
    if (policyInstallNeeded(policyDir)) {
        const npmArgs = ["ci", "--prefix", policyDir, "--no-audit", "--no-fund"];
        try {
            execFileSync(deps.npm ?? "npm", npmArgs, { stdio: "ignore" });
        } catch (error) {
            throw new Error(
                `the policy pack's dependencies did not install (npm ${npmArgs.join(" ")}: ${(error as Error).message.split("\n")[0]}); run that command to see npm's output`,
                { cause: error },
            );
        }
    }

    // Stacks: every operation passes --stack, so no cell ever selects one; selecting or creating
    // rewrites workspace.json and corrupts it when concurrent (pulumi/pulumi#8186). The missing
    // stacks are created one at a time before the fan-out, with --no-select.
    const known = new Set((await workspace.listStacks()).map(summary => summary.name.split("/").pop()));
    const creating = Date.now();
    const missing = toRun.filter(cell => !known.has(cell.stack));
    for (const cell of missing) {
        await createStack(pulumiCommand, cell.stack, deps.projectDir, envVars);
    }
    if (missing.length > 0) {
        deps.out(`created ${missing.length} stacks, one at a time, in ${Date.now() - creating} ms\n`);
    }
    // Operations name their stack with --stack; selecting would rewrite workspace.json (above).
    // After each up the SDK reads the outputs with two `stack output` runs, each a CLI start and a
    // state read; a cell's outputs matter only to --verify (its canary), so without it they are skipped.
    const withoutSelect = (target: LocalWorkspace, outputs = true) =>
        new Proxy(target, {
            get: (t, property) =>
                property === "selectStack"
                    ? async () => undefined
                    : property === "stackOutputs" && !outputs
                      ? async () => ({})
                      : Reflect.get(t, property),
        });
    const cellWorkspace = withoutSelect(workspace, args.verify);

    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
    const lockDelays = deps.lockRetryDelaysMs ?? [15_000, 30_000, 60_000, 120_000];
    const signal = deps.signal;
    if (signal) {
        // The SDK adds an abort listener for every operation it runs and never removes it (3.248,
        // automation/cmd.js exec), so they add up over the run: per cell (and fleet-monitoring) an
        // up or a refresh, its retries when locked, and one retry of a transient error.
        setMaxListeners((toRun.length + 1) * (lockDelays.length + 2) + 10, signal);
    }
    const logDir = path.join(rolloutDir, "logs");
    fs.mkdirSync(logDir, { recursive: true });

    const record = (cell: Cell, state: CellState, extra: Partial<JournalEntry> = {}) => {
        appendJournal(journal, {
            time: new Date().toISOString(),
            run,
            stack: cell.stack,
            account: cell.account.id,
            region: cell.region,
            state,
            commit,
            configHash: cell.configHash,
            ...extra,
        });
        if (state !== "started") {
            deps.out(`${cell.stack}: ${state}${extra.reason ? `: ${extra.reason}` : ""}\n`);
        }
    };

    // The organization view first: its sinks must exist before the cells' links attach to them.
    // A cell's config (and so its hash in the journal) includes its Region's sink ARN.
    const monitoringResults: CellResult[] = [];
    if (manifest.monitoring) {
        const phase = monitoring ? await monitoringPhase(monitoring) : await monitoringOutputs();
        monitoringResults.push(...(phase.result ? [phase.result] : []));
        if (args.cell === monitoringStackName) {
            return finish(monitoringResults);
        }
        if (phase.failed !== undefined && !args.drift) {
            const reason = `waits for ${monitoringStackName}, the organization view: ${phase.failed}`;
            const held = cells.map(cell => {
                record(cell, "held", { reason });
                return resultOf(cell, "held", ExitCode.failure, reason);
            });
            return finish([...monitoringResults, ...held]);
        }
        cells = linked(phase.sinkArns ?? last.get(monitoringStackName)?.sinkArns ?? {});
        toRun = cells.filter(c => !(args.resume && isCurrent(c, last.get(c.stack), commit, args.verify)));
    }

    /** The monitoring stack (monitoring/), created if missing, with the stack file the manifest derives. */
    async function monitoringStack(): Promise<Stack> {
        const workDir = path.join(deps.projectDir, monitoringProgramDir);
        const monitoringWorkspace = await LocalWorkspace.create({ workDir, pulumiCommand, envVars });
        const stacks = (await monitoringWorkspace.listStacks()).map(summary => summary.name.split("/").pop());
        if (!stacks.includes(monitoringStackName)) {
            await createStack(pulumiCommand, monitoringStackName, workDir, envVars);
        }
        const current = await monitoringWorkspace.stackSettings(monitoringStackName).catch(() => ({}));
        await monitoringWorkspace.saveStackSettings(monitoringStackName, {
            ...current,
            config: monitoringStackSettings(manifest, allCells) as any,
        });
        return Stack.select(monitoringStackName, withoutSelect(monitoringWorkspace));
    }

    /** Its sinks as deployed, read-only: what a matrix job's cell links to. */
    async function monitoringOutputs(): Promise<{
        result?: CellResult;
        sinkArns?: Record<string, string>;
        failed?: string;
    }> {
        try {
            const workDir = path.join(deps.projectDir, monitoringProgramDir);
            const outputs = await (
                await LocalWorkspace.create({ workDir, pulumiCommand, envVars })
            ).stackOutputs(monitoringStackName);
            return { sinkArns: (outputs.sinkArns?.value ?? {}) as Record<string, string> };
        } catch (error) {
            return { failed: `its outputs could not be read: ${oneLine(error)}` };
        }
    }

    /** Runs the monitoring stack like a cell (drift, resume, journal, policy pack), returning its sinks. */
    async function monitoringPhase(
        cell: Cell,
    ): Promise<{ result: CellResult; sinkArns?: Record<string, string>; failed?: string }> {
        const previous = last.get(cell.stack);
        if (args.resume && !args.drift && isCurrent(cell, previous, commit, false)) {
            record(cell, "skipped");
            return { result: resultOf(cell, "skipped", ExitCode.success), sinkArns: { ...previous?.sinkArns } };
        }
        const log = (text: string) => fs.appendFileSync(path.join(logDir, `${cell.stack}.log`), text);
        try {
            const stack = await monitoringStack();
            if (args.drift) {
                const preview = await stack.previewRefresh({ onOutput: log, signal });
                const state = hasChanges(preview.changeSummary) ? "drifted" : "current";
                record(cell, state, { changes: preview.changeSummary as Record<string, number> });
                return {
                    result: { ...resultOf(cell, state, ExitCode.success), changes: preview.changeSummary },
                    ...(await monitoringOutputs()),
                };
            }
            record(cell, "started", { settings: cell.stackSettings });
            const up = await stack.up({ refresh: true, policyPacks: [policyDir], onOutput: log, signal });
            const changes = (up.summary.resourceChanges ?? {}) as Record<string, number>;
            const sinkArns = (up.outputs.sinkArns?.value ?? {}) as Record<string, string>;
            record(cell, "green", { changes, sinkArns });
            return { result: { ...resultOf(cell, "green", ExitCode.success), changes }, sinkArns };
        } catch (error) {
            const reason = oneLine(error);
            record(cell, "red", { reason });
            return { result: resultOf(cell, "red", classifyFailure(error), reason), failed: reason };
        }
    }

    /**
     * The orphan's stack file, which its destroy command needs: git-ignored, it may be gone (a clean
     * checkout, another machine's journal), so the rollout writes it again from the config its last
     * run recorded. The secrets settings come from the state (workspaceEnvironment).
     */
    function orphanStackFile(stack: string, settings: Readonly<Record<string, unknown>> | undefined): string {
        const dir = stack === monitoringStackName ? path.join(deps.projectDir, monitoringProgramDir) : deps.projectDir;
        const file = path.join(dir, `Pulumi.${stack}.yaml`);
        const shown = path.relative(deps.projectDir, file);
        if (fs.existsSync(file)) {
            return "";
        }
        if (settings === undefined) {
            return ` (first write its stack file ${shown} with the stack's config: the journal has none recorded)`;
        }
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, yaml.dump({ config: settings }));
        return ` (its stack file ${shown} was gone; written again from the journal)`;
    }

    /** Writes the cell's stack file (the Automation API's saveStackSettings) and returns its stack. */
    const stackOf = async (cell: Cell): Promise<Stack> => {
        // Keep what `stack init` wrote (the passphrase's salt; a later run's fresh checkout has none,
        // and the CLI takes the state's: workspaceEnvironment); the config is the manifest's, with
        // the monitoring account's sink in the cell's Region when the manifest has an organization view.
        const current = await workspace.stackSettings(cell.stack).catch(() => ({}));
        await workspace.saveStackSettings(cell.stack, { ...current, config: cell.stackSettings as any });
        return Stack.select(cell.stack, cellWorkspace);
    };

    async function runCell(cell: Cell): Promise<CellResult> {
        if (signal?.aborted) {
            record(cell, "interrupted", { reason: "not started" });
            return resultOf(cell, "interrupted", ExitCode.failure, "not started");
        }
        // A drift check deploys nothing: a started line would make the cell unfinished for --resume.
        if (!args.drift) {
            record(cell, "started", { settings: cell.stackSettings });
        }
        const log = (text: string) => fs.appendFileSync(path.join(logDir, `${cell.stack}.log`), text);
        const policyPacks = [policyDir];
        let stack: Stack;
        try {
            stack = await stackOf(cell);
        } catch (error) {
            const reason = `stack file: ${oneLine(error)}`;
            record(cell, "red", { reason });
            return resultOf(cell, "red", ExitCode.failure, reason);
        }
        let retriedTransient = false;
        for (let lockAttempt = 0; ;) {
            try {
                if (args.drift) {
                    const preview = await stack.previewRefresh({ onOutput: log, signal });
                    const drifted = hasChanges(preview.changeSummary);
                    const state = drifted ? "drifted" : "current";
                    record(cell, state, { changes: preview.changeSummary as Record<string, number> });
                    return { ...resultOf(cell, state, ExitCode.success), changes: preview.changeSummary };
                }
                const up = await stack.up({ refresh: true, policyPacks, onOutput: log, signal });
                const changes = (up.summary.resourceChanges ?? {}) as Record<string, number>;
                if (!args.verify) {
                    record(cell, "green", { changes });
                    return { ...resultOf(cell, "green", ExitCode.success), changes };
                }
                const verdict = await verifyCell(cell, up.outputs);
                const state = verdict.ok ? "verified" : "red";
                record(cell, state, { changes, ...(verdict.ok ? {} : { reason: verdict.message }) });
                return {
                    ...resultOf(
                        cell,
                        state,
                        verdict.ok ? ExitCode.success : ExitCode.verificationFailed,
                        verdict.ok ? undefined : verdict.message,
                    ),
                    changes,
                };
            } catch (error) {
                if (signal?.aborted) {
                    record(cell, "interrupted", { reason: "Ctrl-C" });
                    return resultOf(cell, "interrupted", ExitCode.failure, "Ctrl-C");
                }
                const stderr = (error as { commandResult?: { stderr?: string } }).commandResult?.stderr ?? "";
                if (error instanceof ConcurrentUpdateError) {
                    if (lockAttempt < lockDelays.length) {
                        log(`locked; retrying in ${lockDelays[lockAttempt] / 1000} s\n`);
                        await sleep(lockDelays[lockAttempt++]);
                        continue;
                    }
                    const reason = `locked by another update (${lockHolder(stderr)})`;
                    const command = `when that update is gone: pulumi cancel --stack ${cell.stack} --yes`;
                    record(cell, "locked", { reason });
                    return { ...resultOf(cell, "locked", ExitCode.stackLocked, reason), command };
                }
                if (!retriedTransient && transientPattern.test(`${stderr}\n${(error as Error).message}`)) {
                    retriedTransient = true;
                    log(`transient engine error, retrying once: ${oneLine(error)}\n`);
                    await sleep(deps.transientRetryDelayMs ?? 5_000);
                    continue;
                }
                const reason = oneLine(error);
                record(cell, "red", { reason });
                return resultOf(cell, "red", classifyFailure(error), reason);
            }
        }
    }

    async function verifyCell(cell: Cell, outputs: Record<string, { value: unknown }>) {
        const instanceId = outputs.canaryInstanceId?.value;
        if (typeof instanceId !== "string" || instanceId === "") {
            return { ok: false, message: "--verify needs a canary: set canary: true in the manifest's config" };
        }
        return (deps.verifyCell ?? assumedRoleVerify)(cell, instanceId, args.verifyTimeoutMs);
    }

    /**
     * A ring: each account's home-Region cell first; an account's other cells start as soon as it
     * is green (its DHMC role exists), all of them sharing `concurrency` slots.
     */
    async function runRing(ring: readonly Cell[]): Promise<CellResult[]> {
        const results = new Map<string, CellResult>();
        const skipped = ring.filter(c => !toRun.includes(c));
        for (const cell of skipped) {
            record(cell, "skipped");
            results.set(cell.stack, resultOf(cell, "skipped", ExitCode.success));
        }
        const waiting = ring.filter(c => toRun.includes(c));
        const homeOf = (cell: Cell) => ring.find(c => c.account === cell.account && c.phase === "account");
        const ready = (cell: Cell) => {
            const home = homeOf(cell);
            return cell.phase === "account" || home === undefined || results.has(home.stack);
        };
        // --drift changes nothing, so no cell waits for another's state.
        const ok = (result: CellResult | undefined) =>
            result !== undefined && (args.drift || ["green", "verified", "skipped"].includes(result.state));
        let running = 0;
        await new Promise<void>(resolve => {
            const pump = () => {
                while (running < manifest.concurrency) {
                    const i = waiting.findIndex(ready);
                    if (i < 0) {
                        break;
                    }
                    const [cell] = waiting.splice(i, 1);
                    const home = homeOf(cell);
                    if (cell.phase === "region" && home && !ok(results.get(home.stack))) {
                        const reason = `waits for ${home.stack}, which owns the account's DHMC role (${results.get(home.stack)?.state})`;
                        record(cell, "held", { reason });
                        results.set(cell.stack, resultOf(cell, "held", ExitCode.failure, reason));
                        continue;
                    }
                    running++;
                    runCell(cell).then(result => {
                        results.set(cell.stack, result);
                        running--;
                        pump();
                    });
                }
                if (running === 0 && waiting.length === 0) {
                    resolve();
                }
            };
            pump();
        });
        return ring.map(c => results.get(c.stack)!);
    }

    const results: CellResult[] = [];
    let previousGreen = true;
    for (const ring of manifest.rings) {
        const ringCells = cells.filter(c => c.ring === ring);
        if (ringCells.length === 0) {
            continue;
        }
        if (!previousGreen || signal?.aborted) {
            const reason = signal?.aborted ? "not started: Ctrl-C" : "the previous ring is not green";
            for (const cell of ringCells) {
                record(cell, "held", { reason });
                results.push(resultOf(cell, "held", ExitCode.failure, reason));
            }
            continue;
        }
        deps.out(`ring ${ring}: ${ringCells.length} cells\n`);
        const ringResults = await runRing(ringCells);
        results.push(...ringResults);
        previousGreen =
            args.drift || ringResults.every(r => ["green", "verified", "skipped", "current"].includes(r.state));
    }

    return finish([...monitoringResults, ...results]);

    /** A matrix job (--cell) leaves its one result for the gather job; then the summary. */
    function finish(results: CellResult[]): ExitCode {
        if (args.cell !== undefined) {
            const dir = path.join(rolloutDir, "results");
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(
                path.join(dir, `${args.cell}.json`),
                JSON.stringify(results.find(r => r.stack === args.cell)),
            );
        }
        return report(results, args.drift ? "drift" : "rollout");
    }

    function report(results: CellResult[], what: string): ExitCode {
        const code = rolloutExitCode(results);
        const title = `ssm-fleet-baseline ${what}: accounts × Regions`;
        deps.out(`\n${summaryTerminal(title, results)}`);
        if (deps.env.GITHUB_STEP_SUMMARY) {
            fs.appendFileSync(deps.env.GITHUB_STEP_SUMMARY, summaryMarkdown(title, results));
        }
        fs.mkdirSync(rolloutDir, { recursive: true });
        fs.writeFileSync(path.join(rolloutDir, "result.json"), summaryJson(results, code));
        return code;
    }
}

/**
 * What to do about a stack the manifest no longer has: the rollout never destroys one. The
 * organization view's stack lives in monitoring/ (the driver's --monitoring), and its sinks can go
 * only once no link is attached (https://docs.aws.amazon.com/OAM/latest/APIReference/API_DeleteSink.html):
 * the cells drop their links when they next run without `monitoring:`. `stackFileNote` follows the
 * destroy command it is about. The driver's destroy leaves the stack, empty, with its history on the
 * backend (the SDK's destroy without `remove`); `pulumi stack rm` without --force removes only an
 * empty stack (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_rm/).
 */
export function orphanLine(stack: string, stackFileNote = "", localBackend?: string): string {
    const monitoring = stack === monitoringStackName;
    // A --local rollout's state is in a file backend: the commands must name it as the rollout did.
    const local = localBackend ? " --local" : "";
    const backend = localBackend ? `PULUMI_BACKEND_URL=${localBackend} ` : "";
    const afterwards =
        `The destroy leaves the empty stack and its history on the backend, and the rollout reports the ${monitoring ? "stack" : "cell"} ` +
        `no more; to remove the stack too, run ${backend}pulumi ${monitoring ? `-C ${monitoringProgramDir} ` : ""}stack rm --stack ${stack} --yes after it`;
    if (monitoring) {
        return (
            `orphaned: ${stack}, the organization view, is no longer in ${manifestFile} (no monitoring:); the rollout ` +
            "never destroys it. Once every cell is green without its link (the rollout takes them away: the cells' " +
            `config no longer has monitoringSinkArn), destroy it with: npm run driver -- destroy --stack ${stack} --monitoring${local}` +
            `${stackFileNote}. ${afterwards}`
        );
    }
    return (
        `orphaned: ${stack} is no longer in ${manifestFile}; the rollout never destroys a cell. ` +
        `Destroy it with: npm run driver -- destroy --stack ${stack} --yes-i-understand${local}${stackFileNote}. ${afterwards}`
    );
}

function resultOf(cell: Cell, state: CellResult["state"], exitCode: number, reason?: string): CellResult {
    return {
        stack: cell.stack,
        account: cell.account.name,
        accountId: cell.account.id,
        region: cell.region,
        ring: cell.ring,
        state,
        exitCode,
        ...(reason !== undefined ? { reason } : {}),
    };
}

/**
 * Whether the policy pack needs `npm ci`: it has a manifest, and its installed tree is missing or
 * older than its lock file. npm ci writes node_modules/.package-lock.json, the installed tree's record
 * (https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json#hidden-lockfiles).
 */
export function policyInstallNeeded(policyDir: string): boolean {
    if (!fs.existsSync(path.join(policyDir, "package.json"))) {
        return false;
    }
    const installed = path.join(policyDir, "node_modules", ".package-lock.json");
    const lock = path.join(policyDir, "package-lock.json");
    if (!fs.existsSync(installed)) {
        return true;
    }
    return fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs;
}
