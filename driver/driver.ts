// CI driver on the Automation API: preview, up, destroy, outputs and refresh for one existing
// stack, with the policy pack always applied, state on the backend the user is logged in to,
// streamed output, a change summary, and exit codes a CI job can branch on.
import {
    ConcurrentUpdateError,
    LocalWorkspace,
    OpMap,
    PulumiCommand,
    StackNotFoundError,
} from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { checkStackName, parseCommandLine, UsageError } from "../cli/arguments";
import { ExitCode } from "../cli/exitCodes";
import { stackNames } from "../harness/synthesize";
import { classifyFailure, EngineDeps, workspaceEnvironment } from "./engine";
import { hasChanges, summaryLine, summaryMarkdown } from "./summary";
import type { DoctorClients } from "./doctor";
import type { RedriveClients } from "./redrive";
import { VerifyResult } from "./verify";
import { subscriptionCheck } from "./subscriptionCheck";
import { monitoringProgramDir, monitoringStackName } from "./fleet";
import { journalPath, programCommit, recordDestroyed } from "./rolloutJournal";
import type { TopicSubscription } from "../components/healthWatch/lambda/subscriptionWatch";
import { parseStackConfig } from "../config";
import { stackConfig } from "../harness/synthesize";

export const usage = `usage: npm run driver -- <command> --stack <name> [options]
       npm run driver -- rollout [options]   every account × Region of fleet.yaml (rollout --help)
       npm run driver -- permissions [--command doctor,verify,redrive]   the IAM policy they need (permissions --help)

commands:
  preview [--expect-no-changes]   refresh, then preview with the policy pack
  up [--verify]                   refresh, then deploy with the policy pack; --verify proves the canary is managed
                                  and reports each notification address's subscription (confirmed, pending, missing)
  refresh                         refresh the stack's state
  destroy [--yes-i-understand]    destroy; required for stacks that own region-wide settings
  outputs                         print the stack outputs as JSON (secrets masked)
  redrive [--dry-run]             re-deliver the notification dead-letter queue's messages to the notifier
  doctor                          before the first up: read the account and region (read-only) and say
                                  per item ready, or which config key to set and why; needs AWS
                                  credentials, not the Pulumi CLI

options:
  --stack <name>                  an existing stack with a Pulumi.<name>.yaml here (never created)
  --local                         keep state in a file backend, file://<project>/.pulumi-state
  --monitoring                    the organization view's program (monitoring/) instead of the baseline's,
                                  for the rollout's fleet-monitoring stack (preview, up, refresh, destroy, outputs)
  --verify-timeout-minutes N      how long --verify waits for the canary (default 30)
  -h, --help                      show this help

environment:
  PULUMI_BACKEND_URL              state backend (default: the one you are logged in to, pulumi login)
  PULUMI_CONFIG_PASSPHRASE[_FILE] secrets passphrase, required for file and cloud-storage backends
  GITHUB_STEP_SUMMARY             when set, a Markdown summary is appended to it

needs the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/);
npm run plan -- --stack <name> plans offline without it

exit codes: 0 success, 1 failure, 2 configuration or usage error, 3 changes pending,
            4 policy violation, 5 stack locked, 6 canary verification failed;
            doctor: 0 ready, 2 a config key to set or something to fix, 1 an item could not be checked`;

/** Waits between attempts on a locked stack: about four minutes in all, never a forced unlock. */
const defaultLockRetryDelaysMs = [15_000, 30_000, 60_000, 120_000];

export interface DriverDeps extends EngineDeps {
    /** Proves that the canary is a managed node; see driver/verify.ts. */
    readonly verify?: (instanceId: string, region: string, timeoutMs: number) => Promise<VerifyResult>;
    /** Lists the notification topic's subscriptions (read-only) for `up --verify`; see driver/verify.ts. */
    readonly listSubscriptions?: (topicArn: string, region: string) => Promise<TopicSubscription[]>;
    /** SQS and Lambda clients for `redrive`; see driver/redrive.ts. */
    readonly redriveClients?: (region: string) => RedriveClients;
    /** Config, IAM, SSM and EC2 clients for `doctor`; see driver/doctor.ts. */
    readonly doctorClients?: (region: string) => DoctorClients;
    /** Interrupts `redrive`; by default the first Ctrl-C does. */
    readonly signal?: AbortSignal;
}

interface Arguments {
    readonly command: "preview" | "up" | "refresh" | "destroy" | "outputs" | "redrive" | "doctor";
    readonly stack: string;
    readonly local: boolean;
    readonly expectNoChanges: boolean;
    readonly verify: boolean;
    readonly yesIUnderstand: boolean;
    readonly verifyTimeoutMs: number;
    readonly dryRun: boolean;
    /** The stack is the organization view's, in monitoring/ beside the project. */
    readonly monitoring: boolean;
}

const commands = ["preview", "up", "refresh", "destroy", "outputs", "redrive", "doctor"] as const;

/** The options each command takes besides --stack. */
const commandOptions: Record<Arguments["command"], string[]> = {
    preview: ["expect-no-changes", "monitoring"],
    up: ["verify", "verify-timeout-minutes", "monitoring"],
    refresh: ["monitoring"],
    destroy: ["yes-i-understand", "monitoring"],
    outputs: ["monitoring"],
    redrive: ["dry-run"],
    doctor: [],
};

export function parseArguments(argv: readonly string[]): Arguments {
    const { values, positionals } = parseCommandLine(
        argv,
        {
            stack: { type: "string" },
            local: { type: "boolean" },
            "expect-no-changes": { type: "boolean" },
            verify: { type: "boolean" },
            "verify-timeout-minutes": { type: "string" },
            "yes-i-understand": { type: "boolean" },
            "dry-run": { type: "boolean" },
            monitoring: { type: "boolean" },
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
    const misplaced = Object.keys(values).find(
        option => !["stack", "local"].includes(option) && !known.includes(option),
    );
    if (misplaced) {
        throw new UsageError(`unknown option --${misplaced} for ${command}`);
    }
    if (values.stack === undefined) {
        throw new UsageError("--stack <name> is required");
    }
    if (values.monitoring && values.verify) {
        throw new UsageError("--verify proves a baseline stack's canary; the organization view has none");
    }
    const verifyTimeoutMinutes = Number(values["verify-timeout-minutes"] ?? 30);
    if (!(verifyTimeoutMinutes > 0)) {
        throw new UsageError("--verify-timeout-minutes takes a positive number");
    }
    return {
        command: command as Arguments["command"],
        stack: checkStackName(values.stack),
        local: values.local ?? false,
        expectNoChanges: values["expect-no-changes"] ?? false,
        verify: values.verify ?? false,
        yesIUnderstand: values["yes-i-understand"] ?? false,
        verifyTimeoutMs: verifyTimeoutMinutes * 60_000,
        dryRun: values["dry-run"] ?? false,
        monitoring: values.monitoring ?? false,
    };
}

/** Refuses a stack the project has no Pulumi.<stack>.yaml for, before any CLI call. */
function checkStackFile(stack: string, projectDir: string): void {
    if (!fs.existsSync(path.join(projectDir, `Pulumi.${stack}.yaml`))) {
        const stacks = stackNames(projectDir);
        throw new UsageError(
            `no stack file Pulumi.${stack}.yaml in ${projectDir}` +
                (stacks.length > 0 ? `; stacks here: ${stacks.join(", ")}` : "") +
                `. The driver never creates a stack: create one with pulumi stack init ${stack} and commit its Pulumi.${stack}.yaml`,
        );
    }
}

export async function main(argv: readonly string[], deps: DriverDeps): Promise<ExitCode> {
    if (argv[0] === "rollout") {
        const { rollout, rolloutUsage } = require("./rollout") as typeof import("./rollout");
        if (argv.includes("--help") || argv.includes("-h")) {
            deps.out(`${rolloutUsage}\n`);
            return ExitCode.success;
        }
        return rollout(argv.slice(1), deps);
    }
    if (argv[0] === "permissions") {
        return (require("./operatorPermissions") as typeof import("./operatorPermissions")).permissionsCommand(
            argv.slice(1),
            deps,
        );
    }
    if (argv.includes("--help") || argv.includes("-h")) {
        deps.out(`${usage}\n`);
        return ExitCode.success;
    }
    let args: Arguments;
    let envVars: Record<string, string>;
    // The program the stack belongs to: the baseline's, or with --monitoring the organization view's.
    let workDir = deps.projectDir;
    try {
        args = parseArguments(argv);
        workDir = args.monitoring ? path.join(deps.projectDir, monitoringProgramDir) : deps.projectDir;
        checkStackFile(args.stack, workDir);
        if (args.command === "doctor") {
            // Read-only and before any state exists: neither the Pulumi CLI nor a backend is needed.
            const { doctorStack } = require("./doctor") as typeof import("./doctor");
            return doctorStack(args.stack, deps);
        }
        envVars = workspaceEnvironment(deps.env, deps.projectDir, args.local);
    } catch (error) {
        if (error instanceof UsageError) {
            deps.err(`${error.message}\n\n${usage}\n`);
            return ExitCode.configurationError;
        }
        throw error;
    }
    let pulumiCommand: PulumiCommand;
    try {
        pulumiCommand = await (deps.findPulumi ?? (() => PulumiCommand.get()))();
    } catch (error) {
        deps.err(
            `The Pulumi CLI is not installed or not on PATH (${(error as Error).message.split("\n")[0]}): ` +
                "install it from https://www.pulumi.com/docs/iac/download-install/, or plan offline with npm run plan -- --stack " +
                `${args.stack}\n`,
        );
        return ExitCode.configurationError;
    }

    if (args.command === "redrive") {
        // Loaded here so that the other commands never load the SQS and Lambda clients.
        const { redriveStack } = require("./redrive") as typeof import("./redrive");
        return redriveStack(args.stack, args.dryRun, { ...deps, envVars, pulumiCommand });
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
    /** Lines for the job summary beside the changes: what --verify found of the subscriptions. */
    let notes: string[] = [];
    try {
        // Select, never create: a typo in --stack must not start a new, empty stack.
        const stack = await withLockRetries(() =>
            LocalWorkspace.selectStack({ stackName: args.stack, workDir }, { pulumiCommand, envVars }),
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
                    const region = (await stack.getConfig("aws:region")).value;
                    const canary = await verifyCanary(result.outputs, region);
                    const subscribed = await verifySubscriptions(result.outputs, region);
                    outcome = canary === ExitCode.success ? subscribed : canary;
                }
                break;
            }
            case "refresh":
                changes = (await withLockRetries(() => stack.refresh({ onOutput }))).summary.resourceChanges;
                break;
            case "destroy": {
                const outputs = await stack.outputs();
                const ownsRegionWide = ["dhmcSettingValue", "sessionPreferencesDocument", "hybridInstanceTier"].some(
                    name => name in outputs,
                );
                if (ownsRegionWide && !args.yesIUnderstand) {
                    deps.err(regionalSettingsWarning(args.stack));
                    return ExitCode.configurationError;
                }
                changes = (await withLockRetries(() => stack.destroy({ onOutput }))).summary.resourceChanges;
                // A rollout cell (or the organization view) the operator destroyed is no orphan any more.
                const rolloutStack = args.monitoring === (args.stack === monitoringStackName);
                const commit = deps.commit ?? (() => programCommit(deps.projectDir));
                if (rolloutStack && recordDestroyed(journalPath(deps.projectDir), args.stack, commit)) {
                    deps.out(
                        `recorded ${args.stack} as destroyed in the rollout journal: the rollout reports it orphaned no more\n`,
                    );
                }
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
        if (error instanceof StackNotFoundError) {
            deps.err(
                `stack ${args.stack} does not exist on ${envVars.PULUMI_BACKEND_URL ?? "the backend you are logged in to"}: ` +
                    `create it with pulumi stack init ${args.stack} (the driver never creates stacks)\n`,
            );
            return ExitCode.configurationError;
        }
        outcome = classifyFailure(error);
        deps.err(`${args.command} failed${error instanceof Error ? `: ${error.message}` : ""}\n`);
    }

    deps.out(`\n${summaryLine(args.command, args.stack, changes)}\n`);
    if (deps.env.GITHUB_STEP_SUMMARY) {
        fs.appendFileSync(
            deps.env.GITHUB_STEP_SUMMARY,
            summaryMarkdown(args.command, args.stack, changes, outcomeName(outcome), notes),
        );
    }
    return outcome;

    async function verifyCanary(outputs: Record<string, { value: unknown }>, region: string): Promise<ExitCode> {
        const instanceId = outputs.canaryInstanceId?.value;
        if (typeof instanceId !== "string" || instanceId === "") {
            deps.err(`--verify needs a canary: set ssm-fleet-baseline:canary to true for stack ${args.stack}\n`);
            return ExitCode.verificationFailed;
        }
        if (!deps.verify) {
            throw new Error("no canary verifier configured");
        }
        const verdict = await deps.verify(instanceId, region, args.verifyTimeoutMs);
        (verdict.ok ? deps.out : deps.err)(`${verdict.message}\n`);
        return verdict.ok ? ExitCode.success : ExitCode.verificationFailed;
    }

    /** Each address of notificationEmails against the topic's subscriptions; one with none fails the verification. */
    async function verifySubscriptions(outputs: Record<string, { value: unknown }>, region: string): Promise<ExitCode> {
        const topicArn = outputs.notificationTopicArn?.value;
        if (!deps.listSubscriptions) {
            throw new Error("no subscription reader configured");
        }
        if (typeof topicArn !== "string") {
            deps.err(`stack ${args.stack} has no notificationTopicArn output to check the subscriptions of\n`);
            return ExitCode.verificationFailed;
        }
        const expected = parseStackConfig(stackConfig(args.stack, deps.projectDir)).notifications.emails;
        const check = subscriptionCheck(expected, await deps.listSubscriptions(topicArn, region));
        notes = ["Notification subscriptions:", ...check.lines.map(line => `- ${line}`)];
        (check.ok ? deps.out : deps.err)(`${notes.join("\n")}\n`);
        return check.ok ? ExitCode.success : ExitCode.verificationFailed;
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
Destroying removes this stack's endpoints, VPC, Config rule, notifications, agent-update association,
session-log bucket, log group and key, and hybrid activation.
It does not undo the region-wide settings: with regionalSettingsProtection "retain" the DHMC setting,
its role, the IMDSv2 default, the Session Manager preferences document SSM-SessionManagerRunShell and
the hybrid instance tier stay in place (and keep applying to every node in the region); with "protect"
the destroy stops at them until you unprotect them (pulumi state unprotect).
A retained SSM-SessionManagerRunShell still names the deleted bucket, log group and key, so sessions
fail until you delete it (aws ssm delete-document --name SSM-SessionManagerRunShell restores the
console's defaults) or another stack takes it over.
To turn DHMC off, reset the setting (aws ssm reset-service-setting) after the destroy; the same resets
the tier (/ssm/managed-instance/activation-tier).
Run again with --yes-i-understand to proceed.
`;
}

if (require.main === module) {
    const projectDir = path.resolve(__dirname, "..");
    // Imported here so that tests of main() never load the AWS SDK clients.
    const { listSubscriptionsWithAws, verifyCanaryWithAws } = require("./verify") as typeof import("./verify");
    // A rollout's first Ctrl-C lets the running cells end cleanly and marks them interrupted.
    const interrupt = new AbortController();
    if (process.argv[2] === "rollout") {
        process.once("SIGINT", () => interrupt.abort());
    }
    main(process.argv.slice(2), {
        env: process.env,
        projectDir,
        out: text => process.stdout.write(text),
        err: text => process.stderr.write(text),
        verify: (instanceId, region, timeoutMs) =>
            verifyCanaryWithAws(instanceId, region, timeoutMs, text => process.stdout.write(text)),
        listSubscriptions: listSubscriptionsWithAws,
        ...(process.argv[2] === "rollout" ? { signal: interrupt.signal } : {}),
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
