// E-mails for State Manager events: an association's result on one node, and the association as a
// whole. Pure: serialized by value into the notification Lambda.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
import { associationUrl, nodeConsoleUrl } from "../aws/console";
import { associationStateChangeDetailType, associationSummaryStateChangeDetailType } from "../aws/events";
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

/** `association-status-aggregated-count`, a JSON string such as {"Success":1}, as "Success 1". */
function statusCounts(detail: Fields): string {
    const counts = encodedJson(detail, "association-status-aggregated-count");
    return isObject(counts)
        ? shown(
              Object.entries(counts)
                  .map(([status, count]) => `${status} ${shown(count)}`)
                  .join(", "),
          )
        : field(detail, "association-status-aggregated-count");
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

const describeAssociation: Describer = (event, detail) => {
    const region = field(event, "region");
    const associationId = field(detail, "association-id");
    const document = field(detail, "document-name");
    const status = field(detail, "status");
    return notice(
        `${tag("SSM", region)} Association ${associationId} ${status}: ${document}`,
        `State Manager association ${associationId} (${document}) has status ${status} across its targets.`,
        [
            ["Association", associationId],
            ["Status", status],
            ["Document", documentWithVersion(detail)],
            ["Association console", consoleLink(region, associationId, associationUrl)],
            ["Nodes by status", statusCounts(detail)],
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
