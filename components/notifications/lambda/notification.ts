// Turns EventBridge events into readable e-mails: one describer per kind of event (the *Notices
// modules beside this one), and for any other kind a notice with the ids it names. Every e-mail
// ends with the raw event. Pure and free of @pulumi imports: Pulumi's closure serializer copies
// this module by value into the notification Lambda.
import {
    cloudTrailApiCallDetailType,
    configEventSource,
    ec2EventSource,
    healthEventSource,
    ssmEventSource,
} from "../../../aws/events";
import { maxMessageBytes, oneLine, subjectOf, wellFormed } from "../../parts/lambda/snsMessage";
import { automationNotices } from "./automationNotices";
import { complianceNotices } from "./complianceNotices";
import { maintenanceWindowNotices } from "./maintenanceWindowNotices";
import { nodeNotices } from "./nodeNotices";
import { Describer, Fields, field, isObject, none, Notice, notice, NoticeContext, shown, tag } from "./noticeText";
import { runCommandNotices } from "./runCommandNotices";
import { stateManagerNotices } from "./stateManagerNotices";
import { heartbeatMetric, tamperChangesMetric } from "../../parts/lambda/tamperContext";
import {
    affectsDhmc,
    countRecord,
    describeTamper,
    isTamperChange,
    readDhmcNodes,
    tamperDisposition,
} from "./tamperNotices";

export interface Notification {
    readonly subject: string;
    readonly message: string;
}

/** Every kind of event the notifier words, by detail type. */
const describers: Record<string, Describer> = {
    ...stateManagerNotices,
    ...runCommandNotices,
    ...automationNotices,
    ...complianceNotices,
    ...maintenanceWindowNotices,
    ...nodeNotices,
    [cloudTrailApiCallDetailType]: (event, detail, context) =>
        describeTamper(event, detail, context.tamper, context.dhmcNodes),
};

/** The subject tag of an event of a kind the notifier does not know, by its source. */
const sourceTags: Record<string, string> = {
    [ssmEventSource]: "SSM",
    [ec2EventSource]: "EC2",
    [configEventSource]: "Config",
    [healthEventSource]: "SSM",
};

/** Describes any event; never throws. An unknown or malformed event still yields a notice with its raw JSON. */
export function describeEvent(event: unknown, context: NoticeContext = {}): Notification {
    let described: Notice;
    try {
        described = describeKnownEvent(event, context) ?? describeUnknownEvent(event);
    } catch (error) {
        described = {
            subject: "[SSM notice] Event could not be read",
            summary: [`The notifier could not read this event (${String(error)}); it is attached as received.`],
        };
    }
    const { subject, original } = subjectOf(described.subject);
    // Each summary line stays one line, whatever an event's strings hold.
    const summary = described.summary.map(oneLine);
    return {
        subject,
        message: fitMessage(
            original === undefined ? summary : [`Subject: ${original}`, "", ...summary],
            rawJson(event),
        ),
    };
}

/**
 * Errors of a request SNS or the SDK refuses as written: sending it again cannot succeed. (Publish's
 * documented client errors: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors;
 * URIError is what the SDK throws when it cannot encode a string.)
 */
const refusedAsWritten = /^(?:URIError|InvalidParameter|InvalidParameterValue|InvalidParameterException)$/;

/**
 * Publishes one notification for the event. A failed publish rejects, so that AWS retries and the
 * DLQ keeps it; a notice that SNS refuses as written is sent again as a plain ASCII fallback, and
 * if that fails too the rejection names both reasons, which the dead-letter record carries.
 * The tamper watch's heartbeat is counted in a log line instead, and a CloudTrail call on another
 * team's resource is only logged. A change made outside the stack is counted in a log line too,
 * before its mail: a retried mail may count it again, which an alarm on "more than 0" does not
 * mind, and a mail that never goes out still leaves the count.
 */
export async function notifyEvent(
    event: unknown,
    publish: (notification: Notification) => Promise<unknown>,
    context: NoticeContext = {},
    log: (line: string) => void = console.log,
): Promise<void> {
    const isCloudTrailEvent = isObject(event) && event["detail-type"] === cloudTrailApiCallDetailType;
    const disposition = isCloudTrailEvent ? tamperDisposition(event, context.tamper) : "mail";
    if (disposition === "heartbeat") {
        log(countRecord(heartbeatMetric, new Date()));
        return;
    }
    if (disposition === "unrelated") {
        log(`Not the stack's resource, not mailed: ${isObject(event) ? field(event, "id") : none}`);
        return;
    }
    // A DHMC change's mail counts the nodes it breaks: the health watch's latest count, or why it has none.
    const described = affectsDhmc(event) ? { ...context, dhmcNodes: await readDhmcNodes(context) } : context;
    if (isCloudTrailEvent && isTamperChange(event, context.tamper)) {
        try {
            log(countRecord(tamperChangesMetric, new Date()));
        } catch {
            // The count is the dashboard's and the organization view's; the mail matters more.
        }
    }
    try {
        await publish(describeEvent(event, described));
    } catch (error) {
        const name = (error as Error)?.name;
        if (!refusedAsWritten.test(String(name))) {
            throw error;
        }
        const reason = `${name}: ${(error as Error).message}`;
        try {
            await publish(fallbackNotification(event, reason));
        } catch (fallbackError) {
            throw new Error(
                `SNS refused the notice (${reason}) and its plain fallback (${(fallbackError as Error)?.name}: ${(fallbackError as Error)?.message})`,
                { cause: fallbackError },
            );
        }
    }
}

/** A notice with nothing but ASCII: the reason the worded one was refused, and the raw event with every other character escaped. */
export function fallbackNotification(event: unknown, reason: string): Notification {
    const ascii = (text: string) =>
        wellFormed(text).replace(/[^\u0020-\u007e\n]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    return {
        subject: "[SSM notice] Event could not be mailed as worded",
        message: fitMessage(
            [
                `SNS refused the worded notice for this event (${ascii(oneLine(reason))}); it is attached as received, non-ASCII characters escaped.`,
            ],
            ascii(rawJson(event)),
        ),
    };
}

function describeKnownEvent(event: unknown, context: NoticeContext): Notice | undefined {
    if (!isObject(event) || !isObject(event.detail)) {
        return undefined;
    }
    const detailType = event["detail-type"];
    // Own properties only: a detail type such as "constructor" is not a describer.
    return typeof detailType === "string" && Object.hasOwn(describers, detailType)
        ? describers[detailType](event, event.detail, context)
        : undefined;
}

function describeUnknownEvent(event: unknown): Notice {
    const detailType = isObject(event) && typeof event["detail-type"] === "string" ? event["detail-type"] : undefined;
    if (!isObject(event) || detailType === undefined) {
        return {
            subject: "[SSM notice] Malformed event received",
            summary: ["The notifier received something that is not an EventBridge event; it is attached as received."],
        };
    }
    const source = field(event, "source");
    const ids = idsIn(event);
    const eventTag = Object.hasOwn(sourceTags, source)
        ? tag(sourceTags[source], field(event, "region"))
        : "[SSM notice]";
    const firstDetailId = ids.find(([label]) => label !== "Resource");
    return notice(
        `${eventTag} Unrecognized event: ${detailType}${firstDetailId ? ` (${firstDetailId[1]})` : ""}`,
        `The notifier has no summary for this kind of event (${detailType}, source ${source}); it is attached as received.` +
            (ids.length > 0 ? " It names:" : ""),
        ids,
    );
}

/** An unknown event's ids are listed up to this many; at most this many of its values are read to find them. */
const maxIdsListed = 20;
const maxValuesRead = 5000;
/** Keys that hold ids: instance-id, window-id, ExecutionId, resourceId, nodeId... */
const idKey = /(?:^|[-_])[iI][dD]$|[a-z0-9](?:Id|ID)$/;
/** Node and window ids, wherever they appear; they are what an operator looks for first. */
const nodeOrWindowId = /\b(?:i|mi|mw)-[0-9a-f]{8,18}\b/g;
/** Long strings are searched only this far, so that an oversized field costs no more than a short one. */
const searchedLength = 10_000;

/** The ids an event names: its detail's id fields, node and window ids anywhere in its detail, and its resources. */
function idsIn(event: Fields): [string, string][] {
    const found = new Map<string, string>();
    const add = (label: string, id: string) => {
        if (found.size < maxIdsListed && !found.has(id)) {
            found.set(id, label);
        }
    };
    // Breadth first, with a budget: nested, huge or circular details end the search, never the notice.
    const pending: [string, unknown][] = [["detail", event.detail]];
    for (let next = 0; next < pending.length && next < maxValuesRead; next++) {
        const [key, value] = pending[next];
        if (typeof value === "string") {
            if (idKey.test(key)) {
                add(key, shown(value));
            }
            for (const [id] of value.slice(0, searchedLength).matchAll(nodeOrWindowId)) {
                add(key, id);
            }
        } else if (typeof value === "object" && value !== null && pending.length < maxValuesRead) {
            const room = maxValuesRead - pending.length;
            const children: [string, unknown][] = Array.isArray(value)
                ? value.slice(0, room).map(item => [key, item])
                : Object.entries(value).slice(0, room);
            pending.push(...children);
        }
    }
    if (Array.isArray(event.resources)) {
        for (const resource of event.resources.slice(0, maxIdsListed)) {
            add("Resource", shown(resource));
        }
    }
    return [...found].filter(([id]) => id !== none).map(([id, label]) => [label, id]);
}

function rawJson(event: unknown): string {
    try {
        return JSON.stringify(event, null, 2) ?? wellFormed(String(event));
    } catch {
        return wellFormed(String(event));
    }
}

function fitMessage(summary: string[], raw: string): string {
    const message = [...summary, "", "Raw event:", raw].join("\n");
    if (Buffer.byteLength(message, "utf8") <= maxMessageBytes) {
        return message;
    }
    const head = [...summary, "", "Raw event (truncated to fit the SNS size limit):", ""].join("\n");
    const room = Math.max(0, maxMessageBytes - Buffer.byteLength(head, "utf8"));
    // Cutting bytes may split a character; drop the replacement character that leaves.
    return (
        head +
        Buffer.from(raw, "utf8")
            .subarray(0, room)
            .toString("utf8")
            .replace(/\uFFFD+$/, "")
    );
}
