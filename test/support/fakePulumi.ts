// A stand-in `pulumi` executable for testing the Automation API driver without the CLI. It logs
// each argv, answers the commands the SDK issues, and plays a scripted sequence of results per
// command (exit code, stdout, stderr, and the change summary it writes to the engine event log).
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
}

/** Results by command ("preview", "up", "stack output", ...), played in order; the last one repeats. */
export type FakeScript = Record<string, FakeResult[]>;

const program = String.raw`#!/usr/bin/env node
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
const args = process.argv.slice(2);
fs.appendFileSync(path.join(root, "calls.jsonl"), JSON.stringify(args) + "\n");
fs.appendFileSync(path.join(root, "backends.jsonl"), JSON.stringify(process.env.PULUMI_BACKEND_URL ?? null) + "\n");
const command = ["stack", "config"].includes(args[0]) ? args[0] + " " + args[1] : args[0];
if (command === "version") { process.stdout.write("v3.200.0\n"); process.exit(0); }
const script = JSON.parse(fs.readFileSync(path.join(root, "script.json"), "utf8"));
const counters = path.join(root, "counters.json");
const seen = fs.existsSync(counters) ? JSON.parse(fs.readFileSync(counters, "utf8")) : {};
// What an empty stack answers when a test scripts nothing else.
const defaults = {
  "stack output": [{ stdout: "{}" }],
  "stack history": [{ stdout: JSON.stringify([{ kind: "update", startTime: "2026-11-22T10:00:00.000Z", endTime: "2026-11-22T10:01:00.000Z", message: "", environment: {}, config: {}, result: "succeeded", version: 1 }]) }],
};
const results = script[command] || defaults[command] || [{}];
const result = results[Math.min(seen[command] || 0, results.length - 1)];
seen[command] = (seen[command] || 0) + 1;
fs.writeFileSync(counters, JSON.stringify(seen));
const eventLog = args.indexOf("--event-log");
if (eventLog >= 0 && result.changes) {
  const event = { sequence: 1, timestamp: 1, summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: result.changes, PolicyPacks: {} } };
  fs.appendFileSync(args[eventLog + 1], JSON.stringify(event) + "\n");
}
if (result.stdout) process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
// The SDK (3.248, automation/stack.js readLines) polls the event log every 200 ms and reads it once
// more when the command exits (cleanUp: tail.quit()); staying one poll and a half after writing the
// summary lets a regular poll read it too. Without a summary there is nothing to wait for.
setTimeout(() => process.exit(result.code || 0), eventLog >= 0 && result.changes ? 300 : 0);
`;

export class FakePulumi {
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));

    constructor(script: FakeScript = {}) {
        fs.mkdirSync(path.join(this.root, "bin"));
        fs.writeFileSync(path.join(this.root, "bin", "pulumi"), program, { mode: 0o755 });
        this.script(script);
    }

    /** Replaces the scripted results and forgets how many were played. */
    script(script: FakeScript): void {
        fs.writeFileSync(path.join(this.root, "script.json"), JSON.stringify(script));
        fs.rmSync(path.join(this.root, "counters.json"), { force: true });
        fs.rmSync(path.join(this.root, "calls.jsonl"), { force: true });
        fs.rmSync(path.join(this.root, "backends.jsonl"), { force: true });
    }

    command(): Promise<PulumiCommand> {
        return PulumiCommand.get({ root: this.root });
    }

    /** Every argv the driver ran, except `version`. */
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
        const file = path.join(this.root, "backends.jsonl");
        const all = fs.existsSync(file)
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
        return all.filter((_, i) => calls[i][0] !== "version");
    }

    remove(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}
