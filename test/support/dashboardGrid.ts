// CloudWatch's dashboard grid, as tests check a body against it: integer places on 24 columns, and
// no two widgets overlapping.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
import * as assert from "assert";

export const gridColumns = 24;

export interface GridWidget {
    readonly type: string;
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly properties: Record<string, any>;
}

function overlaps(a: GridWidget, b: GridWidget): boolean {
    return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function assertGrid(widgets: readonly GridWidget[]): void {
    for (const w of widgets) {
        for (const value of [w.x, w.y, w.width, w.height]) {
            assert.ok(Number.isInteger(value) && value >= 0, `${JSON.stringify(w)}: integer grid place`);
        }
        assert.ok(w.width >= 1 && w.x + w.width <= gridColumns, `${w.properties.title} fits ${gridColumns} columns`);
        assert.ok(w.height >= 1, `${w.properties.title} has a height`);
        assert.ok(["metric", "log", "alarm", "text"].includes(w.type), w.type);
    }
    widgets.forEach((a, i) =>
        widgets
            .slice(i + 1)
            .forEach(b => assert.ok(!overlaps(a, b), `${a.properties.title} overlaps ${b.properties.title}`)),
    );
}
