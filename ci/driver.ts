// CI driver on the Pulumi Automation API: preview, up, destroy, outputs and refresh for one
// stack, with the policy pack always applied, state in a file backend by default, streamed
// output, a change summary, and exit codes a CI job can branch on.
import { ConcurrentUpdateError, LocalWorkspace, OpMap, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { checkStackName, parseCommandLine, UsageError } from "../cli/arguments";
import { ExitCode } from "../cli/exitCodes";
import { hasChanges, summaryLine, summaryMarkdown } from "./summary";
import type { RedriveClients } from "./redrive";
import { VerifyResult } from "./verify";

export const usage = `usage: ts-node ci/driver.ts <command> --stack <name> [options]

commands:
  preview [--expect-no-changes]   refresh, then preview with the policy pack
  up [--verify]                   refresh, then deploy with the policy pack; --verify proves the canary is managed
  refresh                         refresh the stack's state
  destroy [--yes-i-understand]    destroy; required for stacks that own region-wide settings
  outputs                         print the stack outputs as JSON (secrets masked)
  redrive [--dry-run]             re-deliver the notification dead-letter queue's messages to the notifier

options:
  --verify-timeout-minutes N      how long --verify waits for the canary (default 30)

environment:
  PULUMI_BACKEND_URL              state backend (default: file://<project>/.pulumi-state)
  PULUMI_CONFIG_PASSPHRASE[_FILE] secrets passphrase, required for file and cloud-storage backends
  GITHUB_STEP_SUMMARY             when set, a Markdown summary is appended to it

exit codes: 0 success, 1 failure, 2 configuration or usage error, 3 changes pending,
            4 policy violation, 5 stack locked, 6 canary verification failed`;

/** Waits between attempts on a locked stack: about four minutes in all, never a forced unlock. */
const defaultLockRetryDelaysMs = [15_000, 30_000, 60_000, 120_000];

export interface DriverDeps {
    readonly env: Record<string, string | undefined>;
    readonly projectDir: string;
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** The pulumi executable; the Automation API finds one on PATH when omitted. */
    readonly pulumiCommand?: PulumiCommand;
    readonly lockRetryDelaysMs?: readonly number[];
    readonly sleep?: (ms: number) => Promise<void>;
    /** Proves that the canary is a managed node; see ci/verify.ts. */
    readonly verify?: (instanceId: string, region: string, timeoutMs: number) => Promise<VerifyResult>;
    /** SQS and Lambda clients for `redrive`; see ci/redrive.ts. */
    readonly redriveClients?: (region: string) => RedriveClients;
    /** Interrupts `redrive`; by default the first Ctrl-C does. */
    readonly signal?: AbortSignal;
}

interface Arguments {
    readonly command: "preview" | "up" | "refresh" | "destroy" | "outputs" | "redrive";
    readonly stack: string;
    readonly expectNoChanges: boolean;
    readonly verify: boolean;
    readonly yesIUnderstand: boolean;
    readonly verifyTimeoutMs: number;
    readonly dryRun: boolean;
}

const commands = ["preview", "up", "refresh", "destroy", "outputs", "redrive"] as const;

/** The options each command takes besides --stack. */
const commandOptions: Record<Arguments["command"], string[]> = {
    preview: ["expect-no-changes"],
    up: ["verify", "verify-timeout-minutes"],
    refresh: [],
    destroy: ["yes-i-understand"],
    outputs: [],
    redrive: ["dry-run"],
};

export function parseArguments(argv: readonly string[]): Arguments {
    const { values, positionals } = parseCommandLine(
        argv,
        {
            stack: { type: "string" },
            "expect-no-changes": { type: "boolean" },
            verify: { type: "boolean" },
            "verify-timeout-minutes": { type: "string" },
            "yes-i-understand": { type: "boolean" },
            "dry-run": { type: "boolean" },
        },
        true,
    );
    const [command, ...extra] = positionals;
    if (!commands.includes(command as Arguments["command"])) {
        throw new UsageError(command ? `unknown command ${command}` : "missing command");
    }
    if (extra.length > 0) {
        throw new UsageError(`unexpected argument ${extra[0]}`);
    }
    const known = commandOptions[command as Arguments["command"]];
    const misplaced = Object.keys(values).find(option => option !== "stack" && !known.includes(option));
    if (misplaced) {
        throw new UsageError(`unknown option --${misplaced} for ${command}`);
    }
    if (values.stack === undefined) {
        throw new UsageError("--stack <name> is required");
    }
    const verifyTimeoutMinutes = Number(values["verify-timeout-minutes"] ?? 30);
    if (!(verifyTimeoutMinutes > 0)) {
        throw new UsageError("--verify-timeout-minutes takes a positive number");
    }
    return {
        command: command as Arguments["command"],
        stack: checkStackName(values.stack),
        expectNoChanges: values["expect-no-changes"] ?? false,
        verify: values.verify ?? false,
        yesIUnderstand: values["yes-i-understand"] ?? false,
        verifyTimeoutMs: verifyTimeoutMinutes * 60_000,
        dryRun: values["dry-run"] ?? false,
    };
}

/** Backend and secrets settings for the Pulumi CLI; throws a UsageError naming what is missing. */
function workspaceEnvironment(env: DriverDeps["env"], projectDir: string): Record<string, string> {
    const backend = env.PULUMI_BACKEND_URL || `file://${path.join(projectDir, ".pulumi-state")}`;
    const vars: Record<string, string> = { PULUMI_BACKEND_URL: backend };
    if (backend.startsWith("file://")) {
        fs.mkdirSync(backend.slice("file://".length), { recursive: true });
    }
    // Pulumi Cloud (an https backend) manages secrets itself; every other backend defaults to a passphrase.
    if (!backend.startsWith("https://")) {
        if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) {
            vars.PULUMI_CONFIG_PASSPHRASE = env.PULUMI_CONFIG_PASSPHRASE;
        } else if (env.PULUMI_CONFIG_PASSPHRASE_FILE) {
            if (!fs.existsSync(env.PULUMI_CONFIG_PASSPHRASE_FILE)) {
                throw new UsageError(
                    `PULUMI_CONFIG_PASSPHRASE_FILE names ${env.PULUMI_CONFIG_PASSPHRASE_FILE}, which does not exist`,
                );
            }
            vars.PULUMI_CONFIG_PASSPHRASE_FILE = env.PULUMI_CONFIG_PASSPHRASE_FILE;
        } else {
            throw new UsageError(
                `set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE: the ${backend.split(":")[0]} backend encrypts this stack's secrets with a passphrase`,
            );
        }
    }
    return vars;
}

/** Maps a failed CLI run to an exit code: the CLI's own codes (3.227 and later) first, then its messages. */
function classifyFailure(error: unknown): ExitCode {
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

export async function main(argv: readonly string[], deps: DriverDeps): Promise<ExitCode> {
    let args: Arguments;
    let envVars: Record<string, string>;
    try {
        args = parseArguments(argv);
        envVars = workspaceEnvironment(deps.env, deps.projectDir);
    } catch (error) {
        if (error instanceof UsageError) {
            deps.err(`${error.message}\n\n${usage}\n`);
            return ExitCode.configurationError;
        }
        throw error;
    }

    if (args.command === "redrive") {
        // Loaded here so that the other commands never load the SQS and Lambda clients.
        const { redriveStack } = require("./redrive") as typeof import("./redrive");
        return redriveStack(args.stack, args.dryRun, { ...deps, envVars });
    }

    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
    const delays = deps.lockRetryDelaysMs ?? defaultLockRetryDelaysMs;
    const onOutput = (text: string) => deps.out(text);
    const policyPacks = [path.join(deps.projectDir, "policy")];

    /** Runs a CLI operation, retrying while another update holds the stack's lock. */
    async function withLockRetries<T>(operation: () => Promise<T>): Promise<T> {
        for (let attempt = 0; ; attempt++) {
            try {
                return await operation();
            } catch (error) {
                if (!(error instanceof ConcurrentUpdateError) || attempt >= delays.length) {
                    throw error;
                }
                deps.err(
                    `stack ${args.stack} is locked by another update; retrying in ${delays[attempt] / 1000} s (attempt ${attempt + 2} of ${delays.length + 1})\n`,
                );
                await sleep(delays[attempt]);
            }
        }
    }

    let changes: OpMap | undefined;
    let outcome: ExitCode = ExitCode.success;
    try {
        const stack = await withLockRetries(() =>
            LocalWorkspace.createOrSelectStack(
                { stackName: args.stack, workDir: deps.projectDir },
                { pulumiCommand: deps.pulumiCommand, envVars },
            ),
        );
        switch (args.command) {
            case "preview": {
                const result = await withLockRetries(() =>
                    stack.preview({ refresh: true, policyPacks, expectNoChanges: args.expectNoChanges, onOutput }),
                );
                changes = result.changeSummary;
                if (args.expectNoChanges && hasChanges(changes)) {
                    outcome = ExitCode.changesPending;
                }
                break;
            }
            case "up": {
                const result = await withLockRetries(() => stack.up({ refresh: true, policyPacks, onOutput }));
                changes = result.summary.resourceChanges;
                if (args.verify) {
                    outcome = await verifyCanary(stack, result.outputs);
                }
                break;
            }
            case "refresh":
                changes = (await withLockRetries(() => stack.refresh({ onOutput }))).summary.resourceChanges;
                break;
            case "destroy": {
                const outputs = await stack.outputs();
                if ("dhmcSettingValue" in outputs && !args.yesIUnderstand) {
                    deps.err(regionalSettingsWarning(args.stack));
                    return ExitCode.configurationError;
                }
                changes = (await withLockRetries(() => stack.destroy({ onOutput }))).summary.resourceChanges;
                break;
            }
            case "outputs": {
                const outputs = await stack.outputs();
                const shown = Object.fromEntries(
                    Object.entries(outputs).map(([name, { value, secret }]) => [name, secret ? "[secret]" : value]),
                );
                deps.out(`${JSON.stringify(shown, null, 2)}\n`);
                return ExitCode.success;
            }
        }
    } catch (error) {
        outcome = classifyFailure(error);
        deps.err(`${args.command} failed${error instanceof Error ? `: ${error.message}` : ""}\n`);
        if (/ENOENT: pulumi/.test(String(error))) {
            deps.err(
                "The Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/) or use `npm run plan` offline.\n",
            );
        }
    }

    deps.out(`\n${summaryLine(args.command, args.stack, changes)}\n`);
    if (deps.env.GITHUB_STEP_SUMMARY) {
        fs.appendFileSync(
            deps.env.GITHUB_STEP_SUMMARY,
            summaryMarkdown(args.command, args.stack, changes, outcomeName(outcome)),
        );
    }
    return outcome;

    async function verifyCanary(stack: Stack, outputs: Record<string, { value: unknown }>): Promise<ExitCode> {
        const instanceId = outputs.canaryInstanceId?.value;
        if (typeof instanceId !== "string" || instanceId === "") {
            deps.err(`--verify needs a canary: set ssm-fleet-baseline:canary to true for stack ${args.stack}\n`);
            return ExitCode.verificationFailed;
        }
        if (!deps.verify) {
            throw new Error("no canary verifier configured");
        }
        const region = (await stack.getConfig("aws:region")).value;
        const verdict = await deps.verify(instanceId, region, args.verifyTimeoutMs);
        (verdict.ok ? deps.out : deps.err)(`${verdict.message}\n`);
        return verdict.ok ? ExitCode.success : ExitCode.verificationFailed;
    }
}

function outcomeName(code: ExitCode): string {
    return (Object.entries(ExitCode).find(([, value]) => value === code)?.[0] ?? String(code)).replace(
        /[A-Z]/g,
        c => ` ${c.toLowerCase()}`,
    );
}

function regionalSettingsWarning(stack: string): string {
    return `Refusing to destroy ${stack}: it owns region-wide settings.
Destroying removes this stack's endpoints, VPC, Config rule, notifications and agent-update association.
It does not undo the region-wide settings: with regionalSettingsProtection "retain" the DHMC setting,
its role and the IMDSv2 default stay in place (and keep managing every instance in the region);
with "protect" the destroy stops at them until you unprotect them (pulumi state unprotect).
To turn DHMC off, reset the setting (aws ssm reset-service-setting) after the destroy.
Run again with --yes-i-understand to proceed.
`;
}

if (require.main === module) {
    const projectDir = path.resolve(__dirname, "..");
    // Imported here so that tests of main() never load the AWS SDK clients.
    const { verifyCanaryWithAws } = require("./verify") as typeof import("./verify");
    main(process.argv.slice(2), {
        env: process.env,
        projectDir,
        out: text => process.stdout.write(text),
        err: text => process.stderr.write(text),
        verify: (instanceId, region, timeoutMs) =>
            verifyCanaryWithAws(instanceId, region, timeoutMs, text => process.stdout.write(text)),
    }).then(
        code => {
            process.exitCode = code;
        },
        error => {
            process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
            process.exitCode = ExitCode.failure;
        },
    );
}
