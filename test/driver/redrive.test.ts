// The redrive against fauxqs, a local endpoint speaking the real SQS protocol (receipt handles,
// visibility, message attributes), with Lambda's asynchronous invoke answered by a stand-in that
// can fail on cue. Dead letters are shaped as AWS documents them: EventBridge puts the event in the
// body and RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION and
// RETRY_ATTEMPTS in attributes (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html);
// Lambda sends its invocation record as the body, the event as requestPayload
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
import {
    CreateQueueCommand,
    DeleteQueueCommand,
    GetQueueAttributesCommand,
    SendMessageCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../driver/driver";
import {
    exitCodeOf,
    functionNameOf,
    readDeadLetter,
    redrive,
    RedriveOptions,
    RedriveReport,
    Sender,
    summary,
} from "../../driver/redrive";
import { ExitCode } from "../../cli/exitCodes";
import { FakePulumi } from "../../harness/fakePulumi";
import { associationSample, loadFixture } from "../../harness/fixtures";
import { projectRoot } from "../support/program";

type Fauxqs = import("fauxqs", { with: { "resolution-mode": "import" } }).FauxqsServer;

const region = "eu-west-1";
const notifier = "ssm-notify-handler-1234567";
const notifierArn = `arn:aws:lambda:${region}:123456789012:function:${notifier}`;
const ruleArn = `arn:aws:events:${region}:123456789012:rule/ssm-notify-agent-update-1234567`;

/** A report without its retry hint, which follows the visibility timeout a test chose. */
const outcome = ({ delivered, left, inFlight, interrupted }: RedriveReport) => ({
    delivered,
    left,
    inFlight,
    interrupted,
});

/** Sample events told apart by id. */
const event = (id: string) => ({ ...associationSample(), id });

/** Lambda's asynchronous invoke: records what it accepts, and fails for the event ids it is told to. */
class LambdaStandIn implements Sender {
    readonly accepted: { functionName: string; invocationType: string; event: any }[] = [];
    readonly failing = new Set<string>();

    async send(command: { input: { FunctionName: string; InvocationType: string; Payload: Uint8Array } }) {
        const event = JSON.parse(Buffer.from(command.input.Payload).toString("utf8"));
        if (this.failing.has(event.id)) {
            throw Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" });
        }
        this.accepted.push({
            functionName: command.input.FunctionName,
            invocationType: command.input.InvocationType,
            event,
        });
        return { StatusCode: 202 };
    }

    ids(): string[] {
        return this.accepted.map(a => a.event.id);
    }
}

describe("redrive of the notification dead-letter queue", function () {
    this.timeout(60000);
    let server: Fauxqs;
    let sqs: SQSClient;
    let queueUrl: string;
    let lambda: LambdaStandIn;
    let lines: string;

    before(async () => {
        const { startFauxqs } = await import("fauxqs");
        server = await startFauxqs({ port: 0, logger: false });
        sqs = new SQSClient({
            region,
            endpoint: server.address,
            credentials: { accessKeyId: "test", secretAccessKey: "test" },
        });
    });
    after(async () => {
        sqs?.destroy();
        await server?.stop();
    });

    let queueNumber = 0;
    beforeEach(async () => {
        ({ QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: `dlq-${++queueNumber}` })));
        lambda = new LambdaStandIn();
        lines = "";
    });
    afterEach(() => sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })));

    const run = (options: Partial<RedriveOptions> = {}) =>
        redrive({
            sqs,
            lambda,
            queueUrl,
            functionName: notifier,
            dryRun: false,
            waitTimeSeconds: 1,
            out: line => {
                lines += line;
            },
            ...options,
        });

    /** What EventBridge sends to a target's dead-letter queue once it stops retrying. */
    const deadLetter = (body: unknown, targetArn = notifierArn) =>
        sqs.send(
            new SendMessageCommand({
                QueueUrl: queueUrl,
                MessageBody: JSON.stringify(body),
                MessageAttributes: Object.fromEntries(
                    Object.entries({
                        RULE_ARN: ruleArn,
                        TARGET_ARN: targetArn,
                        ERROR_CODE: "SDK_CLIENT_ERROR",
                        ERROR_MESSAGE: "Lambda was unable to process the request",
                        EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
                        RETRY_ATTEMPTS: "185",
                    }).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
                ),
            }),
        );

    /** What Lambda sends to the on-failure destination: AWS's sample record around the event. */
    const failureRecord = (payload: unknown, functionArn = `${notifierArn}:$LATEST`) => {
        const record = loadFixture("lambda-async-invocation-failure-record.json");
        record.requestContext.functionArn = functionArn;
        record.requestPayload = payload;
        return sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
    };

    /** Messages in the queue, hidden or not. */
    async function queued(): Promise<number> {
        const { Attributes = {} } = await sqs.send(
            new GetQueueAttributesCommand({
                QueueUrl: queueUrl,
                AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            }),
        );
        return (
            Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
        );
    }

    it("re-delivers both kinds of message to the notifier, asynchronously, with the original event, then deletes them", async () => {
        await deadLetter(event("from-eventbridge"));
        await failureRecord(event("from-lambda"));

        const report = await run();

        assert.deepStrictEqual(outcome(report), { delivered: 2, left: [], inFlight: 0, interrupted: false });
        assert.deepStrictEqual(lambda.accepted.map(a => [a.functionName, a.invocationType, a.event.id]).sort(), [
            [notifier, "Event", "from-eventbridge"],
            [notifier, "Event", "from-lambda"],
        ]);
        assert.deepStrictEqual(lambda.accepted[0].event.detail, associationSample().detail, "the event arrives whole");
        assert.strictEqual(await queued(), 0);
        assert.match(
            lines,
            /re-delivered .*EC2 State Manager Instance Association State Change from-eventbridge .*EventBridge dead letter; SDK_CLIENT_ERROR/,
        );
        assert.match(lines, /Lambda failure record; RetriesExhausted \(Unhandled error\)/);
    });

    it("keeps a message whose re-delivery fails, and delivers it on a later run once the cause is fixed", async () => {
        for (const id of ["a", "b", "c"]) {
            await deadLetter(event(id));
        }
        lambda.failing.add("b");

        const first = await run();
        assert.strictEqual(first.delivered, 2);
        assert.deepStrictEqual(
            first.left.map(l => l.reason),
            ["re-delivery failed: TooManyRequestsException: Rate exceeded"],
        );
        assert.strictEqual(await queued(), 1, "the failed message is still in the queue");

        // Run again at once: the failed message was handed back, not left hidden for the visibility timeout.
        lambda.failing.clear();
        const second = await run();
        assert.deepStrictEqual(outcome(second), { delivered: 1, left: [], inFlight: 0, interrupted: false });
        assert.deepStrictEqual(lambda.ids().sort(), ["a", "b", "c"], "each delivered exactly once over both runs");
        assert.strictEqual(await queued(), 0);
    });

    it("leaves what it cannot read or what was going elsewhere, saying why", async () => {
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "not json" }));
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ some: "thing" }) }));
        await deadLetter(
            event("elsewhere"),
            `arn:aws:lambda:${region}:123456789012:function:node-health-sweep-1234567`,
        );
        // AWS's sample record unchanged: a failure of my-function.
        await sqs.send(
            new SendMessageCommand({
                QueueUrl: queueUrl,
                MessageBody: JSON.stringify(loadFixture("lambda-async-invocation-failure-record.json")),
            }),
        );

        const report = await run();

        assert.strictEqual(report.delivered, 0);
        assert.deepStrictEqual(lambda.accepted, []);
        assert.deepStrictEqual(report.left.map(l => l.reason).sort(), [
            "neither an EventBridge dead letter (no TARGET_ARN attribute) nor a Lambda failure record (no requestPayload)",
            "the body is not JSON",
            `was going to arn:aws:lambda:${region}:123456789012:function:node-health-sweep-1234567, not the notifier ${notifier}`,
            `was going to arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST, not the notifier ${notifier}`,
        ]);
        assert.strictEqual(await queued(), 4);
    });

    it("in a dry run lists what it would re-deliver, invoking and deleting nothing", async () => {
        await deadLetter(event("a"));
        await failureRecord(event("b"));

        const report = await run({ dryRun: true });

        assert.deepStrictEqual(outcome(report), { delivered: 2, left: [], inFlight: 0, interrupted: false });
        assert.deepStrictEqual(lambda.accepted, []);
        assert.strictEqual((lines.match(/would re-deliver/g) ?? []).length, 2);
        // Handed back at once: a real run right after delivers both.
        assert.strictEqual((await run()).delivered, 2);
        assert.deepStrictEqual(lambda.ids().sort(), ["a", "b"]);
    });

    it("stops after the message in hand when interrupted, leaving the rest in the queue for the next run", async () => {
        for (const id of ["a", "b", "c", "d"]) {
            await deadLetter(event(id));
        }
        const controller = new AbortController();
        const interrupting: Sender = {
            send: async command => {
                const response = await lambda.send(command);
                controller.abort();
                return response;
            },
        };

        const report = await run({ lambda: interrupting, signal: controller.signal });

        assert.deepStrictEqual([report.delivered, report.interrupted], [1, true]);
        assert.strictEqual(await queued(), 3);
        const rest = await run();
        assert.strictEqual(rest.delivered, 3);
        assert.deepStrictEqual(lambda.ids().sort(), ["a", "b", "c", "d"], "nothing lost, nothing twice");
    });

    it("after a run killed mid-way, reports what is in flight and never says 0 left; a rerun loses nothing (issue 19, 9)", async () => {
        const ids = Array.from({ length: 6 }, (_, i) => `k${i}`);
        for (const id of ids) {
            await deadLetter(event(id));
        }
        // The first run dies in the third invoke: no delete, no release, as after a SIGKILL. What it
        // received stays hidden for its visibility timeout.
        let invokes = 0;
        const dying: Sender = {
            send: command => (++invokes === 3 ? new Promise(() => undefined) : lambda.send(command)),
        };
        void run({ lambda: dying, visibilityTimeoutSeconds: 3 });
        while (invokes < 3) {
            await new Promise(resolve => setTimeout(resolve, 20));
        }

        const atOnce = await run({ visibilityTimeoutSeconds: 3 });
        assert.ok(atOnce.inFlight > 0, "the killed run's messages are in flight");
        assert.strictEqual(atOnce.left.length, 0);
        assert.strictEqual(exitCodeOf(atOnce), ExitCode.messagesInFlight);
        const said = summary("dev", false, atOnce);
        assert.match(
            said,
            new RegExp(
                `${atOnce.inFlight} left \\(${atOnce.inFlight} in flight, not yet visible; run again after 3 s\\)`,
            ),
        );
        assert.ok(!/ 0 left/.test(said), said);

        const waiting = await run({ visibilityTimeoutSeconds: 3, inFlightWaitSeconds: 10 });
        assert.deepStrictEqual([waiting.inFlight, waiting.left.length, exitCodeOf(waiting)], [0, 0, ExitCode.success]);
        assert.strictEqual(await queued(), 0);
        // At least once: the event whose invoke was cut off may come twice, none is missing.
        assert.deepStrictEqual([...new Set(lambda.ids())].sort(), ids);
        assert.ok(lambda.ids().length <= ids.length + 1, "only the event in hand may repeat");
    });

    it("exits non-zero and names each message it could not re-deliver", async () => {
        for (const id of ["ok", "bad1", "bad2"]) {
            await deadLetter(event(id));
        }
        lambda.failing.add("bad1");
        lambda.failing.add("bad2");
        const report = await run();
        assert.strictEqual(exitCodeOf(report), ExitCode.failure);
        const said = summary("dev", false, report);
        assert.strictEqual(report.left.length, 2);
        for (const { messageId } of report.left) {
            assert.ok(messageId && said.includes(messageId), said);
        }
    });

    it("never delivers a message twice in one run, even when SQS hands it out again", async () => {
        await deadLetter(event("a"));
        await deadLetter(event("b"));
        // The first delete fails, and with no visibility timeout SQS hands the message straight back.
        let deletes = 0;
        const flakySqs: Sender = {
            send: command => {
                if (command.constructor.name === "DeleteMessageCommand" && deletes++ === 0) {
                    return Promise.reject(Object.assign(new Error("try again"), { name: "InternalError" }));
                }
                return sqs.send(command);
            },
        };

        const report = await run({ sqs: flakySqs, visibilityTimeoutSeconds: 0 });

        assert.deepStrictEqual(outcome(report), { delivered: 2, left: [], inFlight: 0, interrupted: false });
        assert.deepStrictEqual(lambda.ids().sort(), ["a", "b"]);
        assert.strictEqual(await queued(), 0);
    });
});

describe("reading dead letters", () => {
    it("reads AWS's sample failure record as Lambda's, with the request payload as the event", () => {
        const record = loadFixture("lambda-async-invocation-failure-record.json");
        assert.deepStrictEqual(readDeadLetter({ Body: JSON.stringify(record) }), {
            kind: "Lambda failure record",
            event: record.requestPayload,
            target: "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST",
            error: "RetriesExhausted (Unhandled error): RequestId: e4b46cbf-b738-xmpl-8880-a18cdf61200e Process exited before completing request",
        });
    });

    it("names the function of a Lambda ARN, with or without a qualifier", () => {
        assert.deepStrictEqual(
            [
                "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST",
                "arn:aws-cn:lambda:cn-north-1:123456789012:function:f",
                "arn:aws:sqs:us-east-1:123456789012:function:f",
            ].map(functionNameOf),
            ["my-function", "f", undefined],
        );
    });
});

describe("npm run driver -- redrive", function () {
    this.timeout(60000);
    let fake: FakePulumi;
    let pulumiCommand: PulumiCommand;
    let projectDir: string;

    before(async () => {
        fake = new FakePulumi();
        pulumiCommand = await fake.command();
        projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "redrive-project-"));
        for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
            fs.copyFileSync(path.join(projectRoot, file), path.join(projectDir, file));
        }
    });
    after(() => {
        fake.remove();
        fs.rmSync(projectDir, { recursive: true, force: true });
    });

    async function driver(argv: string[], script: Parameters<FakePulumi["script"]>[0]) {
        fake.script(script);
        const clientRegions: string[] = [];
        let out = "";
        let err = "";
        const code = await main(argv, {
            env: { PULUMI_CONFIG_PASSPHRASE: "test" },
            projectDir,
            findPulumi: async () => pulumiCommand,
            out: text => {
                out += text;
            },
            err: text => {
                err += text;
            },
            signal: new AbortController().signal,
            redriveClients: clientRegion => {
                clientRegions.push(clientRegion);
                const empty: Sender = { send: async () => ({ Messages: [] }) };
                return { sqs: empty, lambda: empty };
            },
        });
        return { code, out, err, clientRegions };
    }

    it("exits 2 on an unknown stack before touching any queue, and never creates the stack", async () => {
        const { code, err, clientRegions } = await driver(["redrive", "--stack", "nope"], {});
        assert.strictEqual(code, ExitCode.configurationError);
        assert.match(err, /no stack file Pulumi\.nope\.yaml in .*; stacks here: dev, prod/);
        assert.deepStrictEqual(fake.calls(), [], "no CLI call at all");
        const missing = await driver(["redrive", "--stack", "dev"], {
            "stack select": [{ code: 255, stderr: "error: no stack named 'dev' found\n" }],
        });
        assert.strictEqual(missing.code, ExitCode.configurationError);
        assert.match(missing.err, /no stack named dev; nothing was read or changed/);
        assert.deepStrictEqual(missing.clientRegions, []);
        assert.deepStrictEqual(clientRegions, []);
        assert.ok(!fake.calls().some(args => args[0] === "stack" && args[1] === "init"), "the stack was created");
    });

    it("exits 2 when the stack was never deployed, without touching any queue", async () => {
        const { code, err, clientRegions } = await driver(["redrive", "--stack", "dev"], {
            "stack output": [{ stdout: "{}" }],
        });
        assert.strictEqual(code, ExitCode.configurationError);
        assert.match(err, /stack dev has no deadLetterQueueUrl output; deploy it first/);
        assert.deepStrictEqual(clientRegions, []);
    });

    it("redrives the stack's queue to its notifier in the stack's region", async () => {
        const outputs = JSON.stringify({
            deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/ssm-notify-dlq-1234567",
            notifierFunctionName: notifier,
        });
        const { code, out, clientRegions } = await driver(["redrive", "--stack", "dev", "--dry-run"], {
            "stack output": [{ stdout: outputs }],
            "config get": [{ stdout: JSON.stringify({ value: "eu-central-1", secret: false }) }],
        });
        assert.strictEqual(code, ExitCode.success);
        assert.deepStrictEqual(clientRegions, ["eu-central-1"]);
        assert.match(
            out,
            /Dry run: redriving https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/ssm-notify-dlq-1234567 to ssm-notify-handler-1234567/,
        );
        assert.match(out, /redrive dev \(dry run\): 0 would be re-delivered, 0 left/);
    });

    it("takes --dry-run for redrive only", async () => {
        const { code, err } = await driver(["preview", "--stack", "dev", "--dry-run"], {});
        assert.strictEqual(code, ExitCode.configurationError);
        assert.match(err, /unknown option --dry-run for preview/);
    });
});
