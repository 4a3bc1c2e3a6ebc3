// The rooms, as imports. aws/ (AWS facts) imports nothing else. components/ holds one room per
// capability (a file, or a folder with its Lambda code in lambda/) above one shared floor,
// components/parts/: Lambda code imports only aws/ and Lambda code, the floor only aws/ and itself,
// a capability aws/, the floor and its own room. No module imports itself through a loop.
// CONTRIBUTING.md describes the layout. Each rule is also run on a graph with a violation planted,
// so that a rule that can no longer fail is noticed.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./support/program";

const sourceFolders = ["aws", "components", "harness", "cli", "plan", "driver", "bench", "policy"];

function sourceFiles(): string[] {
    const inFolder = (folder: string): string[] =>
        fs.readdirSync(path.join(projectRoot, folder), { withFileTypes: true }).flatMap(entry => {
            const file = `${folder}/${entry.name}`;
            if (entry.isDirectory()) {
                return entry.name === "node_modules" ? [] : inFolder(file);
            }
            return entry.name.endsWith(".ts") ? [file] : [];
        });
    const top = fs.readdirSync(projectRoot).filter(f => f.endsWith(".ts"));
    return [...top, ...sourceFolders.flatMap(inFolder)];
}

/** Every module a file imports or requires at the top level: relative ones as project paths, packages by name. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
    const specifiers = [...text.matchAll(/(?:from|import|require\()\s*["']([^"']+)["']/g)].map(m => m[1]);
    return specifiers.map(spec =>
        spec.startsWith(".") ? `${path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))}.ts` : spec,
    );
}

type ImportGraph = ReadonlyMap<string, readonly string[]>;

const graph: ImportGraph = new Map(sourceFiles().map(file => [file, importsOf(file)]));

/** A file of this project (relative imports resolve to a path ending in .ts), not a package. */
const isProjectFile = (module: string) => module.endsWith(".ts");
/** Code Pulumi serializes into a Lambda: anything in a lambda/ folder. */
const isLambdaCode = (file: string) => file.includes("/lambda/");
const sharedFloor = "components/parts/";
/** The capability a file of components/ belongs to (its folder, or its own file), or undefined on the shared floor. */
function capabilityOf(file: string): string | undefined {
    if (!file.startsWith("components/") || file.startsWith(sharedFloor)) {
        return undefined;
    }
    return file.split("/")[1].replace(/\.ts$/, "");
}

/** "file -> module" for every import of a file the rule covers that the rule does not allow. */
function violations(
    graph: ImportGraph,
    covers: (file: string) => boolean,
    allows: (module: string, file: string) => boolean,
): string[] {
    return [...graph].flatMap(([file, imports]) =>
        covers(file) ? imports.filter(module => !allows(module, file)).map(module => `${file} -> ${module}`) : [],
    );
}

interface Rule {
    readonly says: string;
    readonly broken: (graph: ImportGraph) => string[];
    /** An import that breaks the rule, planted into a copy of the graph to show that the rule sees it. */
    readonly planted: readonly [string, string];
}

const rules: Rule[] = [
    {
        says: "keeps aws/ free of Pulumi and of every other folder",
        broken: graph =>
            violations(
                graph,
                file => file.startsWith("aws/"),
                module => module.startsWith("aws/"),
            ),
        planted: ["aws/events.ts", "@pulumi/pulumi"],
    },
    {
        says: "keeps Lambda code (any lambda/ folder) free of Pulumi, importing only aws/ and Lambda code (SDK clients are required inside functions)",
        broken: graph =>
            violations(
                graph,
                isLambdaCode,
                module => module.startsWith("aws/") || isLambdaCode(module) || module.startsWith("@aws-sdk/"),
            ),
        planted: ["components/notifications/lambda/notification.ts", "components/parts/policyDocuments.ts"],
    },
    {
        says: "keeps the shared floor, components/parts/, importing only aws/ and itself",
        broken: graph =>
            violations(
                graph,
                file => file.startsWith(sharedFloor),
                module => !isProjectFile(module) || module.startsWith("aws/") || module.startsWith(sharedFloor),
            ),
        planted: ["components/parts/alarm.ts", "components/notifications/notificationPipeline.ts"],
    },
    {
        says: "lets a capability import aws/, the shared floor and its own room, never another capability or what is above components/",
        broken: graph =>
            violations(
                graph,
                file => capabilityOf(file) !== undefined,
                (module, file) =>
                    !isProjectFile(module) ||
                    module.startsWith("aws/") ||
                    module.startsWith(sharedFloor) ||
                    capabilityOf(module) === capabilityOf(file),
            ),
        planted: ["components/network/closedVpc.ts", "components/healthWatch/lambda/nodeHealth.ts"],
    },
    {
        says: "keeps policy/ self-contained, as the Pulumi CLI loads it from its own folder",
        broken: graph =>
            violations(
                graph,
                file => file.startsWith("policy/"),
                module => !isProjectFile(module) || module.startsWith("policy/"),
            ),
        planted: ["policy/policies.ts", "aws/identifiers.ts"],
    },
    {
        says: "lets nothing outside test/ import from it: the benchmarks' stand-ins live in harness/",
        broken: graph =>
            violations(
                graph,
                () => true,
                module => !module.startsWith("test/"),
            ),
        planted: ["bench/health.ts", "test/support/fakePulumi.ts"],
    },
];

describe("the layout", () => {
    for (const rule of rules) {
        describe(rule.says, () => {
            it("holds", () => {
                assert.deepStrictEqual(rule.broken(graph), []);
            });

            it("fails on a planted violation", () => {
                const [file, module] = rule.planted;
                assert.ok(graph.has(file), `${file} exists to plant into`);
                const planted = new Map(graph);
                planted.set(file, [...graph.get(file)!, module]);
                assert.deepStrictEqual(rule.broken(planted), [`${file} -> ${module}`]);
            });
        });
    }

    it("has no import loop", () => {
        const state = new Map<string, "visiting" | "done">();
        const visit = (file: string, trail: string[]) => {
            if (state.get(file) === "done") {
                return;
            }
            assert.notStrictEqual(state.get(file), "visiting", `import loop: ${[...trail, file].join(" -> ")}`);
            state.set(file, "visiting");
            for (const next of graph.get(file) ?? []) {
                if (graph.has(next)) {
                    visit(next, [...trail, file]);
                }
            }
            state.set(file, "done");
        };
        for (const file of graph.keys()) {
            visit(file, []);
        }
    });
});
