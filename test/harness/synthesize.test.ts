import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { secretKeysOf, stackConfig, stackNames } from "../../harness/synthesize";

describe("stack files as Pulumi reads them", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives keys without a namespace to the project, scalars as written, lists as JSON, secrets marked", () => {
        fs.writeFileSync(
            path.join(dir, "Pulumi.x.yaml"),
            [
                "config:",
                "  aws:region: eu-west-1",
                "  healthWatchSchedule: rate(10 minutes)",
                "  ssm-fleet-baseline:agentVersion: 2.0",
                "  ssm-fleet-baseline:canary: true",
                "  ssm-fleet-baseline:notificationEmails:",
                "    - ops@example.com",
                "    - 3",
                "  ssm-fleet-baseline:dhmcRoleName:",
                "    secure: AAABAG9wcw==",
                "",
            ].join("\n"),
        );
        const config = stackConfig("x", dir);
        assert.deepStrictEqual(config, {
            "aws:region": "eu-west-1",
            "ssm-fleet-baseline:healthWatchSchedule": "rate(10 minutes)",
            "ssm-fleet-baseline:agentVersion": "2.0",
            "ssm-fleet-baseline:canary": "true",
            "ssm-fleet-baseline:notificationEmails": '["ops@example.com",3]',
            "ssm-fleet-baseline:dhmcRoleName": '{"secure":"AAABAG9wcw=="}',
        });
        assert.deepStrictEqual(secretKeysOf(config), ["ssm-fleet-baseline:dhmcRoleName"]);
        assert.deepStrictEqual(stackNames(dir), ["x"]);
    });
});
