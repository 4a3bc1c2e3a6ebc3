// The log groups' key: CloudWatch Logs of the stack's region may use it only with a log group of
// this account and region as encryption context
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
import * as assert from "assert";
import { LogEncryptionKey } from "../../components/logEncryptionKey";
import { standInAccountId } from "../../harness/standIns";
import { underMocks, valueOf } from "../support/program";

const build = (region: string) =>
    underMocks({}, () => new LogEncryptionKey("logs", { region, accountId: standInAccountId }));

describe("log encryption key", () => {
    it("rotates, is administered by the account, and lets this region's CloudWatch Logs use it for this account's log groups only", async () => {
        const { mocks, result } = await build("eu-west-1");
        const key = mocks.named("logs-key").inputs;
        assert.strictEqual(key.enableKeyRotation, true);
        const [admin, logs] = JSON.parse(key.policy).Statement;
        assert.deepStrictEqual(admin.Principal, { AWS: `arn:aws:iam::${standInAccountId}:root` });
        assert.deepStrictEqual(
            [logs.Principal, logs.Action, logs.Condition],
            [
                { Service: "logs.eu-west-1.amazonaws.com" },
                ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                {
                    ArnLike: {
                        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${standInAccountId}:log-group:*`,
                    },
                },
            ],
        );
        assert.strictEqual(await valueOf(result.keyArn), "arn:aws:kms:eu-west-1:123456789012:logs-key");
    });

    it("names the region's partition in the ARNs", async () => {
        const { mocks } = await build("us-gov-west-1");
        const [admin, logs] = JSON.parse(mocks.named("logs-key").inputs.policy).Statement;
        assert.strictEqual(admin.Principal.AWS, `arn:aws-us-gov:iam::${standInAccountId}:root`);
        assert.strictEqual(logs.Principal.Service, "logs.us-gov-west-1.amazonaws.com");
        assert.match(
            logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"],
            /^arn:aws-us-gov:logs:us-gov-west-1:/,
        );
    });
});
