// Stand-in `pulumi` executables for driving the Automation API without the CLI (tests and the
// rollout benchmark). FakePulumi logs each argv, answers the commands the SDK issues, and plays a
// scripted sequence of results per command, or per command and stack (exit code, stdout, stderr,
// time taken, and the change summary it writes to the engine event log). TimedPulumi is a shell
// script that answers every operation green after a fixed time, cheap enough to run hundreds of.
import { PulumiCommand } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface FakeResult {
    readonly code?: number;
    readonly stdout?: string;
    readonly stderr?: string;
    /** Written to the event log as the engine's summary event. */
    readonly changes?: Record<string, number>;
    /** How long the command takes before it answers; Ctrl-C (SIGINT) ends it early as the CLI does. */
    readonly delayMs?: number;
    /**
     * Holds the stack's lock while it runs, as the DIY backend's lock file: released when it ends or
     * is cancelled, left behind when it is killed. Any operation on a stack whose lock is held fails
     * as the CLI does, naming the holder, until `pulumi cancel --stack <stack>` removes it.
     */
    readonly locks?: boolean;
}

/**
 * Results by command ("preview", "up", "stack output", ...), or by command and stack
 * ("up@fleet-a-eu-west-1"), which wins; played in order, the last one repeating.
 */
export type FakeScript = Record<string, FakeResult[]>;

/** `pulumi stack history --json` with one succeeded update, carrying these changes when given. */
export function stackHistory(resourceChanges?: Record<string, number>): string {
    return JSON.stringify([
        {
            kind: "update",
            startTime: "2026-11-22T10:00:00.000Z",
            endTime: "2026-11-22T10:01:00.000Z",
            message: "",
            environment: {},
            config: {},
            result: "succeeded",
            version: 1,
            ...(resourceChanges ? { resourceChanges } : {}),
        },
    ]);
}

const program = String.raw`#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
const args = process.argv.slice(2);
fs.appendFileSync(path.join(root, "calls.jsonl"), JSON.stringify(args) + "\n");
const recorded = ["PULUMI_BACKEND_URL", "PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER"];
fs.appendFileSync(path.join(root, "environments.jsonl"), JSON.stringify(Object.fromEntries(recorded.map(name => [name, process.env[name] ?? null]))) + "\n");
const command = ["stack", "config"].includes(args[0]) ? args[0] + " " + args[1] : args[0];
if (command === "version") { process.stdout.write("v3.200.0\n"); process.exit(0); }
const script = JSON.parse(fs.readFileSync(path.join(root, "script.json"), "utf8"));
const stackAt = args.indexOf("--stack");
const stack = stackAt >= 0 ? args[stackAt + 1] : command === "stack select" || command === "stack init" ? args[2] : "";
const key = script[command + "@" + stack] ? command + "@" + stack : command;
const counters = path.join(root, "counters", encodeURIComponent(key));
fs.mkdirSync(path.dirname(counters), { recursive: true });
const played = fs.existsSync(counters) ? Number(fs.readFileSync(counters, "utf8")) : 0;
// What an empty stack answers when a test scripts nothing else.
const defaults = {
  "stack output": [{ stdout: "{}" }],
  "stack ls": [{ stdout: "[]" }],
  "stack history": [{ stdout: ${JSON.stringify(stackHistory())} }],
};
const lockFile = path.join(root, "locks", encodeURIComponent(stack) + ".json");
if (command === "cancel") { fs.rmSync(lockFile, { force: true }); process.exit(0); }
if (["up", "preview", "refresh", "destroy"].includes(command) && fs.existsSync(lockFile)) {
  process.stderr.write("error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with \x60pulumi cancel\x60.\n  " + lockFile + ": created by " + fs.readFileSync(lockFile, "utf8") + "\n");
  process.exit(255);
}
const results = script[key] || defaults[command] || [{}];
const result = results[Math.min(played, results.length - 1)];
fs.writeFileSync(counters, String(played + 1));
const release = () => { if (result.locks) fs.rmSync(lockFile, { force: true }); };
if (result.locks) {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  fs.writeFileSync(lockFile, "fake@stand-in (pid " + process.pid + ")");
}
const eventLog = args.indexOf("--event-log");
if (eventLog >= 0 && result.changes) {
  const event = { sequence: 1, timestamp: 1, summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: result.changes, PolicyPacks: {} } };
  fs.appendFileSync(args[eventLog + 1], JSON.stringify(event) + "\n");
}
// Ctrl-C: the CLI cancels the operation and exits 255, reporting the cancellation.
process.on("SIGINT", () => {
  release();
  process.stderr.write("error: update canceled\n");
  process.exit(255);
});
setTimeout(() => {
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  // The SDK (3.248, automation/stack.js readLines) polls the event log every 200 ms and reads it once
  // more when the command exits (cleanUp: tail.quit()); staying one poll and a half after writing the
  // summary lets a regular poll read it too. Without a summary there is nothing to wait for.
  release();
  setTimeout(() => process.exit(result.code || 0), eventLog >= 0 && result.changes ? 300 : 0);
}, result.delayMs || 0);
`;

// npm as the rollout runs it for the policy pack (ci --prefix <dir>), offline: it logs the call
// beside the CLI's, as ["npm", ...argv], and leaves the node_modules directory npm ci would make.
const npmProgram = String.raw`#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
const args = process.argv.slice(2);
fs.appendFileSync(path.join(root, "calls.jsonl"), JSON.stringify(["npm", ...args]) + "\n");
fs.appendFileSync(path.join(root, "environments.jsonl"), "{}\n");
const prefix = args.indexOf("--prefix");
if (args[0] === "ci" && prefix >= 0) fs.mkdirSync(path.join(args[prefix + 1], "node_modules"), { recursive: true });
`;

export class FakePulumi {
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
    /** A stand-in npm whose runs appear in calls() as ["npm", ...argv]. */
    readonly npm = path.join(this.root, "bin", "npm");

    constructor(script: FakeScript = {}) {
        fs.mkdirSync(path.join(this.root, "bin"));
        fs.writeFileSync(path.join(this.root, "bin", "pulumi"), program, { mode: 0o755 });
        fs.writeFileSync(this.npm, npmProgram, { mode: 0o755 });
        this.script(script);
    }

    /** Replaces the scripted results and forgets how many were played. */
    script(script: FakeScript): void {
        fs.writeFileSync(path.join(this.root, "script.json"), JSON.stringify(script));
        fs.rmSync(path.join(this.root, "counters"), { recursive: true, force: true });
        fs.rmSync(path.join(this.root, "calls.jsonl"), { force: true });
        fs.rmSync(path.join(this.root, "environments.jsonl"), { force: true });
    }

    command(): Promise<PulumiCommand> {
        return PulumiCommand.get({ root: this.root });
    }

    /** Every argv the driver ran, except `version` (and the stand-in npm's, as ["npm", ...argv]). */
    calls(): string[][] {
        const file = path.join(this.root, "calls.jsonl");
        return fs.existsSync(file)
            ? fs
                  .readFileSync(file, "utf8")
                  .trim()
                  .split("\n")
                  .map(line => JSON.parse(line))
                  .filter(args => args[0] !== "version")
            : [];
    }

    /** The PULUMI_BACKEND_URL each call ran with (null when unset), except `version`. */
    backends(): (string | null)[] {
        return this.variables("PULUMI_BACKEND_URL");
    }

    /** A recorded variable (PULUMI_BACKEND_URL, PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER) each CLI call ran with (null when unset), except `version`. */
    variables(name: "PULUMI_BACKEND_URL" | "PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER"): (string | null)[] {
        const file = path.join(this.root, "environments.jsonl");
        const all: Record<string, string | null>[] = fs.existsSync(file)
            ? fs
                  .readFileSync(file, "utf8")
                  .trim()
                  .split("\n")
                  .map(line => JSON.parse(line))
            : [];
        const calls = fs
            .readFileSync(path.join(this.root, "calls.jsonl"), "utf8")
            .trim()
            .split("\n")
            .map(line => JSON.parse(line));
        return all.filter((_, i) => !["version", "npm"].includes(calls[i][0])).map(recorded => recorded[name]);
    }

    remove(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

/**
 * A POSIX shell stand-in for benchmarks: every update, preview, refresh or destroy takes `opMs`
 * and succeeds with one update among 40 resources; everything else answers at once. A shell
 * starts in milliseconds where Node takes a tenth of a second of CPU, so on a small machine the
 * measured time is the orchestrator's and the fixed operation time, not the stand-in's start-up.
 */
export class TimedPulumi {
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "timed-pulumi-"));

    constructor(readonly opMs: number) {
        fs.mkdirSync(path.join(this.root, "bin"));
        const history = stackHistory({ update: 1, same: 39 });
        const script = `#!/bin/sh
root="\${0%/*}/.."
stack=""
prev=""
for arg in "$@"; do
  [ "$prev" = "--stack" ] && stack="$arg"
  prev="$arg"
done
echo "$1 $2" >> "$root/calls.log"
case "$1" in
  version) echo v3.200.0 ;;
  up|preview|refresh|destroy)
    echo "$1 $stack" >> "$root/operations.log"
    sleep ${(opMs / 1000).toFixed(3)} ;;
  stack)
    case "$2" in
      output) echo '{}' ;;
      ls) echo '[]' ;;
      history) echo '${history}' ;;
    esac ;;
esac
exit 0
`;
        fs.writeFileSync(path.join(this.root, "bin", "pulumi"), script, { mode: 0o755 });
    }

    command(): Promise<PulumiCommand> {
        return PulumiCommand.get({ root: this.root });
    }

    /** Every CLI run, as its first two arguments ("up --yes", "stack history", ...). */
    calls(): string[] {
        const file = path.join(this.root, "calls.log");
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
    }

    /** The updates, previews, refreshes and destroys run, as "<operation> <stack>". */
    operations(): string[] {
        const file = path.join(this.root, "operations.log");
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
    }

    remove(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}
