// E-mails for Automation events: an execution, one of its steps, and the outcome of the health
// watch's diagnosis runbook. PascalCase detail keys, as the samples carry them. Pure: serialized
// by value into the notification Lambda.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
import { automationExecutionUrl } from "../../../aws/console";
import { automationExecutionStatusChangeDetailType, automationStepStatusChangeDetailType } from "../../../aws/events";
import { diagnosisRunbook } from "../../../aws/identifiers";
import { consoleLink, Describer, envelopeRows, field, Fields, none, notice, tag } from "./noticeText";

/** The runbook and its version; DefinitionVersion is a number in the samples (1.0). */
function runbookWithVersion(detail: Fields): string {
    const runbook = field(detail, "Definition");
    const version = field(detail, "DefinitionVersion");
    return version === none ? runbook : `${runbook} (version ${version})`;
}

/** `Time`, the run time in milliseconds, in seconds. */
function duration(detail: Fields): string {
    return typeof detail.Time === "number" && Number.isFinite(detail.Time)
        ? `${(detail.Time / 1000).toFixed(1)} s`
        : field(detail, "Time");
}

/**
 * What the diagnosis's status tells the reader. The event carries neither the node nor the
 * findings: the execution's page shows both (its InstanceId input, the FinalOutput step's output).
 * Which statuses the event emits is not documented; the casing is the API's (AutomationExecutionStatus).
 */
function diagnosisOutcome(status: string): string {
    switch (status) {
        case "Success":
            return "ran to the end: its findings, what keeps the node from Systems Manager, are the output of its FinalOutput step.";
        case "Failed":
        case "TimedOut":
        case "Cancelled":
            return `did not finish (${status}): its page shows the step that stopped it; check the node by hand.`;
        default:
            return `has status ${status}.`;
    }
}

const describeExecution: Describer = (event, detail) => {
    const region = field(event, "region");
    const executionId = field(detail, "ExecutionId");
    const runbook = field(detail, "Definition");
    const status = field(detail, "Status");
    const diagnosis = runbook === diagnosisRunbook;
    return notice(
        diagnosis
            ? `${tag("SSM", region)} Node diagnosis ${executionId} ${status}`
            : `${tag("SSM", region)} Automation ${executionId} ${status}: ${runbook}`,
        diagnosis
            ? `The health watch's diagnosis of a node that stopped being manageable, ${runbook} execution ${executionId}, ${diagnosisOutcome(status)}`
            : `Automation execution ${executionId} (${runbook}) has status ${status}.`,
        [
            ["Execution", executionId],
            ["Status", status],
            ["Runbook", runbookWithVersion(detail)],
            ["Execution console", consoleLink(region, executionId, automationExecutionUrl)],
            ["Started", field(detail, "StartTime")],
            ["Ended", field(detail, "EndTime")],
            ["Duration", duration(detail)],
            ["Started by", field(detail, "ExecutedBy")],
            ...envelopeRows(event),
        ],
    );
};

const describeStep: Describer = (event, detail) => {
    const region = field(event, "region");
    const executionId = field(detail, "ExecutionId");
    const step = field(detail, "StepName");
    const status = field(detail, "Status");
    return notice(
        `${tag("SSM", region)} Automation ${executionId} step ${step} ${status}`,
        `Step ${step} of Automation execution ${executionId} (${field(detail, "Definition")}) has status ${status}.`,
        [
            ["Execution", executionId],
            ["Step", `${step} (${field(detail, "Action")})`],
            ["Status", status],
            ["Runbook", runbookWithVersion(detail)],
            ["Execution console", consoleLink(region, executionId, automationExecutionUrl)],
            ["Started", field(detail, "StartTime")],
            ["Ended", field(detail, "EndTime")],
            ["Duration", duration(detail)],
            ...envelopeRows(event),
        ],
    );
};

export const automationNotices: Record<string, Describer> = {
    [automationExecutionStatusChangeDetailType]: describeExecution,
    [automationStepStatusChangeDetailType]: describeStep,
};
