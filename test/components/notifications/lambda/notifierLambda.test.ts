// Runs the notification Lambda exactly as Pulumi serializes it against fauxqs, a local endpoint
// speaking the SNS and SQS wire protocols, on one sample of every kind of event it words: AWS's
// official samples from test/fixtures/events (its README gives each source) and the two kinds AWS
// prints none of, built from documented fields by harness/fixtures.ts.
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
    CreateQueueCommand,
    DeleteMessageCommand,
    GetQueueAttributesCommand,
    ReceiveMessageCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import * as assert from "assert";
import * as os from "os";
import * as path from "path";
import { NotificationPipeline } from "../../../../components/notifications/notificationPipeline";
import { describeEvent } from "../../../../components/notifications/lambda/notification";
import { describedSamples, loadFixture } from "../../../../harness/fixtures";
import { archiveOf, loadHandler } from "../../../../harness/lambdaArchive";
import { underMocks, valueOf } from "../../../support/program";

// fauxqs is ESM-only: its types resolve only in import mode, and it is loaded with import().
type Fauxqs = import("fauxqs", { with: { "resolution-mode": "import" } }).FauxqsServer;

const region = "eu-west-1";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/** Sets environment variables and remembers what they were, so that restore() puts them back. */
function envScope() {
    const saved = new Map<string, string | undefined>();
    return {
        set(vars: Record<string, string | undefined>) {
            for (const [name, value] of Object.entries(vars)) {
                if (!saved.has(name)) {
                    saved.set(name, process.env[name]);
                }
                if (value === undefined) {
                    delete process.env[name];
                } else {
                    process.env[name] = value;
                }
            }
        },
        restore() {
            for (const [name, value] of saved) {
                if (value === undefined) {
                    delete process.env[name];
                } else {
                    process.env[name] = value;
                }
            }
            saved.clear();
        },
    };
}

/** The real require (the SDK is what the runtime provides) and the real process (its env configures the SDK). */
const loadWithRuntime = (text: string) => loadHandler(text, { require, process });

describe("notification handler as Pulumi serializes it, against a local SNS", function () {
    this.timeout(60000);

    const suiteEnv = envScope();
    const caseEnv = envScope();
    let functionInputs: Record<string, any>;
    let files: string[];
    let moduleText: string;
    let pipelineTopicArn: string;
    let server: Fauxqs;
    let sns: SNSClient;
    let sqs: SQSClient;
    let topicArn: string;
    let queueUrl: string;

    /** Waits a few seconds at most for SNS deliveries on the queue; deletes what it receives. */
    async function receiveEnvelopes(): Promise<{ Type: string; TopicArn: string; Subject: string; Message: string }[]> {
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline) {
            const { Messages = [] } = await sqs.send(
                new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
            );
            if (Messages.length > 0) {
                for (const { ReceiptHandle } of Messages) {
                    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle }));
                }
                return Messages.map(({ Body }) => JSON.parse(Body ?? ""));
            }
        }
        return [];
    }

    before(async function () {
        const { mocks, result } = await underMocks(
            { "aws:region": region },
            () =>
                new NotificationPipeline("notify", {
                    region,
                    accountId: "123456789012",
                    emails: ["ops@example.com"],
                    routes: [],
                    logKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
                }),
        );
        pipelineTopicArn = await valueOf(result.topicArn);
        functionInputs = mocks.named("notify-handler").inputs;
        ({ files, text: moduleText } = await archiveOf(mocks, "notify-handler"));

        const { startFauxqs } = await import("fauxqs");
        server = await startFauxqs({ port: 0, logger: false });
        const endpoint = server.address;
        sns = new SNSClient({ region, endpoint, credentials });
        // An explicit endpoint also stops the SQS client from sending to the queue URL's host.
        sqs = new SQSClient({ region, endpoint, credentials });
        ({ TopicArn: topicArn = "" } = await sns.send(new CreateTopicCommand({ Name: "notify-topic" })));
        ({ QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: "ops-mailbox" })));
        const { Attributes } = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
        );
        // The queue stands in for the e-mail subscription: it receives the same SNS envelope.
        await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: Attributes?.QueueArn }));

        // What Lambda's environment would give the handler, and nothing from this machine's AWS setup.
        const nowhere = path.join(os.tmpdir(), "notification-handler-test-no-aws-config");
        suiteEnv.set({
            AWS_ENDPOINT_URL_SNS: endpoint,
            AWS_REGION: region,
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            TOPIC_ARN: topicArn,
            AWS_SESSION_TOKEN: undefined,
            AWS_PROFILE: undefined,
            AWS_ENDPOINT_URL: undefined,
            AWS_CONFIG_FILE: nowhere,
            AWS_SHARED_CREDENTIALS_FILE: nowhere,
        });
    });

    afterEach(() => caseEnv.restore());

    after(async () => {
        caseEnv.restore();
        suiteEnv.restore();
        sns?.destroy();
        sqs?.destroy();
        await server?.stop();
    });

    it("packages only our code for nodejs22.x, publishing to the pipeline's topic", () => {
        assert.deepStrictEqual(files, ["__index.js"]);
        assert.strictEqual(functionInputs.runtime, "nodejs22.x");
        assert.strictEqual(functionInputs.handler, "__index.handler");
        assert.strictEqual(functionInputs.environment.variables.TOPIC_ARN, pipelineTopicArn);
    });

    for (const { name, event } of describedSamples()) {
        it(`e-mails what the notifier words for ${name}`, async () => {
            await loadWithRuntime(moduleText)(event, {});

            const envelopes = await receiveEnvelopes();
            assert.strictEqual(envelopes.length, 1, "one e-mail per event");
            const [{ Type, TopicArn, Subject, Message }] = envelopes;
            assert.strictEqual(Type, "Notification");
            assert.strictEqual(TopicArn, topicArn);
            // The serialized code words the event exactly as the module does (notification.test.ts beside this file).
            const expected = describeEvent(event);
            assert.strictEqual(Subject, expected.subject);
            assert.strictEqual(Message, expected.message);
            // SNS rejects subjects of 100 characters or more, or with line breaks.
            assert.ok(Subject.length < 100 && !/[\r\n]/.test(Subject), Subject);
            assert.ok(!Subject.includes("Unrecognized"), `${name} is a kind the notifier words: ${Subject}`);
            const region = event.region;
            assert.match(
                Message,
                new RegExp(
                    `^\\S[^:]* console: +https://${region}\\.console\\.aws\\.amazon\\.com/\\S+\\?region=${region}\\b`,
                    "m",
                ),
            );
            assert.ok(
                Message.endsWith(`Raw event:\n${JSON.stringify(event, null, 2)}`),
                "the raw event closes the message",
            );
        });
    }

    it("e-mails an event of a kind it does not know with the ids it names and its raw JSON", async () => {
        const event = loadFixture("ssm-parameter-store-change-create.json");
        await loadWithRuntime(moduleText)(event, {});

        const [{ Subject, Message }, ...more] = await receiveEnvelopes();
        assert.strictEqual(more.length, 0);
        assert.strictEqual(Subject, "[SSM us-east-2] Unrecognized event: Parameter Store Change");
        assert.match(Message, /^Resource: +arn:aws:ssm:us-east-2:123456789012:parameter\/MyExampleParameter$/m);
        assert.ok(Message.endsWith(JSON.stringify(event, null, 2)));
    });

    it("still e-mails a malformed event, attaching its raw JSON", async () => {
        const handler = loadWithRuntime(moduleText);
        for (const event of ["not an event", { foo: 1 }]) {
            await handler(event, {});

            const envelopes = await receiveEnvelopes();
            assert.strictEqual(envelopes.length, 1);
            const [{ Subject, Message }] = envelopes;
            assert.strictEqual(Subject, "[SSM notice] Malformed event received");
            assert.strictEqual(Subject, describeEvent(event).subject);
            assert.ok(
                Message.endsWith(JSON.stringify(event, null, 2)),
                `raw JSON missing from ${JSON.stringify(Message)}`,
            );
        }
    });

    it("rejects when SNS is unreachable, leaving the event to Lambda's retries and the DLQ", async () => {
        // Nothing listens on port 1; one attempt keeps the failure fast.
        caseEnv.set({ AWS_ENDPOINT_URL_SNS: "http://127.0.0.1:1", AWS_MAX_ATTEMPTS: "1" });
        const handler = loadWithRuntime(moduleText);

        await assert.rejects(handler({ foo: 1 }, {}), (error: NodeJS.ErrnoException) => {
            // Refused by the endpoint set for this case: the re-evaluated factory built a new client.
            assert.strictEqual(error.code, "ECONNREFUSED");
            assert.match(error.message, /127\.0\.0\.1:1\b/);
            return true;
        });
    });
});
