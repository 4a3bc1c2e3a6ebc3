// `npm run driver -- permissions [--command doctor,verify,redrive]`: the IAM policy the operator
// commands need, derived from the SDK commands they send, so an operator can give the rollout's
// preflight and --verify role (fleet.yaml access.roleName) and the redrive no more than that.
// Pure: test/driver/operatorPermissions.test.ts records what doctor, verify and redrive send and
// holds this list to it both ways, and checks each action against the Service Authorization Reference.
import { dhmcDefaultRoleName, dhmcSettingId, sessionPreferencesDocument } from "../aws/identifiers";
import { parseCommandLine, UsageError } from "../cli/arguments";
import { ExitCode } from "../cli/exitCodes";
import { quickSetupServiceLinkedRole } from "./doctor";

export const operatorCommands = ["doctor", "verify", "redrive"] as const;
export type OperatorCommand = (typeof operatorCommands)[number];

/** The access levels of the Service Authorization Reference's action tables. */
export type AccessLevel = "List" | "Read" | "Write";

export interface SdkAction {
    /** The IAM action, service prefix and name as the Service Authorization Reference spells them. */
    readonly action: string;
    readonly accessLevel: AccessLevel;
}

/** Each service's page of the Service Authorization Reference, where its actions' names and access levels come from. */
export const serviceAuthorizationPages: Readonly<Record<string, string>> = Object.fromEntries(
    Object.entries({
        cloudtrail: "awscloudtrail",
        config: "awsconfig",
        ec2: "amazonec2",
        iam: "awsidentityandaccessmanagementiam",
        kms: "awskeymanagementservice",
        lambda: "awslambda",
        sns: "amazonsns",
        sqs: "amazonsqs",
        ssm: "awssystemsmanager",
    }).map(([prefix, page]) => [
        prefix,
        `https://docs.aws.amazon.com/service-authorization/latest/reference/list_${page}.html`,
    ]),
);

/**
 * The IAM action of each SDK v3 command class the operator commands send. Each is the API name under
 * the service's prefix except Lambda's: InvokeCommand is lambda:InvokeFunction.
 */
export const sdkCommandActions: Readonly<Record<string, SdkAction>> = {
    DescribeConfigurationRecorderStatusCommand: {
        action: "config:DescribeConfigurationRecorderStatus",
        accessLevel: "Read",
    },
    GetRoleCommand: { action: "iam:GetRole", accessLevel: "Read" },
    GetServiceSettingCommand: { action: "ssm:GetServiceSetting", accessLevel: "Read" },
    ListAssociationsCommand: { action: "ssm:ListAssociations", accessLevel: "List" },
    DescribeDocumentCommand: { action: "ssm:DescribeDocument", accessLevel: "Read" },
    DescribeRegionsCommand: { action: "ec2:DescribeRegions", accessLevel: "List" },
    GetInstanceMetadataDefaultsCommand: { action: "ec2:GetInstanceMetadataDefaults", accessLevel: "List" },
    DescribeTrailsCommand: { action: "cloudtrail:DescribeTrails", accessLevel: "Read" },
    GetTrailStatusCommand: { action: "cloudtrail:GetTrailStatus", accessLevel: "Read" },
    GetEventSelectorsCommand: { action: "cloudtrail:GetEventSelectors", accessLevel: "Read" },
    DescribeInstancesCommand: { action: "ec2:DescribeInstances", accessLevel: "List" },
    DescribeInstanceInformationCommand: { action: "ssm:DescribeInstanceInformation", accessLevel: "Read" },
    SendCommandCommand: { action: "ssm:SendCommand", accessLevel: "Write" },
    GetCommandInvocationCommand: { action: "ssm:GetCommandInvocation", accessLevel: "Read" },
    ListSubscriptionsByTopicCommand: { action: "sns:ListSubscriptionsByTopic", accessLevel: "List" },
    ReceiveMessageCommand: { action: "sqs:ReceiveMessage", accessLevel: "Read" },
    DeleteMessageCommand: { action: "sqs:DeleteMessage", accessLevel: "Write" },
    ChangeMessageVisibilityCommand: { action: "sqs:ChangeMessageVisibility", accessLevel: "Write" },
    GetQueueAttributesCommand: { action: "sqs:GetQueueAttributes", accessLevel: "Read" },
    InvokeCommand: { action: "lambda:InvokeFunction", accessLevel: "Write" },
};

/**
 * An action AWS authorizes for the caller while serving a command the caller sent, with no request
 * of its own: ReceiveMessage on a queue encrypted with a customer-managed key needs kms:Decrypt on the
 * key ("Amazon SQS key management", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
 */
export interface ImpliedAction extends SdkAction {
    /** The SDK command whose request needs it. */
    readonly by: string;
}

/** One statement of the policy: what it lets the command send, on which resources, under which condition. */
export interface Grant {
    readonly sid: string;
    /** SDK v3 command classes (keys of sdkCommandActions). */
    readonly sends: readonly string[];
    readonly implied?: readonly ImpliedAction[];
    /** "*" where the action takes no resource type, or the call names none; ARNs with ${Partition}. */
    readonly resources: readonly string[];
    readonly condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
    /** Why these resources; `permissions` prints it beside the policy, on stderr. */
    readonly why: string;
}

/** The tag the canary instance carries (components/canary.ts); --verify runs its command only there. */
export const canaryTag = { key: "ssm-fleet-baseline:canary", value: "true" } as const;

/**
 * The notification pipeline's logical names (index.ts `ssm-notify`); Pulumi names the physical
 * resources `<logical name>-<random suffix>`, so a trailing `-*` matches them and nothing else of the stack.
 */
export const notificationResourceNames = {
    queue: "ssm-notify-dlq",
    function: "ssm-notify-handler",
    topic: "ssm-notify-topic",
} as const;

const arn = (service: string, rest: string) => `arn:\${Partition}:${service}:${rest}`;
/** A role of that name under any path: GetRole names the role, and the ARN carries its path. */
const anyPathRole = (name: string) => [arn("iam", `:*:role/${name}`), arn("iam", `:*:role/*/${name}`)];

/** Per operator command, what it sends (driver/doctor.ts, driver/verify.ts, driver/redrive.ts). */
export const operatorGrants: Readonly<Record<OperatorCommand, readonly Grant[]>> = {
    doctor: [
        {
            sid: "DoctorReadAccountAndRegion",
            sends: [
                "DescribeConfigurationRecorderStatusCommand",
                "ListAssociationsCommand",
                "DescribeRegionsCommand",
                "GetInstanceMetadataDefaultsCommand",
                "DescribeTrailsCommand",
            ],
            resources: ["*"],
            why:
                "ListAssociations, DescribeRegions, GetInstanceMetadataDefaults and DescribeTrails take no resource type. " +
                "DescribeConfigurationRecorderStatus lists a ConfigurationRecorder resource, but the doctor names no " +
                "recorder (it reads whichever exists), and which ARN AWS then authorizes is not documented, so it stays on *",
        },
        {
            sid: "DoctorReadRoles",
            sends: ["GetRoleCommand"],
            resources: [...anyPathRole(dhmcDefaultRoleName), ...anyPathRole(quickSetupServiceLinkedRole)],
            why: "the DHMC role (the default dhmcRoleName; add yours if you changed it) and Quick Setup's service-linked role",
        },
        {
            sid: "DoctorReadDhmcSetting",
            sends: ["GetServiceSettingCommand"],
            resources: [arn("ssm", `*:*:servicesetting${dhmcSettingId}`)],
            why: "the one service setting the doctor reads",
        },
        {
            sid: "DoctorReadSessionPreferences",
            sends: ["DescribeDocumentCommand"],
            resources: [arn("ssm", `*:*:document/${sessionPreferencesDocument}`)],
            why: "the Session Manager preferences document",
        },
        {
            sid: "DoctorReadTrails",
            sends: ["GetTrailStatusCommand", "GetEventSelectorsCommand"],
            resources: [arn("cloudtrail", "*:*:trail/*")],
            why: "any trail: an organization trail lives in the management account under a name its owner chose",
        },
    ],
    verify: [
        {
            sid: "VerifyReadCanary",
            sends: ["DescribeInstancesCommand", "DescribeInstanceInformationCommand", "GetCommandInvocationCommand"],
            resources: ["*"],
            why: "none of the three takes a resource type",
        },
        {
            sid: "VerifyRunShellScript",
            sends: ["SendCommandCommand"],
            // AWS-owned documents have no account in their ARN.
            resources: [arn("ssm", "*::document/AWS-RunShellScript")],
            why: "the one document the canary check runs",
        },
        {
            sid: "VerifyOnCanaryInstances",
            sends: ["SendCommandCommand"],
            resources: [arn("ec2", "*:*:instance/*")],
            condition: { StringEquals: { [`ssm:resourceTag/${canaryTag.key}`]: canaryTag.value } },
            why: "only instances tagged as the canary",
        },
        {
            sid: "VerifyReadSubscriptions",
            sends: ["ListSubscriptionsByTopicCommand"],
            resources: [arn("sns", `*:*:${notificationResourceNames.topic}-*`)],
            why: "the notification topic (up --verify reports its subscriptions)",
        },
    ],
    redrive: [
        {
            sid: "RedriveDeadLetterQueue",
            sends: [
                "ReceiveMessageCommand",
                "DeleteMessageCommand",
                "ChangeMessageVisibilityCommand",
                "GetQueueAttributesCommand",
            ],
            resources: [arn("sqs", `*:*:${notificationResourceNames.queue}-*`)],
            why: "the notification dead-letter queue",
        },
        {
            sid: "RedriveDecryptDeadLetters",
            sends: [],
            implied: [{ action: "kms:Decrypt", accessLevel: "Write", by: "ReceiveMessageCommand" }],
            resources: [arn("kms", "*:*:key/*")],
            // The key's id is random; kms:ViaService keeps the grant to decrypts SQS asks for.
            condition: { StringLike: { "kms:ViaService": "sqs.*.amazonaws.com" } },
            why: "the queue's customer-managed key, only through SQS",
        },
        {
            sid: "RedriveInvokeNotifier",
            sends: ["InvokeCommand"],
            resources: [arn("lambda", `*:*:function:${notificationResourceNames.function}-*`)],
            why: "the notifier function",
        },
    ],
};

/**
 * The writes each command makes, and why; every other action it needs is a List or Read. kms:Decrypt
 * is a Write in the reference but changes nothing: it reads the messages SQS hands out.
 */
export const documentedWrites: Readonly<Record<OperatorCommand, Readonly<Record<string, string>>>> = {
    doctor: {},
    verify: { "ssm:SendCommand": "runs the S3 reachability check (curl) on the canary, once" },
    redrive: {
        "lambda:InvokeFunction": "re-delivers each dead letter to the notifier, asynchronously",
        "sqs:DeleteMessage": "removes a message once Lambda accepted it",
        "sqs:ChangeMessageVisibility": "hands back the messages it took but did not delete",
        "kms:Decrypt": "decrypts the messages ReceiveMessage returns",
    },
};

/** Every action of a grant: those of the commands it sends, then the implied ones. */
export function grantActions(grant: Grant): string[] {
    return [
        ...grant.sends.map(command => sdkCommandActions[command].action),
        ...(grant.implied ?? []).map(i => i.action),
    ];
}

export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: string | string[];
    readonly Condition?: Grant["condition"];
}

/** The identity policy for the commands, in the given partition (aws, aws-cn, aws-us-gov). */
export function operatorPolicy(
    commands: readonly OperatorCommand[],
    partition = "aws",
): { Version: "2012-10-17"; Statement: PolicyStatement[] } {
    const statements = commands.flatMap(command =>
        operatorGrants[command].map(grant => {
            const resources = grant.resources.map(r => r.replace("${Partition}", partition));
            return {
                Sid: grant.sid,
                Effect: "Allow" as const,
                Action: [...new Set(grantActions(grant))].sort(),
                Resource: resources.length === 1 ? resources[0] : resources,
                ...(grant.condition ? { Condition: grant.condition } : {}),
            };
        }),
    );
    return { Version: "2012-10-17", Statement: statements };
}

export const permissionsUsage = `usage: npm run driver -- permissions [--command doctor,verify,redrive] [--partition aws]

prints the IAM policy (JSON) the operator commands need in an account, to attach to the role they run
with: for a rollout, access.roleName of fleet.yaml needs doctor (the preflight) and verify (--verify).
  --command <list>     doctor, verify, redrive, comma-separated (default: all three)
  --partition <name>   aws, aws-cn or aws-us-gov (default aws)`;

/** `permissions`: parses the options and prints the policy. */
export function permissionsCommand(
    argv: readonly string[],
    io: { readonly out: (text: string) => void; readonly err: (text: string) => void },
): ExitCode {
    let commands: OperatorCommand[];
    let partition: string;
    try {
        const { values } = parseCommandLine(argv, {
            command: { type: "string" },
            partition: { type: "string" },
            help: { type: "boolean", short: "h" },
        });
        if (values.help) {
            io.out(`${permissionsUsage}\n`);
            return ExitCode.success;
        }
        const names = (values.command ?? operatorCommands.join(",")).split(",").map(name => name.trim());
        const unknown = names.find(name => !operatorCommands.includes(name as OperatorCommand));
        if (unknown !== undefined) {
            throw new UsageError(`--command ${JSON.stringify(unknown)}: expected ${operatorCommands.join(", ")}`);
        }
        commands = operatorCommands.filter(command => names.includes(command));
        partition = values.partition ?? "aws";
        if (!["aws", "aws-cn", "aws-us-gov"].includes(partition)) {
            throw new UsageError(`--partition ${JSON.stringify(partition)}: expected aws, aws-cn or aws-us-gov`);
        }
    } catch (error) {
        if (error instanceof UsageError) {
            io.err(`${error.message}\n\n${permissionsUsage}\n`);
            return ExitCode.configurationError;
        }
        throw error;
    }
    io.out(`${JSON.stringify(operatorPolicy(commands, partition), null, 2)}\n`);
    // The policy alone on stdout, so that it can be piped; each statement's reason beside it.
    io.err(commands.flatMap(command => operatorGrants[command].map(grant => `${grant.sid}: ${grant.why}\n`)).join(""));
    return ExitCode.success;
}
