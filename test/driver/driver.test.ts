// The CI driver against a stand-in pulumi executable (pulumi-notes §5.5): the exact arguments it
// passes, its exit codes (CLI codes from pulumi-notes §5.4), lock retries and summaries.
import { PulumiCommand } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DriverDeps, main } from "../../driver/driver";
import { ExitCode } from "../../cli/exitCodes";
import { VerifyResult } from "../../driver/verify";
import { FakePulumi, FakeScript, stackHistory } from "../../harness/fakePulumi";
import { projectRoot } from "../support/program";

const lockedError = {
    code: 255,
    stderr: "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n",
};

describe("CI driver", function () {
    this.timeout(60000);
    let fake: FakePulumi;
    let pulumiCommand: PulumiCommand;
    let projectDir: string;
    let out: string;
    let err: string;
    let sleeps: number[];

    before(async () => {
        fake = new FakePulumi();
        pulumiCommand = await fake.command();
    });
    after(() => fake.remove());

    beforeEach(() => {
        // A project directory of its own, so the default file backend is created outside the checkout.
        projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "driver-project-"));
        for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
            fs.copyFileSync(path.join(projectRoot, file), path.join(projectDir, file));
        }
        out = "";
        err = "";
        sleeps = [];
    });
    afterEach(() => fs.rmSync(projectDir, { recursive: true, force: true }));

    function run(
        argv: string[],
        script: FakeScript,
        env: Record<string, string | undefined> = { PULUMI_CONFIG_PASSPHRASE: "test" },
        extra: Partial<DriverDeps> = {},
    ) {
        fake.script(script);
        return main(argv, {
            env,
            projectDir,
            findPulumi: async () => pulumiCommand,
            out: text => {
                out += text;
            },
            err: text => {
                err += text;
            },
            lockRetryDelaysMs: [10, 20, 40],
            sleep: async ms => {
                sleeps.push(ms);
            },
            ...extra,
        });
    }
    const commandCall = (name: string) => fake.calls().find(args => args[0] === name);

    it("previews with a refresh and the policy pack, streams output and summarises the changes", async () => {
        const code = await run(["preview", "--stack", "dev"], {
            preview: [{ stdout: "Previewing update (dev)\n", changes: { create: 3, same: 40 } }],
        });
        assert.strictEqual(code, ExitCode.success, err);
        const preview = commandCall("preview")!;
        assert.ok(preview.includes("--refresh"));
        assert.deepStrictEqual(preview.slice(preview.indexOf("--policy-pack"), preview.indexOf("--policy-pack") + 2), [
            "--policy-pack",
            path.join(projectDir, "policy"),
        ]);
        assert.deepStrictEqual(preview.slice(preview.indexOf("--stack"), preview.indexOf("--stack") + 2), [
            "--stack",
            "dev",
        ]);
        assert.ok(!preview.includes("--expect-no-changes"));
        assert.ok(out.includes("Previewing update (dev)"), "the CLI's output is streamed");
        assert.ok(out.endsWith("preview dev: 3 create, 40 same\n"), out);
    });

    it("uses the backend the CLI is logged in to, PULUMI_BACKEND_URL when set, and a file backend only with --local", async () => {
        await run(["preview", "--stack", "dev"], {}, {});
        assert.ok(
            fake.backends().length > 0 && fake.backends().every(backend => backend === null),
            "no backend imposed",
        );
        assert.ok(!fs.existsSync(path.join(projectDir, ".pulumi-state")), "no hidden file backend");

        await run(["preview", "--stack", "dev"], {}, { PULUMI_BACKEND_URL: "https://api.pulumi.com" });
        assert.ok(fake.backends().every(backend => backend === "https://api.pulumi.com"));

        await run(["preview", "--stack", "dev", "--local"], {});
        const local = `file://${path.join(projectDir, ".pulumi-state")}`;
        assert.ok(fake.backends().every(backend => backend === local));
        assert.ok(fs.statSync(path.join(projectDir, ".pulumi-state")).isDirectory());
    });

    it("has the CLI keep the secrets provider the state records when the stack file has no salt", async () => {
        // The committed stack files carry no encryptionsalt, and CI checks them out afresh each run:
        // without PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER the CLI would make a new salt each time
        // (pulumi/pulumi pkg/cmd/pulumi/stack/secrets.go GetSecretsManager, its last branch).
        for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
            assert.ok(!/^encryptionsalt:/m.test(fs.readFileSync(path.join(projectRoot, file), "utf8")), file);
        }
        const env = { PULUMI_BACKEND_URL: "s3://state-bucket/ssm-fleet-baseline", PULUMI_CONFIG_PASSPHRASE: "test" };
        assert.strictEqual(await run(["preview", "--stack", "dev"], {}, env), ExitCode.success, err);
        assert.strictEqual(await run(["up", "--stack", "prod"], {}, env), ExitCode.success, err);
        assert.ok(fake.calls().some(args => args[0] === "up"));
        assert.deepStrictEqual(
            [...new Set(fake.variables("PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER"))],
            ["true"],
            "every CLI run",
        );
    });

    it("selects the stack and never creates one", async () => {
        await run(["preview", "--stack", "dev"], {});
        assert.ok(fake.calls().some(args => args[0] === "stack" && args[1] === "select"));
        assert.ok(!fake.calls().some(args => args[0] === "stack" && args[1] === "init"));
        const code = await run(["up", "--stack", "prod"], {
            "stack select": [{ code: 255, stderr: "error: no stack named 'prod' found\n" }],
        });
        assert.strictEqual(code, ExitCode.configurationError);
        assert.match(
            err,
            /stack prod does not exist on the backend you are logged in to: create it with pulumi stack init prod/,
        );
        assert.ok(!fake.calls().some(args => args[0] === "stack" && args[1] === "init"));
        assert.ok(!out.includes("up prod:"), "no summary for an operation that never ran");
    });

    it("exits 2 on a stack with no Pulumi.<stack>.yaml, listing the stacks, before any CLI call", async () => {
        assert.strictEqual(await run(["preview", "--stack", "nope"], {}), ExitCode.configurationError);
        assert.match(
            err,
            /no stack file Pulumi\.nope\.yaml in .*; stacks here: dev, prod\. The driver never creates a stack/,
        );
        assert.deepStrictEqual(fake.calls(), []);
    });

    it("prints its usage for --help and exits 0", async () => {
        assert.strictEqual(await run(["--help"], {}), ExitCode.success);
        assert.match(out, /^usage: npm run driver -- <command> --stack <name>/);
        assert.strictEqual(await run(["preview", "-h"], {}), ExitCode.success);
        assert.deepStrictEqual(fake.calls(), []);
    });

    it("says in one line that the Pulumi CLI is missing, exits 2, and prints no summary", async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
        try {
            const code = await run(["preview", "--stack", "dev"], {}, undefined, {
                findPulumi: () => PulumiCommand.get({ root: empty }),
            });
            assert.strictEqual(code, ExitCode.configurationError);
            assert.strictEqual(err.trim().split("\n").length, 1, err);
            assert.match(
                err,
                /^The Pulumi CLI is not installed or not on PATH .*install it from https:\/\/www\.pulumi\.com\/docs\/iac\/download-install\/, or plan offline with npm run plan -- --stack dev/,
            );
            assert.strictEqual(out, "");
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });

    it("writes the summary as Markdown to GITHUB_STEP_SUMMARY", async () => {
        const summary = path.join(projectDir, "summary.md");
        await run(
            ["up", "--stack", "prod"],
            {
                up: [{ changes: { update: 2, same: 10 } }],
                "stack history": [{ stdout: stackHistory({ update: 2, same: 10 }) }],
            },
            { PULUMI_CONFIG_PASSPHRASE: "test", GITHUB_STEP_SUMMARY: summary },
        );
        const markdown = fs.readFileSync(summary, "utf8");
        assert.ok(markdown.includes("`up` on `prod`"));
        assert.ok(markdown.includes("Outcome: **success**"));
        assert.ok(markdown.includes("| update | 2 |") && markdown.includes("| same | 10 |"), markdown);
    });

    it("exits 3 when changes are pending and none were expected", async () => {
        const noChanges = await run(["preview", "--stack", "prod", "--expect-no-changes"], {
            preview: [{ changes: { same: 40 } }],
        });
        assert.strictEqual(noChanges, ExitCode.success);
        assert.ok(commandCall("preview")!.includes("--expect-no-changes"));
        const cliSaysSo = await run(["preview", "--stack", "prod", "--expect-no-changes"], {
            preview: [
                {
                    code: 7,
                    stderr: "error: no changes were expected but changes were proposed\n",
                    changes: { update: 1 },
                },
            ],
        });
        assert.strictEqual(cliSaysSo, ExitCode.changesPending);
        const olderCli = await run(["preview", "--stack", "prod", "--expect-no-changes"], {
            preview: [{ code: 255, stderr: "error: no changes were expected but changes were proposed\n" }],
        });
        assert.strictEqual(olderCli, ExitCode.changesPending);
    });

    it("exits 4 on a mandatory policy violation", async () => {
        assert.strictEqual(
            await run(["up", "--stack", "dev"], { up: [{ code: 5, stderr: "error: update failed\n" }] }),
            ExitCode.policyViolation,
        );
        assert.strictEqual(
            await run(["preview", "--stack", "dev"], {
                preview: [
                    {
                        code: 255,
                        stdout: "Policies:\n    ssm-fleet-baseline@v0.1.0\n        - [mandatory]  dhmc-imdsv2-required\n",
                    },
                ],
            }),
            ExitCode.policyViolation,
        );
    });

    it("exits 2 on a configuration error from the program or the CLI", async () => {
        assert.strictEqual(
            await run(["preview", "--stack", "dev"], {
                preview: [
                    { code: 255, stderr: 'Invalid stack configuration:\n  - ssm-fleet-baseline:vpcCidr: got "x"\n' },
                ],
            }),
            ExitCode.configurationError,
        );
        assert.strictEqual(
            await run(["preview", "--stack", "dev"], { preview: [{ code: 2 }] }),
            ExitCode.configurationError,
        );
        assert.strictEqual(
            await run(["preview", "--stack", "dev"], { preview: [{ code: 1, stderr: "error: something else\n" }] }),
            ExitCode.failure,
        );
    });

    it("retries a locked stack with bounded backoff, never cancelling the lock", async () => {
        const code = await run(["up", "--stack", "dev"], {
            up: [lockedError, lockedError, { changes: { same: 1 } }],
            "stack history": [{ stdout: stackHistory({ same: 1 }) }],
        });
        assert.strictEqual(code, ExitCode.success, err);
        assert.deepStrictEqual(sleeps, [10, 20]);
        assert.strictEqual(fake.calls().filter(args => args[0] === "up").length, 3);
        assert.ok(err.includes("stack dev is locked by another update; retrying"));

        const locked = await run(["up", "--stack", "dev"], { up: [lockedError] });
        assert.strictEqual(locked, ExitCode.stackLocked);
        assert.deepStrictEqual(sleeps.slice(2), [10, 20, 40]);
        assert.strictEqual(fake.calls().filter(args => args[0] === "up").length, 4);
        assert.ok(!fake.calls().some(args => args[0] === "cancel"));
    });

    it("fails before running anything when a file or cloud-storage backend has no passphrase", async () => {
        assert.strictEqual(await run(["up", "--stack", "dev", "--local"], {}, {}), ExitCode.configurationError);
        assert.match(err, /set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE: the file backend/);
        assert.deepStrictEqual(fake.calls(), []);
        assert.strictEqual(
            await run(["up", "--stack", "dev"], {}, { PULUMI_BACKEND_URL: "s3://state-bucket" }),
            ExitCode.configurationError,
        );
        assert.match(err, /set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/);
        assert.deepStrictEqual(fake.calls(), []);
        assert.strictEqual(
            await run(
                ["up", "--stack", "dev"],
                {},
                { PULUMI_CONFIG_PASSPHRASE_FILE: path.join(projectDir, "missing") },
            ),
            ExitCode.configurationError,
        );
        assert.match(err, /PULUMI_CONFIG_PASSPHRASE_FILE names .*missing, which does not exist/);
        assert.deepStrictEqual(fake.calls(), []);
    });

    it("rejects unknown commands and options with the usage text", async () => {
        assert.strictEqual(await run(["preview", "--stack", "dev", "--force"], {}), ExitCode.configurationError);
        assert.match(err, /unknown option --force[\s\S]*exit codes:/);
        assert.strictEqual(await run(["preview", "--stack", "dev", "--verify"], {}), ExitCode.configurationError);
        assert.match(err, /unknown option --verify for preview/);
        assert.strictEqual(await run(["up", "--stack", "../dev"], {}), ExitCode.configurationError);
        assert.match(err, /--stack "..\/dev": expected a stack name/);
        assert.strictEqual(await run(["up"], {}), ExitCode.configurationError);
        assert.match(err, /--stack <name> is required/);
        assert.deepStrictEqual(fake.calls(), []);
    });

    it("refuses to destroy a stack that owns the DHMC setting unless told --yes-i-understand", async () => {
        const outputs = {
            stdout: JSON.stringify({
                dhmcSettingValue: "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
            }),
        };
        assert.strictEqual(
            await run(["destroy", "--stack", "prod"], { "stack output": [outputs] }),
            ExitCode.configurationError,
        );
        assert.match(
            err,
            /Refusing to destroy prod: it owns region-wide settings[\s\S]*does not undo the region-wide settings/,
        );
        assert.strictEqual(commandCall("destroy"), undefined);
        const code = await run(["destroy", "--stack", "prod", "--yes-i-understand"], {
            "stack output": [outputs],
            destroy: [{ changes: { delete: 50 } }],
            "stack history": [{ stdout: stackHistory({ delete: 50 }) }],
        });
        assert.strictEqual(code, ExitCode.success, err);
        assert.ok(commandCall("destroy"));
        assert.ok(out.endsWith("destroy prod: 50 delete\n"));
    });

    it("refuses as well for a stack owning only the Session Manager preferences or the hybrid tier, and names them", async () => {
        for (const owned of [
            { sessionPreferencesDocument: "SSM-SessionManagerRunShell" },
            { hybridInstanceTier: "advanced" },
        ]) {
            const outputs = { stdout: JSON.stringify(owned) };
            assert.strictEqual(
                await run(["destroy", "--stack", "dev"], { "stack output": [outputs] }),
                ExitCode.configurationError,
            );
            assert.match(
                err,
                /the Session Manager preferences document SSM-SessionManagerRunShell and\nthe hybrid instance tier stay in place/,
            );
            assert.match(err, /aws ssm delete-document --name SSM-SessionManagerRunShell/);
            assert.strictEqual(commandCall("destroy"), undefined);
        }
    });

    it("prints outputs with secrets masked", async () => {
        const code = await run(["outputs", "--stack", "dev"], {
            "stack output": [
                { stdout: JSON.stringify({ vpcId: "vpc-1", token: "[secret]" }) },
                { stdout: JSON.stringify({ vpcId: "vpc-1", token: "s3cr3t" }) },
            ],
        });
        assert.strictEqual(code, ExitCode.success);
        assert.deepStrictEqual(JSON.parse(out), { vpcId: "vpc-1", token: "[secret]" });
    });

    describe("up --verify", () => {
        const topicArn = "arn:aws:sns:eu-west-1:123456789012:ssm-notify-topic-1234567";
        const canaryOutputs = {
            stdout: JSON.stringify({ canaryInstanceId: "i-0123456789abcdef0", notificationTopicArn: topicArn }),
        };
        const script: FakeScript = {
            up: [{ changes: { create: 1 } }],
            "stack output": [canaryOutputs],
            "stack history": [{ stdout: stackHistory({ create: 1 }) }],
            "config get": [{ stdout: JSON.stringify({ value: "eu-west-1", secret: false }) }],
        };
        const verifier =
            (result: VerifyResult, seen: unknown[]) =>
            async (...args: unknown[]) => {
                seen.push(args);
                return result;
            };
        /** Pulumi.dev.yaml's one address, confirmed. */
        const confirmed = async () => [
            { SubscriptionArn: `${topicArn}:1`, Protocol: "email", Endpoint: "platform-ops@example.com" },
        ];

        it("verifies the canary in the stack's region and reports success", async () => {
            const seen: unknown[] = [];
            const code = await run(
                ["up", "--stack", "dev", "--verify", "--verify-timeout-minutes", "5"],
                script,
                undefined,
                { verify: verifier({ ok: true, message: "canary is managed" }, seen), listSubscriptions: confirmed },
            );
            assert.strictEqual(code, ExitCode.success, err);
            assert.deepStrictEqual(seen, [["i-0123456789abcdef0", "eu-west-1", 300_000]]);
            assert.ok(out.includes("canary is managed"));
        });

        it("exits 6 when verification fails or the stack has no canary", async () => {
            const failed = await run(["up", "--stack", "dev", "--verify"], script, undefined, {
                verify: verifier({ ok: false, message: "never Online" }, []),
                listSubscriptions: confirmed,
            });
            assert.strictEqual(failed, ExitCode.verificationFailed);
            assert.ok(err.includes("never Online"));
            const noCanary = await run(
                ["up", "--stack", "prod", "--verify"],
                { ...script, "stack output": [{ stdout: "{}" }] },
                undefined,
                { verify: verifier({ ok: true, message: "" }, []), listSubscriptions: confirmed },
            );
            assert.strictEqual(noCanary, ExitCode.verificationFailed);
            assert.match(err, /--verify needs a canary: set ssm-fleet-baseline:canary to true/);
        });

        it("reports each notification address's subscription in its output and job summary, and exits 6 when one is missing (issue 19, 3)", async () => {
            const summary = path.join(projectDir, "summary.md");
            const asked: unknown[] = [];
            const pendingOnly = async (...args: unknown[]) => {
                asked.push(args);
                return [
                    { SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: "platform-ops@example.com" },
                ];
            };
            const env = { PULUMI_CONFIG_PASSPHRASE: "test", GITHUB_STEP_SUMMARY: summary };
            const verify = verifier({ ok: true, message: "canary is managed" }, []);
            const pending = await run(["up", "--stack", "dev", "--verify"], script, env, {
                verify,
                listSubscriptions: pendingOnly,
            });
            assert.strictEqual(pending, ExitCode.success, err);
            assert.deepStrictEqual(asked, [[topicArn, "eu-west-1"]]);
            assert.match(out, /platform-ops@example\.com: pending confirmation/);
            assert.match(fs.readFileSync(summary, "utf8"), /- platform-ops@example\.com: pending confirmation/);

            const gone = await run(["up", "--stack", "dev", "--verify"], script, env, {
                verify,
                listSubscriptions: async () => [],
            });
            assert.strictEqual(gone, ExitCode.verificationFailed);
            assert.match(err, /platform-ops@example\.com: missing \(no subscription on the topic/);
            assert.match(fs.readFileSync(summary, "utf8"), /- platform-ops@example\.com: missing/);
        });
    });
});
