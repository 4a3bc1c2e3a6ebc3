// E-mails about nodes themselves: an EC2 instance's state change, and this program's own health
// events. Pure: serialized by value into the notification Lambda.
import { nodeConsoleUrl } from "../../../aws/console";
import { healthEventDetailType, instanceStateChangeDetailType } from "../../../aws/events";
import { describeStatus, NodeStatus } from "../../parts/lambda/nodeStatus";
import { consoleLink, Describer, envelopeRows, field, notice, tag } from "./noticeText";

/**
 * An instance entered a state (pending, running, stopping, stopped, shutting-down, terminated).
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
 */
const describeInstanceState: Describer = (event, detail) => {
    const region = field(event, "region");
    const instance = field(detail, "instance-id");
    const state = field(detail, "state");
    return notice(
        `${tag("EC2", region)} Instance ${instance} ${state}`,
        `EC2 instance ${instance} entered state ${state}.`,
        [
            ["Instance", instance],
            ["State", state],
            ["Instance console", consoleLink(region, instance, nodeConsoleUrl)],
            ...envelopeRows(event),
        ],
    );
};

/** A health status in words ("SSM connection lost"); as sent when it is not one of the sweep's. */
function statusWords(status: string): string {
    const words: unknown = status === "gone" ? "gone" : describeStatus(status as NodeStatus);
    return typeof words === "string" ? words : status;
}

/** What happened to the node, by the transition's `change`. */
const changeWords: Record<string, string> = {
    unhealthy: "is not manageable",
    recovered: "is manageable again",
    gone: "is no longer running or no longer watched",
};

/**
 * components/healthWatch/lambda/healthSweep.ts puts one per transition: its detail is a Transition (nodeId, kind,
 * change, status, previous, detail) and, when the sweep started one, the diagnosis.
 */
const describeHealthChange: Describer = (event, detail) => {
    const region = field(event, "region");
    const node = field(detail, "nodeId");
    const change = field(detail, "change");
    const status = statusWords(field(detail, "status"));
    const happened = Object.hasOwn(changeWords, change) ? changeWords[change] : `changed (${change})`;
    return notice(
        `${tag("SSM", region)} Node ${node} ${change === "unhealthy" ? `not manageable: ${status}` : change}`,
        `Managed node ${node} (${field(detail, "kind")}) ${happened}: ${status} (was ${statusWords(field(detail, "previous"))}).`,
        [
            ["Node", node],
            ["Status", status],
            ["Node console", consoleLink(region, node, nodeConsoleUrl)],
            ["Observed", field(detail, "detail")],
            ["Diagnosis", field(detail, "diagnosis")],
            ...envelopeRows(event),
        ],
    );
};

export const nodeNotices: Record<string, Describer> = {
    [instanceStateChangeDetailType]: describeInstanceState,
    [healthEventDetailType]: describeHealthChange,
};
