import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ExitCode } from "../../cli/exitCodes";
import { monitoringProjectName } from "../../config";
import { linkedCell, readFleet } from "../../driver/fleet";
import { readProjectFile } from "../../harness/engineConfig";
import { hoursPerMonth } from "../../plan/cost";
import { main } from "../../plan/plan";
import { policies } from "../../policy/policies";
import { exampleFleetText, writeExampleFleet } from "../support/exampleFleet";
import { projectRoot } from "../support/program";
const { transpile, outDir } = require("../../tools/transpile") as { transpile(): void; outDir: string };

const planScript = path.join(projectRoot, "plan", "plan.ts");
const compiledPlan = path.join(outDir, "plan", "plan.js");
const violatingProgram = path.join(projectRoot, "test", "fixtures", "violating-program", "index.ts");
const tsNode = require.resolve("ts-node/dist/bin");
const tsNodeRegister = require.resolve("ts-node/register/transpile-only");

/**
 * Runs the plan in its own process as `npm run plan` does: the JavaScript tools/transpile.js
 * compiled, loading TypeScript given with --program through ts-node; or, with "ts-node", from
 * plan.ts itself.
 */
function spawnPlan(
    args: string[],
    from: "compiled" | "ts-node" = "compiled",
): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const loadsTypeScript = args.some(arg => arg.endsWith(".ts"));
    const command =
        from === "ts-node"
            ? [tsNode, "--transpile-only", planScript]
            : [...(loadsTypeScript ? ["-r", tsNodeRegister] : []), compiledPlan];
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [...command, ...args], { cwd: projectRoot });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", chunk => {
            stdout += chunk;
        });
        child.stderr.on("data", chunk => {
            stderr += chunk;
        });
        child.on("error", reject);
        child.on("close", status => resolve({ status, stdout, stderr }));
    });
}

/** Runs main() in this process, capturing what it writes. */
async function runPlan(args: string[]) {
    let stdout = "";
    let stderr = "";
    const status = await main(args, {
        out: text => {
            stdout += text;
        },
        err: text => {
            stderr += text;
        },
    });
    return { status, stdout, stderr };
}

/** Checks the fields the issue fixes for the --json document; returns it. */
function assertPlanDocument(stdout: string, stack: string): any {
    const doc = JSON.parse(stdout);
    assert.strictEqual(doc.stack, stack);
    assert.ok(doc.resources.length > 0);
    for (const r of doc.resources) {
        assert.deepStrictEqual(
            ["urn", "type", "name", "parent", "inputs"].filter(key => !(key in r)),
            [],
            JSON.stringify(r).slice(0, 200),
        );
    }
    assert.ok(Array.isArray(doc.policy.violations));
    for (const v of doc.policy.violations) {
        assert.deepStrictEqual(
            ["policy", "level", "urn", "message"].filter(key => !(key in v)),
            [],
        );
    }
    assert.strictEqual(typeof doc.cost.monthlyUsd, "number");
    for (const line of doc.cost.lines) {
        assert.deepStrictEqual(
            ["item", "quantity", "unitUsd", "monthlyUsd"].filter(
                key => typeof line[key] !== (key === "item" ? "string" : "number"),
            ),
            [],
        );
    }
    return doc;
}

const interfaceLine = (doc: any) => doc.cost.lines.find((line: any) => line.item.startsWith("Interface VPC endpoints"));

describe("offline plan (npm run plan)", () => {
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
        transpile();
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("plans dev as exactly one JSON document on stdout and exits 0: 4 interface endpoints × 1 AZ", async () => {
        const { status, stdout, stderr } = await spawnPlan(["--stack", "dev", "--json"]);
        assert.strictEqual(status, 0, stderr);
        const doc = assertPlanDocument(stdout, "dev");
        assert.deepStrictEqual(doc.policy.violations, []);
        assert.deepStrictEqual(
            [interfaceLine(doc).quantity, interfaceLine(doc).unitUsd, interfaceLine(doc).monthlyUsd],
            [4 * 1 * hoursPerMonth, 0.01, 29.2],
        );
        assert.strictEqual(doc.cost.monthlyUsd, 50.24);
        assert.ok(
            doc.cost.notes.includes(
                "The total is the stack at rest: free tiers are not deducted (they are shared by the whole account), and usage is extra: endpoint data processed ($0.01/GB), KMS requests ($0.03 per 10,000), e-mails and dead letters.",
            ),
        );
        // As many stand-in zones as eu-west-1 has (aws/regions.ts): config accepts no Region it cannot count.
        assert.deepStrictEqual(doc.standInZones, { count: 3 });
        // The Lambda's archive is rendered as its files' text, not as unresolved promises.
        const handler = doc.resources.find((r: any) => r.type === "aws:lambda/function:Function");
        assert.match(handler.inputs.code.assets["__index.js"].text, /exports\.handler/);
    });

    it("plans prod with no mandatory violation and exits 0: 5 interface endpoints × 3 AZs", async () => {
        const { status, stdout, stderr } = await runPlan(["--stack", "prod", "--json"]);
        assert.strictEqual(status, ExitCode.success, stderr);
        const doc = assertPlanDocument(stdout, "prod");
        assert.deepStrictEqual(
            doc.policy.violations.filter((v: any) => v.level === "mandatory"),
            [],
        );
        assert.deepStrictEqual(
            [interfaceLine(doc).quantity, interfaceLine(doc).monthlyUsd],
            [5 * 3 * hoursPerMonth, 109.5],
        );
        assert.strictEqual(doc.cost.monthlyUsd, 126.83);
    });

    it("prints a readable report by default: tree, counts, verdicts, cost", async () => {
        const { status, stdout } = await runPlan(["--stack", "dev"]);
        assert.strictEqual(status, ExitCode.success);
        assert.match(stdout, /^Plan of stack dev \(eu-west-1\): \d+ resources, \d+ components\n/);
        assert.match(
            stdout,
            /\n {2}ssm-fleet-baseline:index:SsmEndpoints +ssm-endpoints\n(?: {4}.*\n)* {4}aws:ec2:VpcEndpoint +ssm-endpoints-ssm\n/,
        );
        assert.match(stdout, /\n +5 {2}aws:ec2:VpcEndpoint\n/);
        assert.match(stdout, /\n {2}no violations\n/);
        assert.match(stdout, /\n {2}Total +\$50\.24\n/);
        assert.match(stdout, /us-east-1 list prices; prices in eu-west-1 may differ/);
    });

    it("fails on a mandatory violation, naming the policy and the resource", async () => {
        const { status, stdout, stderr } = await spawnPlan(["--stack", "dev", "--json", "--program", violatingProgram]);
        assert.strictEqual(status, ExitCode.policyViolation, stderr);
        const [violation, ...others] = assertPlanDocument(stdout, "dev").policy.violations;
        assert.deepStrictEqual(others, []);
        assert.strictEqual(violation.policy, "encrypted-topics-and-queues");
        assert.strictEqual(violation.level, "mandatory");
        assert.match(violation.urn, /aws:sns\/topic:Topic::unencrypted-topic$/);
        assert.match(
            stderr,
            /plan failed: 1 mandatory policy violation\n {2}- encrypted-topics-and-queues: aws:sns:Topic unencrypted-topic: SNS topic unencrypted-topic is not encrypted/,
        );
    });

    it("takes a policy pack config: a mandatory policy made advisory is reported but passes", async () => {
        const config = path.join(tmp, "advisory.json");
        fs.writeFileSync(config, JSON.stringify({ "encrypted-topics-and-queues": "advisory" }));
        const { status, stdout, stderr } = await runPlan([
            "--stack",
            "dev",
            "--program",
            violatingProgram,
            "--policy-config",
            config,
        ]);
        assert.strictEqual(status, ExitCode.success, stderr);
        assert.match(stdout, /\n {2}advisory {3}encrypted-topics-and-queues {2}aws:sns:Topic unencrypted-topic\n/);
    });

    it('applies the pack config\'s "all" level to every policy without its own entry', async () => {
        const config = path.join(tmp, "all.json");
        fs.writeFileSync(config, JSON.stringify({ all: "advisory", "no-ssh-rdp-ingress": "mandatory" }));
        const { status, stdout } = await runPlan([
            "--stack",
            "dev",
            "--json",
            "--program",
            violatingProgram,
            "--policy-config",
            config,
        ]);
        assert.strictEqual(status, ExitCode.success);
        assert.deepStrictEqual(
            JSON.parse(stdout).policy.violations.map((v: any) => [v.policy, v.level]),
            [["encrypted-topics-and-queues", "advisory"]],
        );
    });

    it("rejects a policy config with an unknown enforcement level", async () => {
        const config = path.join(tmp, "bad-level.json");
        fs.writeFileSync(config, JSON.stringify({ "encrypted-topics-and-queues": "strict" }));
        const { status, stdout, stderr } = await runPlan(["--stack", "dev", "--policy-config", config]);
        assert.strictEqual(status, ExitCode.configurationError);
        assert.strictEqual(stdout, "");
        assert.match(
            stderr,
            /encrypted-topics-and-queues: got enforcementLevel "strict"; expected advisory, mandatory, remediate, disabled/,
        );
    });

    it("exits 2 on invalid stack configuration, naming every bad key", async () => {
        fs.writeFileSync(
            path.join(tmp, "Pulumi.bad.yaml"),
            [
                "config:",
                "  aws:region: eu-west-1",
                "  ssm-fleet-baseline:notificationEmails:",
                "    - ops@example.com",
                "  ssm-fleet-baseline:vpcCidr: 10.42.0.0/33",
                "  ssm-fleet-baseline:agentUpdateSchedule: rate(5 minutes)",
                "",
            ].join("\n"),
        );
        const { status, stdout, stderr } = await runPlan(["--stack", "bad", "--stack-dir", tmp, "--json"]);
        assert.strictEqual(status, ExitCode.configurationError);
        assert.strictEqual(stdout, "");
        assert.match(stderr, /Pulumi\.bad\.yaml: Invalid stack configuration:/);
        assert.match(stderr, /ssm-fleet-baseline:vpcCidr: got "10\.42\.0\.0\/33"/);
        assert.match(stderr, /ssm-fleet-baseline:agentUpdateSchedule: got "rate\(5 minutes\)"/);
    });

    it("exits 2 without a stack trace, naming availabilityZoneCount, when the Region has fewer zones", async () => {
        // eu-west-3 has three zones: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html
        fs.writeFileSync(
            path.join(tmp, "Pulumi.zones.yaml"),
            fs
                .readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8")
                .replace("aws:region: eu-west-1", "aws:region: eu-west-3")
                .replace("availabilityZoneCount: 1", "availabilityZoneCount: 6"),
        );
        const { status, stdout, stderr } = await spawnPlan(["--stack", "zones", "--stack-dir", tmp]);
        assert.strictEqual(status, ExitCode.configurationError, stderr);
        assert.strictEqual(stdout, "");
        assert.match(
            stderr,
            /ssm-fleet-baseline:availabilityZoneCount: got 6; expected at most 3: eu-west-3 has 3 Availability Zones/,
        );
        assert.doesNotMatch(stderr, /^\s+at /m);
    });

    it("prints the same document from the compiled JavaScript that npm run plan runs as from the TypeScript", async () => {
        const node = (args: string[]) =>
            new Promise<{ status: number | null; stdout: string }>((resolve, reject) => {
                const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ["ignore", "pipe", "ignore"] });
                let stdout = "";
                child.stdout.on("data", chunk => {
                    stdout += chunk;
                });
                child.on("error", reject);
                child.on("close", status => resolve({ status, stdout }));
            });
        assert.strictEqual((await node([path.join("tools", "transpile.js")])).status, 0);
        const compiled = await node([path.join(".build", "plan", "plan.js"), "--stack", "dev", "--json"]);
        const typescript = await spawnPlan(["--stack", "dev", "--json"], "ts-node");
        assert.strictEqual(compiled.status, 0);
        assert.strictEqual(compiled.stdout, typescript.stdout);
    });

    it("writes the report to --out instead of stdout", async () => {
        const file = path.join(tmp, "plan.json");
        const { status, stdout, stderr } = await runPlan(["--stack", "dev", "--json", "--out", file]);
        assert.strictEqual(status, ExitCode.success, stderr);
        assert.strictEqual(stdout, "");
        assertPlanDocument(fs.readFileSync(file, "utf8"), "dev");
    });

    it("exits 2 on a missing stack file, naming the file and the stacks there", async () => {
        const { status, stderr } = await runPlan(["--stack", "staging"]);
        assert.strictEqual(status, ExitCode.configurationError);
        assert.match(stderr, /^plan: no stack file .*Pulumi\.staging\.yaml; stacks there: .*\bdev\b.*\bprod\b/);
    });

    it("exits 2 with the usage on an unknown flag, a missing --stack or a path as the stack", async () => {
        for (const args of [["--stack", "dev", "--verbose"], ["--json"], ["--stack", "../dev"]]) {
            const { status, stdout, stderr } = await runPlan(args);
            assert.strictEqual(status, ExitCode.configurationError, args.join(" "));
            assert.strictEqual(stdout, "");
            assert.match(stderr, /^plan: /, args.join(" "));
        }
        assert.match(
            (await runPlan(["--stack", "dev", "--verbose"])).stderr,
            /unknown option --verbose[\s\S]*Usage: npm run plan/,
        );
        assert.match(
            (await runPlan(["--json"])).stderr,
            /--stack <name> or --monitoring is required[\s\S]*Exit codes:/,
        );
    });

    describe("--monitoring: the organization view's stack, derived from the fleet manifest", () => {
        let fleet: string;
        let cells: number;
        let regions: number;
        before(() => {
            fleet = writeExampleFleet(tmp);
            const read = readFleet(fleet, readProjectFile(path.join(projectRoot, "Pulumi.yaml")));
            cells = read.cells.length;
            regions = new Set(read.cells.map(c => c.region)).size;
        });

        it("runs as npm run plan does and prints a sink per Region, a composite alarm per cell and their cost", async () => {
            const { status, stdout, stderr } = await spawnPlan(["--monitoring", "--fleet", fleet]);
            assert.strictEqual(status, ExitCode.success, stderr);
            assert.match(stdout, /^Plan of stack fleet-monitoring \(eu-west-1\): \d+ resources, 1 component\n/);
            assert.match(stdout, /\n {2}ssm-fleet-baseline:index:OrganizationView +organization\n/);
            const count = (type: string) => Number(new RegExp(`\\n +(\\d+) {2}${type}\\n`).exec(stdout)?.[1]);
            assert.deepStrictEqual(
                [count("aws:oam:Sink"), count("aws:oam:SinkPolicy"), count("aws:cloudwatch:CompositeAlarm")],
                [regions, regions, cells],
            );
            assert.strictEqual(count("aws:cloudwatch:Dashboard"), 1);
            // At least three Metrics Insights alarms per cell; every metric alarm is priced, as one or as a standard alarm.
            const alarms = count("aws:cloudwatch:MetricAlarm");
            const priced = (item: string) =>
                Number(new RegExp(`\\n {2}CloudWatch ${item} \\((\\d+)[,)]`).exec(stdout)?.[1] ?? 0);
            assert.ok(priced("Metrics Insights alarms") >= 3 * cells, `Metrics Insights alarms for ${cells} cells`);
            assert.strictEqual(priced("Metrics Insights alarms") + priced("alarms"), alarms);
            assert.match(
                stdout,
                new RegExp(
                    `\\n {2}CloudWatch composite alarms \\(${cells}\\) +${cells} +alarm-month +\\$0\\.50 +\\$${(cells * 0.5).toFixed(2)}\\n`,
                ),
            );
            assert.match(stdout, /\nPolicies \(\d+ evaluated\)\n {2}no violations\n/);
            assert.match(stdout, /\n {2}Total +\$\d+\.\d\d\n/);
            // The usage note that fits the stack: no endpoint, key, topic or queue here.
            assert.match(
                stdout,
                /\n {2}The total is the stack at rest: .*usage is extra: metrics the Metrics Insights alarms analyse beyond those assumed/,
            );
            assert.doesNotMatch(stdout, /endpoint data|KMS requests|e-mails|dead letters/);
        });

        it("prints the region plan's JSON document, the stack's URNs in the monitoring project", async () => {
            const { status, stdout, stderr } = await runPlan(["--monitoring", "--fleet", fleet, "--json"]);
            assert.strictEqual(status, ExitCode.success, stderr);
            const doc = assertPlanDocument(stdout, "fleet-monitoring");
            assert.strictEqual(doc.region, "eu-west-1");
            assert.ok(doc.resources.every((r: any) => r.urn.includes(`::${monitoringProjectName}::`)));
            assert.strictEqual(
                doc.cost.lines.find((l: any) => l.item.startsWith("CloudWatch dashboards")).monthlyUsd,
                3,
            );
        });

        it("exits 2 on a manifest too large for the organization view's one dashboard, before building anything", async () => {
            const big = path.join(tmp, "too-many-cells.yaml");
            const accounts = Array.from(
                { length: 251 },
                (_, i) => `{id: "${String(100000000000 + i)}", name: a${i}, ring: dev}`,
            );
            fs.writeFileSync(
                big,
                [
                    "rings: [dev]",
                    "regions: [eu-west-1]",
                    "access: {roleName: deployer}",
                    `accounts: [${accounts.join(", ")}]`,
                    "monitoring: {account: a0, region: eu-west-1}",
                ].join("\n"),
            );
            const { status, stdout, stderr } = await runPlan(["--monitoring", "--fleet", big]);
            assert.strictEqual(status, ExitCode.configurationError, stderr);
            assert.strictEqual(stdout, "");
            assert.match(
                stderr,
                /too-many-cells.yaml: monitoring: .*the manifest has 251 cells \(502 widgets\): split it into manifests of at most 250 cells/,
            );
        });

        it("evaluates the policy pack as the region plan does: a mandatory violation exits 4 naming it; --policy-config applies", async () => {
            const failing = await runPlan(["--monitoring", "--fleet", fleet, "--program", violatingProgram]);
            assert.strictEqual(failing.status, ExitCode.policyViolation, failing.stderr);
            assert.match(
                failing.stdout,
                new RegExp(
                    `\\nPolicies \\(${policies.length} evaluated\\)\\n {2}mandatory {2}encrypted-topics-and-queues {2}aws:sns:Topic unencrypted-topic\\n`,
                ),
            );
            assert.match(
                failing.stderr,
                /plan failed: 1 mandatory policy violation\n {2}- encrypted-topics-and-queues: aws:sns:Topic unencrypted-topic: /,
            );
            const config = path.join(tmp, "monitoring-advisory.json");
            fs.writeFileSync(config, JSON.stringify({ "encrypted-topics-and-queues": "advisory" }));
            const advisory = await runPlan([
                "--monitoring",
                "--fleet",
                fleet,
                "--program",
                violatingProgram,
                "--policy-config",
                config,
            ]);
            assert.strictEqual(advisory.status, ExitCode.success, advisory.stderr);
            assert.match(
                advisory.stdout,
                /\n {2}advisory {3}encrypted-topics-and-queues {2}aws:sns:Topic unencrypted-topic\n/,
            );
        });

        it("with the monitoring account one of the fleet's, admits only the other accounts, and the rollout links none of its own cells", async () => {
            const own = path.join(tmp, "own-cells-fleet.yaml");
            fs.writeFileSync(own, exampleFleetText({ account: "sandbox", region: "eu-west-1" }));
            const project = readProjectFile(path.join(projectRoot, "Pulumi.yaml"));
            const { manifest, cells: fleetCells } = readFleet(own, project);
            const monitoringAccount = manifest.accounts.find(a => a.name === "sandbox")!.id;
            assert.strictEqual(manifest.monitoring?.accountId, monitoringAccount);
            assert.ok(
                fleetCells.some(c => c.account.id === monitoringAccount),
                "the monitoring account has cells",
            );
            const { status, stdout, stderr } = await runPlan(["--monitoring", "--fleet", own, "--json"]);
            assert.strictEqual(status, ExitCode.success, stderr);
            const doc = assertPlanDocument(stdout, "fleet-monitoring");
            const sinkPolicies = doc.resources.filter((r: any) => r.type === "aws:oam/sinkPolicy:SinkPolicy");
            assert.ok(sinkPolicies.length > 0);
            const others = manifest.accounts.map(a => a.id).filter(id => id !== monitoringAccount);
            for (const policy of sinkPolicies) {
                assert.deepStrictEqual(JSON.parse(policy.inputs.policy).Statement[0].Principal.AWS, others.sort());
            }
            // Its own cells are still drawn and alarmed: their metrics are already in the account.
            assert.strictEqual(
                doc.resources.filter((r: any) => r.type === "aws:cloudwatch/compositeAlarm:CompositeAlarm").length,
                fleetCells.length,
            );
            for (const cell of fleetCells) {
                const sinkArn = `arn:aws:oam:${cell.region}:${monitoringAccount}:sink/a1b2c3d4-${cell.region}`;
                const link = linkedCell(cell, sinkArn, project).stackSettings["ssm-fleet-baseline:monitoringSinkArn"];
                assert.strictEqual(link, cell.account.id === monitoringAccount ? undefined : sinkArn, cell.stack);
            }
        });

        it("exits 2 naming the monitoring: key when the manifest has none", async () => {
            const bare = path.join(tmp, "bare-fleet.yaml");
            fs.writeFileSync(bare, fs.readFileSync(fleet, "utf8").replace(/^monitoring:.*$/m, ""));
            const { status, stdout, stderr } = await spawnPlan(["--monitoring", "--fleet", bare]);
            assert.strictEqual(status, ExitCode.configurationError, stderr);
            assert.strictEqual(stdout, "");
            assert.match(
                stderr,
                /^plan: --monitoring: .*bare-fleet\.yaml has no monitoring: key, so there is no organization view to plan; add monitoring: \{account: <an account's name, or a 12-digit id>, region: <its home Region>\}\n$/,
            );
        });

        it("exits 2 naming the manifest's bad keys, and on flags that belong to a region stack", async () => {
            const bad = path.join(tmp, "bad-monitoring.yaml");
            fs.writeFileSync(bad, fs.readFileSync(fleet, "utf8").replace("region: eu-west-1}", "region: eu-west-9}"));
            const invalid = await runPlan(["--monitoring", "--fleet", bad]);
            assert.strictEqual(invalid.status, ExitCode.configurationError);
            assert.match(invalid.stderr, /bad-monitoring\.yaml: monitoring\.region: got "eu-west-9"/);
            // The cells are all in the aws partition; a monitoring account outside it could link none of them.
            fs.writeFileSync(bad, fs.readFileSync(fleet, "utf8").replace("region: eu-west-1}", "region: cn-north-1}"));
            const otherPartition = await runPlan(["--monitoring", "--fleet", bad]);
            assert.strictEqual(otherPartition.status, ExitCode.configurationError);
            assert.match(
                otherPartition.stderr,
                /bad-monitoring\.yaml: monitoring\.region: cn-north-1 is in the aws-cn \(China\) partition, which this program does not support/,
            );
            for (const [args, message] of [
                [
                    ["--monitoring", "--stack", "dev"],
                    /--monitoring plans the stack fleet-monitoring: leave out --stack/,
                ],
                [["--stack", "dev", "--fleet", fleet], /--fleet is read only with --monitoring/],
                [["--monitoring", "--dashboard", "x.html"], /--dashboard is for a region stack; not with --monitoring/],
            ] as const) {
                const { status, stdout, stderr } = await runPlan([...args]);
                assert.strictEqual(status, ExitCode.configurationError, args.join(" "));
                assert.strictEqual(stdout, "");
                assert.match(stderr, message);
            }
        });
    });

    it("exits 1 when the program throws", async () => {
        const program = path.join(tmp, "throws.js");
        fs.writeFileSync(program, "throw new Error('the program broke');\n");
        const { status, stderr } = await runPlan(["--stack", "dev", "--program", program]);
        assert.strictEqual(status, ExitCode.failure);
        assert.match(stderr, /^plan: the program failed: Error: the program broke/);
    });

    it("exits 1 when the program throws inside an apply, which leaves its outputs pending", async () => {
        const program = path.join(tmp, "throwsInApply.js");
        fs.writeFileSync(
            program,
            `const pulumi = require(${JSON.stringify(require.resolve("@pulumi/pulumi"))});\n` +
                "exports.value = pulumi.output(1).apply(() => { throw new Error('broke in apply'); });\n",
        );
        const { status, stdout, stderr } = await spawnPlan(["--stack", "dev", "--json", "--program", program]);
        assert.strictEqual(status, ExitCode.failure, stderr);
        assert.strictEqual(stdout, "");
        assert.match(stderr, /plan: the program failed: Error: broke in apply/);
    });
});
