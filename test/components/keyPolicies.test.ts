// Every service statement of every KMS key policy the program makes, in the committed stacks,
// against the form AWS documents for that integration (issue 19, item 11). A statement for a
// service not listed here fails, so that a new one comes with its documented conditions.
import * as assert from "assert";
import { standInAccountId } from "../../harness/standIns";
import { committedStack } from "../support/program";

const region = "eu-west-1";
const account = standInAccountId;

interface DocumentedStatement {
    readonly actions: readonly string[];
    /** The conditions AWS documents; undefined where it documents none (say why in `source`). */
    readonly condition: (keyName: string, stack: string) => unknown;
    readonly source: string;
}

const documented: Record<string, DocumentedStatement> = {
    // An AWS service publishing to an encrypted topic, with the confused-deputy keys of step 3;
    // the alarm ARN pattern as in US_SetupSNS (alarm names here are ASCII, so aws:SourceArn applies).
    "cloudwatch.amazonaws.com": {
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        condition: () => ({
            StringEquals: { "aws:SourceAccount": account },
            ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${account}:alarm:*` },
        }),
        source:
            "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services, " +
            "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/US_SetupSNS.html",
    },
    // EventBridge into an encrypted dead-letter queue: AWS documents no condition, and whether the
    // KMS requests carry aws:SourceArn/aws:SourceAccount is unconfirmed. The queue policy carries
    // aws:SourceArn = the rules instead (eb-rule-dlq.html).
    "events.amazonaws.com": {
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        condition: () => undefined,
        source:
            "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted, " +
            "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#compatibility-with-aws-services",
    },
    // CloudWatch Logs: the log group ARN as encryption context; one named group for the session key,
    // this account's and region's groups for the shared log key.
    [`logs.${region}.amazonaws.com`]: {
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        condition: (keyName, stack) =>
            keyName === "session-manager-key"
                ? {
                      ArnEquals: {
                          "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${account}:log-group:/ssm-fleet-baseline/${stack}/sessions`,
                      },
                  }
                : {
                      ArnLike: {
                          "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${account}:log-group:*`,
                      },
                  },
        source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    },
};

describe("KMS key policies: each service statement carries the conditions AWS documents", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: cloudwatch, events and logs statements match their documented form`, async () => {
            const { mocks } = await committedStack(stack);
            const keys = mocks.ofType("aws:kms/key:Key");
            const seen = new Set<string>();
            for (const key of keys) {
                for (const statement of JSON.parse(key.inputs.policy).Statement) {
                    const service = statement.Principal?.Service;
                    if (service === undefined) {
                        continue;
                    }
                    const form = documented[service];
                    assert.ok(form, `${key.name} ${statement.Sid}: ${service} has no documented form in this test`);
                    assert.deepStrictEqual(
                        [statement.Effect, statement.Action, statement.Resource, statement.Condition],
                        ["Allow", form.actions, "*", form.condition(key.name, stack)],
                        `${key.name} ${statement.Sid} (${service}) differs from ${form.source}`,
                    );
                    seen.add(`${key.name} ${service}`);
                }
            }
            assert.deepStrictEqual([...seen].sort(), [
                "log-encryption-key logs.eu-west-1.amazonaws.com",
                "session-manager-key logs.eu-west-1.amazonaws.com",
                "ssm-notify-key cloudwatch.amazonaws.com",
                "ssm-notify-key events.amazonaws.com",
                "ssm-notify-watch-key cloudwatch.amazonaws.com",
            ]);
        });
    }
});
