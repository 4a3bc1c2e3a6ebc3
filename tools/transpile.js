// Transpiles the program and its tools to JavaScript in .build/, file by file and without type
// checking (npm test type-checks), so that `npm run plan` runs plain Node: no ts-node, no
// source-map support on every resource's stack trace. Only files newer than their output are
// transpiled again. Plain JavaScript, as it runs before anything is compiled.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const outDir = path.join(root, ".build");
const folders = ["aws", "cli", "components", "harness", "plan", "policy", "bench", "driver", "monitoring"];

function sources() {
    const inFolder = folder =>
        fs.readdirSync(path.join(root, folder), { withFileTypes: true }).flatMap(entry => {
            const file = path.join(folder, entry.name);
            if (entry.isDirectory()) {
                return entry.name === "node_modules" ? [] : inFolder(file);
            }
            const copied = entry.name.endsWith(".json") && entry.name !== "package-lock.json";
            return (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) || copied ? [file] : [];
        });
    return [...fs.readdirSync(root).filter(f => f.endsWith(".ts")), ...folders.flatMap(inFolder)];
}

function transpile() {
    const targetOf = file => path.join(outDir, file.replace(/\.ts$/, ".js"));
    const stale = sources().filter(file => {
        const target = targetOf(file);
        return !fs.existsSync(target) || fs.statSync(target).mtimeMs < fs.statSync(path.join(root, file)).mtimeMs;
    });
    if (stale.length === 0) {
        return;
    }
    const ts = require("typescript");
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    for (const file of stale) {
        const target = targetOf(file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (file.endsWith(".json")) {
            fs.copyFileSync(path.join(root, file), target);
            continue;
        }
        const { outputText } = ts.transpileModule(fs.readFileSync(path.join(root, file), "utf8"), {
            compilerOptions,
            fileName: file,
        });
        fs.writeFileSync(target, outputText);
    }
}

module.exports = { transpile, outDir };

if (require.main === module) {
    transpile();
}
