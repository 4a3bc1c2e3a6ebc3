// Which file `pulumi up` runs for a Node.js project, and how it compiles it, mirrored from
// pulumi/pulumi (read at commit 1b59498, 2026-08-21; each rule cites the code it mirrors), so that
// a test can run a program the way the engine would rather than the way our harness happens to.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

/** What the language host is handed: the directory it runs in and the entry point given to run.ts. */
export interface EngineProgram {
    /** The program's working directory (the language host's --pwd). */
    readonly pwd: string;
    /** The file the Node.js runtime requires. */
    readonly entry: string;
}

/** The nearest package.json at or above `dir` (sdk/nodejs/runtime/manifest.ts, searchupPackageManifest). */
function packageManifestAbove(dir: string): string | undefined {
    for (let current = dir; ; current = path.dirname(current)) {
        const file = path.join(current, "package.json");
        if (fs.existsSync(file)) {
            return file;
        }
        if (path.dirname(current) === current) {
            return undefined;
        }
    }
}

/**
 * The program the engine runs for the project whose Pulumi.yaml is in `projectDir`:
 * - Pulumi.yaml `main:` names a file or directory relative to the project; without it the program
 *   directory is the project's and the entry point is "." (pkg/engine/project.go, getPwdMain);
 * - run.ts changes to --pwd and, only when the entry point is ".", takes package.json's `exports`
 *   or `main`, from the nearest package.json at or ABOVE the program directory
 *   (sdk/nodejs/cmd/run/run.ts, run and npmPackageRootFromProgramPath);
 * - a directory is then required as a directory: its index file.
 */
export function engineProgram(projectDir: string): EngineProgram {
    projectDir = path.resolve(projectDir);
    const project = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"), {
        schema: yaml.CORE_SCHEMA,
    }) as { main?: string };
    let pwd = projectDir;
    let entryPoint = ".";
    if (project.main) {
        const main = path.resolve(projectDir, project.main);
        if (fs.statSync(main).isDirectory()) {
            pwd = main;
        } else {
            pwd = path.dirname(main);
            entryPoint = path.basename(main);
        }
    }
    let entry = path.join(pwd, entryPoint);
    const manifest = packageManifestAbove(pwd);
    if (entryPoint === "." && manifest) {
        const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
        const exported = typeof pkg.exports === "object" ? pkg.exports?.["."] : pkg.exports;
        const named = typeof exported === "string" ? exported : pkg.main;
        const candidate = named ? path.join(path.dirname(manifest), named) : undefined;
        // run.ts resolveEntrypoint: a named file that does not exist falls back to the directory.
        if (candidate && fs.existsSync(candidate)) {
            entry = candidate;
        }
    }
    return { pwd, entry: require.resolve(entry) };
}

/**
 * The options run.ts registers ts-node with for a CommonJS program (sdk/nodejs/cmd/run/run.ts):
 * the tsconfig.json in --pwd, or none at all (skipProject) when --pwd has none, so ts-node never
 * walks up to the checkout's; that file's own compilerOptions (tsutils.ts,
 * loadTypeScriptCompilerOptions: `extends` is not followed) over ES2020 and nodenext; and type
 * checking, ts-node's default, unless PULUMI_NODEJS_TRANSPILE_ONLY or the tsconfig's noCheck says not.
 */
export function engineTsNodeOptions(pwd: string) {
    const tsconfig = path.resolve(pwd, "tsconfig.json");
    const own = fs.existsSync(tsconfig)
        ? ((yaml.load(fs.readFileSync(tsconfig, "utf8"), { schema: yaml.JSON_SCHEMA }) as any)?.compilerOptions ?? {})
        : {};
    return {
        compiler: "typescript",
        transpileOnly: own.noCheck as boolean | undefined,
        project: tsconfig,
        skipProject: !fs.existsSync(tsconfig),
        compilerOptions: {
            target: "ES2020",
            module: "nodenext",
            moduleResolution: "nodenext",
            sourceMap: "true",
            ...own,
        },
    };
}
