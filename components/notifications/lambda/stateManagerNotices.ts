// E-mails for State Manager events: an association's result on one node, and the association as a
// whole. Pure: serialized by value into the notification Lambda.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
import { associationUrl, nodeConsoleUrl } from "../../../aws/console";
import { associationStateChangeDetailType, associationSummaryStateChangeDetailType } from "../../../aws/events";
import {
    consoleLink,
    Describer,
    encodedJson,
    envelopeRows,
    field,
    Fields,
    isObject,
    none,
    notice,
    shown,
    tag,
} from "./noticeText";

/** The document and, when the event names one, its version; the association-level sample says "Optional.empty". */
function documentWithVersion(detail: Fields): string {
    const document = field(detail, "document-name");
    const version = field(detail, "document-version");
    return version === none || version === "Optional.empty" ? document : `${document} (version ${version})`;
}

/** `targets`, a JSON string of [{key, values}], as "InstanceIds = i-1, i-2"; as sent when it is not that. */
function targetsText(detail: Fields): string {
    const targets = encodedJson(detail, "targets");
    if (!Array.isArray(targets) || !targets.every(isObject)) {
        return field(detail, "targets");
    }
    return shown(
        targets
            .map(t => `${shown(t.key)} = ${Array.isArray(t.values) ? t.values.map(shown).join(", ") : shown(t.values)}`)
            .join("; "),
    );
}

/** How a count of nodes reads for each status State Manager reports; any other status is shown as sent. */
const statusWords: Record<string, string> = {
    Success: "succeeded",
    Failed: "failed",
    Pending: "pending",
    InProgress: "in progress",
    TimedOut: "timed out",
    Skipped: "skipped",
};

/**
 * `association-status-aggregated-count`, a JSON string such as {"Success":997,"Failed":3}, as
 * "997 succeeded, 3 failed"; undefined when it is not such a string.
 */
function statusCounts(detail: Fields): { text: string; total: number } | undefined {
    const counts = encodedJson(detail, "association-status-aggregated-count");
    if (!isObject(counts) || Object.keys(counts).length === 0) {
        return undefined;
    }
    const entries = Object.entries(counts);
    const words = (status: string) => (Object.hasOwn(statusWords, status) ? statusWords[status] : status);
    return {
        text: shown(entries.map(([status, count]) => `${shown(count)} ${words(status)}`).join(", ")),
        total: entries.reduce((sum, [, count]) => sum + (typeof count === "number" ? count : 0), 0),
    };
}

const describeInstanceAssociation: Describer = (event, detail) => {
    const region = field(event, "region");
    const node = field(detail, "instance-id");
    const document = field(detail, "document-name");
    const status = field(detail, "status");
    const associationId = field(detail, "association-id");
    return notice(
        `${tag("SSM", region)} ${document} ${status} on ${node}`,
        `State Manager association ${associationId} (${document}) finished with status ${status} on node ${node}.`,
        [
            ["Node", node],
            ["Status", status],
            ["Document", documentWithVersion(detail)],
            ["Association console", consoleLink(region, associationId, associationUrl)],
            ["Node console", consoleLink(region, node, nodeConsoleUrl)],
            ["Association", associationId],
            ["Detailed status", field(detail, "detailed-status")],
            ["Error", field(detail, "error-code")],
            ["Execution summary", field(detail, "execution-summary")],
            ["Output", field(detail, "output-url")],
            ["Targets", targetsText(detail)],
            ["Last run", field(detail, "last-execution-date")],
            ["Last success", field(detail, "last-successful-execution-date")],
            ...envelopeRows(event),
        ],
    );
};

/**
 * The association as a whole: one e-mail per run of a fleet-wide association, so the subject
 * carries the nodes' counts by status, which is what a reader needs first.
 */
const describeAssociation: Describer = (event, detail) => {
    const region = field(event, "region");
    const associationId = field(detail, "association-id");
    const document = field(detail, "document-name");
    const status = field(detail, "status");
    const counts = statusCounts(detail);
    return notice(
        `${tag("SSM", region)} ${document} association ${status}${counts ? `: ${counts.text}` : ""}`,
        `State Manager association ${associationId} (${document}) has status ${status} across its targets` +
            (counts ? `: ${counts.text}, of ${counts.total} nodes.` : "."),
        [
            ["Association", associationId],
            ["Status", status],
            ["Document", documentWithVersion(detail)],
            ["Association console", consoleLink(region, associationId, associationUrl)],
            [
                "Nodes",
                counts
                    ? `${counts.text} (${counts.total} in all)`
                    : field(detail, "association-status-aggregated-count"),
            ],
            ["Targets", targetsText(detail)],
            ["Schedule", field(detail, "schedule-expression")],
            ["Association version", field(detail, "association-version")],
            ["Last run", field(detail, "last-execution-date")],
            ["Last success", field(detail, "last-successful-execution-date")],
            ...envelopeRows(event),
        ],
    );
};

export const stateManagerNotices: Record<string, Describer> = {
    [associationStateChangeDetailType]: describeInstanceAssociation,
    [associationSummaryStateChangeDetailType]: describeAssociation,
};
