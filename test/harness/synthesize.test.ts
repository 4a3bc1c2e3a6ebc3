import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot, secretKeysOf, stackConfig, stackNames } from "../../harness/synthesize";

describe("stack files as Pulumi reads them", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads a stack file kept elsewhere with this checkout's Pulumi.yaml: namespaced, defaults merged, secrets marked", () => {
        fs.writeFileSync(
            path.join(dir, "Pulumi.x.yaml"),
            [
                "config:",
                "  aws:region: eu-west-1",
                "  healthWatchSchedule: rate(10 minutes)",
                "  ssm-fleet-baseline:agentVersion: 3.2",
                "  ssm-fleet-baseline:canary: true",
                "  ssm-fleet-baseline:notificationEmails:",
                "    - ops@example.com",
                "  ssm-fleet-baseline:dhmcRoleName:",
                "    secure: AAABAG9wcw==",
                "",
            ].join("\n"),
        );
        const config = stackConfig("x", dir);
        assert.deepStrictEqual(
            {
                region: config["aws:region"],
                schedule: config["ssm-fleet-baseline:healthWatchSchedule"],
                version: config["ssm-fleet-baseline:agentVersion"],
                canary: config["ssm-fleet-baseline:canary"],
                emails: config["ssm-fleet-baseline:notificationEmails"],
                role: config["ssm-fleet-baseline:dhmcRoleName"],
                merged: config["ssm-fleet-baseline:vpcCidr"],
            },
            {
                region: "eu-west-1",
                schedule: "rate(10 minutes)",
                version: "3.2",
                canary: "true",
                emails: '["ops@example.com"]',
                role: '{"secure":"AAABAG9wcw=="}',
                merged: "10.42.0.0/16",
            },
        );
        assert.deepStrictEqual(secretKeysOf(config), ["ssm-fleet-baseline:dhmcRoleName"]);
        assert.deepStrictEqual(stackNames(dir), ["x"]);
    });

    it("uses the Pulumi.yaml beside the stack file when there is one", () => {
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            "name: other\nconfig:\n  size:\n    type: integer\n    default: 4\n",
        );
        fs.writeFileSync(path.join(dir, "Pulumi.y.yaml"), "config:\n  aws:region: eu-west-1\n");
        assert.deepStrictEqual(stackConfig("y", dir), { "aws:region": "eu-west-1", "other:size": "4" });
        assert.notStrictEqual(dir, projectRoot);
    });
});
