// The GitHub Actions workflow: what runs when, with which credentials.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { projectRoot } from "../support/program";

const workflow = yaml.load(
    fs.readFileSync(path.join(projectRoot, ".github", "workflows", "baseline.yml"), "utf8"),
) as any;
const runs = (job: string): string[] => workflow.jobs[job].steps.filter((s: any) => s.run).map((s: any) => s.run);
const uses = (job: string): string[] =>
    workflow.jobs[job].steps.filter((s: any) => s.uses).map((s: any) => s.uses.split("@")[0]);

describe("GitHub workflow", () => {
    it("runs the offline suite on Node 20 and 22 before anything previews or deploys", () => {
        assert.deepStrictEqual(workflow.jobs.test.strategy.matrix.node, [20, 22]);
        assert.deepStrictEqual(runs("test"), ["bash .ci/run"]);
        const setup = workflow.jobs.test.steps.find((s: any) => s.uses?.startsWith("actions/setup-node@"));
        assert.strictEqual(setup.with["node-version"], "${{ matrix.node }}");
        assert.strictEqual(workflow.jobs.preview.needs, "test");
        assert.strictEqual(workflow.jobs["deploy-dev"].needs, "test");
        const engines = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")).engines.node;
        assert.strictEqual(engines, ">=20", "package.json engines match the oldest Node tested");
    });

    it("previews every stack on pull requests, after the offline plan, with the policy pack applied by the driver", () => {
        assert.deepStrictEqual(Object.keys(workflow.on).sort(), ["pull_request", "push", "workflow_dispatch"]);
        assert.strictEqual(workflow.jobs.preview.if, "github.event_name == 'pull_request'");
        assert.deepStrictEqual(workflow.jobs.preview.strategy.matrix.stack, ["dev", "prod"]);
        assert.deepStrictEqual(runs("preview").slice(-2), [
            "npm run plan -- --stack ${{ matrix.stack }}",
            "npm run driver -- preview --stack ${{ matrix.stack }}",
        ]);
    });

    it("deploys dev with canary verification on main, then prod only after an approved environment", () => {
        assert.deepStrictEqual(workflow.on.push.branches, ["main"]);
        assert.ok(runs("deploy-dev").includes("npm run driver -- up --stack dev --verify"));
        assert.strictEqual(workflow.jobs["deploy-prod"].needs, "deploy-dev");
        assert.strictEqual(workflow.jobs["deploy-prod"].environment, "production");
        assert.ok(runs("deploy-prod").includes("npm run driver -- up --stack prod"));
    });

    it("gets AWS credentials through OIDC role assumption only, and sets up Node and the Pulumi CLI with their official actions", () => {
        assert.strictEqual(workflow.permissions["id-token"], "write");
        const cloudJobs = Object.keys(workflow.jobs).filter(
            job => job !== "test" && job !== "rollout-plan" && job !== "rollout-gather",
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
            assert.ok(uses(job).includes("actions/setup-node") && uses(job).includes("pulumi/actions"), job);
            assert.ok(runs(job).includes("npm ci && npm ci --prefix policy"), `${job} installs the policy pack too`);
        }
        assert.strictEqual(workflow.concurrency["cancel-in-progress"], false);
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
});
