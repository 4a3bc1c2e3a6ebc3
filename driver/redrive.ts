// `npm run driver -- redrive --stack <name> [--dry-run]`: delivers again what the notification
// pipeline's dead-letter queue holds, once the cause is fixed. The queue receives two kinds of
// message: EventBridge dead letters (the body is the original event; attributes name the target and
// the error) and Lambda's records of asynchronous invocations that failed every attempt (the
// original event is `requestPayload`). Each goes back to the notifier as an asynchronous invoke of
// the original event, so Lambda's retries and the dead-letter queue cover it again. A message is
// deleted only after Lambda accepted its event; one that cannot be re-delivered stays, with the
// reason reported. Within a run no message is delivered twice; an interrupted run leaves every
// message it had not delivered in the queue. Messages another reader holds (a killed run hides
// what it received until its visibility timeout ends) are counted, waited for up to a bound, and
// otherwise reported as in flight: a run never says "0 left" while the queue still holds any.
import { setTimeout as sleep } from "timers/promises";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
    ChangeMessageVisibilityCommand,
    DeleteMessageCommand,
    GetQueueAttributesCommand,
    Message,
    ReceiveMessageCommand,
    SQSClient,
} from "@aws-sdk/client-sqs";
import { LocalWorkspace, PulumiCommand, StackNotFoundError } from "@pulumi/pulumi/automation";
import { asyncInvocationType, deadLetterAttributes } from "../aws/identifiers";
import { ExitCode } from "../cli/exitCodes";

/** The one method of an SDK v3 client that the redrive uses. */
export interface Sender {
    send(command: any): Promise<any>;
}

export interface RedriveOptions {
    /** A client of the queue's SQS endpoint. */
    readonly sqs: Sender;
    /** A client of the notifier's Lambda endpoint. */
    readonly lambda: Sender;
    readonly queueUrl: string;
    /** The notifier function: only messages addressed to it are re-delivered. */
    readonly functionName: string;
    /** List what would be done; deliver and delete nothing. */
    readonly dryRun: boolean;
    readonly out: (line: string) => void;
    /** Aborting stops after the message in hand; the rest stays in the queue. */
    readonly signal?: AbortSignal;
    /** How long a received message stays hidden from other readers while the run holds it. */
    readonly visibilityTimeoutSeconds?: number;
    /** Long polling: an empty receive of this length means the queue has nothing more to give. */
    readonly waitTimeSeconds?: number;
    /** How long to wait for messages another reader holds to become visible again; 0: report them at once. */
    readonly inFlightWaitSeconds?: number;
}

/** What one message was, read from the queue. */
export type DeadLetter =
    | {
          readonly kind: "EventBridge dead letter";
          readonly event: unknown;
          readonly target: string;
          readonly error: string;
      }
    | {
          readonly kind: "Lambda failure record";
          readonly event: unknown;
          readonly target: string;
          readonly error: string;
      }
    | { readonly kind: "unreadable"; readonly reason: string };

export interface RedriveReport {
    /** Re-delivered and deleted (in a dry run: would be). */
    readonly delivered: number;
    /** Still in the queue, each with why. */
    readonly left: readonly { readonly messageId: string; readonly reason: string }[];
    /** Messages hidden by another reader when the run ended: still in the queue, not yet visible. */
    readonly inFlight: number;
    /** When they are visible again at the latest: the visibility timeout a redrive hides messages for. */
    readonly retryAfterSeconds: number;
    readonly interrupted: boolean;
}

/** How long a redrive hides a message it received; a killed run's messages come back after this. */
export const redriveVisibilitySeconds = 300;

/** Reads a dead-letter queue message as what it is. Pure. */
export function readDeadLetter(message: Pick<Message, "Body" | "MessageAttributes">): DeadLetter {
    const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
    let body: unknown;
    try {
        body = JSON.parse(message.Body ?? "");
    } catch {
        return { kind: "unreadable", reason: "the body is not JSON" };
    }
    const target = attribute(deadLetterAttributes.targetArn);
    if (target !== undefined) {
        return {
            kind: "EventBridge dead letter",
            event: body,
            target,
            error: `${attribute(deadLetterAttributes.errorCode) ?? "no error code"}: ${attribute(deadLetterAttributes.errorMessage) ?? "no message"} (after ${attribute(deadLetterAttributes.retryAttempts) ?? "?"} retries)`,
        };
    }
    const record = body as {
        requestContext?: { functionArn?: string; condition?: string };
        requestPayload?: unknown;
        responseContext?: { functionError?: string };
        responsePayload?: { errorMessage?: string };
    };
    if (isObject(record) && isObject(record.requestContext) && "requestPayload" in record) {
        return {
            kind: "Lambda failure record",
            event: record.requestPayload,
            target: record.requestContext.functionArn ?? "",
            error: `${record.requestContext.condition ?? "failed"}${record.responseContext?.functionError ? ` (${record.responseContext.functionError} error)` : ""}: ${record.responsePayload?.errorMessage ?? "no error message"}`,
        };
    }
    return {
        kind: "unreadable",
        reason: `neither an EventBridge dead letter (no ${deadLetterAttributes.targetArn} attribute) nor a Lambda failure record (no requestPayload)`,
    };
}

/** The function a Lambda ARN names (arn:<partition>:lambda:<region>:<account>:function:<name>[:qualifier]). */
export function functionNameOf(arn: string): string | undefined {
    const parts = arn.split(":");
    return parts[0] === "arn" && parts[2] === "lambda" && parts[5] === "function" ? parts[6] : undefined;
}

/** A short description of an event for the listing. */
function describe(event: unknown): string {
    if (!isObject(event)) {
        return JSON.stringify(event)?.slice(0, 80) ?? String(event);
    }
    const detailType = typeof event["detail-type"] === "string" ? event["detail-type"] : "event";
    return `${detailType}${typeof event.id === "string" ? ` ${event.id}` : ""}${typeof event.time === "string" ? ` of ${event.time}` : ""}`;
}

function isObject(value: unknown): value is Record<string, any> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Re-delivers the queue's messages to the notifier; see the top of this file. */
export async function redrive(options: RedriveOptions): Promise<RedriveReport> {
    const { sqs, lambda, queueUrl, functionName, out } = options;
    const verb = options.dryRun ? "would re-deliver" : "re-delivered";
    /** Messages this run took, by id: a message seen again (a duplicate, or its hiding ran out) is not delivered again. */
    const outcomes = new Map<string, "delivered" | "undeleted" | "left">();
    /** Receipt handles of messages to make visible again when the run ends. */
    const held: string[] = [];
    const left: { messageId: string; reason: string }[] = [];
    let delivered = 0;

    const leave = (message: Message, reason: string) => {
        left.push({ messageId: message.MessageId ?? "", reason });
        held.push(message.ReceiptHandle ?? "");
        out(`  left ${message.MessageId}: ${reason}\n`);
    };
    const remove = async (message: Message): Promise<string | undefined> => {
        try {
            await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
            return undefined;
        } catch (error) {
            return `${(error as Error).name}: ${(error as Error).message}`;
        }
    };

    async function take(message: Message): Promise<void> {
        const id = message.MessageId ?? "";
        const before = outcomes.get(id);
        if (before === "undeleted") {
            // Delivered earlier in this run; only its delete is still owed.
            if ((await remove(message)) === undefined) {
                outcomes.set(id, "delivered");
                delivered++;
                left.splice(
                    left.findIndex(l => l.messageId === id),
                    1,
                );
            } else {
                held.push(message.ReceiptHandle ?? "");
            }
            return;
        }
        if (before !== undefined) {
            held.push(message.ReceiptHandle ?? "");
            return;
        }
        const letter = readDeadLetter(message);
        if (letter.kind === "unreadable") {
            outcomes.set(id, "left");
            return leave(message, letter.reason);
        }
        if (functionNameOf(letter.target) !== functionName) {
            outcomes.set(id, "left");
            return leave(
                message,
                `was going to ${letter.target || "an unnamed target"}, not the notifier ${functionName}`,
            );
        }
        const what = `${describe(letter.event)} (${letter.kind}; ${letter.error})`;
        if (options.dryRun) {
            outcomes.set(id, "delivered");
            held.push(message.ReceiptHandle ?? "");
            delivered++;
            return out(`  ${verb} ${id}: ${what}\n`);
        }
        try {
            const response = await lambda.send(
                new InvokeCommand({
                    FunctionName: functionName,
                    InvocationType: asyncInvocationType,
                    Payload: Buffer.from(JSON.stringify(letter.event)),
                }),
            );
            if (response?.StatusCode !== 202) {
                throw new Error(`Lambda answered ${response?.StatusCode}, not 202 Accepted`);
            }
        } catch (error) {
            outcomes.set(id, "left");
            return leave(message, `re-delivery failed: ${(error as Error).name}: ${(error as Error).message}`);
        }
        const deleteProblem = await remove(message);
        if (deleteProblem !== undefined) {
            outcomes.set(id, "undeleted");
            left.push({
                messageId: id,
                reason: `re-delivered, but the delete failed (${deleteProblem}): a later run would deliver it again`,
            });
            out(`  ${verb} ${id}, but could not delete it: ${deleteProblem}\n`);
            return;
        }
        outcomes.set(id, "delivered");
        delivered++;
        out(`  ${verb} ${id}: ${what}\n`);
    }

    /** What the run holds but did not delete goes back now, not when its hiding runs out. */
    const release = async () => {
        for (const receiptHandle of held.splice(0)) {
            await sqs
                .send(
                    new ChangeMessageVisibilityCommand({
                        QueueUrl: queueUrl,
                        ReceiptHandle: receiptHandle,
                        VisibilityTimeout: 0,
                    }),
                )
                .catch(() => undefined);
        }
    };
    /**
     * What the queue holds beyond what this run took and left: messages another reader hides (this
     * run has released its own), and visible ones this run has not received yet.
     */
    const remaining = async (): Promise<{ inFlight: number; untaken: number }> => {
        const response = (await sqs.send(
            new GetQueueAttributesCommand({
                QueueUrl: queueUrl,
                AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            }),
        )) as { Attributes?: Record<string, string> };
        const count = (name: string) => Number(response?.Attributes?.[name] ?? 0) || 0;
        const taken = [...outcomes.values()].filter(outcome => outcome !== "delivered").length;
        return {
            inFlight: count("ApproximateNumberOfMessagesNotVisible"),
            untaken: Math.max(0, count("ApproximateNumberOfMessages") - (options.dryRun ? outcomes.size : taken)),
        };
    };

    const visibilitySeconds = options.visibilityTimeoutSeconds ?? redriveVisibilitySeconds;
    const deadline = Date.now() + (options.inFlightWaitSeconds ?? 0) * 1000;
    let inFlight = 0;
    /** Rounds again for messages that became visible late; bounded, as SQS may keep handing out old ones. */
    let lateRounds = 0;
    try {
        for (;;) {
            while (!options.signal?.aborted) {
                const { Messages = [] } = (await sqs.send(
                    new ReceiveMessageCommand({
                        QueueUrl: queueUrl,
                        MaxNumberOfMessages: 10,
                        WaitTimeSeconds: options.waitTimeSeconds ?? 2,
                        VisibilityTimeout: visibilitySeconds,
                        MessageAttributeNames: ["All"],
                    }),
                )) as { Messages?: Message[] };
                // Nothing new: the queue is empty, or hands out only what this run already took.
                const fresh = Messages.filter(message => !outcomes.has(message.MessageId ?? "")).length;
                for (const message of Messages) {
                    if (options.signal?.aborted) {
                        held.push(message.ReceiptHandle ?? "");
                    } else {
                        await take(message);
                    }
                }
                if (fresh === 0) {
                    break;
                }
            }
            await release();
            if (options.signal?.aborted) {
                break;
            }
            const now = await remaining();
            inFlight = now.inFlight + now.untaken;
            if (now.untaken > 0 && lateRounds++ < 10) {
                // Messages became visible (another reader's hiding ran out) after this run's last receive.
                continue;
            }
            if (inFlight === 0 || Date.now() >= deadline) {
                break;
            }
            out(`  ${inFlight} in flight, not yet visible; waiting for them\n`);
            await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
        }
    } finally {
        await release();
    }
    return {
        delivered,
        left,
        inFlight,
        retryAfterSeconds: visibilitySeconds,
        interrupted: options.signal?.aborted === true,
    };
}

/** The stack outputs and config a redrive needs. */
interface RedriveTarget {
    readonly queueUrl: string;
    readonly functionName: string;
    readonly region: string;
}

export interface RedriveClients {
    readonly sqs: Sender;
    readonly lambda: Sender;
    /** Releases the clients' connections after the run. */
    readonly close?: () => void;
}

export interface RedriveStackDeps {
    readonly projectDir: string;
    readonly envVars: Record<string, string>;
    readonly pulumiCommand: PulumiCommand;
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
    /** SQS and Lambda clients for the stack's region; real SDK clients when omitted. */
    readonly redriveClients?: (region: string) => RedriveClients;
    /** Interrupts the run; when omitted, the first Ctrl-C (SIGINT) does. */
    readonly signal?: AbortSignal;
}

/** `redrive --stack <name>`: reads the stack's queue and notifier from its outputs, then redrives. */
export async function redriveStack(stackName: string, dryRun: boolean, deps: RedriveStackDeps): Promise<ExitCode> {
    let target: RedriveTarget;
    try {
        target = await stackTarget(stackName, deps);
    } catch (error) {
        if (error instanceof StackNotFoundError) {
            deps.err(`redrive: no stack named ${stackName}; nothing was read or changed\n`);
            return ExitCode.configurationError;
        }
        if (error instanceof MissingOutputError) {
            deps.err(`redrive: ${error.message}\n`);
            return ExitCode.configurationError;
        }
        throw error;
    }

    const clients = deps.redriveClients?.(target.region) ?? realClients(target.region);
    const controller = deps.signal ? undefined : new AbortController();
    const onInterrupt = () => {
        deps.err("redrive: interrupted; stopping after the message in hand\n");
        controller?.abort();
    };
    if (controller) {
        process.once("SIGINT", onInterrupt);
    }
    try {
        deps.out(
            `${dryRun ? "Dry run: " : ""}redriving ${target.queueUrl} to ${target.functionName} (${target.region})\n`,
        );
        const report = await redrive({
            sqs: clients.sqs,
            lambda: clients.lambda,
            queueUrl: target.queueUrl,
            functionName: target.functionName,
            dryRun,
            out: deps.out,
            signal: deps.signal ?? controller?.signal,
        });
        deps.out(`\n${summary(stackName, dryRun, report)}\n`);
        return exitCodeOf(report);
    } finally {
        process.removeListener("SIGINT", onInterrupt);
        clients.close?.();
    }
}

class MissingOutputError extends Error {}

async function stackTarget(stackName: string, deps: RedriveStackDeps): Promise<RedriveTarget> {
    // selectStack, never createOrSelectStack: an unknown stack is an error, not a new stack.
    const stack = await LocalWorkspace.selectStack(
        { stackName, workDir: deps.projectDir },
        { pulumiCommand: deps.pulumiCommand, envVars: deps.envVars },
    );
    const outputs = await stack.outputs();
    const text = (name: string) => {
        const value = outputs[name]?.value;
        if (typeof value !== "string" || value === "") {
            throw new MissingOutputError(
                `stack ${stackName} has no ${name} output; deploy it first (npm run driver -- up --stack ${stackName})`,
            );
        }
        return value;
    };
    return {
        queueUrl: text("deadLetterQueueUrl"),
        functionName: text("notifierFunctionName"),
        region: (await stack.getConfig("aws:region")).value,
    };
}

function realClients(region: string): RedriveClients {
    const sqs = new SQSClient({ region });
    const lambda = new LambdaClient({ region });
    return {
        sqs,
        lambda,
        close: () => {
            sqs.destroy();
            lambda.destroy();
        },
    };
}

/** Failure when a message is left or the run was interrupted; messagesInFlight when only in-flight ones remain. */
export function exitCodeOf(report: RedriveReport): ExitCode {
    if (report.left.length > 0 || report.interrupted) {
        return ExitCode.failure;
    }
    return report.inFlight > 0 ? ExitCode.messagesInFlight : ExitCode.success;
}

/**
 * "redrive dev: 12 re-delivered, 6 left (4 in flight, not yet visible; run again after 300 s)"
 * and one line per reason, naming each message left for it.
 */
export function summary(stackName: string, dryRun: boolean, report: RedriveReport): string {
    const reasons = new Map<string, string[]>();
    for (const { messageId, reason } of report.left) {
        reasons.set(reason, [...(reasons.get(reason) ?? []), messageId]);
    }
    const why = [...reasons].map(([reason, ids]) => `\n  ${ids.length} × ${reason}: ${ids.join(", ")}`).join("");
    const inFlight =
        report.inFlight > 0
            ? ` (${report.inFlight} in flight, not yet visible; run again after ${report.retryAfterSeconds} s)`
            : "";
    return (
        `redrive ${stackName}${dryRun ? " (dry run)" : ""}: ${report.delivered} ${dryRun ? "would be re-delivered" : "re-delivered"}, ` +
        `${report.left.length + report.inFlight} left${inFlight}${report.interrupted ? ", interrupted (the rest is still in the queue)" : ""}${why}`
    );
}
