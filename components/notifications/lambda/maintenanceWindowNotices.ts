// E-mails for maintenance window events: the window's state, its targets' registration, and a run,
// its tasks and each task's result on a target. Kebab-case detail keys. The window is the detail's
// window-id: in the samples `resources` names another (with 18 digits). Pure: serialized by value
// into the notification Lambda.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
import { maintenanceWindowHistoryUrl, maintenanceWindowUrl } from "../../../aws/console";
import {
    maintenanceWindowExecutionStateChangeDetailType,
    maintenanceWindowStateChangeDetailType,
    maintenanceWindowTargetRegistrationDetailType,
    maintenanceWindowTaskExecutionStateChangeDetailType,
    maintenanceWindowTaskTargetInvocationStateChangeDetailType,
} from "../../../aws/events";
import { consoleLink, Describer, envelopeRows, field, Fields, notice, tag } from "./noticeText";

/** A run's ids and times, for the run, task and target e-mails. */
function runRows(detail: Fields): [string, string][] {
    return [
        ["Window execution", field(detail, "window-execution-id")],
        ["Started", field(detail, "start-time")],
        ["Ended", field(detail, "end-time")],
    ];
}

/**
 * A window event's describer: the subject and headline say what changed; the rows open with the
 * window, its status and the console page that shows the change, then the kind's own rows.
 */
function windowDescriber(
    /** What changed, between the window and its status in the subject: "run", "task"; "" for the window itself. */
    what: string,
    headline: (windowId: string, status: string, detail: Fields) => string,
    page: typeof maintenanceWindowUrl,
    rows: (detail: Fields) => [string, string][],
): Describer {
    return (event, detail) => {
        const region = field(event, "region");
        const windowId = field(detail, "window-id");
        const status = field(detail, "status");
        return notice(
            `${tag("SSM", region)} Maintenance window ${windowId} ${what ? `${what} ` : ""}${status}`,
            headline(windowId, status, detail),
            [
                ["Window", windowId],
                ["Status", status],
                ["Window console", consoleLink(region, windowId, page)],
                ...rows(detail),
                ...envelopeRows(event),
            ],
        );
    };
}

export const maintenanceWindowNotices: Record<string, Describer> = {
    [maintenanceWindowStateChangeDetailType]: windowDescriber(
        "",
        (windowId, status) => `Maintenance window ${windowId} is now ${status}.`,
        maintenanceWindowUrl,
        () => [],
    ),
    [maintenanceWindowTargetRegistrationDetailType]: windowDescriber(
        "target",
        (windowId, status, detail) =>
            `Target ${field(detail, "window-target-id")} of maintenance window ${windowId} is ${status}.`,
        maintenanceWindowUrl,
        detail => [["Target", field(detail, "window-target-id")]],
    ),
    [maintenanceWindowExecutionStateChangeDetailType]: windowDescriber(
        "run",
        (windowId, status, detail) =>
            `Run ${field(detail, "window-execution-id")} of maintenance window ${windowId} has status ${status}.`,
        maintenanceWindowHistoryUrl,
        runRows,
    ),
    [maintenanceWindowTaskExecutionStateChangeDetailType]: windowDescriber(
        "task",
        (windowId, status, detail) =>
            `Task ${field(detail, "task-execution-id")} of a run of maintenance window ${windowId} has status ${status}.`,
        maintenanceWindowHistoryUrl,
        detail => [["Task execution", field(detail, "task-execution-id")], ...runRows(detail)],
    ),
    [maintenanceWindowTaskTargetInvocationStateChangeDetailType]: windowDescriber(
        "task on target",
        (windowId, status, detail) =>
            `A task of maintenance window ${windowId} has status ${status} on target ${field(detail, "window-target-id")}.`,
        maintenanceWindowHistoryUrl,
        detail => [
            ["Target", field(detail, "window-target-id")],
            ["Owner information", field(detail, "owner-information")],
            ["Task execution", field(detail, "task-execution-id")],
            ...runRows(detail),
        ],
    ),
};
