// `npm run plan -- --dashboard`: the preview page, opened in headless Chromium (Debian's `chromium`;
// .ci/run installs it), shows every widget of the stack's dashboard at its grid place, none
// overlapping, with the simulated fleet's numbers.
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Widget } from "../../components/dashboard/dashboardBody";
import { ExitCode } from "../../cli/exitCodes";
import { main } from "../../plan/plan";
import { dashboardPreviewHtml, previewCell, simulatedSample } from "../../plan/dashboardPreview";

const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";

interface Measurements {
    widgets: {
        index: number;
        grid: number[];
        title: string;
        left: number;
        top: number;
        width: number;
        height: number;
        visible: boolean;
    }[];
    overlaps: [number, number][];
}

/** Loads the page in headless Chromium, which runs its measuring script, and returns the DOM it leaves. */
function renderedDom(file: string): Promise<string> {
    assert.ok(
        fs.existsSync(chromium),
        `no Chromium at ${chromium}: install Debian's package (apt-get install -y chromium) or set CHROMIUM`,
    );
    return new Promise((resolve, reject) =>
        execFile(
            chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1240,1300", "--dump-dom", `file://${file}`],
            { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
            (error, stdout) => (error ? reject(error) : resolve(stdout)),
        ),
    );
}

function measurementsOf(dom: string): Measurements {
    const json = /<script type="application\/json" id="measurements">(.*?)<\/script>/s.exec(dom)?.[1];
    assert.ok(json, "the page's measurements");
    return JSON.parse(json);
}

describe("the dashboard preview (npm run plan -- --dashboard)", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboard-preview-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    let body: { widgets: Widget[] };
    let html: string;
    let dom: string;
    before(async () => {
        const file = path.join(dir, "dev.html");
        const json = path.join(dir, "dev.json");
        const status = await main(["--stack", "dev", "--json", "--out", json, "--dashboard", file], {
            out: () => undefined,
            err: () => undefined,
        });
        assert.strictEqual(status, ExitCode.success);
        const dashboard = JSON.parse(fs.readFileSync(json, "utf8")).resources.find(
            (r: any) => r.type === "aws:cloudwatch/dashboard:Dashboard",
        );
        body = JSON.parse(dashboard.inputs.dashboardBody);
        html = fs.readFileSync(file, "utf8");
        dom = await renderedDom(file);
    });

    it("is one self-contained page: no file, script or style fetched from elsewhere", () => {
        assert.doesNotMatch(html, /\b(src|href)=/);
        assert.doesNotMatch(html, /@import|url\(/);
    });

    it("shows every widget of the stack's dashboard, each visible at its grid place, none overlapping", () => {
        const { widgets, overlaps } = measurementsOf(dom);
        assert.strictEqual(widgets.length, body.widgets.length);
        assert.deepStrictEqual(overlaps, []);
        const origin = widgets.find(w => w.grid[0] === 0 && w.grid[1] === 0)!;
        for (const [i, widget] of body.widgets.entries()) {
            const box = widgets[i];
            assert.ok(box.visible, `${widget.properties.title} is visible`);
            assert.strictEqual(box.title, widget.properties.title);
            assert.deepStrictEqual(box.grid, [widget.x, widget.y, widget.width, widget.height]);
            assert.deepStrictEqual(
                [box.left - origin.left, box.top - origin.top, box.width, box.height].map(Math.round),
                [
                    widget.x * previewCell.width,
                    widget.y * previewCell.height,
                    widget.width * previewCell.width,
                    widget.height * previewCell.height,
                ],
                `${widget.properties.title} at x ${widget.x}, y ${widget.y}`,
            );
        }
    });

    it("draws the simulated fleet's numbers, labelled as simulated, and lists the transitions the query selects", async () => {
        const sample = await simulatedSample();
        assert.match(dom, /SIMULATED/);
        assert.match(dom, /not from AWS/);
        // The benchmark's 1,000 nodes: 5% connection lost, 1% never registered.
        assert.deepStrictEqual(
            [sample.metrics.NodesOnline, sample.metrics.NodesConnectionLost, sample.metrics.NodesNeverRegistered],
            [940, 50, 10],
        );
        const headline = /Managed nodes \(latest sweep\).*?<\/section>/s.exec(dom)?.[0] ?? "";
        for (const [value, label] of [
            ["940", "Online"],
            ["60", "Unmanaged"],
            ["50", "Connection lost"],
            ["10", "Never registered"],
            ["94", "% managed"],
        ]) {
            assert.match(headline, new RegExp(`>${value}</span><span class="label">${label}<`), label);
        }
        // Patch compliance by severity and time to managed, from the sweep's EMF documents.
        const widget = (title: string) => new RegExp(`${title}.*?</section>`, "s").exec(dom)?.[0] ?? "";
        assert.match(widget("Nodes missing patches"), /Critical<\/td>.*?>20<\/td>/s);
        assert.match(widget("Time to managed"), /p50<\/td>.*?>180<\/td>.*p95<\/td>.*?>300<\/td>/s);
        const log = /<table class="log">.*?<\/table>/s.exec(dom)?.[0] ?? "";
        assert.strictEqual((log.match(/<tr>/g) ?? []).length, 1 + 50, "a header and the query's limit of 50");
        assert.match(log, /<th>why<\/th>/);
    });

    it("reports an overlapping or hidden widget (the check can fail)", async () => {
        const widget = (x: number, y: number, title: string): Widget => ({
            type: "text",
            x,
            y,
            width: 12,
            height: 4,
            properties: { title, markdown: title },
        });
        const file = path.join(dir, "planted.html");
        const page = dashboardPreviewHtml(
            { widgets: [widget(0, 0, "a"), widget(6, 2, "b"), widget(0, 6, "c")] },
            await simulatedSample(100),
            { stack: "t", dashboardName: "t", region: "eu-west-1" },
        ).replace('data-widget="2"', 'data-widget="2" hidden');
        fs.writeFileSync(file, page);
        const { widgets, overlaps } = measurementsOf(await renderedDom(file));
        assert.deepStrictEqual(overlaps, [[0, 1]]);
        assert.deepStrictEqual(
            widgets.map(w => w.visible),
            [true, true, false],
        );
    });
});
