// The rollout end to end against the stand-in CLI: 3 accounts × 3 Regions in two rings, a failing
// cell, a locked cell, a run stopped with Ctrl-C and one killed with SIGKILL, each resumed, a
// manifest edit that orphans a cell, and each account's home Region green before any of its other
// Regions starts.
import { PulumiCommand } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { ExitCode } from "../../cli/exitCodes";
import type { Finding } from "../../driver/doctor";
import { DriverDeps, main } from "../../driver/driver";
import type { Cell } from "../../driver/fleet";
import { JournalEntry, readJournal } from "../../driver/rolloutJournal";
import { orphanLine, policyInstallNeeded } from "../../driver/rollout";
import { FakePulumi, FakeScript } from "../../harness/fakePulumi";
import { clientsFor } from "../support/doctorClients";
import { projectRoot } from "../support/program";

const regions = ["eu-west-1", "eu-central-1", "us-east-1"];
const manifest = {
    concurrency: 4,
    rings: ["dev", "prod"],
    regions,
    access: { roleName: "ssm-fleet-baseline-deployer", sessionDuration: "1h" },
    config: { notificationEmails: ["ops@example.com"], availabilityZoneCount: 1 },
    accounts: [
        { id: "111111111111", name: "alpha", ring: "dev" },
        { id: "222222222222", name: "bravo", ring: "prod" },
        { id: "333333333333", name: "charlie", ring: "prod" },
    ],
};

/** The stacks the stand-in CLI was asked to destroy, in order. */
const destroyedStacks = (fake: FakePulumi) =>
    fake
        .calls()
        .filter(args => args[0] === "destroy")
        .map(args => args[args.indexOf("--stack") + 1]);

const ready: Finding[] = [
    { item: "DHMC role", status: "ready", message: "absent; this stack creates it" },
    { item: "DHMC setting", status: "ready", message: "unset" },
    { item: "Config recorder", status: "note", message: "none; this stack creates one" },
];

describe("rollout over accounts × Regions", function () {
    this.timeout(120000);
    let fake: FakePulumi;
    let pulumiCommand: PulumiCommand;
    let projectDir: string;
    let out: string;
    let err: string;

    before(async () => {
        fake = new FakePulumi();
        pulumiCommand = await fake.command();
    });
    after(() => fake.remove());

    beforeEach(() => {
        projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-project-"));
        fs.copyFileSync(path.join(projectRoot, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
        // The policy pack's manifest: the rollout installs its dependencies (the stand-in npm) before the fan-out.
        fs.mkdirSync(path.join(projectDir, "policy"));
        fs.copyFileSync(
            path.join(projectRoot, "policy", "package.json"),
            path.join(projectDir, "policy", "package.json"),
        );
        writeManifest(manifest);
    });
    afterEach(() => fs.rmSync(projectDir, { recursive: true, force: true }));

    function writeManifest(value: unknown) {
        fs.writeFileSync(path.join(projectDir, "fleet.yaml"), yaml.dump(value));
    }

    function run(argv: string[], script: FakeScript = {}, extra: Partial<DriverDeps & Record<string, unknown>> = {}) {
        return drive(["rollout", ...argv], script, extra);
    }

    /** Any driver command, as a user would type it after `npm run driver --`. */
    function drive(argv: string[], script: FakeScript = {}, extra: Partial<DriverDeps & Record<string, unknown>> = {}) {
        fake.script(script);
        out = "";
        err = "";
        return main(argv, {
            env: { PULUMI_CONFIG_PASSPHRASE: "test", GITHUB_STEP_SUMMARY: path.join(projectDir, "summary.md") },
            projectDir,
            findPulumi: async () => pulumiCommand,
            out: text => {
                out += text;
            },
            err: text => {
                err += text;
            },
            lockRetryDelaysMs: [5, 5],
            sleep: async () => undefined,
            commit: () => "c0ffee",
            preflight: async () => ready,
            transientRetryDelayMs: 0,
            npm: fake.npm,
            ...extra,
        } as DriverDeps);
    }

    /** The Markdown summary the last run appended to $GITHUB_STEP_SUMMARY. */
    const markdown = () => {
        const text = fs.readFileSync(path.join(projectDir, "summary.md"), "utf8");
        return text.slice(text.lastIndexOf("### "));
    };
    /** The Markdown row of an account in the last summary. */
    const markdownRow = (account: string) =>
        markdown()
            .split("\n")
            .find(line => line.startsWith(`| ${account} (`)) ?? "";
    const journal = (): JournalEntry[] => readJournal(path.join(projectDir, ".rollout", "journal.jsonl"));
    const ups = () => fake.calls().filter(args => args[0] === "up");
    const upStacks = () => ups().map(args => args[args.indexOf("--stack") + 1]);
    const result = () => JSON.parse(fs.readFileSync(path.join(projectDir, ".rollout", "result.json"), "utf8"));
    const stateOf = (stack: string) => result().cells.find((c: { stack: string }) => c.stack === stack)?.state;

    it("runs every cell, a red and a locked cell without stopping their ring, home Regions first, and summarises in three places", async () => {
        const code = await run([], {
            "up@fleet-bravo-eu-central-1": [
                {
                    code: 255,
                    stderr: "  aws:ssm:ServiceSetting (dhmc):\n    error: AccessDeniedException: not authorized to perform ssm:UpdateServiceSetting\nerror: update failed\n",
                },
            ],
            "up@fleet-charlie-us-east-1": [
                {
                    code: 255,
                    stderr:
                        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
                        "  s3://state/.pulumi/locks/fleet-charlie-us-east-1/1.json: created by alice@laptop (pid 4242) at 2026-11-22T10:00:00Z\n",
                },
            ],
        });
        assert.strictEqual(code, ExitCode.failure, err);
        assert.strictEqual(stateOf("fleet-bravo-eu-central-1"), "red");
        assert.strictEqual(stateOf("fleet-charlie-us-east-1"), "locked");
        for (const stack of ["fleet-alpha-eu-west-1", "fleet-bravo-us-east-1", "fleet-charlie-eu-central-1"]) {
            assert.strictEqual(stateOf(stack), "green", stack);
        }
        // The locked cell backed off twice, then named the holder and the exact command.
        assert.strictEqual(upStacks().filter(s => s === "fleet-charlie-us-east-1").length, 3);
        const locked = result().cells.find((c: { stack: string }) => c.stack === "fleet-charlie-us-east-1");
        assert.match(locked.reason, /alice@laptop \(pid 4242\)/);
        assert.match(locked.command, /pulumi cancel --stack fleet-charlie-us-east-1 --yes/);

        // Account scope before Region scope, for every account: the home cell is green before any other starts.
        const lines = journal();
        for (const account of manifest.accounts) {
            const home = lines.findIndex(l => l.stack === `fleet-${account.name}-eu-west-1` && l.state === "green");
            assert.ok(home >= 0, account.name);
            for (const region of regions.slice(1)) {
                const start = lines.findIndex(
                    l => l.stack === `fleet-${account.name}-${region}` && l.state === "started",
                );
                assert.ok(start > home, `${account.name} ${region} started after its home Region was green`);
            }
        }
        // Every line carries the commit and the cell's config hash.
        assert.ok(lines.every(l => l.commit === "c0ffee" && /^[0-9a-f]{16}$/.test(l.configHash)));

        // Once, before the fan-out: the plugin, and the policy pack's dependencies (npm ci in policy/).
        const calls = fake.calls();
        const firstUp = calls.findIndex(args => args[0] === "up");
        const installs = calls.filter(args => args[0] === "plugin" && args[1] === "install");
        assert.strictEqual(installs.length, 1);
        assert.ok(calls.indexOf(installs[0]) < firstUp);
        const npmRuns = calls.filter(args => args[0] === "npm");
        assert.deepStrictEqual(npmRuns, [
            ["npm", "ci", "--prefix", path.join(projectDir, "policy"), "--no-audit", "--no-fund"],
        ]);
        assert.ok(calls.indexOf(npmRuns[0]) < firstUp);
        // Workspace safety (pulumi/pulumi#8186): no cell selects a stack; each missing stack is created
        // with --no-select, one at a time, before the first up.
        assert.deepStrictEqual(
            calls.filter(args => args[0] === "stack" && args[1] === "select"),
            [],
        );
        const inits = calls.flatMap((args, i) => (args[0] === "stack" && args[1] === "init" ? [{ args, i }] : []));
        const everyCell = manifest.accounts.flatMap(a => regions.map(region => `fleet-${a.name}-${region}`));
        assert.deepStrictEqual(inits.map(({ args }) => args[2]).sort(), everyCell.sort());
        for (const { args, i } of inits) {
            assert.ok(args.includes("--no-select"), args.join(" "));
            assert.ok(i < firstUp, `${args.join(" ")} before the first up`);
        }
        // Without --verify no cell's outputs are read: the SDK's two `stack output` runs per up are skipped.
        assert.deepStrictEqual(
            calls.filter(args => args[0] === "stack" && args[1] === "output"),
            [],
        );

        // The derived stack file: the Region, the only account it may touch, the role that reaches it.
        const home = yaml.load(
            fs.readFileSync(path.join(projectDir, "Pulumi.fleet-bravo-eu-west-1.yaml"), "utf8"),
        ) as any;
        assert.strictEqual(home.config["aws:region"], "eu-west-1");
        assert.deepStrictEqual(home.config["aws:allowedAccountIds"], ["222222222222"]);
        assert.deepStrictEqual(home.config["aws:assumeRoles"], [
            {
                roleArn: "arn:aws:iam::222222222222:role/ssm-fleet-baseline-deployer",
                sessionName: "ssm-fleet-baseline-fleet-bravo-eu-west-1",
                duration: "1h",
            },
        ]);
        assert.strictEqual(home.config["ssm-fleet-baseline:dhmcRole"], "create");
        const other = yaml.load(
            fs.readFileSync(path.join(projectDir, "Pulumi.fleet-bravo-us-east-1.yaml"), "utf8"),
        ) as any;
        assert.strictEqual(other.config["ssm-fleet-baseline:dhmcRole"], "adopt");

        // One summary: terminal, GitHub step summary and JSON.
        assert.match(
            out,
            /bravo \(222222222222\)\s+prod\s+✓ 0\+ 0~ 0± 0-\s+✗ AccessDeniedException: not authorized to perform ssm:UpdateServiceSetting/,
        );
        assert.match(out, /charlie \(333333333333\)\s+prod\s+✓ .*🔒 locked/);
        const markdown = fs.readFileSync(path.join(projectDir, "summary.md"), "utf8");
        assert.match(markdown, /\| account \| ring \| eu-west-1 \| eu-central-1 \| us-east-1 \|/);
        assert.strictEqual(result().exitCode, ExitCode.failure);
    });

    it("holds the next ring until the previous one is green", async () => {
        const code = await run([], { "up@fleet-alpha-us-east-1": [{ code: 255, stderr: "error: boom\n" }] });
        assert.strictEqual(code, ExitCode.failure);
        assert.ok(
            upStacks().every(stack => stack.startsWith("fleet-alpha-")),
            upStacks().join(),
        );
        assert.strictEqual(stateOf("fleet-bravo-eu-west-1"), "held");
        assert.match(out, /… held/);
        assert.strictEqual(markdownRow("bravo"), "| bravo (222222222222) | prod | … held | … held | … held |");
        assert.match(markdown(), /^- fleet-bravo-eu-west-1: held: the previous ring is not green$/m);
    });

    it("holds an account's other Regions when its home Region fails", async () => {
        await run([], { "up@fleet-alpha-eu-west-1": [{ code: 255, stderr: "error: boom\n" }] });
        assert.deepStrictEqual(upStacks(), ["fleet-alpha-eu-west-1"]);
        assert.strictEqual(stateOf("fleet-alpha-eu-central-1"), "held");
        assert.match(
            result().cells.find((c: { stack: string }) => c.stack === "fleet-alpha-eu-central-1").reason,
            /waits for fleet-alpha-eu-west-1, which owns the account's DHMC role/,
        );
    });

    it("retries a transient engine error once", async () => {
        const code = await run([], {
            "up@fleet-alpha-eu-central-1": [
                { code: 255, stderr: "error: rpc error: code = Unavailable desc = transport is closing\n" },
                {},
            ],
        });
        assert.strictEqual(code, ExitCode.success, err + out);
        assert.strictEqual(upStacks().filter(s => s === "fleet-alpha-eu-central-1").length, 2);
    });

    it("stops on Ctrl-C with the running cells interrupted, and --resume re-runs only the unfinished cells", async () => {
        const interrupt = new AbortController();
        const slow = { up: [{ delayMs: 1500 }] };
        const stopped = run([], slow, {
            signal: interrupt.signal,
            out: (text: string) => {
                out += text;
                // Stop once the dev ring is done and the prod home cells are running.
                if (/fleet-alpha-us-east-1: green/.test(out) && !interrupt.signal.aborted) {
                    setTimeout(() => interrupt.abort(), 700);
                }
            },
        });
        assert.strictEqual(await stopped, ExitCode.failure);
        const first = result().cells as { stack: string; state: string }[];
        const green = first.filter(c => c.state === "green").map(c => c.stack);
        assert.deepStrictEqual(green.sort(), [
            "fleet-alpha-eu-central-1",
            "fleet-alpha-eu-west-1",
            "fleet-alpha-us-east-1",
        ]);
        assert.ok(
            first.some(c => c.state === "interrupted"),
            JSON.stringify(first),
        );
        // The Markdown summary: the dev ring green, the prod home cells interrupted, their Regions held.
        assert.match(markdownRow("alpha"), /^\| alpha \(111111111111\) \| dev \| ✓ 0\+ 0~ 0± 0- \| ✓ .* \| ✓ .* \|$/);
        for (const account of ["bravo", "charlie"]) {
            assert.match(markdownRow(account), /^\| \w+ \(\d{12}\) \| prod \| ⏸ interrupted \| … held \| … held \|$/);
        }
        assert.match(markdown(), /^- fleet-bravo-eu-west-1: interrupted: Ctrl-C$/m);

        // A kill (no Ctrl-C) leaves a started line with no end, or half a line: that cell is unfinished too.
        const killed = journal().find(l => l.stack === "fleet-alpha-us-east-1" && l.state === "green")!;
        fs.appendFileSync(
            path.join(projectDir, ".rollout", "journal.jsonl"),
            `${JSON.stringify({ ...killed, state: "started", changes: undefined })}\n{"time":"2026-`,
        );
        const code = await run(["--resume"]);
        assert.strictEqual(code, ExitCode.success, err);
        const unfinished = [...first.filter(c => c.state !== "green").map(c => c.stack), "fleet-alpha-us-east-1"];
        assert.deepStrictEqual(upStacks().sort(), unfinished.sort(), "only the unfinished cells ran again");
        assert.ok(green.filter(s => s !== "fleet-alpha-us-east-1").every(stack => stateOf(stack) === "skipped"));
        assert.strictEqual(
            markdownRow("alpha"),
            "| alpha (111111111111) | dev | ⏭ skipped (current) | ⏭ skipped (current) | ✓ 0+ 0~ 0± 0- |",
        );
        // The half line stays ignored, and the resumed run's lines start on lines of their own.
        assert.strictEqual(
            journal().filter(l => l.run !== killed.run && l.state === "started").length,
            unfinished.length,
        );
        assert.match(
            out,
            /fleet-alpha-eu-west-1\s+dev\s+account \(owns the DHMC role\)\s+unchanged\s+skip \(current\)/,
        );
    });

    it("survives a real kill -9 mid-run: --resume runs no green cell again, reports the lock a killed update left with its holder and cancel command, and once cancelled finishes every cell, each green once", async () => {
        // The driver in a process group of its own, so that SIGKILL takes its CLI children too, as
        // when a runner is lost: the killed updates leave their stacks' lock files behind.
        fake.script({ up: [{ delayMs: 1500, locks: true }] });
        const child = spawn(
            process.execPath,
            [
                "-r",
                "ts-node/register/transpile-only",
                path.join(projectRoot, "test", "support", "rolloutChild.ts"),
                projectDir,
                fake.root,
            ],
            { cwd: projectRoot, detached: true, stdio: "ignore" },
        );
        const exited = new Promise(resolve => child.once("exit", (code, signal) => resolve(signal ?? code)));
        // Kill once the dev ring is green and a prod cell's update holds its stack's lock.
        const running = () => {
            const lines = journal();
            const ended = new Set(lines.filter(l => l.state !== "started").map(l => l.stack));
            return {
                green: lines.filter(l => l.state === "green").map(l => l.stack),
                started: lines.filter(l => l.state === "started" && !ended.has(l.stack)).map(l => l.stack),
            };
        };
        const holdsLock = (stack: string) =>
            fs.existsSync(path.join(fake.root, "locks", `${encodeURIComponent(stack)}.json`));
        const deadline = Date.now() + 90_000;
        try {
            while (!(running().green.length >= 3 && running().started.some(holdsLock))) {
                assert.ok(Date.now() < deadline, "the child rollout reached the prod ring");
                await new Promise(resolve => setTimeout(resolve, 10));
            }
        } finally {
            process.kill(-child.pid!, "SIGKILL");
        }
        assert.strictEqual(await exited, "SIGKILL");
        const { green, started } = running();
        const locked = started.filter(holdsLock);
        assert.ok(locked.length > 0, "a killed update left its stack's lock");
        assert.ok(
            green.every(stack => stack.startsWith("fleet-alpha-")),
            "killed mid-way: the prod ring was not done",
        );
        assert.ok(!fs.existsSync(path.join(projectDir, ".rollout", "result.json")), "no summary: it was killed");

        // The resume: no green cell runs again; a killed update's lock is the real world's, backed
        // off, then reported locked with its holder and the cancel command, and its account's other
        // Regions wait for it.
        assert.strictEqual(await run(["--resume"]), ExitCode.failure, err + out);
        for (const stack of green) {
            assert.strictEqual(stateOf(stack), "skipped", stack);
        }
        assert.ok(!upStacks().some(stack => green.includes(stack)), "nothing green runs twice");
        for (const stack of locked) {
            const cell = result().cells.find((c: { stack: string }) => c.stack === stack);
            assert.strictEqual(cell.state, "locked", stack);
            assert.match(cell.reason, /fake@stand-in \(pid \d+\)/);
            assert.strictEqual(cell.command, `when that update is gone: pulumi cancel --stack ${stack} --yes`);
        }
        const everyCell = manifest.accounts.flatMap(a => regions.map(region => `fleet-${a.name}-${region}`));
        for (const stack of everyCell.filter(s => !green.includes(s) && !locked.includes(s))) {
            const cell = result().cells.find((c: { stack: string }) => c.stack === stack);
            const home = /^waits for (\S+), which owns/.exec(cell.reason ?? "")?.[1];
            assert.ok(
                cell.state === "green" || (cell.state === "held" && locked.includes(home!)),
                `${stack}: ${cell.state}`,
            );
        }

        // Once the locks are cancelled, the next --resume finishes the rest: nothing lost, and every
        // cell deployed green exactly once over the three runs.
        for (const stack of locked) {
            execFileSync(path.join(fake.root, "bin", "pulumi"), ["cancel", "--stack", stack, "--yes"]);
        }
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err + out);
        for (const stack of everyCell) {
            assert.strictEqual(
                journal().filter(l => l.stack === stack && l.state === "green").length,
                1,
                `${stack} green once`,
            );
        }
    });

    it("re-runs a current cell on --resume when its config changed, and reports the cell a manifest edit orphans without destroying it", async () => {
        assert.strictEqual(await run([]), ExitCode.success, err);
        const orphanFile = path.join(projectDir, "Pulumi.fleet-charlie-us-east-1.yaml");
        const deployed = fs.readFileSync(orphanFile, "utf8");
        // Stack files are git-ignored: a clean checkout, or another machine with the journal, has none.
        fs.rmSync(orphanFile);
        writeManifest({
            ...manifest,
            accounts: manifest.accounts.map(a =>
                a.name === "charlie"
                    ? { ...a, regions: ["eu-west-1", "eu-central-1"] }
                    : a.name === "bravo"
                      ? { ...a, config: { logRetentionDays: 365 } }
                      : a,
            ),
        });
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.deepStrictEqual(upStacks().sort(), [
            "fleet-bravo-eu-central-1",
            "fleet-bravo-eu-west-1",
            "fleet-bravo-us-east-1",
        ]);
        assert.match(out, /fleet-bravo-eu-west-1\s+prod\s+account \(owns the DHMC role\)\s+config changed\s+run/);
        assert.match(
            out,
            /orphaned: fleet-charlie-us-east-1 is no longer in fleet.yaml; the rollout never destroys a cell. Destroy it with: npm run driver -- destroy --stack fleet-charlie-us-east-1 --yes-i-understand/,
        );
        assert.ok(!fake.calls().some(args => args[0] === "destroy"));

        // The destroy command works here: the orphan's stack file is written again with the config its last run recorded.
        assert.match(
            out,
            /\(its stack file Pulumi.fleet-charlie-us-east-1.yaml was gone; written again from the journal\)/,
        );
        assert.deepStrictEqual(yaml.load(fs.readFileSync(orphanFile, "utf8")), yaml.load(deployed));
        const command = /Destroy it with: npm run driver -- (.+?) \(its stack file/.exec(out)![1];
        assert.strictEqual(command, "destroy --stack fleet-charlie-us-east-1 --yes-i-understand");
        // The driver's destroy leaves the empty stack on the backend; the line says how to remove it after.
        assert.match(
            out,
            /The destroy leaves the empty stack and its history on the backend, and the rollout reports the cell no more; to remove the stack too, run pulumi stack rm --stack fleet-charlie-us-east-1 --yes after it/,
        );

        // A failed destroy journals nothing: the cell stays orphaned.
        const linesBefore = journal().length;
        assert.strictEqual(
            await drive(command.split(" "), {
                destroy: [{ code: 255, stderr: "error: deleting VPC endpoint: DependencyViolation\n" }],
            }),
            ExitCode.failure,
        );
        assert.doesNotMatch(out, /recorded .* as destroyed/);
        assert.strictEqual(journal().length, linesBefore);
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.match(out, /^orphaned: fleet-charlie-us-east-1 is no longer in fleet.yaml/m);

        assert.strictEqual(await drive(command.split(" ")), ExitCode.success, err);
        assert.deepStrictEqual(destroyedStacks(fake), ["fleet-charlie-us-east-1"]);
        assert.match(out, /recorded fleet-charlie-us-east-1 as destroyed in the rollout journal/);
        const destroyed = journal().pop()!;
        assert.deepStrictEqual(
            [destroyed.stack, destroyed.state, destroyed.account, destroyed.region, destroyed.commit],
            ["fleet-charlie-us-east-1", "destroyed", "333333333333", "us-east-1", "c0ffee"],
        );
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.doesNotMatch(out, /orphaned/, "a destroyed orphan is reported no more");
        assert.deepStrictEqual(upStacks(), []);

        // Back in the manifest, the destroyed cell is a new cell again: planned and deployed.
        writeManifest({
            ...manifest,
            accounts: manifest.accounts.map(a =>
                a.name === "bravo" ? { ...a, config: { logRetentionDays: 365 } } : a,
            ),
        });
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.match(
            out,
            /fleet-charlie-us-east-1\s+prod\s+region \(adopts the role\)\s+new \(destroyed since its last run\)\s+run/,
        );
        assert.deepStrictEqual(upStacks(), ["fleet-charlie-us-east-1"]);
        assert.strictEqual(journal().pop()!.state, "green");
        assert.doesNotMatch(out, /orphaned/);
    });

    it("journals no destroy of a stack the rollout never ran", async () => {
        fs.writeFileSync(path.join(projectDir, "Pulumi.hand-made.yaml"), "config: {}\n");
        assert.strictEqual(await drive(["destroy", "--stack", "hand-made"]), ExitCode.success, err);
        assert.ok(fake.calls().some(args => args[0] === "destroy"));
        assert.deepStrictEqual(journal(), []);
        assert.doesNotMatch(out, /rollout journal/);
    });

    it("stops before any change when the preflight finds a conflict the manifest does not take over", async () => {
        const code = await run(
            [],
            {},
            {
                preflight: async (cell: Cell) =>
                    cell.stack === "fleet-charlie-eu-central-1"
                        ? [
                              {
                                  item: "DHMC setting",
                                  status: "fix",
                                  message: "set by Quick Setup to AWS-QuickSetup-SSM-DefaultEC2MgmtRole",
                              },
                          ]
                        : ready,
            },
        );
        assert.strictEqual(code, ExitCode.configurationError);
        assert.match(err, /fleet-charlie-eu-central-1: DHMC setting: set by Quick Setup/);
        assert.deepStrictEqual(ups(), []);
        assert.match(out, /preflight ownership map:/);
    });

    // The default preflight (doctor per cell) against scripted AWS clients: the unified console's
    // EnableDHMCAssociation (landscape.md §2.3 [S]) in every Region of the dev ring's account.
    it("hands the doctor's Quick Setup finding to the manifest: a conflict before any up, a note when the account adopts it", async () => {
        const unifiedConsole = async (cell: Cell) =>
            clientsFor({
                ssm: {
                    ListAssociationsCommand: {
                        Associations: [
                            { AssociationName: "EnableDHMCAssociation", Name: "AWSQuickSetupType-EnableDHMC" },
                        ],
                    },
                },
                ec2: { DescribeRegionsCommand: { Regions: [{ RegionName: cell.region, OptInStatus: "opted-in" }] } },
            });
        const doctorRun = () => run(["--ring", "dev"], {}, { preflight: undefined, preflightClients: unifiedConsole });

        assert.strictEqual(await doctorRun(), ExitCode.configurationError, out);
        for (const region of regions) {
            assert.match(
                err,
                new RegExp(
                    `fleet-alpha-${region}: Quick Setup: the unified console's daily EnableDHMCAssociation in ${region}`,
                ),
            );
        }
        // The role the Regions adopt is absent, as before a first rollout: their home cell creates it first.
        assert.doesNotMatch(err, /DHMC role/);
        assert.deepStrictEqual(ups(), []);

        writeManifest({
            ...manifest,
            accounts: manifest.accounts.map(a => (a.name === "alpha" ? { ...a, adoptQuickSetup: true } : a)),
        });
        assert.strictEqual(await doctorRun(), ExitCode.success, err);
        assert.match(out, /note: the unified console's daily EnableDHMCAssociation/);
        assert.deepStrictEqual(upStacks().sort(), regions.map(region => `fleet-alpha-${region}`).sort());
    });

    it("with --verify, a cell is green only when its canary came Online through DHMC", async () => {
        const verified: string[] = [];
        const code = await run(
            ["--verify", "--ring", "dev"],
            { "stack output": [{ stdout: '{"canaryInstanceId":"i-0123456789abcdef0"}' }] },
            {
                verifyCell: async (cell: Cell, instanceId: string) => {
                    const region = cell.region;
                    verified.push(`${instanceId} ${region}`);
                    return region === "us-east-1"
                        ? { ok: false, message: "canary still ConnectionLost after 30 min" }
                        : { ok: true, message: "Online" };
                },
            },
        );
        assert.strictEqual(code, ExitCode.verificationFailed);
        assert.strictEqual(verified.length, 3);
        assert.strictEqual(stateOf("fleet-alpha-eu-west-1"), "verified");
        assert.strictEqual(stateOf("fleet-alpha-us-east-1"), "red");
        assert.match(out, /✓v/);
    });

    it("prints the GitHub matrix waves, runs one cell as a matrix job, and gathers the jobs' results", async () => {
        assert.strictEqual(await run(["--matrix"]), ExitCode.success);
        const waves = JSON.parse(out);
        assert.deepStrictEqual(waves, {
            maxParallel: 4,
            monitoring: "",
            rings: {
                dev: {
                    account: ["fleet-alpha-eu-west-1"],
                    region: ["fleet-alpha-eu-central-1", "fleet-alpha-us-east-1"],
                },
                prod: {
                    account: ["fleet-bravo-eu-west-1", "fleet-charlie-eu-west-1"],
                    region: [
                        "fleet-bravo-eu-central-1",
                        "fleet-bravo-us-east-1",
                        "fleet-charlie-eu-central-1",
                        "fleet-charlie-us-east-1",
                    ],
                },
            },
        });
        assert.deepStrictEqual(fake.calls(), [], "--matrix runs nothing");

        assert.strictEqual(await run(["--cell", "fleet-alpha-eu-central-1"]), ExitCode.success, err);
        assert.deepStrictEqual(upStacks(), ["fleet-alpha-eu-central-1"]);
        const results = path.join(projectDir, ".rollout", "results");
        assert.ok(fs.existsSync(path.join(results, "fleet-alpha-eu-central-1.json")));

        assert.strictEqual(await run(["--gather", results]), ExitCode.failure);
        assert.strictEqual(stateOf("fleet-alpha-eu-central-1"), "green");
        assert.strictEqual(stateOf("fleet-bravo-eu-west-1"), "held", "a cell with no result is held");
    });

    it("has the CLI keep the state's secrets provider for a cell whose stack file, written afresh, has no salt", async () => {
        const cell = "fleet-alpha-eu-west-1";
        const stackFile = path.join(projectDir, `Pulumi.${cell}.yaml`);
        // A matrix job on a fresh checkout: the stack exists on the backend, its file (git-ignored) does not.
        const existing = {
            "stack ls": [{ stdout: JSON.stringify([{ name: `organization/ssm-fleet-baseline/${cell}` }]) }],
        };
        assert.strictEqual(await run(["--cell", cell], existing), ExitCode.success, err);
        assert.ok(!fake.calls().some(args => args[0] === "stack" && args[1] === "init"));
        assert.ok(!/^encryptionsalt:/m.test(fs.readFileSync(stackFile, "utf8")), "the generated file has no salt");
        assert.deepStrictEqual(upStacks(), [cell]);
        assert.deepStrictEqual([...new Set(fake.variables("PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER"))], ["true"]);

        // Its first run creates the stack, whose initial state records the salt `stack init` makes.
        fs.rmSync(stackFile);
        assert.strictEqual(await run(["--cell", cell]), ExitCode.success, err);
        const init = fake
            .calls()
            .filter(args => args[0] !== "npm")
            .findIndex(args => args[0] === "stack" && args[1] === "init");
        assert.ok(init >= 0, "stack init ran");
        assert.strictEqual(fake.variables("PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER")[init], "true");
    });

    it("plans the matrix and gathers results without the passphrase, so the workflow's rollout-plan and rollout-gather get no secret", async () => {
        const noSecret = { env: { PULUMI_BACKEND_URL: "s3://state-bucket/ssm-fleet-baseline" } };
        assert.strictEqual(await run(["--matrix"], {}, noSecret), ExitCode.success, err);
        assert.ok(JSON.parse(out).rings.dev.account.length > 0);
        const results = path.join(projectDir, ".rollout", "results");
        assert.strictEqual(await run(["--gather", results], {}, noSecret), ExitCode.failure, "every cell held");
        assert.strictEqual(stateOf("fleet-alpha-eu-west-1"), "held");
        // A cell does need it: the engine would decrypt the stack's state.
        assert.strictEqual(await run(["--cell", "fleet-alpha-eu-west-1"], {}, noSecret), ExitCode.configurationError);
        assert.match(err, /set PULUMI_CONFIG_PASSPHRASE/);
    });

    it("with an organization view, runs the monitoring stack first and hands each cell its Region's sink", async () => {
        writeManifest({ ...manifest, monitoring: { account: "444444444444", region: "eu-west-1" } });
        const monitoringDir = path.join(projectDir, "monitoring");
        fs.mkdirSync(monitoringDir);
        fs.copyFileSync(path.join(projectRoot, "monitoring", "Pulumi.yaml"), path.join(monitoringDir, "Pulumi.yaml"));
        const sinkArn = (region: string) => `arn:aws:oam:${region}:444444444444:sink/a1b2c3d4-${region}`;
        const sinkArns = Object.fromEntries(regions.map(region => [region, sinkArn(region)]));
        const code = await run([], {
            "stack output@fleet-monitoring": [{ stdout: JSON.stringify({ sinkArns }) }],
            up: [{ changes: { create: 1 } }],
        });
        assert.strictEqual(code, ExitCode.success, out + err);
        // Sinks before links: the monitoring stack's up comes before every cell's.
        assert.strictEqual(upStacks()[0], "fleet-monitoring");
        assert.strictEqual(upStacks().length, 1 + 9);
        const monitoringConfig = yaml.load(
            fs.readFileSync(path.join(monitoringDir, "Pulumi.fleet-monitoring.yaml"), "utf8"),
        ) as { config: Record<string, unknown> };
        assert.deepStrictEqual(monitoringConfig.config["aws:allowedAccountIds"], ["444444444444"]);
        const fleet = JSON.parse(monitoringConfig.config["ssm-fleet-baseline-monitoring:cells"] as string);
        // The cells in the rollout's order: the dev ring's account, then the prod ring's, home Region first.
        assert.deepStrictEqual(
            fleet.map((c: { accountName: string; region: string }) => `${c.accountName} ${c.region}`),
            ["alpha", "bravo", "charlie"].flatMap(name => regions.map(region => `${name} ${region}`)),
        );
        for (const account of ["alpha", "bravo", "charlie"]) {
            for (const region of regions) {
                const stack = `fleet-${account}-${region}`;
                const file = yaml.load(fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) as {
                    config: Record<string, unknown>;
                };
                assert.strictEqual(file.config["ssm-fleet-baseline:monitoringSinkArn"], sinkArn(region), stack);
            }
        }
    });

    it("holds every cell when the monitoring stack fails: their links would have no sink", async () => {
        writeManifest({ ...manifest, monitoring: { account: "alpha", region: "eu-west-1" } });
        const monitoringDir = path.join(projectDir, "monitoring");
        fs.mkdirSync(monitoringDir);
        fs.copyFileSync(path.join(projectRoot, "monitoring", "Pulumi.yaml"), path.join(monitoringDir, "Pulumi.yaml"));
        const code = await run([], {
            "up@fleet-monitoring": [{ code: 1, stderr: "error: AccessDenied: oam:CreateSink\n" }],
        });
        assert.strictEqual(code, ExitCode.failure);
        assert.deepStrictEqual(upStacks(), ["fleet-monitoring"]);
        assert.strictEqual(stateOf("fleet-alpha-eu-west-1"), "held");
        assert.strictEqual(stateOf("fleet-monitoring"), "red");
        assert.match(
            result().cells.find((c: { stack: string }) => c.stack === "fleet-alpha-eu-west-1").reason,
            /waits for fleet-monitoring, the organization view: .*oam:CreateSink/,
        );
    });

    /** fleet.yaml with an organization view in its own account, monitoring/Pulumi.yaml beside it, and its sinks. */
    function withOrganizationView(tag = "a1b2c3d4") {
        writeManifest({ ...manifest, monitoring: { account: "444444444444", region: "eu-west-1" } });
        fs.mkdirSync(path.join(projectDir, "monitoring"), { recursive: true });
        fs.copyFileSync(
            path.join(projectRoot, "monitoring", "Pulumi.yaml"),
            path.join(projectDir, "monitoring", "Pulumi.yaml"),
        );
        const sinkArns = Object.fromEntries(
            regions.map(region => [region, `arn:aws:oam:${region}:444444444444:sink/${tag}-${region}`]),
        );
        return { sinkArns, outputs: [{ stdout: JSON.stringify({ sinkArns }) }] };
    }
    const policyPackOf = (stack: string) =>
        ups()
            .filter(args => args[args.indexOf("--stack") + 1] === stack)
            .map(args => args[args.indexOf("--policy-pack") + 1]);
    const sinkOf = (stack: string) =>
        (yaml.load(fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) as any).config[
            "ssm-fleet-baseline:monitoringSinkArn"
        ];

    it("applies the policy pack to fleet-monitoring as to the cells, and journals it with its sinks", async () => {
        const { sinkArns, outputs } = withOrganizationView();
        assert.strictEqual(await run([], { "stack output@fleet-monitoring": outputs }), ExitCode.success, err);
        assert.deepStrictEqual(policyPackOf("fleet-monitoring"), [path.join(projectDir, "policy")]);
        assert.deepStrictEqual(policyPackOf("fleet-monitoring"), policyPackOf("fleet-alpha-eu-west-1"));
        const lines = journal().filter(e => e.stack === "fleet-monitoring");
        assert.deepStrictEqual(
            lines.map(e => e.state),
            ["started", "green"],
        );
        assert.deepStrictEqual(lines[1].sinkArns, sinkArns);
        assert.strictEqual(lines[1].account, "444444444444");
        assert.strictEqual(stateOf("fleet-monitoring"), "green");
    });

    it("on --resume skips fleet-monitoring and the cells when current, and re-runs the cells whose sink was replaced", async () => {
        const first = withOrganizationView("a1b2c3d4");
        assert.strictEqual(await run([], { "stack output@fleet-monitoring": first.outputs }), ExitCode.success, err);
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.deepStrictEqual(upStacks(), [], "everything current: nothing runs");
        assert.strictEqual(stateOf("fleet-monitoring"), "skipped");
        assert.strictEqual(sinkOf("fleet-bravo-us-east-1"), first.sinkArns["us-east-1"]);

        // A manifest edit changes the monitoring stack (a new cell to draw); its up replaces the sinks.
        const second = withOrganizationView("e5f6a7b8");
        writeManifest({
            ...manifest,
            monitoring: { account: "444444444444", region: "eu-west-1" },
            accounts: [...manifest.accounts, { id: "555555555555", name: "delta", ring: "prod" }],
        });
        assert.strictEqual(
            await run(["--resume"], { "stack output@fleet-monitoring": second.outputs }),
            ExitCode.success,
            err,
        );
        assert.strictEqual(upStacks()[0], "fleet-monitoring");
        // Every cell's link changed, so every cell re-runs with the new sink.
        assert.strictEqual(upStacks().length, 1 + 12);
        assert.strictEqual(sinkOf("fleet-bravo-us-east-1"), second.sinkArns["us-east-1"]);
    });

    it("gives the organization view the first matrix job: --cell fleet-monitoring runs it alone, a cell's job links to its deployed sinks", async () => {
        const { sinkArns, outputs } = withOrganizationView();
        assert.strictEqual(await run(["--matrix"]), ExitCode.success);
        assert.strictEqual(JSON.parse(out).monitoring, "fleet-monitoring");

        assert.strictEqual(
            await run(["--cell", "fleet-monitoring"], { "stack output@fleet-monitoring": outputs }),
            ExitCode.success,
            err,
        );
        assert.deepStrictEqual(upStacks(), ["fleet-monitoring"]);
        const results = path.join(projectDir, ".rollout", "results");
        assert.strictEqual(
            JSON.parse(fs.readFileSync(path.join(results, "fleet-monitoring.json"), "utf8")).state,
            "green",
        );

        // A Region cell's job reads the sinks from the monitoring stack's outputs; it does not run it.
        assert.strictEqual(
            await run(["--cell", "fleet-alpha-eu-central-1"], { "stack output@fleet-monitoring": outputs }),
            ExitCode.success,
            err,
        );
        assert.deepStrictEqual(upStacks(), ["fleet-alpha-eu-central-1"]);
        assert.strictEqual(sinkOf("fleet-alpha-eu-central-1"), sinkArns["eu-central-1"]);

        // The gather job holds the organization view when its job left no result.
        fs.rmSync(path.join(results, "fleet-monitoring.json"));
        await run(["--gather", results]);
        assert.strictEqual(stateOf("fleet-monitoring"), "held");
    });

    it("reports a cell whose refresh finds changes as drifted, in the terminal, the Markdown summary and the JSON, and leaves --resume's view of the cells alone", async () => {
        assert.strictEqual(await run([]), ExitCode.success, err);
        const code = await run(["--drift"], {
            "refresh@fleet-bravo-us-east-1": [{ changes: { update: 2, delete: 1, same: 37 } }],
        });
        assert.strictEqual(code, ExitCode.success, out + err);
        assert.deepStrictEqual(upStacks(), [], "read-only");
        // refresh --preview-only, per cell: the stand-in answered the one cell with changes.
        const refreshes = fake.calls().filter(args => args[0] === "refresh");
        assert.strictEqual(refreshes.length, 9);
        assert.ok(refreshes.every(args => args.includes("--preview-only")));

        assert.strictEqual(stateOf("fleet-bravo-us-east-1"), "drifted");
        assert.deepStrictEqual(
            result().cells.find((c: { stack: string }) => c.stack === "fleet-bravo-us-east-1").changes,
            {
                update: 2,
                delete: 1,
                same: 37,
            },
        );
        assert.ok(
            result()
                .cells.filter((c: { stack: string }) => c.stack !== "fleet-bravo-us-east-1")
                .every((c: { state: string }) => c.state === "current"),
        );
        assert.match(out, /bravo \(222222222222\)\s+prod\s+✓ no drift\s+✓ no drift\s+⚠ drifted 0\+ 2~ 0± 1-/);
        assert.strictEqual(
            markdownRow("bravo"),
            "| bravo (222222222222) | prod | ✓ no drift | ✓ no drift | ⚠ drifted 0+ 2~ 0± 1- |",
        );
        assert.match(markdown(), /^9 cells: 8 current, 1 drifted$/m);
        const lines = journal().filter(l => l.stack === "fleet-bravo-us-east-1");
        assert.deepStrictEqual(
            lines.map(l => l.state),
            ["started", "green", "drifted"],
        );
        // A drift check deploys nothing: every cell is still current for --resume.
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.deepStrictEqual(upStacks(), []);
        assert.ok(result().cells.every((c: { state: string }) => c.state === "skipped"));
    });

    it("covers fleet-monitoring in --drift, read-only", async () => {
        const { outputs } = withOrganizationView();
        const code = await run(["--drift"], {
            "stack output@fleet-monitoring": outputs,
        });
        assert.strictEqual(code, ExitCode.success, out + err);
        assert.deepStrictEqual(upStacks(), []);
        assert.strictEqual(stateOf("fleet-monitoring"), "current");
        // Read-only: no cell waits for another (a drifted home Region holds none of its account's Regions).
        assert.ok(result().cells.every((c: { state: string }) => c.state === "current"));
        assert.ok(fake.calls().some(args => args[0] === "refresh" && args.includes("fleet-monitoring")));
    });

    it("keeps fleet-monitoring a known cell while the manifest has monitoring:, and orphans it with a destroy command in monitoring/ once the block is gone", async () => {
        const { outputs } = withOrganizationView();
        assert.strictEqual(await run([], { "stack output@fleet-monitoring": outputs }), ExitCode.success, err);
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.doesNotMatch(out, /orphaned/, "the organization view is the manifest's while it has monitoring:");
        assert.strictEqual(await run([], { "stack output@fleet-monitoring": outputs }), ExitCode.success, err);
        assert.doesNotMatch(out, /orphaned/);

        const monitoringFile = path.join(projectDir, "monitoring", "Pulumi.fleet-monitoring.yaml");
        fs.rmSync(monitoringFile);
        writeManifest(manifest);
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.ok(fs.existsSync(monitoringFile), "its stack file, written again from the journal, in monitoring/");
        const [line] = out.split("\n").filter(l => l.startsWith("orphaned:"));
        assert.match(line, /^orphaned: fleet-monitoring, the organization view, is no longer in fleet.yaml/);
        assert.doesNotMatch(out, /orphaned: fleet-alpha/);
        // Its links go first (OAM deletes no sink with links attached): every cell runs again without one.
        assert.strictEqual(upStacks().length, 9);
        assert.ok(!fake.calls().some(args => args[0] === "destroy"), "never destroyed by the rollout");
        for (const account of ["alpha", "bravo", "charlie"]) {
            assert.strictEqual(sinkOf(`fleet-${account}-us-east-1`), undefined, account);
        }

        // The printed command runs the driver in monitoring/, where the stack's file is.
        const command = /destroy it with: npm run driver -- (.+?) \(its stack file/.exec(line)![1];
        assert.strictEqual(command, "destroy --stack fleet-monitoring --monitoring");
        assert.match(
            line,
            /to remove the stack too, run pulumi -C monitoring stack rm --stack fleet-monitoring --yes after it$/,
        );
        assert.strictEqual(await drive(command.split(" ")), ExitCode.success, err);
        assert.deepStrictEqual(destroyedStacks(fake), ["fleet-monitoring"]);
        assert.strictEqual(journal().pop()!.state, "destroyed");
        assert.strictEqual(await run(["--resume"]), ExitCode.success, err);
        assert.doesNotMatch(out, /orphaned/, "destroyed, the organization view is reported no more");
        // Without --monitoring the driver looks in the baseline's project, where fleet-monitoring has no file.
        assert.strictEqual(await drive(["destroy", "--stack", "fleet-monitoring"]), ExitCode.configurationError);
        assert.match(err, /no stack file Pulumi.fleet-monitoring.yaml/);
    });

    it("refuses a monitoring account that is neither an account's name nor an id, with exit 2", async () => {
        writeManifest({ ...manifest, monitoring: { account: "observability", region: "eu-west-9" } });
        assert.strictEqual(await run([]), ExitCode.configurationError);
        assert.match(err, /fleet.yaml: monitoring.account: got "observability"; expected the monitoring account/);
        assert.match(
            err,
            /fleet.yaml: monitoring.region: got "eu-west-9"; expected the monitoring account's home Region/,
        );
        assert.deepStrictEqual(fake.calls(), []);
    });

    it("refuses a bad manifest with exit 2, naming the key and the expected form", async () => {
        writeManifest({ ...manifest, accounts: [{ id: 111111111111, name: "alpha", ring: "qa" }] });
        assert.strictEqual(await run([]), ExitCode.configurationError);
        assert.match(
            err,
            /fleet.yaml: accounts\[0\].id: got 111111111111; expected a 12-digit AWS account id in quotes/,
        );
        assert.match(err, /fleet.yaml: accounts\[0\].ring: got "qa"; expected one of the rings \(dev, prod\)/);
        assert.deepStrictEqual(fake.calls(), []);
    });
});

describe("the policy pack's install before the fan-out", () => {
    const pack = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-"));
        fs.writeFileSync(path.join(dir, "package.json"), "{}");
        fs.writeFileSync(path.join(dir, "package-lock.json"), "{}");
        return dir;
    };
    const install = (dir: string, at: Date) => {
        fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
        fs.writeFileSync(path.join(dir, "node_modules", ".package-lock.json"), "{}");
        fs.utimesSync(path.join(dir, "node_modules", ".package-lock.json"), at, at);
    };

    it("installs when the tree is missing or older than the lock file, and not when it is current", () => {
        const dir = pack();
        fs.utimesSync(path.join(dir, "package-lock.json"), new Date(2026, 0, 2), new Date(2026, 0, 2));
        assert.strictEqual(policyInstallNeeded(dir), true, "never installed");
        fs.mkdirSync(path.join(dir, "node_modules"));
        assert.strictEqual(policyInstallNeeded(dir), true, "a node_modules npm ci did not write");
        install(dir, new Date(2026, 0, 1));
        assert.strictEqual(policyInstallNeeded(dir), true, "the lock file changed since the install");
        install(dir, new Date(2026, 0, 3));
        assert.strictEqual(policyInstallNeeded(dir), false);
        fs.rmSync(path.join(dir, "package.json"));
        assert.strictEqual(policyInstallNeeded(dir), false, "no pack");
    });
});

describe("an orphan's commands", () => {
    it("name the file backend of a --local rollout, and no backend otherwise", () => {
        const backend = "file:///work/project/.pulumi-state";
        const local = orphanLine("fleet-charlie-us-east-1", "", backend);
        assert.match(local, /npm run driver -- destroy --stack fleet-charlie-us-east-1 --yes-i-understand --local\./);
        assert.match(
            local,
            /run PULUMI_BACKEND_URL=file:\/\/\/work\/project\/\.pulumi-state pulumi stack rm --stack fleet-charlie-us-east-1 --yes/,
        );
        const monitoring = orphanLine("fleet-monitoring", "", backend);
        assert.match(monitoring, /destroy --stack fleet-monitoring --monitoring --local\./);
        assert.match(
            monitoring,
            /PULUMI_BACKEND_URL=file:\/\/\/work\/project\/\.pulumi-state pulumi -C monitoring stack rm/,
        );
        const remote = orphanLine("fleet-charlie-us-east-1");
        assert.doesNotMatch(remote, /--local|PULUMI_BACKEND_URL/);
    });
});
