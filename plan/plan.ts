// `npm run plan -- --stack <name>`: an offline plan of a stack. Runs the program under Pulumi's
// mock monitor with the stack's config, evaluates the CrossGuard policies over what it registers
// and estimates the monthly cost. No Pulumi CLI, plugins, credentials or network.
// `npm run plan -- --monitoring` does the same for the organization view's stack (monitoring/),
// with the config the rollout derives for it from fleet.yaml.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import type { EnforcementLevel } from "@pulumi/policy";
import { checkStackName, parseCommandLine, UsageError } from "../cli/arguments";
import { ExitCode } from "../cli/exitCodes";
import { ConfigError, projectName } from "../config";
import {
    manifestFile,
    monitoringProgramDir,
    monitoringStackName,
    monitoringStackSettings,
    readFleet,
} from "../driver/fleet";
import { engineStackConfig, readProjectFile } from "../harness/engineConfig";
import { evaluatePolicies, PackConfig } from "../policy/evaluate";
import { policies } from "../policy/policies";
import { estimateMonthlyCost } from "./cost";
import { dashboardPreviewHtml, simulatedSample } from "./dashboardPreview";
import { mandatoryFailure, mandatoryViolations, planDocument, PlanReport, renderText } from "./report";
import { RecordingMocks, standInZones } from "../harness/standIns";
import { PlannedResource, programPath, projectRoot, runProgram, stackConfig, stackNames } from "../harness/synthesize";

const usage = `Usage: npm run plan -- --stack <name> [--json [--out <file>]] [--policy-config <file.json>] [--dashboard <file.html>]
       npm run plan -- --monitoring [--fleet <file>] [--json [--out <file>]] [--policy-config <file.json>]

Plans a stack offline: runs index.ts under Pulumi's mock monitor with Pulumi.<name>.yaml,
evaluates the CrossGuard policies and estimates the monthly cost. Needs no Pulumi CLI,
plugins, credentials or network.

Options:
  --stack <name>               the stack; its config is read from Pulumi.<name>.yaml
  --monitoring                 plan the organization view's stack (${monitoringStackName}) instead: runs
                               monitoring/index.ts with the config the rollout derives from the fleet
                               manifest's monitoring: key
  --fleet <file>               with --monitoring, the fleet manifest (default ${manifestFile})
  --json                       print one JSON document on stdout instead of the report
                               (with npm, use npm run -s so that npm's banner stays off stdout)
  --out <file>                 write the report (or the JSON document) to this file instead of stdout
  --policy-config <file.json>  policy pack config, as pulumi preview --policy-pack-config takes it
  --dashboard <file.html>      also write a self-contained HTML preview of the fleet dashboard's
                               layout, drawn with a simulated fleet's numbers
  --stack-dir <dir>            the directory holding Pulumi.<name>.yaml (default: the project root)
  --program <file>             run this program instead of index.ts (for tests)
  -h, --help                   show this help

Exit codes:
  0  planned, with no mandatory policy violation
  1  the program or a policy failed
  2  bad arguments, a missing stack file, or an invalid policy config, stack configuration
     or fleet manifest (with --monitoring, one without a monitoring: key)
  4  a mandatory policy violation (listed on stderr)
`;

/** Where the plan writes; the CLI's are process.stdout and process.stderr. */
export interface PlanIo {
    out(text: string): void;
    err(text: string): void;
}

const processIo: PlanIo = {
    out: text => {
        process.stdout.write(text);
    },
    err: text => {
        process.stderr.write(text);
    },
};

/** A failure with its exit code and the message for stderr. */
class PlanFailure extends Error {
    constructor(
        readonly exitCode: number,
        message: string,
    ) {
        super(message);
    }
}

/** Plans one stack; resolves to the exit code. Never rejects. */
export async function main(argv: readonly string[], io: PlanIo = processIo): Promise<number> {
    try {
        return await plan(argv, io);
    } catch (error) {
        if (error instanceof PlanFailure) {
            io.err(`${error.message.trimEnd()}\n`);
            return error.exitCode;
        }
        io.err(`plan: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        return ExitCode.failure;
    }
}

async function plan(argv: readonly string[], io: PlanIo): Promise<number> {
    const args = parseArguments(argv);
    if (args.help) {
        io.out(usage);
        return ExitCode.success;
    }
    const target = args.monitoring
        ? monitoringTarget(args.fleet, args.program)
        : {
              stack: args.stack,
              config: readStackConfig(args.stack, args.stackDir),
              program: args.program ?? programPath,
              project: projectName,
              source: path.join(args.stackDir, `Pulumi.${args.stack}.yaml`),
          };
    const { stack, config } = target;
    const packConfig = args.policyConfig === undefined ? undefined : readPolicyConfig(args.policyConfig, io);
    const region = config["aws:region"];

    const { resources } = await guarded(() =>
        runProgram(stack, config, new RecordingMocks(region), target.program, target.project),
    ).catch(error => {
        throw error instanceof ConfigError
            ? new PlanFailure(ExitCode.configurationError, `plan: ${target.source}: ${error.message}`)
            : programError("the program failed", error);
    });
    const violations = await guarded(() => evaluatePolicies(policies, resources, { config: packConfig })).catch(
        error => {
            throw programError("policy evaluation failed", error);
        },
    );

    const report: PlanReport = {
        stack,
        region,
        resources,
        policies: policies.map(p => p.name),
        violations,
        cost: estimateMonthlyCost(resources, region),
        standInZones: { count: standInZones(region ?? "").length },
    };
    let text: string;
    if (args.json) {
        const jsonResources = await Promise.all(
            resources.map(async (r): Promise<PlannedResource> => ({
                ...r,
                inputs: (await jsonValue(r.inputs)) as Record<string, unknown>,
            })),
        );
        text = `${JSON.stringify(planDocument({ ...report, resources: jsonResources }), null, 2)}\n`;
    } else {
        text = renderText(report);
    }
    if (args.out) {
        fs.writeFileSync(args.out, text);
        io.err(`plan: wrote ${args.out}\n`);
    } else {
        io.out(text);
    }
    if (args.dashboard) {
        await writeDashboardPreview(args.dashboard, resources, stack, region, io);
    }
    if (mandatoryViolations(report).length > 0) {
        io.err(mandatoryFailure(report));
        return ExitCode.policyViolation;
    }
    return ExitCode.success;
}

interface Arguments {
    readonly stack: string;
    /** Plan the organization view's stack, derived from the fleet manifest, instead of --stack. */
    readonly monitoring: boolean;
    /** The fleet manifest --monitoring reads. */
    readonly fleet: string;
    readonly json: boolean;
    readonly help: boolean;
    readonly policyConfig?: string;
    readonly stackDir: string;
    /** The program to run instead of the stack's own (index.ts, or monitoring/index.ts). */
    readonly program?: string;
    /** Where the report goes instead of stdout. */
    readonly out?: string;
    /** Where the dashboard preview goes. */
    readonly dashboard?: string;
}

function parseArguments(argv: readonly string[]): Arguments {
    try {
        const { values } = parseCommandLine(argv, {
            stack: { type: "string" },
            monitoring: { type: "boolean" },
            fleet: { type: "string" },
            json: { type: "boolean" },
            "policy-config": { type: "string" },
            "stack-dir": { type: "string" },
            program: { type: "string" },
            out: { type: "string" },
            dashboard: { type: "string" },
            help: { type: "boolean", short: "h" },
        });
        const monitoring = values.monitoring ?? false;
        if (!values.help && values.stack === undefined && !monitoring) {
            throw new UsageError("--stack <name> or --monitoring is required");
        }
        if (monitoring && values.stack !== undefined) {
            throw new UsageError(`--monitoring plans the stack ${monitoringStackName}: leave out --stack`);
        }
        if (!monitoring && values.fleet !== undefined) {
            throw new UsageError("--fleet is read only with --monitoring");
        }
        for (const regionOnly of ["dashboard", "stack-dir"] as const) {
            if (monitoring && values[regionOnly] !== undefined) {
                throw new UsageError(`--${regionOnly} is for a region stack; not with --monitoring`);
            }
        }
        return {
            stack: values.stack === undefined ? "" : checkStackName(values.stack),
            monitoring,
            fleet: path.resolve(values.fleet ?? path.join(projectRoot, manifestFile)),
            json: values.json ?? false,
            help: values.help ?? false,
            policyConfig: values["policy-config"],
            stackDir: path.resolve(values["stack-dir"] ?? projectRoot),
            program: values.program === undefined ? undefined : path.resolve(values.program),
            out: values.out === undefined ? undefined : path.resolve(values.out),
            dashboard: values.dashboard === undefined ? undefined : path.resolve(values.dashboard),
        };
    } catch (error) {
        if (error instanceof UsageError) {
            throw new PlanFailure(ExitCode.configurationError, `plan: ${error.message}\n\n${usage}`);
        }
        throw error;
    }
}

/** What the plan runs: the stack, its config as the engine hands it over, the program and its project. */
export interface PlanTarget {
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly program: string;
    readonly project: string;
    /** Where the config comes from, for messages. */
    readonly source: string;
}

/**
 * The organization view's stack as the rollout runs it: the stack file driver/fleet.ts derives
 * from the manifest, through the engine's config rules with monitoring/Pulumi.yaml, and the
 * monitoring program beside the running code (monitoring/index.ts, or its transpiled copy).
 */
export function monitoringTarget(fleet: string, program?: string): PlanTarget {
    const fail = (problem: string) => new PlanFailure(ExitCode.configurationError, `plan: ${problem}`);
    let read: ReturnType<typeof readFleet>;
    try {
        read = readFleet(fleet, readProjectFile(path.join(projectRoot, "Pulumi.yaml")));
    } catch (error) {
        throw error instanceof ConfigError ? fail(error.message) : error;
    }
    if (!read.manifest.monitoring) {
        throw fail(
            `--monitoring: ${fleet} has no monitoring: key, so there is no organization view to plan; add ` +
                "monitoring: {account: <an account's name, or a 12-digit id>, region: <its home Region>}",
        );
    }
    const project = readProjectFile(path.join(projectRoot, monitoringProgramDir, "Pulumi.yaml"));
    const source = `${monitoringStackName} (derived from ${fleet})`;
    const stackFile = yaml.dump({ config: monitoringStackSettings(read.manifest, read.cells) });
    try {
        return {
            stack: monitoringStackName,
            config: engineStackConfig(monitoringStackName, stackFile, project, source),
            // Beside the running code, as index.ts is (harness/synthesize.ts, programPath).
            program: program ?? require.resolve(path.resolve(__dirname, "..", monitoringProgramDir, "index")),
            project: project.name,
            source,
        };
    } catch (error) {
        throw error instanceof ConfigError ? fail(error.message) : error;
    }
}

function readStackConfig(stack: string, dir: string): Record<string, string> {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const stacks = stackNames(dir);
        throw new PlanFailure(
            ExitCode.configurationError,
            `plan: no stack file ${file}` + (stacks.length > 0 ? `; stacks there: ${stacks.join(", ")}` : ""),
        );
    }
    try {
        return stackConfig(stack, dir);
    } catch (error) {
        // The engine's own checks (missing, mistyped or unencrypted secret keys) stop `pulumi up` the same way.
        const problem =
            error instanceof ConfigError ? error.message : `cannot read ${file}: ${(error as Error).message}`;
        throw new PlanFailure(ExitCode.configurationError, `plan: ${problem}`);
    }
}

const enforcementLevels: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Reads a pack config file and checks its levels; "all" (every policy's level) is the evaluator's to apply.
 */
function readPolicyConfig(file: string, io: PlanIo): PackConfig {
    const fail = (problem: string) =>
        new PlanFailure(ExitCode.configurationError, `plan: --policy-config ${file}: ${problem}`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw fail((error as Error).message);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw fail("expected a JSON object of policy names");
    }
    const entries: Record<string, { enforcementLevel?: EnforcementLevel } & Record<string, unknown>> = {};
    for (const [name, value] of Object.entries(parsed)) {
        const entry = typeof value === "string" ? { enforcementLevel: value } : value;
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            throw fail(`${name}: expected an enforcement level or an object`);
        }
        const level = (entry as { enforcementLevel?: unknown }).enforcementLevel;
        if (level !== undefined && !enforcementLevels.includes(level as EnforcementLevel)) {
            throw fail(
                `${name}: got enforcementLevel ${JSON.stringify(level)}; expected ${enforcementLevels.join(", ")}`,
            );
        }
        entries[name] = entry;
    }
    const names = policies.map(p => p.name);
    const unknown = Object.keys(entries).filter(name => name !== "all" && !names.includes(name));
    if (unknown.length > 0) {
        io.err(
            `plan: warning: --policy-config ${file} names no policy of this pack: ${unknown.join(", ")} (policies: ${names.join(", ")})\n`,
        );
    }
    return entries;
}

/** The stack's dashboard, drawn as the preview page; a stack without one is a configuration error. */
async function writeDashboardPreview(
    file: string,
    resources: readonly PlannedResource[],
    stack: string,
    region: string | undefined,
    io: PlanIo,
): Promise<void> {
    const dashboard = resources.find(r => r.type === "aws:cloudwatch/dashboard:Dashboard");
    if (!dashboard) {
        throw new PlanFailure(
            ExitCode.configurationError,
            `plan: --dashboard ${file}: stack ${stack} draws no dashboard (its config sets dashboard: false)`,
        );
    }
    const html = dashboardPreviewHtml(JSON.parse(String(dashboard.inputs.dashboardBody)), await simulatedSample(), {
        stack,
        dashboardName: String(dashboard.inputs.dashboardName),
        region: region ?? "",
    });
    fs.writeFileSync(file, html);
    io.err(`plan: wrote the dashboard preview ${file}\n`);
}

function programError(what: string, error: unknown): PlanFailure {
    return new PlanFailure(
        ExitCode.failure,
        `plan: ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
}

/**
 * Runs Pulumi work with console output on stderr, so that --json output stays the only thing on
 * stdout (without an engine, pulumi.log.info writes with console.log).
 */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
    const saved = { log: console.log, info: console.info, debug: console.debug };
    console.log = console.info = console.debug = console.error;
    try {
        return await work();
    } finally {
        Object.assign(console, saved);
    }
}

/** Inputs as JSON: assets and archives hold their text, paths, URIs and members as promises. */
async function jsonValue(value: unknown): Promise<unknown> {
    if (isAssetOrArchive(value)) {
        const fields: Record<string, unknown> = {};
        for (const key of ["text", "path", "uri", "assets"]) {
            if (key in value) {
                fields[key] = await jsonValue(await value[key]);
            }
        }
        return fields;
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(jsonValue));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
            await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await jsonValue(v)])),
        );
    }
    return value;
}

// A boolean guard: the SDK's own guards would narrow everything else to never, as Asset and Archive have no public members.
function isAssetOrArchive(value: unknown): value is Record<string, unknown> {
    return pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value);
}

if (require.main === module) {
    // Sets the exit code rather than exiting, so that Pulumi's pending work is never cut short.
    void main(process.argv.slice(2)).then(code => {
        process.exitCode = code;
    });
}
