import * as assert from "assert";
import { isThrottling, withThrottlingRetries } from "../../../../components/healthWatch/lambda/throttling";

describe("throttling retries", () => {
    it("backs off exponentially with jitter, then gives up with the last error", async () => {
        const delays: number[] = [];
        await assert.rejects(
            withThrottlingRetries(
                async () => {
                    throw Object.assign(new Error("slow down"), { name: "Throttling" });
                },
                async ms => {
                    delays.push(ms);
                },
                4,
            ),
        );
        assert.strictEqual(delays.length, 3);
        assert.ok(
            delays.every((d, i) => d >= 100 * 2 ** (i + 1) * 0.5 && d <= 100 * 2 ** (i + 1)),
            String(delays),
        );
    });

    it("retries nothing but throttling, and recognizes it by name or by the SDK's retry hint", async () => {
        let calls = 0;
        await assert.rejects(
            withThrottlingRetries(
                async () => {
                    calls++;
                    throw Object.assign(new Error("denied"), { name: "AccessDeniedException" });
                },
                async () => undefined,
            ),
            /denied/,
        );
        assert.strictEqual(calls, 1);
        assert.ok(isThrottling({ name: "ThrottlingException" }));
        assert.ok(isThrottling({ name: "Custom", $retryable: { throttling: true } }));
        assert.ok(!isThrottling({ name: "InternalError", $retryable: {} }));
        assert.ok(!isThrottling(undefined));
    });
});
