// The README and the contributor guide name only paths that exist: every backticked repository
// path in them, with <placeholders> and * standing for any name, matches at least one file or
// folder of the tree (or an output .gitignore names, such as .build/ or a file in it). A path that is still to be
// made is written without backticks.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "./support/program";

const documents = ["README.md", "CONTRIBUTING.md"];

/** Backticked words that are not paths of this repository though they look like one. */
const notRepositoryPaths = [
    /^document\//, // the resource part of an SSM document ARN
    /^sessions\//, // the Session Manager log prefix in the session bucket
    /^service-role\//, // an IAM role path
    /^fs\//, // a Node.js module
];

/** Every file and folder of the tree (folders with a trailing slash), outside node_modules and .git. */
function treePaths(): string[] {
    const walk = (folder: string): string[] =>
        fs.readdirSync(path.join(projectRoot, folder), { withFileTypes: true }).flatMap(entry => {
            if (entry.name === "node_modules" || entry.name === ".git") {
                return [];
            }
            const file = folder ? `${folder}/${entry.name}` : entry.name;
            return entry.isDirectory() ? [`${file}/`, ...walk(file)] : [file];
        });
    return walk("");
}

/** The backticked words of a document that name a repository path: a/b..., or a bare file name. */
function namedPaths(text: string): string[] {
    const words = [...text.matchAll(/`([^`\s]+)`/g)].map(m => m[1]);
    const looksLikePath = (word: string) =>
        /^\.?[a-z][\w.<>*-]*\/[\w.<>*/-]*$/.test(word) || /^[\w.<>*-]+\.(ts|json|ya?ml|md|urns)$/.test(word);
    return [...new Set(words.filter(looksLikePath).filter(word => !notRepositoryPaths.some(p => p.test(word))))];
}

/** A path with <placeholders> and * as a pattern over tree paths; a bare file or folder name matches in any folder. */
function pattern(named: string): RegExp {
    const body = named
        .split(/(<[^>]+>|\*)/)
        .map(part => (part.startsWith("<") || part === "*" ? "[^/]+" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
        .join("");
    const bare = !named.slice(0, -1).includes("/");
    return new RegExp(bare ? `(^|/)${body}$` : `^${body}/?$`);
}

describe("the documents", () => {
    const tree = treePaths();
    // What the tools write and git ignores: a named path is one when .gitignore names it, or a folder holding it.
    const ignored = fs
        .readFileSync(path.join(projectRoot, ".gitignore"), "utf8")
        .split("\n")
        .filter(line => line !== "" && !line.startsWith("#"));
    const isIgnored = (named: string) =>
        ignored.some(line => named === line || (line.endsWith("/") && named.startsWith(line)));

    for (const document of documents) {
        it(`${document} names only repository paths that exist`, () => {
            const named = namedPaths(fs.readFileSync(path.join(projectRoot, document), "utf8"));
            assert.ok(named.length > 5, `${document} names paths`);
            const missing = named.filter(p => !isIgnored(p) && !tree.some(file => pattern(p).test(file)));
            assert.deepStrictEqual(missing, []);
        });
    }

    it("would notice a path that does not exist", () => {
        const named = namedPaths(
            "see `handlers/`, `handlers/notification.ts`, `components/<name>Lambda.ts`, `lambda/` and `index.ts`",
        );
        assert.deepStrictEqual(named, [
            "handlers/",
            "handlers/notification.ts",
            "components/<name>Lambda.ts",
            "lambda/",
            "index.ts",
        ]);
        const tree = [
            "index.ts",
            "components/",
            "components/healthWatch/lambda/",
            "components/healthWatch/lambda/healthSweepLambda.ts",
        ];
        assert.deepStrictEqual(
            named.filter(p => !tree.some(file => pattern(p).test(file))),
            ["handlers/", "handlers/notification.ts", "components/<name>Lambda.ts"],
        );
    });
});
