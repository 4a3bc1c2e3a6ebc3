// Turns EventBridge events into readable e-mails. Pure and free of @pulumi imports: Pulumi's
// closure serializer copies this module by value into the notification Lambda.
import { consoleUrl, nodeConsoleUrl } from "../aws/console";
import { associationStateChangeDetailType, complianceChangeDetailType } from "../aws/events";

/** SNS: a subject must be "less than 100 characters long", with no line breaks or control characters. */
const maxSubjectLength = 99;
/** SNS: a message is at most 256 KB (262,144 bytes) of UTF-8. Keep a margin for the subject and attributes. */
export const maxMessageBytes = 256 * 1024 - 2048;

export interface Notification {
    readonly subject: string;
    readonly message: string;
}

/** Summary lines stay short; the raw event below them carries every value in full. */
const maxFieldLength = 1000;

type Fields = Record<string, unknown>;

/** Describes any event; never throws. An unknown or malformed event still yields a notice with its raw JSON. */
export function describeEvent(event: unknown): Notification {
    let described: { subject: string; summary: string[] };
    try {
        described = describeKnownEvent(event) ?? describeUnknownEvent(event);
    } catch (error) {
        described = {
            subject: "[SSM notice] Event could not be read",
            summary: [`The notifier could not read this event (${String(error)}); it is attached as received.`],
        };
    }
    return {
        subject: toSubject(described.subject),
        message: fitMessage(described.summary, rawJson(event)),
    };
}

/** Publishes one notification for the event. A failed publish rejects, so that AWS retries and the DLQ keeps it. */
export async function notifyEvent(
    event: unknown,
    publish: (notification: Notification) => Promise<unknown>,
): Promise<void> {
    await publish(describeEvent(event));
}

function describeKnownEvent(event: unknown): { subject: string; summary: string[] } | undefined {
    if (!isObject(event) || !isObject(event.detail)) {
        return undefined;
    }
    switch (event["detail-type"]) {
        case associationStateChangeDetailType:
            return describeAssociationResult(event, event.detail);
        case complianceChangeDetailType:
            return describeComplianceChange(event, event.detail);
        default:
            return undefined;
    }
}

function describeAssociationResult(event: Fields, detail: Fields) {
    const region = field(event, "region");
    const node = field(detail, "instance-id");
    const document = field(detail, "document-name");
    const status = field(detail, "status");
    const associationId = field(detail, "association-id");
    const version = field(detail, "document-version");
    return {
        subject: `[SSM ${region}] ${document} ${status} on ${node}`,
        summary: [
            `State Manager association ${document} finished with status ${status} on node ${node}.`,
            "",
            ...table([
                ["Node", node],
                ["Association", associationId],
                ["Document", version === "(none)" ? document : `${document} (version ${version})`],
                ["Status", status],
                ["Detailed status", field(detail, "detailed-status")],
                ["Error", field(detail, "error-code")],
                ["Execution summary", field(detail, "execution-summary")],
                ["Output", field(detail, "output-url")],
                ["Account / region", `${field(event, "account")} / ${region}`],
                ["Time", field(event, "time")],
                [
                    "Association console",
                    consoleLink(
                        region,
                        `/systems-manager/state-manager/${encodeURIComponent(associationId)}/description`,
                    ),
                ],
                ["Node console", nodeConsoleLink(region, node)],
            ]),
        ],
    };
}

function describeComplianceChange(event: Fields, detail: Fields) {
    const region = field(event, "region") !== "(none)" ? field(event, "region") : field(detail, "awsRegion");
    const rule = field(detail, "configRuleName");
    const resource = field(detail, "resourceId");
    const newResult = isObject(detail.newEvaluationResult) ? detail.newEvaluationResult : {};
    const oldResult = isObject(detail.oldEvaluationResult) ? detail.oldEvaluationResult : {};
    const compliance = field(newResult, "complianceType");
    const previous = field(oldResult, "complianceType");
    const recovered = compliance === "COMPLIANT" && previous === "NON_COMPLIANT";
    const headline = recovered
        ? `Recovered: ${resource} is COMPLIANT again with ${rule}`
        : `${resource} is ${compliance} with ${rule}`;
    return {
        // Compact, so that a 17-digit instance id, a long region and the default rule name fit in 99 characters.
        subject: `[Config ${region}] ${resource} ${recovered ? "COMPLIANT again" : compliance}: ${rule}`,
        summary: [
            `${headline} (was ${previous}).`,
            "",
            ...table([
                ["Resource", `${field(detail, "resourceType")} ${resource}`],
                ["Rule", rule],
                ["Compliance", `${compliance} (was ${previous})`],
                ["Annotation", field(newResult, "annotation")],
                ["Recorded", field(newResult, "resultRecordedTime")],
                ["Account / region", `${field(detail, "awsAccountId")} / ${region}`],
                [
                    "Rule console",
                    consoleLink(region, "/config/home", `#/rules/details?configRuleName=${encodeURIComponent(rule)}`),
                ],
                ["Node console", nodeConsoleLink(region, resource)],
            ]),
        ],
    };
}

function describeUnknownEvent(event: unknown) {
    const detailType = isObject(event) && typeof event["detail-type"] === "string" ? event["detail-type"] : undefined;
    return {
        subject: detailType
            ? `[SSM notice] Unrecognized event: ${detailType}`
            : "[SSM notice] Malformed event received",
        summary: [
            detailType
                ? `The notifier received an event type it has no summary for (${detailType}); it is attached as received.`
                : "The notifier received something that is not an EventBridge event; it is attached as received.",
        ],
    };
}

function isObject(value: unknown): value is Fields {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field as display text: "(none)" when absent, null or empty. */
function field(from: Fields, name: string): string {
    const value = from[name];
    if (value === undefined || value === null || value === "") {
        return "(none)";
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length <= maxFieldLength ? text : `${text.slice(0, maxFieldLength)}... (see the raw event)`;
}

function table(rows: [string, string][]): string[] {
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    return rows
        .filter(([, value]) => value !== "(none)")
        .map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`);
}

function consoleLink(region: string, path: string, fragment = ""): string {
    return region === "(none)" ? "(none)" : consoleUrl(region, path, fragment);
}

function nodeConsoleLink(region: string, node: string): string {
    return (region !== "(none)" && nodeConsoleUrl(region, node)) || "(none)";
}

/** An SNS-safe subject: one line, no control characters, under 100 characters. */
export function toSubject(text: string): string {
    const oneLine = text
        // SNS rejects control characters in subjects, so matching them is the point here.
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
        .replace(/\s+/g, " ")
        .trim();
    return oneLine.length <= maxSubjectLength ? oneLine : `${oneLine.slice(0, maxSubjectLength - 3)}...`;
}

function rawJson(event: unknown): string {
    try {
        return JSON.stringify(event, null, 2) ?? String(event);
    } catch {
        return String(event);
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
