// E-mails for the tamper watch: a CloudTrail write call on what the stack set up, saying who acted,
// what breaks and the command that restores it. The rule matches broadly; here the notifier decides
// whether the call touched the stack's resources (or an account-wide setting the fleet depends on),
// whether the stack's own deployer made it, and whether it failed. Pure: serialized by value into
// the notification Lambda.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
import { activationTierSettingId, dhmcSettingId } from "../../../aws/identifiers";
import { dhmcReliantMetricName, metricNamespace } from "../../parts/lambda/nodeStatus";
import { TamperContext } from "../../parts/lambda/tamperContext";
import { Fields, field, isObject, none, Notice, notice, NoticeContext, shown, tag } from "./noticeText";

/** What the notifier does with a CloudTrail event. */
export type TamperDisposition = "heartbeat" | "unrelated" | "mail";

/**
 * Calls whose target is account- or Region-wide: they concern the fleet whatever resource they name.
 * Network ACL entries and associations are here because the stack does not know its VPC's ACL ids: every change is mailed.
 */
const accountWideCalls: readonly string[] = [
    "RegisterDefaultHostManagementConfiguration",
    "DeregisterDefaultHostManagementConfiguration",
    "RegisterDefaultPatchBaseline",
    "RegisterPatchBaselineForPatchGroup",
    "ModifyInstanceMetadataDefaults",
    "CreateNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
    "StopConfigurationRecorder",
    "DeleteConfigurationRecorder",
    "DeleteDeliveryChannel",
    "StopLogging",
    "DeleteTrail",
    "UpdateTrail",
    "PutEventSelectors",
];
/**
 * CloudTrail's own calls: the trail is the account's, not the stack's, so the stack cannot restore it.
 * (Arrays, not Sets: Pulumi's closure serializer copies module values, and a Set's methods do not survive it.)
 */
const trailCalls: readonly string[] = ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"];
/** The calls that change DHMC, as the mail's "what breaks" names them (UpdateServiceSetting only on DHMC's setting). */
const dhmcChanges: Record<string, string> = {
    UpdateServiceSetting: "DHMC changed",
    ResetServiceSetting: "DHMC reset",
    RegisterDefaultHostManagementConfiguration: "DHMC changed",
    DeregisterDefaultHostManagementConfiguration: "DHMC turned off",
};

/** Whether the event is a write call that changes DHMC: the mail then counts the nodes relying on it. */
export function affectsDhmc(event: unknown): boolean {
    if (!isCloudTrailCall(event)) {
        return false;
    }
    const call = callName(String(event.detail.eventName));
    if (!Object.hasOwn(dhmcChanges, call)) {
        return false;
    }
    const setting = call === "UpdateServiceSetting" || call === "ResetServiceSetting";
    return !setting || namedValues(event.detail).some(value => names(value, dhmcSettingId));
}

/** How far back the notifier looks for the sweep's count: longer than the longest sweep interval. */
const dhmcCountLookbackMs = 3 * 3600_000;

/** The GetMetricData call for the latest NodesRelyingOnDhmc the health watch's sweep put. */
export function dhmcCountQuery(now: Date) {
    return {
        MetricDataQueries: [
            {
                Id: "dhmc",
                MetricStat: {
                    Metric: { Namespace: metricNamespace, MetricName: dhmcReliantMetricName },
                    Period: 60,
                    Stat: "Maximum",
                },
            },
        ],
        StartTime: new Date(now.getTime() - dhmcCountLookbackMs),
        EndTime: now,
        ScanBy: "TimestampDescending",
    };
}

/** The newest value a GetMetricData answer holds; undefined when the sweep put none in the window. */
export function latestValue(answer: { MetricDataResults?: { Values?: number[] }[] }): number | undefined {
    return answer.MetricDataResults?.[0]?.Values?.[0];
}

/** Gives up on the count after this long: the mail goes out without it rather than late. */
const dhmcCountTimeoutMs = 5_000;

/** The count for the mail, or why there is none; never rejects, so the event is always mailed. */
export async function readDhmcNodes(context: NoticeContext): Promise<NoticeContext["dhmcNodes"]> {
    if (!context.readDhmcNodeCount) {
        return undefined;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
        const count = await Promise.race([
            context.readDhmcNodeCount(),
            new Promise<never>((_, reject) => {
                timer = setTimeout(
                    () => reject(new Error(`no answer in ${dhmcCountTimeoutMs / 1000} s`)),
                    dhmcCountTimeoutMs,
                );
            }),
        ]);
        return count === undefined ? { failure: "the health watch put no count in the last 3 hours" } : { count };
    } catch (error) {
        return { failure: `${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? String(error)}` };
    } finally {
        clearTimeout(timer);
    }
}

/**
 * The count sentence of a DHMC change's "what breaks". AWS says nodes may take up to 30 minutes to
 * take up a DHMC change (managed-instances-default-host-management.html); losing it is inferred to take as long.
 */
function dhmcCount(dhmcNodes: NoticeContext["dhmcNodes"]): string {
    if (dhmcNodes === undefined) {
        return "";
    }
    if ("count" in dhmcNodes) {
        const nodes = dhmcNodes.count === 1 ? "1 node" : `${dhmcNodes.count} nodes`;
        return `${nodes} without an instance profile will lose management within about 30 minutes (online at the health watch's last sweep). `;
    }
    return `The health watch's count of nodes without an instance profile could not be read (${dhmcNodes.failure}). `;
}

/** Service settings the fleet depends on; other settings changed by UpdateServiceSetting are not the stack's. */
const watchedSettings = [dhmcSettingId, activationTierSettingId];

const dhmcBreaks =
    "nodes that rely on DHMC (EC2 instances without an instance profile) lose Systems Manager management: " +
    "no Session Manager, Run Command, patching or inventory. The health watch mails each node as it drops.";
const notificationPathBreaks = "this stack's e-mails (and this alert) may stop arriving.";

/** What breaks, by call; the region is prefixed. */
const consequences: Record<string, string> = {
    UpdateServiceSetting: `a service setting the fleet depends on changed: if it is DHMC's role, ${dhmcBreaks} If it is the activation tier, hybrid nodes beyond the standard tier's limits fail to register.`,
    ResetServiceSetting: `a service setting the fleet depends on was reset to AWS's default: if it is DHMC's role, ${dhmcBreaks}`,
    RegisterDefaultHostManagementConfiguration: `DHMC now uses another role or permission model: ${dhmcBreaks}`,
    DeregisterDefaultHostManagementConfiguration: `DHMC is off: ${dhmcBreaks}`,
    UpdateDocument:
        "the Session Manager preferences (logging, encryption, run-as, timeouts) are no longer what the stack set.",
    UpdateDocumentDefaultVersion:
        "sessions now use another version of the Session Manager preferences than the stack set.",
    DeleteDocument:
        "the Session Manager preferences are gone: sessions run without the stack's logging and encryption.",
    DeleteAssociation:
        "the stack's State Manager association no longer runs (agent updates, inventory or patch scans).",
    UpdateAssociation: "the stack's State Manager association now runs with other targets, schedule or parameters.",
    RegisterDefaultPatchBaseline: "nodes without a patch group are now patched against another default baseline.",
    RegisterPatchBaselineForPatchGroup: "the patch group now follows another baseline.",
    DeregisterPatchBaselineForPatchGroup: "the patch group falls back to the default baseline.",
    UpdatePatchBaseline: "the stack's patch baseline approves other patches than configured.",
    DeletePatchBaseline: "the stack's patch baseline is gone: scans and installs use the default baseline.",
    DeleteMaintenanceWindow: "the stack's patch window is gone: no patches are installed.",
    UpdateMaintenanceWindow: "the stack's patch window runs at another time, or not at all.",
    DeregisterTaskFromMaintenanceWindow: "the stack's patch window runs without its install task.",
    UpdateMaintenanceWindowTask:
        "the stack's patch window's task now runs another operation, on other targets or with other limits.",
    UpdateMaintenanceWindowTarget: "the stack's patch window now targets other nodes: its nodes may go unpatched.",
    DeregisterTargetFromMaintenanceWindow: "the stack's patch window lost its targets: no node is patched.",
    DeleteActivation: "hybrid servers can no longer register with the stack's activation.",
    DeleteVpcEndpoints:
        "nodes in the closed VPC lose their path to Systems Manager (Session Manager, Run Command, the agent's own calls).",
    ModifyVpcEndpoint:
        "an endpoint's security groups, subnets, policy or private DNS changed: nodes may lose their path to Systems Manager.",
    RevokeSecurityGroupEgress: "nodes may no longer reach the endpoints over HTTPS.",
    RevokeSecurityGroupIngress: "the endpoints may no longer admit the nodes' HTTPS.",
    AuthorizeSecurityGroupIngress:
        "new inbound access was opened: the baseline reaches nodes only through Session Manager (check for SSH/RDP).",
    ModifySecurityGroupRules:
        "a security group rule changed in place: nodes may no longer reach the endpoints over HTTPS, or SSH/RDP may now be open.",
    ModifyVpcAttribute:
        "with DNS support or DNS hostnames off, the endpoints' private DNS names stop resolving: nodes lose Systems Manager.",
    CreateNetworkAclEntry: "a network ACL rule may now block HTTPS between the nodes and the endpoints.",
    ReplaceNetworkAclEntry: "a network ACL rule may now block HTTPS between the nodes and the endpoints.",
    DeleteNetworkAclEntry: "a network ACL rule the nodes' HTTPS relied on may be gone.",
    ReplaceNetworkAclAssociation:
        "a subnet now follows another network ACL, which may block HTTPS between the nodes and the endpoints.",
    ModifyInstanceMetadataDefaults:
        "new instances may launch without IMDSv2 required: the stack's default is relaxed, and DHMC needs IMDSv2.",
    StopConfigurationRecorder: "AWS Config stops recording: the managed-node rule no longer evaluates new changes.",
    DeleteConfigurationRecorder: "AWS Config no longer records: the managed-node rule cannot evaluate.",
    DeleteDeliveryChannel: "AWS Config cannot deliver: recording stops.",
    DeleteConfigRule: "the managed-node Config rule is gone: unmanaged instances are no longer reported.",
    PutConfigRule: "the managed-node Config rule now checks something else, or other resources.",
    DisableRule: notificationPathBreaks,
    DeleteRule: notificationPathBreaks,
    RemoveTargets: notificationPathBreaks,
    PutTargets: `the rule's targets changed, so its events may go elsewhere: ${notificationPathBreaks}`,
    PutRule: `the rule's pattern or state changed: ${notificationPathBreaks}`,
    DeleteFunction: notificationPathBreaks,
    UpdateFunctionConfiguration: `the function's settings changed: ${notificationPathBreaks}`,
    UpdateFunctionCode: `the function now runs other code than the stack deployed: ${notificationPathBreaks}`,
    PutFunctionConcurrency: `the function's reserved concurrency changed; at 0 it never runs: ${notificationPathBreaks}`,
    RemovePermission: notificationPathBreaks,
    DeleteTopic: notificationPathBreaks,
    Unsubscribe: `an address no longer receives them: ${notificationPathBreaks}`,
    SetTopicAttributes: `the topic's policy or encryption changed: ${notificationPathBreaks}`,
    DisableKey: `nothing can be encrypted with the key any more: ${notificationPathBreaks}`,
    ScheduleKeyDeletion: `the key will be deleted, and what it encrypts lost: ${notificationPathBreaks}`,
    PutKeyPolicy: `the key's users changed: ${notificationPathBreaks}`,
    StopLogging: "CloudTrail stops: this tamper watch goes blind, and no API call is audited.",
    DeleteTrail: "the trail is gone: this tamper watch goes blind, and no API call is audited.",
    UpdateTrail: "the trail's Regions, bucket or logging changed: this tamper watch may go blind.",
    PutEventSelectors: "the trail may no longer log management write events: this tamper watch may go blind.",
    DetachRolePolicy: "the role lost a policy: nodes using it lose the permissions Systems Manager needs.",
    AttachRolePolicy: "the role gained a policy: nodes using it have more permissions than the stack grants.",
    PutRolePolicy: "the role gained an inline policy: nodes using it have other permissions than the stack grants.",
    DeleteRolePolicy: "the role lost an inline policy: nodes using it may lose permissions.",
    UpdateAssumeRolePolicy: "the role's trust changed: Systems Manager may no longer assume it, or others now can.",
    PutRolePermissionsBoundary: "a permissions boundary now limits the role: nodes using it may lose permissions.",
    DeleteRole: "the role is gone: nodes using it lose Systems Manager management.",
};

/** CloudTrail names Lambda's calls with the API version appended: UpdateFunctionConfiguration20150331v2. */
export function callName(eventName: string): string {
    return eventName.replace(/\d{8}(v\d+)?$/, "");
}

/** At most this many values of the request are searched for the stack's ids. */
const maxValuesSearched = 500;

/**
 * Every string value in the request parameters and the resources' ARNs. EC2 wraps its newer APIs'
 * parameters ({"DeleteVpcEndpointsRequest":{"VpcEndpointId":{"content":"vpce-...","tag":1}}}), so
 * the search goes as deep as the values are.
 */
function namedValues(detail: Fields): string[] {
    const found: string[] = [];
    const pending: unknown[] = [detail.requestParameters, detail.resources];
    for (let next = 0; next < pending.length && next < maxValuesSearched; next++) {
        const value = pending[next];
        if (typeof value === "string") {
            found.push(value);
        } else if (typeof value === "object" && value !== null) {
            pending.push(...Object.values(value).slice(0, maxValuesSearched));
        }
    }
    return found;
}

/**
 * A value names the id when it is the id, or an ARN (or path) that ends with it. An id ending in "*"
 * is an autoname prefix (Pulumi names `ssm-notify-tamper` `ssm-notify-tamper-1a2b3c4`).
 */
function names(value: string, id: string): boolean {
    if (id.endsWith("*")) {
        const prefix = id.slice(0, -1);
        return value.startsWith(prefix) || value.includes(`/${prefix}`) || value.includes(`:${prefix}`);
    }
    // A KMS call names the key by id; the stack knows it by ARN.
    const idNamesValue = id.startsWith("arn:") && value.length >= 12 && id.endsWith(`/${value}`);
    return value === id || value.endsWith(`/${id}`) || value.endsWith(`:${id}`) || idNamesValue;
}

/**
 * The stack's resource the call touched, if any: its physical id (the name the call gives, for an
 * autoname prefix) and the URN of its owner.
 */
function touchedResource(detail: Fields, context: TamperContext): [string, string] | undefined {
    const values = namedValues(detail);
    for (const [id, urn] of Object.entries(context.resources)) {
        const named = values.find(value => names(value, id));
        if (named !== undefined) {
            return [id.endsWith("*") ? named : id, urn];
        }
    }
    return undefined;
}

function isCloudTrailCall(event: unknown): event is Fields & { detail: Fields } {
    return isObject(event) && isObject(event.detail) && typeof event.detail.eventName === "string";
}

/**
 * Whether to count the event as a heartbeat, drop it as another team's business, or mail it. Without
 * a context (a notifier deployed without the tamper watch) every CloudTrail event is mailed.
 */
export function tamperDisposition(event: unknown, context: TamperContext | undefined): TamperDisposition {
    if (!context || !isCloudTrailCall(event)) {
        return "mail";
    }
    const detail = event.detail;
    const call = callName(String(detail.eventName));
    const values = namedValues(detail);
    if (call === "AddTagsToResource" && values.some(value => names(value, context.heartbeatParameter))) {
        return "heartbeat";
    }
    if (call === "UpdateServiceSetting" || call === "ResetServiceSetting") {
        return values.some(value => watchedSettings.some(setting => names(value, setting))) ? "mail" : "unrelated";
    }
    return accountWideCalls.includes(call) || touchedResource(detail, context) ? "mail" : "unrelated";
}

/** The Embedded Metric Format line that counts one of the metric; CloudWatch Logs turns it into the metric. */
export function countRecord(metric: { readonly namespace: string; readonly name: string }, now: Date): string {
    return JSON.stringify({
        _aws: {
            Timestamp: now.getTime(),
            CloudWatchMetrics: [
                { Namespace: metric.namespace, Dimensions: [[]], Metrics: [{ Name: metric.name, Unit: "Count" }] },
            ],
        },
        [metric.name]: 1,
    });
}

/** What a mailed call is: the stack's deployer at work, a call that failed, or a change made outside the stack. */
export type TamperKind = "expected" | "attempt" | "change";

export function tamperKind(detail: Fields, context: TamperContext | undefined): TamperKind {
    const identity = isObject(detail.userIdentity) ? detail.userIdentity : {};
    const session = isObject(identity.sessionContext) ? identity.sessionContext : {};
    const issuer = isObject(session.sessionIssuer) ? field(session.sessionIssuer, "arn") : none;
    const actor = field(identity, "arn");
    if (context !== undefined && [actor, issuer].some(arn => context.deployerArns.includes(arn))) {
        return "expected";
    }
    return field(detail, "errorCode") !== none ? "attempt" : "change";
}

/**
 * Whether a CloudTrail event the notifier mails is a change made outside the stack: what
 * TamperChangesDetected counts. Only with the tamper watch's context, which names the deployer.
 */
export function isTamperChange(event: unknown, context: TamperContext | undefined): boolean {
    return context !== undefined && isCloudTrailCall(event) && tamperKind(event.detail, context) === "change";
}

/** Longest request shown in the summary; the raw event below carries all of it. */
const maxRequestShown = 600;

/** Subjects are ASCII: other characters become "?" (SNS's length limit is applied later). */
const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, "?");

/**
 * The e-mail for a watched call. Its fix is the stack-wide up, not `pulumi up --target <owner URN>`
 * (pulumi/pulumi 1b59498): a literal --target URN selects that resource alone, not its children
 * (UrnTargets.Contains, pkg/resource/deploy/deployment.go); --target-dependents adds the children (a
 * parent counts as a dependency, State.GetAllDependencies) but also everything depending on them; a
 * `<type>**` URN glob takes every instance of the type; a targeted up fails with "untargeted create"
 * when a recreated child needs an untargeted resource; and an up without --refresh does not see an
 * out-of-band change at all. The driver's up refreshes, then deploys everything.
 */
export function describeTamper(
    event: Fields,
    detail: Fields,
    context: TamperContext | undefined,
    dhmcNodes?: NoticeContext["dhmcNodes"],
): Notice {
    const region = field(event, "region");
    const call = callName(field(detail, "eventName"));
    const identity = isObject(detail.userIdentity) ? detail.userIdentity : {};
    const session = isObject(identity.sessionContext) ? identity.sessionContext : {};
    const issuer = isObject(session.sessionIssuer) ? field(session.sessionIssuer, "arn") : none;
    const actor = field(identity, "arn");
    const errorCode = field(detail, "errorCode");
    const expected = tamperKind(detail, context) === "expected";
    const touched = context ? touchedResource(detail, context) : undefined;
    const resource = touched?.[0] ?? firstNamedValue(detail);
    const who = issuer !== none ? issuer.replace(/^.*\//, "") : actor.replace(/^.*[/:]/, "");

    const kind = expected ? "Expected change" : errorCode !== none ? "Tamper attempt" : "TAMPER";
    // The change and the resource first; the actor only when it fits under SNS's 100 characters.
    const change = ascii(
        `${tag(kind, region)} ${call} on ${clip(resource.replace(/^.*[/:](?=.)/, ""), 40)}` +
            (errorCode !== none ? " failed" : ""),
    );
    const subject =
        ascii(`${change} by ${clip(who, 24)}`).length < 100 ? ascii(`${change} by ${clip(who, 24)}`) : change;
    const breaks = affectsDhmc(event)
        ? `${dhmcChanges[call]} in ${region}: ${dhmcCount(dhmcNodes)}${dhmcBreaks}`
        : `${call} in ${region}: ${consequences[call] ?? "a setting the managed fleet depends on changed."}`;
    const headline = expected
        ? `${call} by the stack's deployer: an expected change, made by a deployment of stack ${context?.stack}.`
        : errorCode !== none
          ? `Someone tried ${call} outside the stack and failed (${errorCode}): nothing changed, but find out why.`
          : `${call} was called outside the stack. What breaks: ${breaks}`;
    const stack = context?.stack ?? none;
    const fix = expected
        ? "Nothing to do."
        : errorCode !== none
          ? "Nothing to restore: the call failed."
          : trailCalls.includes(call)
            ? `The trail is not the stack's: turn its logging back on (aws cloudtrail start-logging --name <trail>) or restore it; npm run driver -- doctor --stack ${stack} checks it.`
            : stack !== none
              ? `npm run driver -- up --stack ${stack}   (restores everything the stack owns)`
              : none;
    return notice(subject, headline, [
        ["Call", `${field(detail, "eventSource")} ${field(detail, "eventName")}`],
        ["Resource", resource],
        ["What breaks", expected || errorCode !== none ? none : breaks],
        ["Actor", actor],
        ["Session issuer", issuer],
        ["Actor type", field(identity, "type")],
        ["Source IP", field(detail, "sourceIPAddress")],
        ["User agent", field(detail, "userAgent")],
        ["Time", field(detail, "eventTime")],
        ["Account / region", `${field(event, "account")} / ${region}`],
        ["Request", clip(shown(detail.requestParameters), maxRequestShown)],
        ["Error", errorCode === none ? none : `${errorCode}: ${field(detail, "errorMessage")}`],
        ["Stack", stack],
        ["Owner (URN)", touched?.[1] ?? none],
        ["Fix", fix],
    ]);
}

/** The first id-like value the request names, for the subject when none is the stack's. */
function firstNamedValue(detail: Fields): string {
    return namedValues(detail).find(value => value.length > 0 && !/\s/.test(value)) ?? "account settings";
}

function clip(text: string, length: number): string {
    return text.length <= length ? text : `${text.slice(0, length - 3)}...`;
}
