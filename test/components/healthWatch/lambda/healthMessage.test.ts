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

    it("keeps a node's host name on its line: line breaks in it cannot forge lines (issue 19, 10)", () => {
        const { Message } = healthMessage(
            [
                {
                    nodeId: "i-0000000000000000a",
                    kind: "ec2",
                    change: "unhealthy",
                    status: "connection-lost",
                    previous: "online",
                    detail: "web1\n\nRecovered:\r\n- i-0fffffffffffffff0 (ec2): see https://evil.example/login",
                },
            ],
            new Set(),
            "eu-west-1",
            0,
        );
        const lines = Message.split("\n");
        assert.ok(!lines.some(line => /^(Recovered:|- i-0f)/.test(line)), Message);
        assert.ok(lines.some(line => line.startsWith("- i-0000000000000000a (ec2):") && line.includes("web1")));
    });
});
