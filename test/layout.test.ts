// The layers, as imports: aws/ (AWS facts) and handlers/ (what Pulumi serializes into Lambdas)
// import no Pulumi and nothing above them; components/ never import config.ts or index.ts; no
// module imports itself through a loop. CONTRIBUTING.md describes the layout.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./support/program";

const sourceFolders = ["aws", "handlers", "components", "harness", "cli", "plan", "driver", "bench", "policy"];

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

const graph = new Map(sourceFiles().map(file => [file, importsOf(file)]));

describe("the layout", () => {
    it("keeps aws/ free of Pulumi and of every other folder", () => {
        for (const [file, imports] of graph) {
            if (file.startsWith("aws/")) {
                assert.deepStrictEqual(
                    imports.filter(i => !i.startsWith("aws/")),
                    [],
                    `${file} imports outside aws/`,
                );
            }
        }
    });

    it("keeps handlers/ free of Pulumi, importing only aws/ and each other (SDK clients are required inside functions)", () => {
        for (const [file, imports] of graph) {
            if (file.startsWith("handlers/")) {
                assert.deepStrictEqual(
                    imports.filter(
                        i =>
                            !i.startsWith("aws/") &&
                            !i.startsWith("handlers/") &&
                            !i.startsWith("components/parts/lambda/") &&
                            !i.startsWith("@aws-sdk/"),
                    ),
                    [],
                    `${file} imports something Pulumi would have to serialize`,
                );
            }
        }
    });

    it("lets no component import config.ts, index.ts or the tools above it", () => {
        for (const [file, imports] of graph) {
            if (file.startsWith("components/")) {
                const upward = imports.filter(i =>
                    /^(config|index)\.ts$|^(harness|plan|driver|cli|bench|policy)\//.test(i),
                );
                assert.deepStrictEqual(upward, [], `${file} imports upward`);
            }
        }
    });

    it("lets nothing outside test/ import from it: the benchmarks' stand-ins live in harness/", () => {
        for (const [file, imports] of graph) {
            assert.deepStrictEqual(
                imports.filter(i => i.startsWith("test/")),
                [],
                `${file} imports from test/`,
            );
        }
    });

    it("keeps policy/ self-contained, as the Pulumi CLI loads it from its own folder", () => {
        for (const [file, imports] of graph) {
            if (file.startsWith("policy/")) {
                assert.deepStrictEqual(
                    imports.filter(i => i.endsWith(".ts") && !i.startsWith("policy/")),
                    [],
                    `${file} imports from outside policy/`,
                );
            }
        }
    });

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
