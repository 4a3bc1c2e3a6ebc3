// `npm run plan -- --dashboard <file>`: the fleet dashboard's layout as one self-contained HTML
// page, drawn with the numbers of a simulated fleet (the health benchmark's), so that it can be
// seen before anything is deployed. The renderer is pure; an inline script in the page measures
// each widget's box into the page, for the browser test and for a reader's own check.
import { Widget } from "../components/dashboard/dashboardBody";
import { runSweep } from "../components/healthWatch/lambda/healthSweep";
import { EmfLine } from "../components/healthWatch/lambda/healthMetrics";
import { causePut } from "../components/healthWatch/lambda/nodeCauses";
import { metricNamespace } from "../components/parts/lambda/nodeStatus";
import { benchmarkFleet, benchmarkShares, instanceId, sweepSettings } from "../harness/simulatedFleet";

/** What the preview draws with: one simulated sweep's metrics, EMF documents and log records. */
export interface PreviewSample {
    readonly nodes: number;
    /** Where the numbers come from, printed on the page. */
    readonly source: string;
    /** The sweep's dimensionless metrics (PutMetricData), by name. */
    readonly metrics: Readonly<Record<string, number>>;
    readonly emf: readonly EmfLine[];
    /** The sweep's other JSON log lines (the transitions), oldest first. */
    readonly logRecords: readonly Record<string, unknown>[];
    /** The time of the sweep, epoch milliseconds. */
    readonly at: number;
}

/** The dashboard body as PutDashboard takes it; only the widgets matter here. */
export interface PreviewBody {
    readonly widgets: readonly Widget[];
}

/** Pixels per grid column and per grid row: 24 columns make a 1200-pixel page. */
export const previewCell = { width: 50, height: 36 } as const;

const previewSettings = sweepSettings({
    tableName: "preview",
    topicArn: "arn:aws:sns:eu-west-1:123456789012:preview",
    maxDiagnoses: 0,
    eventBusName: "preview",
});

/** Of each 100 of the benchmark's nodes, these online ones started lately and register between the sweeps. */
const lateSlots = [98, 99];

/**
 * Two sweeps over the health benchmark's fleet: the first records the unhealthy nodes, the second
 * (debounce 2) reports them, as the benchmark measures it. Two in a hundred online nodes started
 * 4 to 13 minutes before the second sweep (their running events recorded) and first pinged 1 to 5
 * minutes after starting: starting at the first sweep, online at the second, which measures their
 * times to managed.
 */
export async function simulatedSample(nodes = 1_000, now = Date.parse("2026-12-01T12:00:00Z")): Promise<PreviewSample> {
    const { fleet } = benchmarkFleet(nodes, now);
    const late = Array.from({ length: nodes }, (_, i) => i).filter(i => lateSlots.includes(i % 100));
    const registered = late.map((i, n) => {
        const id = instanceId(i);
        const started = now - (4 + (n % 10)) * 60_000;
        const instance = fleet.instances.get(id)!;
        fleet.instances.set(id, { ...instance, LaunchTime: new Date(started) });
        fleet.table.set(
            `cause#${id}`,
            causePut(previewSettings.tableName, { nodeId: id, text: "EC2 instance running", at: started }).Item,
        );
        const record = { ...fleet.nodes.get(id)!, LastPingDateTime: new Date(started + (1 + (n % 5)) * 60_000) };
        fleet.nodes.delete(id);
        return record;
    });
    const noSleep = async () => undefined;
    await runSweep(fleet, previewSettings, now - 5 * 60_000, noSleep);
    for (const record of registered) {
        fleet.nodes.set(record.InstanceId!, record);
    }
    const lines: string[] = [];
    await runSweep(fleet, previewSettings, now, noSleep, line => lines.push(line));
    const records = lines.map(line => JSON.parse(line) as Record<string, unknown>);
    // Each log line is timestamped by CloudWatch Logs on arrival; here, by the sweep's time.
    return {
        nodes,
        source:
            `the health benchmark's fleet of ${nodes.toLocaleString("en-US")} instances ` +
            `(${benchmarkShares.connectionLostPercent}% connection lost, ${benchmarkShares.neverRegisteredPercent}% never registered), ` +
            `second sweep (2% of the nodes registered since the first)`,
        metrics: fleet.latestMetrics(),
        emf: records.filter(r => "_aws" in r) as unknown as EmfLine[],
        logRecords: records.filter(r => !("_aws" in r)).map(r => ({ "@timestamp": new Date(now).toISOString(), ...r })),
        at: now,
    };
}

const escape = (text: unknown) =>
    String(text).replace(
        /[&<>"']/g,
        c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
    );

const formatNumber = (value: number) =>
    Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(1).replace(/\.0$/, "");

type Row = (string | Record<string, any>)[];

interface DrawnRow {
    readonly label: string;
    /** Undefined when the simulation has no number for it (AWS's own metrics, functions of time). */
    readonly value?: number;
    /** The metric or expression, as the body names it. */
    readonly source: string;
}

const optionsOf = (row: Row): Record<string, any> => {
    const last = row[row.length - 1];
    return typeof last === "object" ? last : {};
};

/** + - * / and parentheses over the ids drawn before; undefined for anything else (CloudWatch's functions). */
function evaluate(expression: string, values: ReadonlyMap<string, number>): number | undefined {
    const tokens = expression.match(/\s*([A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[-+*/()])/g);
    if (!tokens || tokens.join("").replace(/\s/g, "") !== expression.replace(/\s/g, "")) {
        return undefined;
    }
    let position = 0;
    const next = () => tokens[position]?.trim();
    const primary = (): number => {
        const token = tokens[position++]?.trim();
        if (token === "(") {
            const value = sum();
            position++;
            return value;
        }
        if (token !== undefined && /^\d/.test(token)) {
            return Number(token);
        }
        const value = token === undefined ? undefined : values.get(token);
        if (value === undefined) {
            throw new Error(`no value for ${token}`);
        }
        return value;
    };
    const product = (): number => {
        let value = primary();
        while (next() === "*" || next() === "/") {
            value = tokens[position++].trim() === "*" ? value * primary() : value / primary();
        }
        return value;
    };
    const sum = (): number => {
        let value = product();
        while (next() === "+" || next() === "-") {
            value = tokens[position++].trim() === "+" ? value + product() : value - product();
        }
        return value;
    };
    try {
        const value = sum();
        return position === tokens.length && Number.isFinite(value) ? value : undefined;
    } catch {
        return undefined;
    }
}

/** A metric widget's rows with the sample's numbers; rows marked invisible only feed expressions. */
function drawnRows(widget: Widget, sample: PreviewSample): DrawnRow[] {
    const values = new Map<string, number>();
    const drawn: DrawnRow[] = [];
    for (const row of widget.properties.metrics as Row[]) {
        const options = optionsOf(row);
        if (typeof row[0] === "object") {
            const expression = String(options.expression);
            const search = /^SEARCH\('\{([^,}]+),([^}]+)\} MetricName="([^"]+)"'/.exec(expression);
            if (search) {
                drawn.push(...searchRows(search[1], search[2].split(","), search[3], sample, expression));
                continue;
            }
            const value = evaluate(expression, values);
            if (value !== undefined && options.id) {
                values.set(options.id, value);
            }
            if (options.visible !== false) {
                drawn.push({ label: options.label ?? options.id, value, source: expression });
            }
            continue;
        }
        const [namespace, name, ...rest] = row as string[];
        const dimensions = rest.filter(v => typeof v === "string");
        const value =
            namespace === metricNamespace
                ? (sample.metrics[name] ?? emfValue(sample, name, dimensions, options.stat))
                : undefined;
        if (value !== undefined && options.id) {
            values.set(options.id, value);
        }
        if (options.visible !== false) {
            const named = dimensions.length ? ` ${dimensions[0]}=${dimensions[1]}` : "";
            drawn.push({
                label: options.label ?? `${name}${dimensions.length ? ` ${dimensions[1]}` : ""}`,
                value,
                source: `${namespace} ${name}${named}`,
            });
        }
    }
    return drawn;
}

/** An EMF metric of the sample with these dimension values: the sum of its counts, or a percentile (p50) of its values. */
function emfValue(
    sample: PreviewSample,
    name: string,
    dimensions: readonly string[],
    stat: unknown,
): number | undefined {
    const keys = dimensions.filter((_, i) => i % 2 === 0);
    const values = sample.emf
        .filter(
            d =>
                d._aws.CloudWatchMetrics.some(
                    c =>
                        c.Metrics.some(m => m.Name === name) &&
                        c.Dimensions.some(set => set.join(",") === keys.join(",")),
                ) && keys.every((key, i) => d[key] === dimensions[2 * i + 1]),
        )
        .flatMap(d => d[name] as number | number[]);
    if (values.length === 0) {
        return undefined;
    }
    const percentile = /^p(\d+(?:\.\d+)?)$/.exec(String(stat));
    if (!percentile) {
        return values.reduce((sum, v) => sum + v, 0);
    }
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1)];
}

/** A SEARCH over the sweep's EMF metric: one series per value of the searched dimensions. */
function searchRows(
    namespace: string,
    dimensions: readonly string[],
    metric: string,
    sample: PreviewSample,
    expression: string,
): DrawnRow[] {
    if (namespace !== metricNamespace) {
        return [{ label: expression, source: expression }];
    }
    const series = new Map<string, number>();
    for (const document of sample.emf) {
        const declared = document._aws.CloudWatchMetrics.some(
            d =>
                d.Metrics.some(m => m.Name === metric) &&
                d.Dimensions.some(set => set.join(",") === dimensions.join(",")),
        );
        if (!declared) {
            continue;
        }
        const record = document as unknown as Record<string, unknown>;
        const key = dimensions.map(d => String(record[d])).join(" ");
        series.set(key, (series.get(key) ?? 0) + Number(record[metric]));
    }
    return [...series.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([label, value]) => ({ label, value, source: expression }));
}

function metricBody(widget: Widget, sample: PreviewSample): string {
    const rows = drawnRows(widget, sample);
    const value = (row: DrawnRow) =>
        row.value === undefined ? `<span class="none" title="not simulated">—</span>` : escape(formatNumber(row.value));
    if (widget.properties.view === "singleValue") {
        return `<div class="values">${rows
            .map(
                row =>
                    `<div class="value" title="${escape(row.source)}"><span class="number">${value(row)}</span><span class="label">${escape(row.label)}</span></div>`,
            )
            .join("")}</div>${sources(rows)}`;
    }
    const largest = Math.max(1, ...rows.map(row => row.value ?? 0));
    return `<table class="series">${rows
        .map(
            row =>
                `<tr><td class="label">${escape(row.label)}</td><td class="bar">${row.value === undefined ? "" : `<span style="width:${((row.value / largest) * 100).toFixed(1)}%"></span>`}</td><td class="number">${value(row)}</td></tr>`,
        )
        .join("")}</table>${sources(rows)}`;
}

function sources(rows: readonly DrawnRow[]): string {
    const distinct = [...new Set(rows.map(row => row.source))];
    return `<ul class="sources">${distinct.map(s => `<li>${escape(s)}</li>`).join("")}</ul>`;
}

/** The query's `fields`, `sort` and `limit` applied to the sample's log records. */
function logBody(widget: Widget, sample: PreviewSample): string {
    const query = String(widget.properties.query);
    const clauses = query.split(/\n\|\s*/);
    const fields = (clauses.find(c => c.startsWith("fields "))?.slice("fields ".length) ?? "@timestamp")
        .split(",")
        .map(f => f.trim());
    const filter = /^filter (\w+) = "([^"]*)"$/.exec(clauses.find(c => c.startsWith("filter ")) ?? "");
    const limit = Number(/^limit (\d+)$/.exec(clauses.find(c => c.startsWith("limit ")) ?? "")?.[1] ?? 1000);
    const records = sample.logRecords
        .filter(r => !filter || String(r[filter[1]]) === filter[2])
        .slice()
        .reverse()
        .slice(0, limit);
    return `<pre class="query">${escape(query)}</pre><table class="log"><thead><tr>${fields
        .map(f => `<th>${escape(f)}</th>`)
        .join("")}</tr></thead><tbody>${records
        .map(r => `<tr>${fields.map(f => `<td>${escape(r[f] ?? "")}</td>`).join("")}</tr>`)
        .join("")}</tbody></table>`;
}

function alarmBody(widget: Widget): string {
    const arns = widget.properties.alarms as string[];
    return `<ul class="alarms">${arns
        .map(
            arn =>
                `<li title="${escape(arn)}">${escape(arn.replace(/^arn:[^:]+:cloudwatch:[^:]*:[^:]*:(alarm:)?/, ""))}</li>`,
        )
        .join("")}</ul><p class="note">States are not simulated.</p>`;
}

function widgetHtml(widget: Widget, index: number, sample: PreviewSample): string {
    const title = widget.properties.title ?? (widget.type === "text" ? "Text" : `${widget.type} widget ${index + 1}`);
    const body =
        widget.type === "metric"
            ? metricBody(widget, sample)
            : widget.type === "log"
              ? logBody(widget, sample)
              : widget.type === "alarm"
                ? alarmBody(widget)
                : `<p>${escape(widget.properties.markdown)}</p>`;
    const place = `x ${widget.x}, y ${widget.y}, ${widget.width}×${widget.height}`;
    return (
        `<section class="widget ${widget.type}" data-widget="${index}" data-grid="${widget.x},${widget.y},${widget.width},${widget.height}" ` +
        `style="left:${widget.x * previewCell.width}px;top:${widget.y * previewCell.height}px;` +
        `width:${widget.width * previewCell.width}px;height:${widget.height * previewCell.height}px">` +
        `<div class="frame"><h2>${escape(title)}<span class="place">${escape(place)}</span></h2><div class="content">${body}</div></div></section>`
    );
}

/**
 * Measures every widget in the browser and writes the result into #measurements: each widget's
 * box, whether it is visible (a box, not hidden, its title inside it), and every overlapping pair.
 */
const measureScript = `
(function () {
    var widgets = Array.prototype.slice.call(document.querySelectorAll("[data-widget]"));
    var boxes = widgets.map(function (element) {
        var box = element.getBoundingClientRect();
        var style = getComputedStyle(element);
        var title = element.querySelector("h2").getBoundingClientRect();
        return {
            index: Number(element.dataset.widget),
            grid: element.dataset.grid.split(",").map(Number),
            title: element.querySelector("h2").firstChild.textContent,
            left: box.left + window.scrollX, top: box.top + window.scrollY, width: box.width, height: box.height,
            visible: box.width > 0 && box.height > 0 && style.visibility === "visible" && style.display !== "none" &&
                Number(style.opacity) > 0 && title.height > 0 && title.top >= box.top && title.bottom <= box.bottom
        };
    });
    var overlaps = [];
    boxes.forEach(function (a, i) {
        boxes.slice(i + 1).forEach(function (b) {
            var w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
            var h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
            if (w > 0 && h > 0) { overlaps.push([a.index, b.index]); }
        });
    });
    var result = { widgets: boxes, overlaps: overlaps };
    document.getElementById("measurements").textContent = JSON.stringify(result);
    document.getElementById("check").textContent = boxes.length + " widgets, " +
        boxes.filter(function (b) { return b.visible; }).length + " visible, " + overlaps.length + " overlapping";
})();
`;

const style = `
body { margin: 0; padding: 16px; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; background: #f2f3f3; color: #16191f; }
header { width: ${24 * previewCell.width}px; margin-bottom: 12px; }
header h1 { font-size: 18px; margin: 0 0 4px; }
header p { margin: 0; color: #545b64; }
.simulated { display: inline-block; background: #8a4b00; color: #fff; font-weight: 600; padding: 1px 8px; border-radius: 3px; margin-right: 6px; }
.grid { position: relative; width: ${24 * previewCell.width}px; }
.widget { position: absolute; box-sizing: border-box; padding: 4px; }
.frame { box-sizing: border-box; height: 100%; background: #fff; border: 1px solid #d5dbdb; border-radius: 4px; display: flex; flex-direction: column; overflow: hidden; }
h2 { font-size: 13px; margin: 0; padding: 6px 10px; border-bottom: 1px solid #eaeded; display: flex; justify-content: space-between; gap: 8px; }
.place { font-weight: 400; color: #879596; font-size: 11px; white-space: nowrap; }
.content { flex: 1; overflow: hidden; padding: 6px 10px; }
.values { display: flex; flex-wrap: wrap; gap: 4px 18px; }
.value { display: flex; flex-direction: column; min-width: 90px; }
.value .number { font-size: 26px; font-weight: 300; }
.value .label, .none { color: #545b64; font-size: 11px; }
.series { width: 100%; border-collapse: collapse; table-layout: fixed; }
.series td { padding: 1px 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.series .label { width: 62%; }
.series .bar { width: 26%; }
.series .bar span { display: block; height: 8px; background: #0073bb; border-radius: 2px; min-width: 1px; }
.series .number { width: 12%; text-align: right; }
.sources { margin: 6px 0 0; padding: 0; list-style: none; font: 10px/1.3 ui-monospace, monospace; color: #687078; }
.sources li { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.query { margin: 0 0 6px; font: 11px/1.3 ui-monospace, monospace; color: #687078; white-space: pre-wrap; }
.log { border-collapse: collapse; font: 11px/1.3 ui-monospace, monospace; width: 100%; }
.log th { text-align: left; border-bottom: 1px solid #d5dbdb; }
.log td, .log th { padding: 1px 6px; white-space: nowrap; }
.alarms { margin: 0; padding-left: 16px; font: 11px/1.5 ui-monospace, monospace; }
.note { color: #545b64; font-size: 11px; }
footer { margin-top: 8px; color: #545b64; font-size: 11px; }
`;

/** The preview page: the widgets at their grid places, the sample's numbers, and the measuring script. */
export function dashboardPreviewHtml(
    body: PreviewBody,
    sample: PreviewSample,
    heading: { readonly stack: string; readonly dashboardName: string; readonly region: string },
): string {
    const rows = Math.max(0, ...body.widgets.map(w => w.y + w.height));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(heading.dashboardName)}: preview (simulated)</title>
<style>${style}</style>
</head>
<body>
<header>
<h1>${escape(heading.dashboardName)} <small>(stack ${escape(heading.stack)}, ${escape(heading.region)})</small></h1>
<p><span class="simulated">SIMULATED</span>Layout as deployed; numbers from ${escape(sample.source)} at ${escape(new Date(sample.at).toISOString())}, not from AWS. —: a metric the simulation does not produce (AWS's own, or a function of time).</p>
</header>
<main class="grid" style="height:${rows * previewCell.height}px">
${body.widgets.map((widget, index) => widgetHtml(widget, index, sample)).join("\n")}
</main>
<footer>Layout check: <span id="check">not run (scripts off)</span>. Grid: 24 columns of ${previewCell.width} px, rows of ${previewCell.height} px.</footer>
<script type="application/json" id="measurements">{}</script>
<script>${measureScript}</script>
</body>
</html>
`;
}
