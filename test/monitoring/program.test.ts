// The monitoring program (monitoring/) run the way the engine runs it, not the way our harness
// happens to: the entry point the Node.js language host picks for a Pulumi.yaml in a directory
// without its own package.json, the stack file the rollout writes for fleet-monitoring with the
// config the engine derives from it (keys namespaced by monitoring/Pulumi.yaml's project), and the
// ts-node options run.ts compiles it with (pulumi/pulumi sdk/nodejs/cmd/run/run.ts).
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { monitoringProjectName } from "../../config";
import { monitoringProgramDir, monitoringStackName } from "../../driver/fleet";
import { readProjectFile } from "../../harness/engineConfig";
import { engineProgram, engineTsNodeOptions } from "../../harness/engineProgram";
import { RecordingMocks } from "../../harness/standIns";
import { exampleFleet, exampleMonitoringConfig } from "../support/exampleFleet";
import { projectRoot, runProgram } from "../support/program";

const monitoringDir = path.join(projectRoot, monitoringProgramDir);

describe("the monitoring program as the engine runs it", function () {
    this.timeout(240_000);

    it("is monitoring/index.ts: Pulumi.yaml's main keeps the runtime from taking the checkout's package.json main", () => {
        assert.strictEqual(engineProgram(monitoringDir).entry, path.join(monitoringDir, "index.ts"));
        // The same layout without main: run.ts walks up to the nearest package.json and runs ITS main.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-program-"));
        try {
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ main: "index.ts" }));
            fs.writeFileSync(path.join(dir, "index.ts"), "");
            fs.mkdirSync(path.join(dir, "monitoring"));
            fs.writeFileSync(path.join(dir, "monitoring", "index.ts"), "");
            fs.writeFileSync(path.join(dir, "monitoring", "Pulumi.yaml"), "name: m\nruntime: nodejs\n");
            assert.strictEqual(engineProgram(path.join(dir, "monitoring")).entry, path.join(dir, "index.ts"));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("takes the rollout's stack file through the engine's config rules and makes a sink per Region and a composite alarm per cell", async () => {
        const { cells } = exampleFleet();
        const regions = [...new Set(cells.map(c => c.region))];
        const config = exampleMonitoringConfig();
        assert.ok(config[`${monitoringProjectName}:cells`], "cells are namespaced by the monitoring project");
        const { outputs, resources } = await runProgram(
            monitoringStackName,
            config,
            new RecordingMocks(config["aws:region"]),
            engineProgram(monitoringDir).entry,
            readProjectFile(path.join(monitoringDir, "Pulumi.yaml")).name,
        );
        const sinkArns = outputs.sinkArns as Record<string, string>;
        assert.deepStrictEqual(Object.keys(sinkArns).sort(), [...regions].sort());
        assert.strictEqual(
            resources.filter(r => r.type === "aws:cloudwatch/compositeAlarm:CompositeAlarm").length,
            cells.length,
        );
        assert.ok(
            resources.every(r => r.urn.includes(`::${monitoringProjectName}::`)),
            "URNs carry the monitoring project",
        );
        // Nothing of the baseline: the program is the organization view alone.
        assert.ok(!resources.some(r => r.type === "aws:ssm/defaultPatchBaseline:DefaultPatchBaseline"));
    });

    it("compiles, ../ imports and all, under the ts-node options run.ts uses in monitoring/ (type-checked, no tsconfig of its own)", () => {
        const { pwd, entry } = engineProgram(monitoringDir);
        const options = engineTsNodeOptions(pwd);
        assert.strictEqual(
            options.skipProject,
            true,
            "monitoring/ has no tsconfig.json: ts-node must not walk up to the checkout's",
        );
        assert.strictEqual(options.transpileOnly, undefined, "ts-node's default: it type-checks");
        const config = exampleMonitoringConfig();
        // A fresh Node.js, as the language host starts one: ts-node registered as run.ts registers it,
        // then the program required under the SDK's mock monitor. A type error throws a TSError.
        const child = `
            const [options, config, stack, project, entry] = process.argv.slice(1);
            require("ts-node").register(JSON.parse(options));
            const pulumi = require("@pulumi/pulumi");
            let registered = 0;
            const mocks = {
                newResource: a => (registered++, { id: a.name + "-id", state: { ...a.inputs, arn: "arn:aws:oam:eu-west-1:444444444444:sink/" + a.name } }),
                call: () => ({}),
            };
            pulumi.runtime.setMocks(mocks, project, stack, false).then(() => {
                pulumi.runtime.setAllConfig(JSON.parse(config));
                require(entry);
                setTimeout(() => console.log(JSON.stringify({ registered })), 200);
            });`;
        const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TS_NODE_")));
        const stdout = execFileSync(
            process.execPath,
            [
                "-e",
                child,
                JSON.stringify(options),
                JSON.stringify(config),
                monitoringStackName,
                monitoringProjectName,
                entry,
            ],
            { cwd: pwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
        );
        assert.ok(JSON.parse(stdout.trim().split("\n").pop()!).registered > 0);
    });
});
