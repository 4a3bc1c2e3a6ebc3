// The rollout's append-only journal, .rollout/journal.jsonl: one JSON line per cell transition,
// with the program commit and the cell's config hash, so that `rollout --resume` knows which
// cells are current and a kill at any point loses at most the line being written.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Cell } from "./fleet";

/**
 * started: an operation began. green: deployed. verified: deployed and its canary came Online
 * through DHMC. red: failed. locked: another update held the stack's lock past the back-off.
 * interrupted: Ctrl-C ended it. held: its ring waited for the previous ring to be green.
 * skipped: current since the last run (--resume). drifted / current: what --drift found.
 * destroyed: `driver destroy` destroyed the stack (an orphan, once the operator ran its command).
 */
export type CellState =
    | "started"
    | "green"
    | "verified"
    | "red"
    | "locked"
    | "interrupted"
    | "held"
    | "skipped"
    | "drifted"
    | "current"
    | "destroyed";

export interface JournalEntry {
    readonly time: string;
    readonly run: string;
    readonly stack: string;
    readonly account: string;
    readonly region: string;
    readonly state: CellState;
    readonly commit: string;
    readonly configHash: string;
    readonly reason?: string;
    readonly changes?: Readonly<Record<string, number>>;
    /** On a started line: the stack file's config the cell ran with, so an orphan's file can be written again. */
    readonly settings?: Readonly<Record<string, unknown>>;
    /** The monitoring stack's sink ARN per Region, which its cells' links (and config hashes) carry. */
    readonly sinkArns?: Readonly<Record<string, string>>;
}

export const journalPath = (projectDir: string) => path.join(projectDir, ".rollout", "journal.jsonl");

/**
 * Appends one line in a single write with O_APPEND, so concurrent cells never interleave. After a
 * kill mid-write the file ends in half a line: the new line starts on a line of its own.
 */
export function appendJournal(file: string, entry: JournalEntry): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${endsMidLine(file) ? "\n" : ""}${JSON.stringify(entry)}\n`);
}

function endsMidLine(file: string): boolean {
    const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
    if (size === 0) {
        return false;
    }
    const last = Buffer.alloc(1);
    const fd = fs.openSync(file, "r");
    try {
        fs.readSync(fd, last, 0, 1, size - 1);
    } finally {
        fs.closeSync(fd);
    }
    return last[0] !== 0x0a;
}

/** Every complete line; a half-written last line (the process was killed mid-write) is ignored. */
export function readJournal(file: string): JournalEntry[] {
    if (!fs.existsSync(file)) {
        return [];
    }
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .flatMap(line => {
            try {
                return line ? [JSON.parse(line) as JournalEntry] : [];
            } catch {
                return [];
            }
        });
}

/** Each stack's last recorded state, skips and drift checks aside (they record no deployment). */
export function lastDeployment(entries: readonly JournalEntry[]): Map<string, JournalEntry> {
    const last = new Map<string, JournalEntry>();
    for (const entry of entries) {
        if (!["skipped", "held", "drifted", "current"].includes(entry.state)) {
            last.set(entry.stack, entry);
        }
    }
    return last;
}

/**
 * After a successful `driver destroy`: a `destroyed` line for a stack the journal knows, copying its
 * account, Region and config hash from its last line, so the rollout no longer reports it orphaned.
 * Returns whether it wrote one; a stack the rollout never ran is none of the journal's business.
 */
export function recordDestroyed(file: string, stack: string, commit: () => string): boolean {
    const known = readJournal(file)
        .filter(e => e.stack === stack)
        .pop();
    if (known === undefined) {
        return false;
    }
    const time = new Date().toISOString();
    appendJournal(file, {
        time,
        run: time,
        stack,
        account: known.account,
        region: known.region,
        state: "destroyed",
        commit: commit(),
        configHash: known.configHash,
    });
    return true;
}

/** Whether a cell is current: its last deployment succeeded (verified, when proof is asked for) with this commit and config. */
export function isCurrent(cell: Cell, last: JournalEntry | undefined, commit: string, verify: boolean): boolean {
    const done = verify ? last?.state === "verified" : last?.state === "green" || last?.state === "verified";
    return done && last?.commit === commit && last?.configHash === cell.configHash;
}

/** The stack file's config a stack last ran with, as its started lines record it. */
export function lastSettings(
    entries: readonly JournalEntry[],
    stack: string,
): Readonly<Record<string, unknown>> | undefined {
    return entries.filter(e => e.stack === stack && e.settings !== undefined).pop()?.settings;
}

/** What changed for a cell since its last deployment, for the plan. */
export function changeSinceLastRun(cell: Cell, last: JournalEntry | undefined, commit: string): string {
    if (last === undefined) {
        return "new";
    }
    if (last.state === "destroyed") {
        return "new (destroyed since its last run)";
    }
    if (!["green", "verified"].includes(last.state)) {
        return `unfinished (${last.state})`;
    }
    const changed = [
        ...(last.configHash !== cell.configHash ? ["config"] : []),
        ...(last.commit !== commit ? ["program"] : []),
    ];
    return changed.length > 0 ? `${changed.join(" and ")} changed` : "unchanged";
}

/** The program's commit for the journal: git's HEAD, marked +dirty with uncommitted edits. */
export function programCommit(projectDir: string): string {
    try {
        const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: projectDir, encoding: "utf8" }).trim();
        const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
            cwd: projectDir,
            encoding: "utf8",
        }).trim();
        // Uncommitted edits make a different program: never "current" against the clean commit.
        return dirty ? `${head}+dirty` : head;
    } catch {
        return "unknown";
    }
}
