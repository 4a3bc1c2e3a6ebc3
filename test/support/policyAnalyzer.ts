// The policy pack through its real analyzer, started the way the Pulumi CLI starts it, with this
// helper playing the engine's side of pulumi/analyzer.proto.
//
// The CLI runs `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-address> .` in
// the pack's directory (its pulumi-analyzer-policy script), with PULUMI_NODEJS_DRY_RUN and the
// stack's project and name in the environment, and reads the port the server prints
// (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer and constructEnv). It then
// calls ConfigureStack, GetAnalyzerInfo and Configure (with the pack config reconciled against the
// policies' own levels, "all" first: pkg/resource/analyzer/config.go, ReconcilePolicyPackConfig),
// Analyze with each resource's inputs before it steps on it (filing the diagnostics under that
// resource), and AnalyzeStack once with every resource's outputs, parent, dependencies and
// propertyDependencies. The server never calls back: run-policy-pack drops the engine address, and
// @pulumi/pulumi only dials an engine named by PULUMI_NODEJS_ENGINE, which the CLI does not set
// for analyzers. So no engine stub is needed; the address is passed only because the CLI passes one.
//
// The server tells a preview from an update only by the unknown values it is given
// (@pulumi/policy server.js); the dry-run setting is passed for fidelity, so each mode gets its own
// server, as each CLI operation does.
import * as grpc from "@grpc/grpc-js";
import { ChildProcessByStdio, spawn } from "child_process";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { Readable } from "stream";
import { projectName } from "../../config";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import { PackConfig, Violation } from "../../policy/evaluate";
import { EngineResource, Mode, modes } from "./engineView";
import { projectRoot } from "./program";

export const packDir = path.join(projectRoot, "policy");

/** A policy as GetAnalyzerInfo describes it. */
export interface ServedPolicy {
    readonly name: string;
    readonly description: string;
    readonly level: Level;
    readonly type: "resource" | "stack";
}

type Level = "advisory" | "mandatory" | "remediate" | "disabled";
const levels: Record<proto.EnforcementLevel, Level> = {
    [proto.EnforcementLevel.ADVISORY]: "advisory",
    [proto.EnforcementLevel.MANDATORY]: "mandatory",
    [proto.EnforcementLevel.REMEDIATE]: "remediate",
    [proto.EnforcementLevel.DISABLED]: "disabled",
};
const levelCodes = Object.fromEntries(Object.entries(levels).map(([code, level]) => [level, Number(code)])) as Record<
    Level,
    proto.EnforcementLevel
>;

const startTimeoutMs = 120_000;

export class PolicyAnalyzer {
    private constructor(
        readonly mode: Mode,
        private readonly child: ChildProcessByStdio<null, Readable, Readable>,
        private readonly client: AnalyzerClient,
        private readonly stderr: () => string,
    ) {}

    /** Starts the pack's analyzer for a `pulumi preview` or a `pulumi up` of this project's "test" stack. */
    static async start(mode: Mode, dir = packDir): Promise<PolicyAnalyzer> {
        const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
        const dryRun = String(mode === "preview");
        const child = spawn(process.execPath, [runPolicyPack, unusedEngineAddress, "."], {
            cwd: dir,
            env: {
                ...process.env,
                PULUMI_NODEJS_PROJECT: projectName,
                PULUMI_NODEJS_STACK: "test",
                PULUMI_NODEJS_DRY_RUN: dryRun,
                PULUMI_PROJECT: projectName,
                PULUMI_STACK: "test",
                PULUMI_DRY_RUN: dryRun,
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", chunk => (stderr += chunk));
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const onExit = (code: number | null) => fail(`exited with code ${code} before it printed a port`);
            const settle = () => {
                clearTimeout(timer);
                child.off("exit", onExit);
            };
            const fail = (why: string) => {
                settle();
                child.kill();
                reject(new Error(`the policy analyzer in ${dir} ${why}\n${stderr}`));
            };
            const timer = setTimeout(() => fail(`printed no port within ${startTimeoutMs} ms`), startTimeoutMs);
            // Later output, if any, keeps flowing into this listener, so the pipe never fills up.
            child.stdout.setEncoding("utf8").on("data", chunk => {
                stdout += chunk;
                const line = /^(\d+)\s*\n/.exec(stdout);
                if (line) {
                    settle();
                    resolve(Number(line[1]));
                }
            });
            child.once("exit", onExit);
        });
        const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const analyzer = new PolicyAnalyzer(mode, child, client, () => stderr);
        const configureStack = new proto.AnalyzerStackConfigureRequest()
            .setProject(projectName)
            .setStack("test")
            .setDryRun(mode === "preview");
        await analyzer.call<proto.AnalyzerStackConfigureResponse>("configureStack", configureStack);
        return analyzer;
    }

    /** The pack's name, version and policies, as the CLI reads them before it configures the pack. */
    async info(): Promise<{ name: string; version: string; policies: ServedPolicy[] }> {
        const info = await this.call<proto.AnalyzerInfo>("getAnalyzerInfo", new Empty());
        return {
            name: info.getName(),
            version: info.getVersion(),
            policies: info.getPoliciesList().map(policy => ({
                name: policy.getName(),
                description: policy.getDescription(),
                level: levels[policy.getEnforcementlevel()],
                type: policy.getPolicyType() === proto.PolicyType.POLICY_TYPE_STACK ? "stack" : "resource",
            })),
        };
    }

    /**
     * Analyzes a program's resources as the engine does, with `config` as `--policy-pack-config`
     * would give it: Analyze for each resource, then AnalyzeStack. Resolves to every diagnostic,
     * "can't run" ones included.
     */
    async analyze(resources: readonly EngineResource[], config: PackConfig = {}): Promise<Violation[]> {
        await this.configure(config);
        const violations: Violation[] = [];
        for (const resource of resources) {
            const request = new proto.AnalyzeRequest()
                .setUrn(resource.urn)
                .setType(resource.type)
                .setName(resource.name)
                .setProperties(Struct.fromJavaScript(resource.inputs as never))
                .setOptions(options(resource));
            const response = await this.call<proto.AnalyzeResponse>("analyze", request);
            violations.push(...response.getDiagnosticsList().map(d => violation(d, resource.urn)));
        }
        const stack = new proto.AnalyzeStackRequest().setResourcesList(
            resources.map(resource => {
                const analyzed = new proto.AnalyzerResource()
                    .setUrn(resource.urn)
                    .setType(resource.type)
                    .setName(resource.name)
                    .setProperties(Struct.fromJavaScript(resource.outputs as never))
                    .setOptions(options(resource))
                    .setParent(resource.parent ?? "")
                    .setDependenciesList([...resource.dependencies]);
                for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
                    analyzed
                        .getPropertydependenciesMap()
                        .set(key, new proto.AnalyzerPropertyDependencies().setUrnsList([...urns]));
                }
                return analyzed;
            }),
        );
        const response = await this.call<proto.AnalyzeResponse>("analyzeStack", stack);
        violations.push(...response.getDiagnosticsList().map(d => violation(d)));
        return violations;
    }

    /** Stops the analyzer as the CLI does when the operation ends, and waits until it has exited. */
    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            const exited = new Promise(resolve => this.child.once("exit", resolve));
            this.child.kill();
            await exited;
        }
    }

    /** Sends the reconciled pack config, as the CLI does once per operation. */
    private async configure(config: PackConfig): Promise<void> {
        const { policies } = await this.info();
        const request = new proto.ConfigureAnalyzerRequest();
        for (const [name, { level, properties }] of Object.entries(reconcile(policies, config))) {
            request
                .getPolicyconfigMap()
                .set(
                    name,
                    new proto.PolicyConfig()
                        .setEnforcementlevel(levelCodes[level])
                        .setProperties(Struct.fromJavaScript(properties as never)),
                );
        }
        await this.call<Empty>("configure", request);
    }

    private call<T>(
        method: "analyze" | "analyzeStack" | "configure" | "configureStack" | "getAnalyzerInfo",
        request: unknown,
    ) {
        return new Promise<T>((resolve, reject) =>
            (
                this.client[method] as unknown as (
                    req: unknown,
                    callback: (error: Error | null, response: T) => void,
                ) => void
            ).call(this.client, request, (error, response) =>
                error ? reject(new Error(`${method}: ${error.message}\n${this.stderr()}`)) : resolve(response),
            ),
        );
    }
}

/** One analyzer per mode, started side by side (each takes seconds: run-policy-pack type-checks the pack). */
export async function startAnalyzers(): Promise<Record<Mode, PolicyAnalyzer>> {
    const started = await Promise.allSettled(modes.map(mode => PolicyAnalyzer.start(mode)));
    const failure = started.find(result => result.status === "rejected");
    if (failure) {
        await Promise.all(started.map(result => (result.status === "fulfilled" ? result.value.stop() : undefined)));
        throw failure.reason;
    }
    return Object.fromEntries(
        started.map((result, i) => [modes[i], (result as PromiseFulfilledResult<PolicyAnalyzer>).value]),
    ) as Record<Mode, PolicyAnalyzer>;
}

// Never dialled (see above); any address would do.
const unusedEngineAddress = "127.0.0.1:0";

function options(resource: EngineResource): proto.AnalyzerResourceOptions {
    return new proto.AnalyzerResourceOptions()
        .setProtect(resource.protect)
        .setParent(resource.parent ?? "")
        .setCustomtimeouts(new proto.AnalyzerResourceOptions.CustomTimeouts());
}

function violation(diagnostic: proto.AnalyzeDiagnostic, analyzedUrn?: string): Violation {
    const level = levels[diagnostic.getEnforcementlevel()];
    return {
        policy: diagnostic.getPolicyname(),
        // The engine reports a remediate-level diagnostic as mandatory.
        level: level === "advisory" ? "advisory" : "mandatory",
        // The engine files Analyze diagnostics under the analyzed resource, whatever URN they name.
        urn: analyzedUrn ?? (diagnostic.getUrn() || undefined),
        message: diagnostic.getMessage(),
    };
}

/**
 * The CLI's reconciliation of a pack config with the policies: every policy starts at its own level,
 * "all" then sets every level, and each policy's entry overrides its level and adds its properties.
 */
function reconcile(
    policies: readonly ServedPolicy[],
    config: PackConfig,
): Record<string, { level: Level; properties: Record<string, unknown> }> {
    const result = Object.fromEntries(policies.map(p => [p.name, { level: p.level, properties: {} }]));
    const entries = Object.entries(config).map(([name, entry]) => {
        const { enforcementLevel, ...properties } = typeof entry === "string" ? { enforcementLevel: entry } : entry;
        return { name, level: enforcementLevel, properties };
    });
    const all = entries.find(entry => entry.name === "all")?.level;
    if (all) {
        for (const name of Object.keys(result)) {
            result[name].level = all;
        }
    }
    for (const { name, level, properties } of entries) {
        const current = result[name] ?? { level: "advisory", properties: {} };
        result[name] = { level: level ?? current.level, properties: { ...current.properties, ...properties } };
    }
    return result;
}
