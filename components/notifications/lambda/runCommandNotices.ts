// E-mails for Run Command events: a command as a whole, and its result on one node. Pure:
// serialized by value into the notification Lambda.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
import { commandUrl, nodeConsoleUrl } from "../../../aws/console";
import { commandInvocationStatusChangeDetailType, commandStatusChangeDetailType } from "../../../aws/events";
import { consoleLink, Describer, envelopeRows, field, notice, tag } from "./noticeText";

const describeCommand: Describer = (event, detail) => {
    const region = field(event, "region");
    const commandId = field(detail, "command-id");
    const document = field(detail, "document-name");
    const status = field(detail, "status");
    return notice(
        `${tag("SSM", region)} Command ${commandId} ${status}: ${document}`,
        `Run Command ${commandId} (${document}) has status ${status}.`,
        [
            ["Command", commandId],
            ["Status", status],
            ["Document", document],
            ["Command console", consoleLink(region, commandId, commandUrl)],
            ["Parameters", field(detail, "parameters")],
            ["Requested", field(detail, "requested-date-time")],
            ["Expires", field(detail, "expire-after")],
            ...envelopeRows(event),
        ],
    );
};

/** One node's result. The node is the detail's instance-id: the sample's `resources` names another. */
const describeInvocation: Describer = (event, detail) => {
    const region = field(event, "region");
    const commandId = field(detail, "command-id");
    const node = field(detail, "instance-id");
    const document = field(detail, "document-name");
    const status = field(detail, "status");
    return notice(
        `${tag("SSM", region)} ${document} ${status} on ${node}`,
        `Run Command ${commandId} (${document}) has status ${status} on node ${node}.`,
        [
            ["Node", node],
            ["Status", status],
            ["Document", document],
            ["Command console", consoleLink(region, commandId, commandUrl)],
            ["Node console", consoleLink(region, node, nodeConsoleUrl)],
            ["Command", commandId],
            ["Requested", field(detail, "requested-date-time")],
            ...envelopeRows(event),
        ],
    );
};

export const runCommandNotices: Record<string, Describer> = {
    [commandStatusChangeDetailType]: describeCommand,
    [commandInvocationStatusChangeDetailType]: describeInvocation,
};
