// E-mails for compliance events: a node's Systems Manager compliance (its associations or its patch
// baseline) and an AWS Config rule's verdict on a resource. Pure: serialized by value into the
// notification Lambda.
import { configRuleUrl, nodeComplianceUrl, nodeConsoleUrl } from "../../../aws/console";
import { complianceChangeDetailType, nodeComplianceStateChangeDetailType } from "../../../aws/events";
import { consoleLink, Describer, envelopeRows, field, isObject, none, notice, tag } from "./noticeText";

/** A compliance status in words, whichever case it comes in (the samples' non_compliant, the API's NON_COMPLIANT). */
function complianceWords(status: string): string {
    switch (status.toLowerCase()) {
        case "compliant":
            return "compliant";
        case "non_compliant":
            return "not compliant";
        default:
            return status;
    }
}

/**
 * Systems Manager compliance, kebab-case keys. The samples carry compliance-status and severity in
 * lower case (non_compliant, critical), the API in upper case; shown as the event carries them.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 */
const describeNodeCompliance: Describer = (event, detail) => {
    const region = field(event, "region");
    const node = field(detail, "resource-id");
    const type = field(detail, "compliance-type");
    const status = field(detail, "compliance-status");
    const baseline = field(detail, "patch-baseline-id");
    const severity = field(detail, "severity");
    const against =
        type === "Patch"
            ? `patch baseline ${baseline}`
            : type === "Association"
              ? "its State Manager associations"
              : `${type} compliance`;
    return notice(
        `${tag("SSM", region)} ${node} ${type} ${status}${severity === none ? "" : `, severity ${severity}`}`,
        `Node ${node} is ${complianceWords(status)} with ${against}.`,
        [
            ["Node", node],
            ["Status", status],
            ["Patch baseline", baseline],
            ["Compliance console", consoleLink(region, node, nodeComplianceUrl)],
            ["Node console", consoleLink(region, node, nodeConsoleUrl)],
            ["Compliance type", type],
            ["Severity", severity],
            ["Last association run", field(detail, "last-runtime")],
            ["Resource type", field(detail, "resource-type")],
            ...envelopeRows(event),
        ],
    );
};

/**
 * AWS Config, camelCase keys; on EventBridge `resources` is empty and everything is in the detail.
 * https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
 */
const describeRuleCompliance: Describer = (event, detail) => {
    const region = field(event, "region") !== none ? field(event, "region") : field(detail, "awsRegion");
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
    return notice(
        // Compact, so that a 17-digit instance id, a long region and the default rule name fit in 99 characters.
        `${tag("Config", region)} ${resource} ${recovered ? "COMPLIANT again" : compliance}: ${rule}`,
        `${headline} (was ${previous}).`,
        [
            ["Resource", `${field(detail, "resourceType")} ${resource}`],
            ["Compliance", `${compliance} (was ${previous})`],
            ["Rule", rule],
            ["Rule console", consoleLink(region, rule, configRuleUrl)],
            ["Node console", consoleLink(region, resource, nodeConsoleUrl)],
            ["Annotation", field(newResult, "annotation")],
            ["Recorded", field(newResult, "resultRecordedTime")],
            ["Account / region", `${field(detail, "awsAccountId")} / ${region}`],
            ["Time", field(event, "time")],
        ],
    );
};

export const complianceNotices: Record<string, Describer> = {
    [nodeComplianceStateChangeDetailType]: describeNodeCompliance,
    [complianceChangeDetailType]: describeRuleCompliance,
};
