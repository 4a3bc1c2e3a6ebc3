// Each EventBridge detail type is declared once, so that a pattern and the notifier's describer of
// the same events cannot drift apart under two names.
import assert from "node:assert/strict";
import * as events from "../../aws/events";

describe("aws/events", () => {
    it("declares each detail type once", () => {
        const detailTypes = Object.entries(events).filter(([name]) => name.endsWith("DetailType"));
        const byValue = new Map<unknown, string[]>();
        for (const [name, value] of detailTypes) {
            byValue.set(value, [...(byValue.get(value) ?? []), name]);
        }
        assert.deepEqual(
            [...byValue.values()].filter(names => names.length > 1),
            [],
        );
        assert.ok(detailTypes.length >= 14, "the notifier's detail types are all here");
    });
});
