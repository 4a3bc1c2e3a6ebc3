// The e-mail of one health sweep. Pure: serialized by value into the sweep Lambda.
import { nodeConsoleUrl } from "../../../aws/console";
import { healthEventDetailType } from "../../../aws/events";
import { diagnosisRunbook } from "../../../aws/identifiers";
import { describeStatus, metricNamespace } from "../../parts/lambda/nodeStatus";
import { maxMessageBytes, oneLine, toSubject } from "../../parts/lambda/snsMessage";
import { Transition } from "./nodeHealth";

/**
 * One e-mail for all of a sweep's transitions: a fleet-wide outage is one message. Nodes are
 * listed until the message would pass SNS's size limit; the rest are counted, and every
 * transition is still in its own EventBridge event.
 */
export function healthMessage(
    transitions: readonly Transition[],
    /** Nodes the troubleshooting runbook will diagnose (EventBridge starts it from their events). */
    diagnosed: ReadonlySet<string>,
    region: string,
    unreadable: number,
    /** Nodes the sweep did not mark because the hour's runbook starts reached the cap. */
    capped: { readonly nodeIds: ReadonlySet<string>; readonly perHour: number } = { nodeIds: new Set(), perHour: 0 },
): { Subject: string; Message: string } {
    const groups: [Transition["change"], string, string][] = [
        [
            "unhealthy",
            "not manageable",
            "Not manageable (agent stopped, no network path to the SSM endpoints, or no credentials)",
        ],
        ["recovered", "recovered", "Recovered"],
        ["gone", "gone", "No longer running or no longer watched"],
    ];
    const headline = groups
        .map(([change, words]) => [transitions.filter(t => t.change === change).length, words] as const)
        .filter(([count]) => count > 0)
        .map(([count, words], i) =>
            i === 0 && words === "not manageable"
                ? `${count} node${count > 1 ? "s" : ""} ${words}`
                : `${count} ${words}`,
        )
        .join(", ");
    const single = transitions.length === 1 ? `: ${transitions[0].nodeId}` : "";
    const nodeLines = (t: Transition) => {
        const link = nodeConsoleUrl(region, t.nodeId) ?? "(no console page)";
        const status = t.status === "gone" ? "gone" : describeStatus(t.status);
        return [
            // The detail carries the node's own host name: one line, so that it cannot forge others.
            `- ${oneLine(t.nodeId)} (${t.kind}): ${status}; ${oneLine(t.detail)}`,
            `  ${link}`,
            ...(diagnosed.has(t.nodeId)
                ? [
                      `  Diagnosis: EventBridge starts ${diagnosisRunbook} for this node; its outcome follows in a separate e-mail with the execution's console link.`,
                  ]
                : []),
            ...(capped.nodeIds.has(t.nodeId)
                ? [
                      `  Diagnosis: not started; ${capped.perHour} runbook start(s) in the last hour is the cap (healthWatchDiagnosesPerHour).`,
                  ]
                : []),
        ].join("\n");
    };

    const footer = unreadable
        ? [`${unreadable} record(s) from EC2, SSM or the state table could not be read and were skipped.`]
        : [];
    const parts = [
        `The managed-node health watch in ${region} found ${transitions.length} change${transitions.length > 1 ? "s" : ""}.`,
    ];
    // Room for the omission line and the footer, whatever the budget leaves out.
    let budget = maxMessageBytes - Buffer.byteLength([...parts, ...footer].join("\n")) - 512;
    let omitted = 0;
    for (const [change, , title] of groups) {
        const members = transitions.filter(t => t.change === change);
        if (members.length === 0) {
            continue;
        }
        const header = `\n${title}:`;
        budget -= Buffer.byteLength(header) + 1;
        parts.push(header);
        for (const transition of members) {
            const text = nodeLines(transition);
            const size = Buffer.byteLength(text) + 1;
            if (size > budget) {
                omitted++;
                continue;
            }
            budget -= size;
            parts.push(text);
        }
    }
    if (omitted > 0) {
        parts.push(
            "",
            `${omitted} more node(s) are not listed, to keep this e-mail within the SNS size limit: each is in its own "${healthEventDetailType}" EventBridge event, and the ${metricNamespace} metrics count them all.`,
        );
    }
    return {
        Subject: toSubject(`[SSM ${region}] ${headline}${single}`),
        Message: [...parts, ...(footer.length ? ["", ...footer] : [])].join("\n"),
    };
}
