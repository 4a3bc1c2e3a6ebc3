import * as assert from "assert";
import { healthMessage } from "../../../../components/healthWatch/lambda/healthMessage";

describe("health e-mail", () => {
    it("keeps the subject within SNS's limit for a single node and for many", () => {
        const one = healthMessage(
            [
                {
                    nodeId: "mi-0123456789abcdef0",
                    kind: "hybrid",
                    change: "unhealthy",
                    status: "hybrid-lost",
                    previous: "online",
                    detail: "",
                },
            ],
            new Set(),
            "ap-southeast-2",
            0,
        );
        assert.strictEqual(one.Subject, "[SSM ap-southeast-2] 1 node not manageable: mi-0123456789abcdef0");
        assert.ok(
            one.Message.includes(
                "/systems-manager/fleet-manager/managed-nodes/mi-0123456789abcdef0/general?region=ap-southeast-2",
            ),
        );
    });
});
