// The committed stacks and every stack file the README shows, read as `pulumi up` reads them
// (harness/engineConfig.ts), and the mistakes a new user makes with them, planned as `npm run plan`
// plans them.
import * as assert from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { ExitCode } from "../cli/exitCodes";
import { ConfigKey, configKeys, parseBaselineConfig, RawConfig } from "../config";
import { engineStackConfig, readProjectFile } from "../harness/engineConfig";
import { main } from "../plan/plan";
import { projectRoot, runProgram } from "./support/program";

const project = readProjectFile(path.join(projectRoot, "Pulumi.yaml"));
const prefix = `${project.name}:`;

/** The stack files of the README's ```yaml blocks, each starting with a "# Pulumi.<stack>.yaml" line. */
function readmeStackFiles(): Map<string, string> {
    const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
    const files = new Map<string, string>();
    for (const [, block] of readme.matchAll(/```yaml\n([\s\S]*?)```/g)) {
        for (const part of block.split(/^(?=# Pulumi\.[\w-]+\.yaml)/m)) {
            const stack = /^# Pulumi\.([\w-]+)\.yaml/.exec(part)?.[1];
            if (stack) {
                files.set(stack, part);
            }
        }
    }
    return files;
}

const readmeStacks = readmeStackFiles();
const stackFiles = new Map([
    ...["dev", "prod"].map(stack => [stack, fs.readFileSync(path.join(projectRoot, `Pulumi.${stack}.yaml`), "utf8")]),
    ...readmeStacks,
] as [string, string][]);

/** A stack file's own keys as the program would read them were Pulumi.yaml to declare no defaults. */
function writtenKeys(stack: string): { raw: RawConfig; region: string | undefined } {
    const config = engineStackConfig(stack, stackFiles.get(stack)!, { name: project.name, config: {} });
    const raw = Object.fromEntries(
        Object.entries(config)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
    return { raw, region: config["aws:region"] };
}

/** A declared default as its raw text: what the engine merges in for a key left out. */
const defaultText = (key: ConfigKey) => {
    const { type, default: fallback } = configKeys[key];
    return type === "array" ? JSON.stringify(fallback) : String(fallback);
};

describe("stack files as pulumi up reads them", () => {
    it("include the README's adopted-VPC and multi-region recipes", () => {
        assert.deepStrictEqual([...readmeStacks.keys()].sort(), ["euw1", "shared-vpc", "use1"]);
    });

    for (const stack of readmeStacks.keys()) {
        it(`plans the README's Pulumi.${stack}.yaml with the defaults pulumi up merges in`, async () => {
            const config = engineStackConfig(stack, stackFiles.get(stack)!, project);
            const { resources } = await runProgram(stack, config);
            assert.ok(resources.length > 50, `${resources.length} resources`);
        });
    }

    for (const stack of ["dev", "prod", "use1", "euw1", "shared-vpc"]) {
        it(`gives Pulumi.${stack}.yaml the same config with every default spelled out in the stack file`, () => {
            const text = stackFiles.get(stack)!;
            const written = new Set(Object.keys(writtenKeys(stack).raw));
            const spelledOut = (Object.keys(configKeys) as ConfigKey[])
                .filter(key => !written.has(key) && configKeys[key].default !== undefined)
                .map(key => `  ${key}: ${yaml.dump(configKeys[key].default, { flowLevel: 0 }).trim()}`);
            assert.ok(spelledOut.length > 40);
            assert.deepStrictEqual(
                engineStackConfig(stack, `${text.trimEnd()}\n${spelledOut.join("\n")}\n`, project),
                engineStackConfig(stack, text, project),
            );
        });

        it(`reads Pulumi.${stack}.yaml alike whichever declared keys are written at their default`, () => {
            const { raw, region } = writtenKeys(stack);
            const now = new Date("2026-12-07T00:00:00Z");
            const bare = parseBaselineConfig(raw, region, { now });
            const unwritten = (Object.keys(configKeys) as ConfigKey[]).filter(
                key => !(key in raw) && configKeys[key].default !== undefined,
            );
            fc.assert(
                fc.property(fc.subarray(unwritten), keys => {
                    const atDefaults = Object.fromEntries(keys.map(key => [key, defaultText(key)]));
                    assert.deepStrictEqual(parseBaselineConfig({ ...raw, ...atDefaults }, region, { now }), bare);
                }),
                { numRuns: 200 },
            );
        });
    }
});

describe("a new user's stack-file mistakes, planned", () => {
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "recipes-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    async function plan(stack: string, ...extraLines: string[]) {
        const dev = fs.readFileSync(path.join(projectRoot, "Pulumi.dev.yaml"), "utf8");
        fs.writeFileSync(path.join(tmp, `Pulumi.${stack}.yaml`), [dev.trimEnd(), ...extraLines, ""].join("\n"));
        let stdout = "";
        let stderr = "";
        const status = await main(["--stack", stack, "--stack-dir", tmp, "--json"], {
            out: text => {
                stdout += text;
            },
            err: text => {
                stderr += text;
            },
        });
        return { status, stdout, stderr };
    }

    it("plans an unquoted activation expiry, as the engine keeps its text", async () => {
        const expiry = new Date(Date.now() + 10 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
        const { status, stdout, stderr } = await plan(
            "expiry",
            `  ssm-fleet-baseline:hybridActivationExpiry: ${expiry}`,
        );
        assert.strictEqual(status, ExitCode.success, stderr);
        const activation = JSON.parse(stdout).resources.find((r: any) => r.type === "aws:ssm/activation:Activation");
        assert.strictEqual(activation.inputs.expirationDate, expiry);
    });

    it("refuses an aws: key the provider does not declare, naming the nearest real one", async () => {
        const { status, stderr } = await plan("regoin", "  aws:regoin: eu-west-1");
        assert.strictEqual(status, ExitCode.configurationError, stderr);
        assert.match(stderr, /aws:regoin: not a configuration key of the aws provider.*did you mean aws:region\?/);
    });

    it("refuses a key of this project under a misspelled namespace, which Pulumi would ignore", async () => {
        const { status, stderr } = await plan("namespace", "  ssm-baseline:canary: false");
        assert.strictEqual(status, ExitCode.configurationError, stderr);
        assert.match(stderr, /ssm-baseline:canary: .*did you mean ssm-fleet-baseline:canary\?/);
    });

    it("stops where the engine stops: a value of the wrong declared type, before the program runs", async () => {
        const { status, stderr } = await plan("typed", "  ssm-fleet-baseline:sessionRunAs: yes");
        assert.strictEqual(status, ExitCode.configurationError, stderr);
        assert.match(stderr, /Stack 'typed' with configuration key 'sessionRunAs' must be of type 'boolean'/);
    });
});
