// The GitHub Actions workflow: what runs when, with which credentials.
import * as assert from "assert";
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
        assert.deepStrictEqual(Object.keys(workflow.on).sort(), ["pull_request", "push"]);
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
        const cloudJobs = Object.keys(workflow.jobs).filter(job => job !== "test");
        assert.deepStrictEqual(cloudJobs, ["preview", "deploy-dev", "deploy-prod"]);
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
});
