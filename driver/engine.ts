// What the driver's commands and the rollout share about the Pulumi CLI: the backend and secrets
// settings it runs with, and how a failed run maps to an exit code.
import { ConcurrentUpdateError, PulumiCommand } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../cli/arguments";
import { ExitCode } from "../cli/exitCodes";

/** What every command that drives the engine is handed: its environment, its output, and the CLI. */
export interface EngineDeps {
    readonly env: Record<string, string | undefined>;
    readonly projectDir: string;
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** Finds the pulumi executable; by default the one on PATH. */
    readonly findPulumi?: () => Promise<PulumiCommand>;
    /** Waits between attempts on a locked stack. */
    readonly lockRetryDelaysMs?: readonly number[];
    readonly sleep?: (ms: number) => Promise<void>;
    /** The program's commit, which the rollout journal records; by default git rev-parse HEAD. */
    readonly commit?: () => string;
}

/** The file backend of --local runs. */
export function localBackendUrl(projectDir: string): string {
    return `file://${path.join(projectDir, ".pulumi-state")}`;
}

/**
 * Backend and secrets settings for the Pulumi CLI; throws a UsageError naming what is missing.
 * Without PULUMI_BACKEND_URL or --local the CLI uses the backend it is logged in to.
 */
export function workspaceEnvironment(
    env: Readonly<Record<string, string | undefined>>,
    projectDir: string,
    local: boolean,
): Record<string, string> {
    const backend = local ? localBackendUrl(projectDir) : env.PULUMI_BACKEND_URL;
    // With no encryptionsalt in the stack file (a checkout whose file never had one; a rollout cell's
    // generated, uncommitted file) the CLI makes a new passphrase salt every run and re-encrypts the
    // state with it. Set, it keeps the secrets provider the state records and writes that salt into
    // the stack file (pulumi/pulumi pkg/cmd/pulumi/stack/secrets.go, GetSecretsManager); a salt the
    // stack file has still wins.
    const vars: Record<string, string> = {
        ...(backend ? { PULUMI_BACKEND_URL: backend } : {}),
        PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
    };
    if (backend?.startsWith("file://")) {
        fs.mkdirSync(backend.slice("file://".length), { recursive: true });
    }
    if (env.PULUMI_CONFIG_PASSPHRASE_FILE && !fs.existsSync(env.PULUMI_CONFIG_PASSPHRASE_FILE)) {
        throw new UsageError(
            `PULUMI_CONFIG_PASSPHRASE_FILE names ${env.PULUMI_CONFIG_PASSPHRASE_FILE}, which does not exist`,
        );
    }
    for (const name of ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"] as const) {
        if (env[name] !== undefined) {
            vars[name] = env[name] as string;
        }
    }
    // Pulumi Cloud manages secrets itself; a file or cloud-storage backend defaults to a passphrase.
    const needsPassphrase = backend !== undefined && !backend.startsWith("https://");
    if (needsPassphrase && env.PULUMI_CONFIG_PASSPHRASE === undefined && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        throw new UsageError(
            `set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE: the ${backend.split(":")[0]} backend encrypts this stack's secrets with a passphrase`,
        );
    }
    return vars;
}

/** Maps a failed CLI run to an exit code: the CLI's own codes (3.227 and later) first, then its messages. */
export function classifyFailure(error: unknown): ExitCode {
    if (error instanceof ConcurrentUpdateError) {
        return ExitCode.stackLocked;
    }
    const result = (
        error as { commandResult?: { code?: number; stderr?: string; stdout?: string; err?: { exitCode?: number } } }
    ).commandResult;
    // The SDK reports -2 when the CLI exits non-zero; the CLI's own status is on the underlying process error.
    const code = result?.code === -2 ? result.err?.exitCode : result?.code;
    const text = `${result?.stderr ?? ""}\n${result?.stdout ?? ""}\n${error instanceof Error ? error.message : ""}`;
    if (code === 5 || /mandatory policy violation|\[mandatory\]/i.test(text)) {
        return ExitCode.policyViolation;
    }
    if (code === 7 || /no changes were expected but changes were proposed/i.test(text)) {
        return ExitCode.changesPending;
    }
    if (code === 2 || /Invalid stack configuration|Missing required configuration/i.test(text)) {
        return ExitCode.configurationError;
    }
    return ExitCode.failure;
}
