// The README is the front door, and its figures are checked against what the program does: the
// configuration table against the declared keys, the cost table against the plan's estimate of the
// two stacks, and the serialized Lambda sizes against the archives (`npm run bench` prints them).
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { lambdaSizes } from "../bench/plan";
import { configKeys } from "../config";
import { projectRoot, stackConfig } from "../harness/synthesize";
import { committedStack, runProgram, Synthesized } from "./support/program";
import { writeExampleFleet } from "./support/exampleFleet";
import { CostEstimate, estimateMonthlyCost } from "../plan/cost";
import { monitoringTarget } from "../plan/plan";
import { usd } from "../plan/report";
import { RecordingMocks } from "../harness/standIns";

const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");

/** The text of one `## ` section, up to the next heading of the same level. */
function section(heading: string): string {
    const start = readme.indexOf(`\n## ${heading}\n`);
    assert.ok(start >= 0, `README has a section "## ${heading}"`);
    const end = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, end < 0 ? undefined : end);
}

/** The body rows of the Markdown table whose header row starts with `firstHeader`, as trimmed cells. */
function tableRows(text: string, firstHeader: string): string[][] {
    const lines = text.split("\n");
    const header = lines.findIndex(line => line.startsWith(`| ${firstHeader}`));
    assert.ok(header >= 0, `a table headed "${firstHeader}"`);
    const rows = [];
    for (const line of lines.slice(header + 2)) {
        if (!line.startsWith("|")) {
            break;
        }
        rows.push(
            line
                .slice(1, -1)
                .split(" | ")
                .map(cell => cell.trim()),
        );
    }
    return rows;
}

describe("the README", () => {
    describe("configuration table", () => {
        const rows = tableRows(section("Configuration"), "Key");
        const byKey = new Map(rows.flatMap(row => row[0].split(", ").map(key => [key.replace(/`/g, ""), row])));

        it("lists every key Pulumi.yaml declares, once, and nothing else", () => {
            const listed = rows.flatMap(row => row[0].split(", ").map(key => key.replace(/`/g, "")));
            assert.deepStrictEqual([...listed].sort(), Object.keys(configKeys).sort());
        });

        it("gives each key the default the program applies", () => {
            for (const [key, { default: fallback }] of Object.entries(configKeys)) {
                const cell = byKey.get(key)![1];
                if (fallback === undefined) {
                    assert.strictEqual(cell, "(required)", key);
                } else if (Array.isArray(fallback) && fallback.length > 0) {
                    // Default rules are described in words; each of their values must be named.
                    const values = (fallback as readonly string[]).flatMap(rule =>
                        rule.split(" ").flatMap(term => term.split("=")[1].split(",")),
                    );
                    for (const value of values) {
                        assert.match(cell, new RegExp(`\\b${value}\\b`), `${key}: default mentions ${value}`);
                    }
                } else {
                    const shown = Array.isArray(fallback) ? "[]" : fallback === "" ? '""' : String(fallback);
                    assert.ok(cell.startsWith(`\`${shown}\``), `${key}: "${cell}" shows \`${shown}\``);
                }
            }
        });

        it("states the range of every whole-number key, as Pulumi.yaml does", () => {
            const project = yaml.load(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as {
                config: Record<string, { description: string }>;
            };
            for (const [key, declared] of Object.entries(configKeys)) {
                if ("range" in declared) {
                    const range = `${declared.range[0]} to ${declared.range[1]}`;
                    assert.ok(byKey.get(key)![2].includes(range), `README ${key}: ${range}`);
                    assert.ok(project.config[key].description.includes(range), `Pulumi.yaml ${key}: ${range}`);
                }
            }
        });
    });

    it("names every stack output index.ts exports", () => {
        const exported = [
            ...fs.readFileSync(path.join(projectRoot, "index.ts"), "utf8").matchAll(/^export const (\w+)/gm),
        ];
        const outputs = section("Configuration").slice(section("Configuration").indexOf("Stack outputs:"));
        for (const [, name] of exported) {
            assert.ok(outputs.includes(`\`${name}\``), `${name} is listed under "Stack outputs"`);
        }
    });

    describe("figures the program determines", function () {
        this.timeout(120_000);
        const stacks = ["dev", "prod"] as const;
        const synthesized = new Map<string, Synthesized>();
        before(async () => {
            for (const stack of stacks) {
                synthesized.set(stack, await committedStack(stack));
            }
        });
        const estimate = (stack: string): CostEstimate =>
            estimateMonthlyCost(synthesized.get(stack)!.resources, stackConfig(stack)["aws:region"]);

        it("has the cost table the plan prints for dev and prod, with the same totals", () => {
            const rows = tableRows(section("What it costs per month"), "Item");
            const total = rows.find(row => row[0] === "**Total**");
            const freeRow = rows.find(row => row[0].startsWith("No charge at rest:"));
            assert.ok(total && freeRow, "a total row and a no-charge row");
            const priced = rows.filter(row => row !== total && row !== freeRow);
            // A line's item without its stack-specific details: "CloudWatch alarms (5)" is "CloudWatch alarms".
            const itemName = (item: string) => item.split(" (")[0];
            const estimates = stacks.map(estimate);
            const names = [...new Set(estimates.flatMap(e => e.lines.map(l => itemName(l.item))))];
            for (const name of names) {
                const lines = estimates.map(e => e.lines.find(l => itemName(l.item) === name));
                const amounts = lines.map(line => line?.monthlyUsd);
                if (lines.every(line => line?.unitUsd === 0)) {
                    assert.ok(freeRow[0].includes(name), `"${name}" is in the no-charge row`);
                    continue;
                }
                const matching = priced.filter(row => row[0].startsWith(name));
                assert.strictEqual(matching.length, 1, `one row for "${name}"`);
                assert.deepStrictEqual(
                    matching[0].slice(1),
                    amounts.map(amount => (amount === undefined ? "none" : usd(amount))),
                    name,
                );
            }
            assert.strictEqual(priced.length, names.filter(n => !freeRow[0].includes(n)).length, "no stale rows");
            assert.deepStrictEqual(
                total.slice(1),
                estimates.map(e => `**${usd(e.monthlyUsd)}**`),
            );
        });

        it("states the organization view's cost for the example manifest, as plan --monitoring prices it", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-fleet-"));
            let estimate: CostEstimate;
            let cells: unknown[];
            try {
                const target = monitoringTarget(writeExampleFleet(dir));
                const region = target.config["aws:region"];
                const { resources } = await runProgram(
                    target.stack,
                    target.config,
                    new RecordingMocks(region),
                    target.program,
                    target.project,
                );
                estimate = estimateMonthlyCost(resources, region);
                cells = JSON.parse(target.config[`${target.project}:cells`]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
            const start = readme.indexOf("\n### Organization view\n");
            assert.ok(start >= 0, 'README has a section "### Organization view"');
            const text = readme.slice(start, readme.indexOf("\n## ", start));
            const regions = new Set(cells.map(c => (c as { region: string }).region)).size;
            assert.ok(
                text.includes(`(${cells.length} cells in ${regions} Regions)`),
                "the example's cells and Regions",
            );
            assert.ok(
                text.includes(`**${usd(estimate.monthlyUsd)} a month**`),
                `the total, ${usd(estimate.monthlyUsd)}`,
            );
            // One bullet per priced line, in the plan's order, each ending with its amount.
            const bullets = [...text.matchAll(/^- [\s\S]*?: (\$[\d,.]+)[;.]$/gm)].map(match => match[1]);
            assert.deepStrictEqual(
                bullets,
                estimate.lines.filter(l => l.monthlyUsd > 0).map(l => usd(l.monthlyUsd)),
            );
            const insights = estimate.lines.find(l => l.item.startsWith("CloudWatch Metrics Insights alarms"))!;
            assert.ok(
                text.includes(`${insights.quantity} metrics\n  assumed`),
                `${insights.quantity} metrics analysed`,
            );
        });

        it("has the serialized Lambda sizes of both stacks", async () => {
            const rows = tableRows(section("Offline plan"), "Function");
            for (const stack of stacks) {
                const sizes = await lambdaSizes(synthesized.get(stack)!.resources);
                assert.deepStrictEqual(
                    rows,
                    sizes.map(({ name, files, bytes }) => [
                        `\`${name}\``,
                        files.map(f => `\`${f}\``).join(", "),
                        bytes.toLocaleString("en-US"),
                    ]),
                    stack,
                );
            }
        });
    });
});
