// The GitHub Actions workflow: what runs when, with which credentials.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { projectRoot } from "../support/program";

const loadWorkflow = (file: string): any => yaml.load(fs.readFileSync(path.join(projectRoot, file), "utf8"));
const workflow = loadWorkflow(".github/workflows/baseline.yml");
const runs = (job: string): string[] => workflow.jobs[job].steps.filter((s: any) => s.run).map((s: any) => s.run);
const uses = (job: string): string[] =>
    workflow.jobs[job].steps.filter((s: any) => s.uses).map((s: any) => s.uses.split("@")[0]);

type SecretRule = "workflow env" | "pull request" | "environment" | "install scripts" | "oidc";
interface SecretFinding {
    readonly rule: SecretRule;
    readonly message: string;
}

/** Whether a job can run for a pull request: its own `if` and the jobs it needs do not rule that out. */
function runsForPullRequests(flow: any, name: string): boolean {
    if (!["pull_request", "pull_request_target"].some(event => event in flow.on)) {
        return false;
    }
    const condition = String(flow.jobs[name].if ?? "");
    const needs: string[] = [flow.jobs[name].needs ?? []].flat();
    if (condition.includes("||")) {
        return true; // not proven: count it as running
    }
    const terms = condition.split("&&").map(term => term.trim());
    const event = terms.map(term => /^github\.event_name == '(\w+)'$/.exec(term)?.[1]).find(Boolean);
    if (event !== undefined && !event.startsWith("pull_request")) {
        return false;
    }
    // A skipped needed job skips this one, unless a status function (always() ...) overrides that;
    // then only the needs it requires to have succeeded hold it back.
    const overridden = /\b(always|failure|cancelled)\(\)/.test(condition);
    const required = overridden ? needs.filter(need => terms.includes(`needs.${need}.result == 'success'`)) : needs;
    return required.every(need => runsForPullRequests(flow, need));
}

/**
 * Where a workflow hands a secret or an OIDC token to code it has not vetted: a secret in the
 * workflow-level env (every job inherits it), a secret or token in a job a pull request runs, a
 * secret outside a protected environment, or install scripts run beside one (`npm ci` in the job's
 * steps or in a script a step runs with bash).
 */
function secretFindings(flow: any, readScript: (file: string) => string): SecretFinding[] {
    const findings: SecretFinding[] = [];
    const mentionsSecret = (value: unknown) => /\bsecrets\./.test(JSON.stringify(value ?? null));
    const inherited = mentionsSecret(flow.env);
    for (const [key, value] of Object.entries(flow.env ?? {})) {
        if (mentionsSecret(value)) {
            findings.push({ rule: "workflow env", message: `the workflow-level env ${key} holds a secret` });
        }
    }
    for (const [name, job] of Object.entries<any>(flow.jobs)) {
        const secret = inherited || mentionsSecret(job) || job.secrets !== undefined;
        const oidc = (job.permissions ?? flow.permissions)?.["id-token"] === "write";
        const forPullRequests = runsForPullRequests(flow, name);
        if (secret && forPullRequests) {
            findings.push({ rule: "pull request", message: `${name} runs for pull requests with a secret` });
        }
        if (oidc && (forPullRequests || job.environment === undefined)) {
            findings.push({
                rule: "oidc",
                message: `${name} can mint an OIDC token ${forPullRequests ? "for pull requests" : "outside an environment"}`,
            });
        }
        if (secret && job.environment === undefined) {
            findings.push({ rule: "environment", message: `${name} reads a secret but declares no environment` });
        }
        if (secret) {
            const commands = (job.steps ?? [])
                .filter((step: any) => step.run)
                .flatMap((step: any) => String(step.run).split("\n"))
                .flatMap((line: string) => {
                    const script = /^\s*(?:bash|sh)\s+(\S+)/.exec(line)?.[1];
                    return script ? [line, ...readScript(script).split("\n")] : [line];
                });
            for (const install of commands.flatMap((line: string) => line.match(/\bnpm ci\b[^&|;]*/g) ?? [])) {
                if (!install.includes("--ignore-scripts")) {
                    findings.push({
                        rule: "install scripts",
                        message: `${name} runs \`${install.trim()}\` with install scripts beside a secret`,
                    });
                }
            }
        }
    }
    return findings;
}

const readScript = (file: string) => fs.readFileSync(path.join(projectRoot, file), "utf8");

describe("GitHub workflow", () => {
    it("runs the offline suite on Node 20 and 22 before anything previews or deploys", () => {
        assert.deepStrictEqual(workflow.jobs.test.strategy.matrix.node, [20, 22]);
        assert.deepStrictEqual(runs("test"), ["bash .ci/run"]);
        const setup = workflow.jobs.test.steps.find((s: any) => s.uses?.startsWith("actions/setup-node@"));
        assert.strictEqual(setup.with["node-version"], "${{ matrix.node }}");
        assert.strictEqual(workflow.jobs.plan.needs, "test");
        assert.strictEqual(workflow.jobs.preview.needs, "test");
        const engines = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")).engines.node;
        assert.strictEqual(engines, ">=20", "package.json engines match the oldest Node tested");
    });

    it("plans every stack offline on pull requests, with the policy pack and no cloud access", () => {
        assert.deepStrictEqual(Object.keys(workflow.on).sort(), ["pull_request", "push", "workflow_dispatch"]);
        assert.strictEqual(workflow.jobs.plan.if, "github.event_name == 'pull_request'");
        assert.deepStrictEqual(workflow.jobs.plan.strategy.matrix.stack, ["dev", "prod"]);
        assert.deepStrictEqual(runs("plan").slice(-1), ["npm run plan -- --stack ${{ matrix.stack }}"]);
        assert.ok(!uses("plan").includes("aws-actions/configure-aws-credentials"), "no AWS credentials");
        assert.ok(!uses("plan").includes("pulumi/actions"), "no Pulumi CLI: the plan needs no backend");
    });

    it("previews every stack against the cloud on main, with the policy pack applied by the driver, before dev deploys", () => {
        assert.strictEqual(workflow.jobs.preview.if, "github.event_name == 'push'");
        assert.deepStrictEqual(workflow.jobs.preview.strategy.matrix.stack, ["dev", "prod"]);
        assert.deepStrictEqual(runs("preview").slice(-1), ["npm run driver -- preview --stack ${{ matrix.stack }}"]);
        assert.strictEqual(workflow.jobs["deploy-dev"].needs, "preview");
    });

    it("deploys dev with canary verification on main, then prod only after an approved environment", () => {
        assert.deepStrictEqual(workflow.on.push.branches, ["main"]);
        assert.ok(runs("deploy-dev").includes("npm run driver -- up --stack dev --verify"));
        assert.strictEqual(workflow.jobs["deploy-prod"].needs, "deploy-dev");
        assert.strictEqual(workflow.jobs["deploy-prod"].environment, "production");
        assert.ok(runs("deploy-prod").includes("npm run driver -- up --stack prod"));
    });

    it("gets AWS credentials through OIDC role assumption only, and sets up Node and the Pulumi CLI with their official actions", () => {
        const cloudJobs = Object.keys(workflow.jobs).filter(
            job => !["test", "plan", "rollout-plan", "rollout-gather"].includes(job),
        );
        assert.deepStrictEqual(cloudJobs, [
            "preview",
            "deploy-dev",
            "deploy-prod",
            "rollout-monitoring",
            "rollout-dev-account",
            "rollout-dev-region",
            "rollout-prod-account",
            "rollout-prod-region",
        ]);
        for (const job of ["rollout-plan", "rollout-gather"]) {
            assert.ok(!uses(job).includes("aws-actions/configure-aws-credentials"), `${job} needs no AWS access`);
        }
        assert.ok(
            !uses("test").includes("aws-actions/configure-aws-credentials"),
            "the offline suite gets no AWS credentials",
        );
        for (const job of cloudJobs) {
            const aws = workflow.jobs[job].steps.find((s: any) =>
                s.uses?.startsWith("aws-actions/configure-aws-credentials@"),
            );
            assert.ok(aws?.with["role-to-assume"], `${job} assumes a role`);
            assert.ok(
                !("aws-access-key-id" in aws.with) && !("aws-secret-access-key" in aws.with),
                `${job} uses no long-lived keys`,
            );
            assert.strictEqual(workflow.jobs[job].permissions["id-token"], "write", `${job} may mint an OIDC token`);
            assert.ok(uses(job).includes("actions/setup-node") && uses(job).includes("pulumi/actions"), job);
            assert.ok(
                runs(job).includes("npm ci --ignore-scripts && npm ci --ignore-scripts --prefix policy"),
                `${job} installs the policy pack too`,
            );
        }
        assert.strictEqual(workflow.concurrency["cancel-in-progress"], false);
    });

    describe("no ambient secrets", () => {
        const findings = (rule: SecretRule, flow = workflow) =>
            secretFindings(flow, readScript)
                .filter(finding => finding.rule === rule)
                .map(finding => finding.message);
        const before = loadWorkflow("test/fixtures/workflows/ambient-secrets.yml");

        it("keeps secrets out of the workflow-level env, which every job inherits", () => {
            assert.deepStrictEqual(findings("workflow env"), []);
            assert.deepStrictEqual(findings("workflow env", before), [
                "the workflow-level env PULUMI_CONFIG_PASSPHRASE holds a secret",
            ]);
        });

        it("hands no secret and no OIDC token to a job a pull request runs: only the offline suite and plan run for one", () => {
            assert.deepStrictEqual([...findings("pull request"), ...findings("oidc")], []);
            const forPullRequests = Object.keys(workflow.jobs).filter(job => runsForPullRequests(workflow, job));
            assert.deepStrictEqual(forPullRequests, ["test", "plan"]);
            assert.deepStrictEqual(findings("pull request", before), [
                "test runs for pull requests with a secret",
                "preview runs for pull requests with a secret",
            ]);
            assert.ok(findings("oidc", before).includes("test can mint an OIDC token for pull requests"));
        });

        it("reads the passphrase only in protected environments, and only in the step that drives the engine", () => {
            assert.deepStrictEqual(findings("environment"), []);
            assert.ok(findings("environment", before).includes("test reads a secret but declares no environment"));
            const environments = Object.fromEntries(
                Object.entries<any>(workflow.jobs)
                    .filter(([, job]) => job.environment !== undefined)
                    .map(([name, job]) => [name, job.environment]),
            );
            assert.deepStrictEqual(environments, {
                preview: "preview",
                "deploy-dev": "dev",
                "deploy-prod": "production",
                "rollout-monitoring": "fleet-rollout",
                "rollout-dev-account": "fleet-rollout",
                "rollout-dev-region": "fleet-rollout",
                "rollout-prod-account": "fleet-rollout",
                "rollout-prod-region": "fleet-rollout",
            });
            for (const name of Object.keys(environments)) {
                const { steps, ...rest } = workflow.jobs[name];
                assert.ok(!JSON.stringify(rest).includes("secrets."), `${name}: no secret at job level`);
                const withSecret = steps.filter((step: any) => JSON.stringify(step).includes("secrets."));
                assert.deepStrictEqual(
                    withSecret.map((step: any) => [step.run.split(" -- ")[0], step.env]),
                    [["npm run driver", { PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" }]],
                    name,
                );
            }
        });

        it("runs npm ci without install scripts wherever a secret is in the job", () => {
            assert.deepStrictEqual(findings("install scripts"), []);
            const unsafe = findings("install scripts", before);
            assert.ok(unsafe.includes("test runs `npm ci --no-audit --no-fund` with install scripts beside a secret"));
            assert.ok(
                unsafe.includes("deploy-prod runs `npm ci --prefix policy` with install scripts beside a secret"),
            );
        });
    });

    it("passes @action-validator/cli", () => {
        // Throws (and fails the test) with the validator's findings when it exits non-zero.
        execFileSync(
            path.join(projectRoot, "node_modules", ".bin", "action-validator"),
            [path.join(projectRoot, ".github", "workflows", "baseline.yml")],
            { stdio: "pipe" },
        );
    });

    it("rolls fleet.yaml out as a matrix: ring by ring, account cells before Region cells, bounded, then one summary", () => {
        const fleet = yaml.load(fs.readFileSync(path.join(projectRoot, "fleet.yaml"), "utf8")) as { rings: string[] };
        assert.strictEqual(workflow.jobs["rollout-plan"].if, "github.event_name == 'workflow_dispatch'");
        assert.ok(runs("rollout-plan").some(run => run.includes("npm run --silent driver -- rollout --matrix")));
        // The organization view first, when fleet.yaml has one: the cells' links need its sinks.
        const monitoring = "${{ fromJSON(needs.rollout-plan.outputs.waves).monitoring }}";
        assert.strictEqual(workflow.jobs["rollout-monitoring"].needs, "rollout-plan");
        assert.ok(runs("rollout-monitoring").includes(`npm run driver -- rollout --cell ${monitoring}`));
        let previous = "rollout-monitoring";
        for (const ring of fleet.rings) {
            for (const phase of ["account", "region"]) {
                const name = `rollout-${ring}-${phase}`;
                const job = workflow.jobs[name];
                assert.ok(job, `a job per ring and phase of fleet.yaml: ${name}`);
                assert.deepStrictEqual([job.needs].flat(), [...new Set(["rollout-plan", previous])], name);
                assert.strictEqual(job.strategy["fail-fast"], false);
                assert.strictEqual(
                    job.strategy["max-parallel"],
                    "${{ fromJSON(needs.rollout-plan.outputs.waves).maxParallel }}",
                );
                assert.strictEqual(
                    job.strategy.matrix.cell,
                    `\${{ fromJSON(needs.rollout-plan.outputs.waves).rings.${ring}.${phase} }}`,
                );
                assert.ok(
                    runs(name).some(run => run.startsWith("npm run driver -- rollout --cell ${{ matrix.cell }}")),
                    name,
                );
                previous = name;
            }
        }
        const gather = workflow.jobs["rollout-gather"];
        assert.strictEqual(gather.if, "always() && needs.rollout-plan.result == 'success'");
        assert.deepStrictEqual(gather.needs, [
            "rollout-plan",
            "rollout-monitoring",
            ...fleet.rings.flatMap(ring => [`rollout-${ring}-account`, `rollout-${ring}-region`]),
        ]);
        assert.ok(runs("rollout-gather").includes("npm run driver -- rollout --gather .rollout/results"));
    });

    // configure-aws-credentials asks STS for role-duration-seconds; STS refuses more than the role's
    // MaxSessionDuration, one hour unless raised (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html,
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html DurationSeconds).
    it("asks for the hub role's session only as long as the README tells its MaxSessionDuration to allow, and past an hour only for --verify jobs", () => {
        const hubJobs = Object.keys(workflow.jobs).filter(name =>
            workflow.jobs[name].steps.some(
                (s: any) => s.with?.["role-to-assume"] === "${{ vars.AWS_ROLLOUT_HUB_ROLE_ARN }}",
            ),
        );
        assert.ok(hubJobs.length >= 4, hubJobs.join());
        const durationOf = (name: string): number =>
            workflow.jobs[name].steps.find((s: any) => s.with?.["role-to-assume"])?.with["role-duration-seconds"] ??
            3600;
        const longest = Math.max(...hubJobs.map(durationOf));
        assert.ok(longest >= 900 && longest <= 43200, "STS takes 15 minutes to 12 hours");
        if (longest > 3600) {
            // The one reason a cell's job may pass the hour: --verify waits up to 30 minutes for the canary.
            assert.ok(hubJobs.some(name => runs(name).some(run => run.includes("--verify"))));
        }
        const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8").replace(/\s+/g, " ");
        const stated =
            /Set the hub role's maximum session duration \(`MaxSessionDuration`\) to at least (\d+) seconds/.exec(
                readme,
            );
        assert.ok(stated, "the README's credentials model states the hub role's MaxSessionDuration");
        assert.strictEqual(Number(stated[1]), longest);
        assert.ok(
            readme.includes("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html"),
        );
    });
});
