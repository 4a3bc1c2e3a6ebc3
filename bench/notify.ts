// `npm run bench:notify`: a burst of 10,000 events through the notifier exactly as Pulumi
// serializes it (the CallbackFunction's archive), publishing with the real SNS client to fauxqs,
// a local SNS/SQS emulator, through a stand-in network that answers a scripted 5% of Publish
// requests with SNS's throttling error (HTTP 429, Throttled). Lambda's side is modelled: 20
// containers each run one event at a time; a rejected event is retried as often as the function's
// asynchronous settings say, then its failure record goes to a dead-letter queue, as the
// on-failure destination would (retry delays compressed to nothing). Two runs: the SDK's default
// retries, and none (AWS_MAX_ATTEMPTS=1), so that every throttle reaches the handler. Each
// reports events in, e-mails delivered (read back from the queue subscribed to the topic),
// handler rejections, dead letters and lost events (neither delivered nor dead-lettered: must be
// 0), poison (rejections for anything but throttling: must be 0; 1% of events carry emoji and
// non-ASCII text long enough to be cut at the subject's and the fields' limits), with throughput and peak memory; then the dead letters are redriven (driver/redrive.ts) with the
// throttling over. Informational output, not a test.
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
    ChangeMessageVisibilityCommand,
    CreateQueueCommand,
    GetQueueAttributesCommand,
    Message,
    ReceiveMessageCommand,
    SendMessageCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { redrive } from "../driver/redrive";
import { renderTable } from "../cli/table";
import { NotificationPipeline } from "../components/notifications/notificationPipeline";
import { standInAccountId } from "../harness/standIns";
import { underMocks } from "../harness/synthesize";
import { associationSample, loadFixture } from "../harness/fixtures";
import { archiveOf, Handler, loadHandler } from "../harness/lambdaArchive";

type Fauxqs = import("fauxqs", { with: { "resolution-mode": "import" } }).FauxqsServer;

const events = 10_000;
const containers = 20;
const throttledShare = 0.05;
/** Every this many events carries emoji and non-ASCII text cut at the limits: 1%. */
const hostileEvery = 100;
const region = "eu-west-1";
const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
const mib = 1024 * 1024;

interface RunResult {
    readonly label: string;
    readonly eventsIn: number;
    readonly publishRequests: number;
    readonly throttled: number;
    readonly invocations: number;
    readonly rejections: number;
    readonly deadLettered: number;
    readonly delivered: number;
    readonly duplicates: number;
    readonly lost: number;
    readonly poison: number;
    readonly wallMs: number;
    readonly peakRssMiB: number;
    readonly redriven: number;
    readonly lostAfterRedrive: number;
}

/** A small seeded generator, so every run throttles the same requests. */
function seeded(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** The network between the notifier and SNS: forwards to fauxqs, and throttles a share of Publish requests. */
async function throttlingNetwork(target: string) {
    const upstream = new URL(target);
    const agent = new http.Agent({ keepAlive: true });
    const counts = { publishes: 0, throttled: 0, throttling: true };
    const random = seeded(14);
    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", chunk => chunks.push(chunk));
        request.on("end", () => {
            const body = Buffer.concat(chunks);
            if (/(^|&)Action=Publish(&|$)/.test(body.toString("utf8"))) {
                counts.publishes++;
                if (counts.throttling && random() < throttledShare) {
                    counts.throttled++;
                    // SNS's query-protocol error for ThrottledException.
                    response.writeHead(429, { "content-type": "text/xml" });
                    response.end(
                        '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>' +
                            "<Code>Throttled</Code><Message>Rate exceeded</Message></Error><RequestId>bench</RequestId></ErrorResponse>",
                    );
                    return;
                }
            }
            const forwarded = http.request(
                {
                    host: upstream.hostname,
                    port: upstream.port,
                    method: request.method,
                    path: request.url,
                    headers: request.headers,
                    agent,
                },
                answer => {
                    response.writeHead(answer.statusCode ?? 502, answer.headers);
                    answer.pipe(response);
                },
            );
            forwarded.on("error", error => response.destroy(error));
            forwarded.end(body);
        });
    });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
        url: `http://127.0.0.1:${port}`,
        counts,
        close: () => {
            agent.destroy();
            return new Promise<void>(resolve => server.close(() => resolve()));
        },
    };
}

/**
 * Every message waiting in a queue, received once each (hidden for an hour), read in parallel;
 * with `release`, made visible again afterwards, for the redrive to read.
 */
async function drain(sqs: SQSClient, queueUrl: string, release = false): Promise<string[]> {
    const messages: Message[] = [];
    const reader = async () => {
        for (;;) {
            const { Messages = [] } = await sqs.send(
                new ReceiveMessageCommand({
                    QueueUrl: queueUrl,
                    MaxNumberOfMessages: 10,
                    WaitTimeSeconds: 1,
                    VisibilityTimeout: 3600,
                }),
            );
            if (Messages.length === 0) {
                return;
            }
            messages.push(...Messages);
        }
    };
    await Promise.all(Array.from({ length: 8 }, reader));
    if (release) {
        for (const { ReceiptHandle } of messages) {
            await sqs.send(
                new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle, VisibilityTimeout: 0 }),
            );
        }
    }
    return messages.map(m => m.Body ?? "");
}

/** The bench's event ids an SNS envelope's e-mail carries (the raw event closes the message). */
function deliveredId(body: string): string | undefined {
    return /"id": "(bench-\d+)"/.exec(JSON.parse(body).Message ?? "")?.[1];
}

async function run(
    label: string,
    sdkAttempts: string | undefined,
    moduleText: string,
    retries: number,
    server: Fauxqs,
): Promise<RunResult> {
    const sns = new SNSClient({ region, endpoint: server.address, credentials });
    const sqs = new SQSClient({ region, endpoint: server.address, credentials });
    const suffix = label.replace(/\W+/g, "-");
    const { TopicArn: topicArn = "" } = await sns.send(new CreateTopicCommand({ Name: `notify-${suffix}` }));
    const queue = async (name: string) => {
        const { QueueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${suffix}` }));
        const { Attributes } = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
        );
        return { url: QueueUrl, arn: Attributes?.QueueArn ?? "" };
    };
    const mailbox = await queue("mailbox");
    const deadLetters = await queue("dlq");
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: mailbox.arn }));
    const network = await throttlingNetwork(server.address);

    // What Lambda's environment would give each container, and nothing from this machine's AWS setup.
    const nowhere = path.join(os.tmpdir(), "bench-notify-no-aws-config");
    Object.assign(process.env, {
        AWS_ENDPOINT_URL_SNS: network.url,
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_CONFIG_FILE: nowhere,
        AWS_SHARED_CREDENTIALS_FILE: nowhere,
        TOPIC_ARN: topicArn,
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    if (sdkAttempts === undefined) {
        delete process.env.AWS_MAX_ATTEMPTS;
    } else {
        process.env.AWS_MAX_ATTEMPTS = sdkAttempts;
    }
    const handlers: Handler[] = Array.from({ length: containers }, () => loadHandler(moduleText, { require, process }));

    const template = associationSample();
    const pending = Array.from({ length: events }, (_, i) =>
        i % hostileEvery === 0
            ? {
                  ...template,
                  id: `bench-${i}`,
                  // An odd lead puts an emoji's two halves across each limit, in one event or the next.
                  detail: {
                      ...template.detail,
                      "document-name": `${"Ü".repeat(i % 2)}Prüfung ${"\u{1F525}".repeat(800)}`,
                  },
              }
            : { ...template, id: `bench-${i}` },
    );
    let invocations = 0;
    let rejections = 0;
    let poison = 0;
    let deadLettered = 0;
    const failureRecord = loadFixture("lambda-async-invocation-failure-record.json");

    /** One container: each event runs once plus the function's retries, then goes to the dead-letter queue. */
    const container = async (handler: Handler) => {
        for (let event = pending.pop(); event; event = pending.pop()) {
            let error: unknown;
            for (let attempt = 0; attempt <= retries; attempt++) {
                invocations++;
                try {
                    await handler(event, {});
                    error = undefined;
                    break;
                } catch (caught) {
                    rejections++;
                    if (!/Throttl|Rate exceeded/.test(String(caught))) {
                        poison++;
                    }
                    error = caught;
                }
            }
            if (error !== undefined) {
                deadLettered++;
                await sqs.send(
                    new SendMessageCommand({
                        QueueUrl: deadLetters.url,
                        MessageBody: JSON.stringify({
                            ...failureRecord,
                            requestContext: {
                                ...failureRecord.requestContext,
                                functionArn: `arn:aws:lambda:${region}:${standInAccountId}:function:notifier:$LATEST`,
                                approximateInvokeCount: retries + 1,
                            },
                            requestPayload: event,
                            responsePayload: { errorMessage: String(error) },
                        }),
                    }),
                );
            }
        }
    };

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
    const start = performance.now();
    await Promise.all(handlers.map(container));
    const wallMs = performance.now() - start;
    clearInterval(sampler);

    const ids = (await drain(sqs, mailbox.url)).map(deliveredId);
    const deliveredIds = new Set(ids.filter((id): id is string => id !== undefined));
    const delivered = deliveredIds.size;
    const duplicates = ids.length - delivered;
    const deadIds = new Set(
        (await drain(sqs, deadLetters.url, true)).map(body => JSON.parse(body).requestPayload.id as string),
    );
    const allIds = Array.from({ length: events }, (_, i) => `bench-${i}`);
    const lost = allIds.filter(id => !deliveredIds.has(id) && !deadIds.has(id)).length;

    // The cause is fixed: the throttling stops, and the redrive sends the dead letters back through a
    // container, as an asynchronous invoke of the notifier would.
    network.counts.throttling = false;
    const report = await redrive({
        sqs,
        lambda: {
            send: async (command: { input: { Payload: Uint8Array } }) => {
                await handlers[0](JSON.parse(Buffer.from(command.input.Payload).toString("utf8")), {});
                return { StatusCode: 202 };
            },
        },
        queueUrl: deadLetters.url,
        functionName: "notifier",
        dryRun: false,
        waitTimeSeconds: 1,
        out: () => undefined,
    });
    for (const id of (await drain(sqs, mailbox.url)).map(deliveredId)) {
        if (id !== undefined) {
            deliveredIds.add(id);
        }
    }

    sns.destroy();
    sqs.destroy();
    await network.close();
    return {
        label,
        eventsIn: events,
        publishRequests: network.counts.publishes,
        throttled: network.counts.throttled,
        invocations,
        rejections,
        deadLettered,
        delivered,
        duplicates,
        lost,
        poison,
        wallMs: Math.round(wallMs),
        peakRssMiB: Math.round((peakRss / mib) * 10) / 10,
        redriven: report.delivered,
        lostAfterRedrive: allIds.filter(id => !deliveredIds.has(id)).length,
    };
}

const count = (value: number) => value.toLocaleString("en-US");

function printTable(results: RunResult[]): void {
    console.log(
        `Notification burst: ${count(events)} events through the serialized notifier, ${containers} Lambda containers, ` +
            `${throttledShare * 100}% of Publish requests throttled (node ${process.version}, ${os.cpus().length} CPUs)\n`,
    );
    const row = (label: string, cell: (r: RunResult) => string) => [label, ...results.map(cell)];
    console.log(
        renderTable(
            [
                row("", r => r.label),
                row("events in", r => count(r.eventsIn)),
                row("Publish requests (throttled)", r => `${count(r.publishRequests)} (${count(r.throttled)})`),
                row("handler invocations", r => count(r.invocations)),
                row("handler rejections (Lambda retries them)", r => count(r.rejections)),
                row("dead-lettered after the retries", r => count(r.deadLettered)),
                row("e-mails delivered", r => count(r.delivered)),
                row("duplicate e-mails", r => count(r.duplicates)),
                row("lost (neither delivered nor dead-lettered)", r => count(r.lost)),
                row(`poison (rejected for anything but throttling; 1 in ${hostileEvery} hostile)`, r =>
                    count(r.poison),
                ),
                row("wall time", r => `${(r.wallMs / 1000).toFixed(1)} s`),
                row("throughput", r => `${count(Math.round(r.eventsIn / (r.wallMs / 1000)))} events/s`),
                row("peak RSS (10 ms samples)", r => `${r.peakRssMiB.toFixed(1)} MiB`),
                row("redriven once throttling stopped", r => count(r.redriven)),
                row("lost after the redrive", r => count(r.lostAfterRedrive)),
            ],
            results.map((_, i) => i + 1),
        ).join("\n"),
    );
    const verdict = results.every(r => r.lost === 0 && r.lostAfterRedrive === 0 && r.poison === 0);
    console.log(`\nGoal, nothing lost and no poison: ${verdict ? "MET" : "NOT MET"}.`);
    if (!verdict) {
        process.exitCode = 1;
    }
}

async function bench() {
    process.stderr.write("synthesizing the notifier...\n");
    const { mocks } = await underMocks(
        { "aws:region": region },
        () =>
            new NotificationPipeline("ssm-notify", {
                region,
                accountId: standInAccountId,
                emails: ["ops@example.com"],
                routes: [],
                logKeyArn: `arn:aws:kms:${region}:${standInAccountId}:key/logs`,
            }),
    );
    const { text } = await archiveOf(mocks, "ssm-notify-handler");
    const retries = mocks.named("ssm-notify-handler-async").inputs.maximumRetryAttempts as number;
    const { startFauxqs } = await import("fauxqs");
    const server = await startFauxqs({ port: 0, logger: false });
    try {
        const results: RunResult[] = [];
        for (const [label, attempts] of [
            ["SDK retries (default)", undefined],
            ["no SDK retries", "1"],
        ] as const) {
            process.stderr.write(`${label}: ${count(events)} events...\n`);
            results.push(await run(label, attempts, text, retries, server));
        }
        printTable(results);
    } finally {
        await server.stop();
    }
}

bench().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
