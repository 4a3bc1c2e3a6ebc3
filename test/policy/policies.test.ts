// Each policy through the pack's real analyzer, in `pulumi preview` of a new stack (everything a
// provider computes is unknown) and in `pulumi up` (everything known), on programs of real
// @pulumi/aws resources run under the stand-in mocks. policy/evaluate.ts, the offline plan's
// in-process evaluator, must report exactly what the analyzer reports in every case.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { DefaultHostManagement } from "../../components/defaultHostManagement";
import { EventDrivenRunbook } from "../../components/parts/eventDrivenRunbook";
import { PrivateBucket } from "../../components/parts/privateBucket";
import { evaluatePolicies, Violation } from "../../policy/evaluate";
import {
    admitsCustomSource,
    managedPoliciesAllowingRegistration,
    matchesBaselineSource,
    policies,
} from "../../policy/policies";
import { healthEventSource } from "../../aws/events";
import { matchesPattern } from "../support/eventPattern";
import { monitoringStackName } from "../../driver/fleet";
import {
    EngineResource,
    Mode,
    modes,
    synthesize,
    synthesizeMonitoringStack,
    synthesizeStack,
} from "../support/engineView";
import { PolicyAnalyzer, startAnalyzers } from "../support/policyAnalyzer";

/** A diagnostic a case expects: its policy, its level, the resource it is filed under and its message. */
interface Expected {
    readonly policy: string;
    readonly level: "mandatory" | "advisory";
    readonly on: string;
    readonly message: RegExp;
}

interface Case {
    readonly title: string;
    readonly build: () => unknown;
    /** What both modes report, or what each reports when a preview cannot know what an update does. */
    readonly expected: readonly Expected[] | Readonly<Record<Mode, readonly Expected[]>>;
}

const advisory = (policy: string, on: string, message: RegExp): Expected => ({
    policy,
    level: "advisory",
    on,
    message,
});
const violation = (policy: string, on: string, message: RegExp): Expected => ({
    policy,
    level: "mandatory",
    on,
    message,
});
const unverifiable = (on: string, message: RegExp): Expected => ({
    policy: "unverifiable",
    level: "advisory",
    on,
    message,
});

const trust = (service: string) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    });
const allow = (action: unknown, key = "Action") =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", [key]: action, Resource: "*" }] });
const managed = (name: string) => `arn:aws:iam::aws:policy/${name}`;
/** An autonamed role for instances: its name, id and ARN are unknown in a preview. */
const instanceRole = (name = "app", args: Partial<aws.iam.RoleArgs> = {}) =>
    new aws.iam.Role(name, { assumeRolePolicy: trust("ec2.amazonaws.com"), ...args });
const profileOf = (role: aws.iam.Role) => new aws.iam.InstanceProfile("app-profile", { role: role.name });

const dhmcRoleName = "AWSSystemsManagerDefaultEC2InstanceManagementRole";
const dhmcRole = (args: Partial<aws.iam.RoleArgs> = {}) =>
    new aws.iam.Role("dhmc-role", {
        name: dhmcRoleName,
        path: "/service-role/",
        assumeRolePolicy: trust("ssm.amazonaws.com"),
        ...args,
    });
/** A stand-in for one of the baseline's components: its type token is what marks the resources as the baseline's. */
class BaselineComponent extends pulumi.ComponentResource {
    constructor(kind: string, name: string) {
        super(`ssm-fleet-baseline:index:${kind}`, name, {});
    }
}

/** A setting as the baseline makes it: a child of its DefaultHostManagement (else baseline-owned-surface advises). */
const dhmcSetting = (
    settingValue: pulumi.Input<string>,
    name = "dhmc",
    settingId = "/ssm/managed-instance/default-ec2-instance-management-role",
) =>
    new aws.ssm.ServiceSetting(
        name,
        { settingId, settingValue },
        { parent: new BaselineComponent("DefaultHostManagement", `${name}-owner`) },
    );
const dhmcPolicyOf = (role: aws.iam.Role) =>
    new aws.iam.RolePolicyAttachment("dhmc-policy", {
        role: role.name,
        policyArn: managed("AmazonSSMManagedEC2InstanceDefaultPolicy"),
    });

/** A Session Manager preferences document that logs to `bucketName` under sessions/. */
const sessionDocument = (bucketName: pulumi.Input<string>) =>
    new aws.ssm.Document("session-preferences", {
        name: "SSM-SessionManagerRunShell",
        documentType: "Session",
        documentFormat: "JSON",
        content: pulumi.jsonStringify({
            schemaVersion: "1.0",
            sessionType: "Standard_Stream",
            inputs: { s3BucketName: bucketName, s3KeyPrefix: "sessions", s3EncryptionEnabled: true },
        }),
    });

/** A runbook EventBridge starts, as the baseline's part builds it: on the default bus unless given one. */
const runbookArgs = {
    region: "eu-west-1",
    accountId: "123456789012",
    runbook: "AWSSupport-TroubleshootManagedInstance",
    description: "Diagnoses a node",
    eventPattern: "{}",
    parameters: { InstanceId: "$.detail.nodeId" },
    runbookPermissions: [{ Effect: "Allow" as const, Action: "ec2:DescribeInstances", Resource: "*" }],
    retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 185 },
    deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:dead-letters",
};

/** The baseline's own DHMC component, creating the role. */
const baselineDhmc = () =>
    new DefaultHostManagement("dhmc", {
        region: "eu-west-1",
        role: "create",
        roleName: dhmcRoleName,
        accountId: "123456789012",
        regionalSettingsProtection: "retain",
    });

/** A rule of another team's stack. */
const foreignRule = (name: string, pattern: pulumi.Input<string>) =>
    new aws.cloudwatch.EventRule(name, { eventPattern: pattern });
const cases: Record<string, Case[]> = {
    "dhmc-imdsv2-required": [
        {
            title: "passes instances and launch templates that require IMDSv2, whatever else the preview does not know",
            build: () => {
                const subnet = new aws.ec2.Subnet("subnet", {
                    vpcId: new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }).id,
                    cidrBlock: "10.0.0.0/24",
                });
                new aws.ec2.Instance("web", {
                    ami: "ami-1",
                    instanceType: "t4g.nano",
                    subnetId: subnet.id,
                    metadataOptions: { httpTokens: "required" },
                });
                new aws.ec2.LaunchTemplate("lt", { metadataOptions: { httpTokens: "required" } });
            },
            expected: [],
        },
        {
            title: "fails instances and launch templates that allow IMDSv1 or leave it to defaults",
            build: () => {
                const subnet = new aws.ec2.Subnet("subnet", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" });
                new aws.ec2.Instance("web", {
                    ami: "ami-1",
                    subnetId: subnet.id,
                    metadataOptions: { httpTokens: "optional" },
                });
                new aws.ec2.Instance("bare", { ami: "ami-1" });
                new aws.ec2.LaunchTemplate("lt", {});
            },
            expected: [
                violation(
                    "dhmc-imdsv2-required",
                    "web",
                    /Instance web does not require IMDSv2: set metadataOptions.httpTokens to "required"/,
                ),
                violation("dhmc-imdsv2-required", "bare", /Instance bare does not require IMDSv2/),
                violation("dhmc-imdsv2-required", "lt", /Launch template lt does not require IMDSv2/),
            ],
        },
    ],
    "dhmc-instance-profile-without-ssm": [
        ...["AmazonSSMManagedInstanceCore", "AdministratorAccess"].map((name): Case => ({
            title: `fails a profile whose role has ${name} attached`,
            build: () => {
                const role = instanceRole();
                new aws.iam.RolePolicyAttachment("attached", { role: role.name, policyArn: managed(name) });
                profileOf(role);
            },
            expected: [
                violation(
                    "dhmc-instance-profile-without-ssm",
                    "app-profile",
                    new RegExp(
                        `Instance profile app-profile uses role app, which allows ssm:UpdateInstanceInformation through managed policy ${name} \\(attachment attached\\), so SSM Agent uses the instance profile and never DHMC`,
                    ),
                ),
            ],
        })),
        {
            title: "fails every other managed policy that allows registration, in managedPolicyArns or a shared attachment",
            build: () => {
                const [first, ...others] = managedPoliciesAllowingRegistration.filter(
                    n => n !== "AmazonSSMManagedInstanceCore",
                );
                const role = instanceRole("app", { managedPolicyArns: others.map(managed) });
                new aws.iam.PolicyAttachment("shared", {
                    roles: [role.name, "another-role"],
                    policyArn: managed(first),
                });
                profileOf(role);
            },
            expected: [
                violation(
                    "dhmc-instance-profile-without-ssm",
                    "app-profile",
                    /through managed policy AmazonEC2RoleforSSM, managed policy AmazonSSMFullAccess, managed policy AdministratorAccess, managed policy PowerUserAccess, managed policy AmazonSSMManagedEC2InstanceDefaultPolicy \(attachment shared\)/,
                ),
            ],
        },
        ...[
            "ssm:UpdateInstanceInformation",
            "ssm:*",
            "ssm:Update*",
            "*",
            ["s3:GetObject", "SSM:updateinstanceinformation"],
        ].map((action): Case => ({
            title: `fails an inline role policy that allows ${JSON.stringify(action)}`,
            build: () => {
                const role = instanceRole();
                new aws.iam.RolePolicy("inline", { role: role.name, policy: allow(action) });
                profileOf(role);
            },
            expected: [
                violation(
                    "dhmc-instance-profile-without-ssm",
                    "app-profile",
                    /uses role app, which allows ssm:UpdateInstanceInformation through role policy inline/,
                ),
            ],
        })),
        {
            title: "fails a NotAction that leaves registration in, and the role's own inline policies",
            build: () => {
                const role = instanceRole("app", { inlinePolicies: [{ name: "own", policy: allow("ssm:*") }] });
                new aws.iam.RolePolicy("not", { role: role.id, policy: allow(["iam:*"], "NotAction") });
                profileOf(role);
            },
            expected: [
                violation(
                    "dhmc-instance-profile-without-ssm",
                    "app-profile",
                    /through inline policy own, role policy not/,
                ),
            ],
        },
        {
            title: "fails an ssm:* customer policy that the stack defines and attaches",
            build: () => {
                const role = instanceRole();
                const custom = new aws.iam.Policy("custom", { policy: allow("ssm:*") });
                new aws.iam.RolePolicyAttachment("custom-attachment", { role: role.name, policyArn: custom.arn });
                profileOf(role);
            },
            expected: [
                violation(
                    "dhmc-instance-profile-without-ssm",
                    "app-profile",
                    /through policy custom \(attachment custom-attachment\)/,
                ),
            ],
        },
        {
            title: "fails a role given to the profile by name, when the stack defines it under that name",
            build: () => {
                const role = instanceRole("named", { name: "app-instances" });
                new aws.iam.RolePolicyAttachment("core", {
                    role: role.name,
                    policyArn: managed("AmazonSSMManagedInstanceCore"),
                });
                new aws.iam.InstanceProfile("app-profile", { role: "app-instances" });
            },
            expected: [violation("dhmc-instance-profile-without-ssm", "app-profile", /uses role named, which allows/)],
        },
        {
            title: "passes roles that grant only what applications need, and SSM roles no profile uses",
            build: () => {
                const role = instanceRole();
                new aws.iam.RolePolicyAttachment("agent", {
                    role: role.name,
                    policyArn: managed("CloudWatchAgentServerPolicy"),
                });
                new aws.iam.RolePolicy("reads", {
                    role: role.name,
                    policy: allow(["ssm:GetParameter", "s3:GetObject"]),
                });
                new aws.iam.RolePolicy("denies", {
                    role: role.name,
                    policy: JSON.stringify({ Statement: [{ Effect: "Deny", Action: "ssm:*", Resource: "*" }] }),
                });
                profileOf(role);
                const unused = instanceRole("unused");
                new aws.iam.RolePolicyAttachment("unused-core", {
                    role: unused.name,
                    policyArn: managed("AmazonSSMManagedInstanceCore"),
                });
            },
            expected: [],
        },
        {
            title: "cannot check a role the stack does not define, and says so",
            build: () => new aws.iam.InstanceProfile("app-profile", { role: "team-shared-role" }),
            expected: [
                unverifiable(
                    "app-profile",
                    /\ndhmc-instance-profile-without-ssm: Instance profile app-profile uses role "team-shared-role", which this stack does not define, so whether it allows ssm:UpdateInstanceInformation \(which makes SSM Agent skip DHMC\) cannot be checked/,
                ),
            ],
        },
        {
            title: "cannot check a customer managed policy from outside the stack, and says so",
            build: () => {
                const role = instanceRole();
                new aws.iam.RolePolicyAttachment("team", {
                    role: role.name,
                    policyArn: "arn:aws:iam::123456789012:policy/team-ssm",
                });
                profileOf(role);
            },
            expected: [
                unverifiable(
                    "app-profile",
                    /whether its managed policy team-ssm \(attachment team\) allows ssm:UpdateInstanceInformation cannot be checked: it is a customer managed policy this stack does not define/,
                ),
            ],
        },
        {
            title: "checks a document built from other outputs in the update, and says in the preview that it cannot yet",
            build: () => {
                const role = instanceRole();
                const bucket = new aws.s3.Bucket("data", {});
                new aws.iam.RolePolicy("built", {
                    role: role.name,
                    policy: bucket.arn.apply(arn =>
                        JSON.stringify({
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Action: ["s3:GetObject", "ssm:UpdateInstanceInformation"],
                                    Resource: [arn, "*"],
                                },
                            ],
                        }),
                    ),
                });
                profileOf(role);
                new aws.s3.BucketPublicAccessBlock("data-block", {
                    bucket: bucket.id,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                });
                new aws.s3.BucketPolicy("data-policy", { bucket: bucket.id, policy: tlsOnly("arn:aws:s3:::data") });
            },
            expected: {
                preview: [
                    unverifiable(
                        "app-profile",
                        /whether its role policy built allows ssm:UpdateInstanceInformation cannot be checked: its document is known only after the update/,
                    ),
                ],
                update: [violation("dhmc-instance-profile-without-ssm", "app-profile", /through role policy built/)],
            },
        },
    ],
    "baseline-owned-surface": [
        {
            title: "advises another stack's rules on the baseline's event source (exact, prefix) and its DHMC setting",
            build: () => {
                foreignRule("exact", JSON.stringify({ source: ["ssm-fleet-baseline"], "detail-type": ["x"] }));
                foreignRule("by-prefix", JSON.stringify({ source: [{ prefix: "ssm-fleet" }] }));
                const role = dhmcRole();
                dhmcPolicyOf(role);
                new aws.ssm.ServiceSetting("team-dhmc", {
                    settingId: "/ssm/managed-instance/default-ec2-instance-management-role",
                    settingValue: "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
                });
            },
            expected: [
                advisory("baseline-owned-surface", "exact", /Event rule exact matches the source ssm-fleet-baseline/),
                advisory("baseline-owned-surface", "by-prefix", /Event rule by-prefix matches the source/),
                advisory(
                    "baseline-owned-surface",
                    "team-dhmc",
                    /Service setting team-dhmc sets DHMC .* its tamper watch mails the change as tampering/,
                ),
            ],
        },
        {
            title: "leaves the baseline's own resources alone: its DHMC setting under DefaultHostManagement, its rules under its components",
            build: () => {
                baselineDhmc();
                const watch = new BaselineComponent("ManagedNodeHealthWatch", "health");
                new aws.cloudwatch.EventRule(
                    "health-diagnose",
                    { eventPattern: JSON.stringify({ source: ["ssm-fleet-baseline"] }) },
                    { parent: watch },
                );
                foreignRule("other-source", JSON.stringify({ source: ["aws.ssm"] }));
                new aws.cloudwatch.EventRule("schedule", { scheduleExpression: "rate(1 hour)" });
            },
            expected: [],
        },
        {
            title: "says when a rule's pattern is known only after the update, and checks it in the update",
            build: () => {
                // Built from an ARN, which a preview does not know.
                const source = new aws.ssm.Parameter("source", { type: "String", value: "x" }).arn.apply(
                    () => "ssm-fleet-baseline",
                );
                foreignRule("late", pulumi.jsonStringify({ source: [source] }));
            },
            expected: {
                preview: [
                    unverifiable(
                        "late",
                        /baseline-owned-surface: Event rule late has a pattern known only after the update/,
                    ),
                ],
                update: [advisory("baseline-owned-surface", "late", /Event rule late matches the source/)],
            },
        },
    ],
    "runbook-rules-off-default-bus": [
        {
            title: "fails a runbook rule for a custom source on the default bus, the baseline's diagnosis as it was among them",
            build: () => {
                // The diagnosis before issue 19: the rule on the default bus, for the program's own source.
                new EventDrivenRunbook("diagnosis", {
                    ...runbookArgs,
                    eventPattern: JSON.stringify({ source: ["ssm-fleet-baseline"] }),
                });
                const rule = new aws.cloudwatch.EventRule("any-source", {
                    eventBusName: "default",
                    eventPattern: JSON.stringify({ "detail-type": ["Node Lost"] }),
                });
                new aws.cloudwatch.EventTarget("any-source-target", {
                    rule: rule.name,
                    arn: "arn:aws:ssm:eu-west-1:123456789012:automation-definition/Team-Remediate",
                });
            },
            expected: [
                violation(
                    "runbook-rules-off-default-bus",
                    "diagnosis",
                    /Event rule diagnosis starts a runbook \(target diagnosis-target\) for events of a custom source on the default bus/,
                ),
                violation("runbook-rules-off-default-bus", "any-source", /Event rule any-source starts a runbook/),
            ],
        },
        {
            title: "passes runbook rules on a custom bus of the stack or for AWS sources only, and other targets of custom sources",
            build: () => {
                const bus = new aws.cloudwatch.EventBus("health-bus", {});
                new EventDrivenRunbook("diagnosis", {
                    ...runbookArgs,
                    eventPattern: JSON.stringify({ source: ["ssm-fleet-baseline"] }),
                    eventBusName: bus.name,
                });
                new EventDrivenRunbook("ec2-events", {
                    ...runbookArgs,
                    eventPattern: JSON.stringify({ source: [{ prefix: "aws.ec2" }, "aws.ssm"] }),
                });
                const queue = new aws.sqs.Queue("q", { sqsManagedSseEnabled: true });
                const rule = foreignRule("to-queue", JSON.stringify({ source: ["team.app"] }));
                new aws.cloudwatch.EventTarget("to-queue-target", { rule: rule.name, arn: queue.arn });
            },
            expected: [],
        },
        {
            title: "says when a runbook rule's pattern is known only after the update, and checks it in the update",
            build: () => {
                const source = new aws.ssm.Parameter("source", { type: "String", value: "x" }).arn.apply(
                    () => "team.app",
                );
                new EventDrivenRunbook("late", {
                    ...runbookArgs,
                    eventPattern: pulumi.jsonStringify({ source: [source] }),
                });
            },
            expected: {
                preview: [
                    unverifiable(
                        "late",
                        /Event rule late \(target late-target\): its pattern known only after the update/,
                    ),
                ],
                update: [violation("runbook-rules-off-default-bus", "late", /Event rule late starts a runbook/)],
            },
        },
    ],
    "dhmc-service-setting": [
        {
            title: "passes the baseline's own DHMC component",
            build: () => baselineDhmc(),
            expected: [],
        },
        {
            title: "fails a value that is an ARN",
            build: () => {
                dhmcPolicyOf(dhmcRole());
                dhmcSetting(`arn:aws:iam::123456789012:role/service-role/${dhmcRoleName}`);
            },
            expected: [
                violation(
                    "dhmc-service-setting",
                    "dhmc",
                    /has the value arn:aws:iam::123456789012:role\/service-role\/\S+, an ARN: DHMC expects the role's name/,
                ),
            ],
        },
        {
            title: "fails the role's ARN in the update, and says in the preview that the value cannot be checked yet",
            build: () => {
                const role = dhmcRole();
                dhmcPolicyOf(role);
                dhmcSetting(role.arn);
            },
            expected: {
                preview: [
                    unverifiable(
                        "dhmc",
                        /\ndhmc-service-setting: Service setting dhmc takes its value from role dhmc-role known only after the update, so whether it is the role's path-qualified name \(not its ARN\) cannot be checked/,
                    ),
                ],
                update: [violation("dhmc-service-setting", "dhmc", /an ARN: DHMC expects the role's name/)],
            },
        },
        {
            title: "fails a DHMC role that trusts ec2.amazonaws.com instead of ssm.amazonaws.com",
            build: () => {
                const role = dhmcRole({ assumeRolePolicy: trust("ec2.amazonaws.com") });
                dhmcPolicyOf(role);
                dhmcSetting(pulumi.interpolate`service-role/${role.name}`);
            },
            expected: [
                violation(
                    "dhmc-service-setting",
                    "dhmc-role",
                    /Role dhmc-role named by DHMC does not trust ssm.amazonaws.com, so Systems Manager cannot assume it/,
                ),
            ],
        },
        {
            title: "fails a DHMC role without the DHMC managed policy",
            build: () => dhmcSetting(pulumi.interpolate`service-role/${dhmcRole().name}`),
            expected: [
                violation(
                    "dhmc-service-setting",
                    "dhmc-role",
                    /lacks the managed policy AmazonSSMManagedEC2InstanceDefaultPolicy: attach arn:aws:iam::aws:policy\/AmazonSSMManagedEC2InstanceDefaultPolicy/,
                ),
            ],
        },
        {
            title: "fails a value whose path does not match the stack's role",
            build: () => {
                dhmcPolicyOf(dhmcRole());
                dhmcSetting(dhmcRoleName);
            },
            expected: [
                violation(
                    "dhmc-service-setting",
                    "dhmc",
                    /names role AWSSystemsManagerDefaultEC2InstanceManagementRole, but this stack's role dhmc-role of that name has the path \/service-role\/: .*set the value to service-role\/AWSSystemsManagerDefaultEC2InstanceManagementRole/,
                ),
            ],
        },
        {
            title: "fails a second DHMC setting, in either id form, and ignores other service settings",
            build: () => {
                const role = dhmcRole();
                dhmcPolicyOf(role);
                dhmcSetting(pulumi.interpolate`service-role/${role.name}`);
                dhmcSetting(
                    pulumi.interpolate`service-role/${role.name}`,
                    "again",
                    "arn:aws:ssm:eu-west-1:123456789012:servicesetting/ssm/managed-instance/default-ec2-instance-management-role",
                );
                dhmcSetting("true", "throughput", "/ssm/parameter-store/high-throughput-enabled");
            },
            expected: [
                violation(
                    "dhmc-service-setting",
                    "again",
                    /Service setting again sets DHMC a second time in this stack; keep exactly one/,
                ),
            ],
        },
        {
            title: "cannot check a role the stack does not define, and says so",
            build: () => dhmcSetting(`service-role/${dhmcRoleName}`),
            expected: [
                unverifiable(
                    "dhmc",
                    /Service setting dhmc names role service-role\/\S+, which this stack does not define, so whether it trusts ssm.amazonaws.com and carries AmazonSSMManagedEC2InstanceDefaultPolicy cannot be checked/,
                ),
            ],
        },
        {
            title: "checks an autonamed DHMC role through the setting's dependency, and says in the preview that the value cannot be checked yet",
            build: () => {
                const role = new aws.iam.Role("autonamed", {
                    path: "/service-role/",
                    assumeRolePolicy: trust("ssm.amazonaws.com"),
                });
                dhmcPolicyOf(role);
                dhmcSetting(pulumi.interpolate`service-role/${role.name}`);
            },
            expected: {
                preview: [unverifiable("dhmc", /takes its value from role autonamed known only after the update/)],
                update: [],
            },
        },
    ],
    "no-ssh-rdp-ingress": [
        {
            title: "fails SSH and RDP however a security group's own rules express them",
            build: () =>
                new aws.ec2.SecurityGroup("sg", {
                    ingress: [
                        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] },
                        { protocol: "tcp", fromPort: 3389, toPort: 3389, ipv6CidrBlocks: ["::/0"] },
                        { protocol: "udp", fromPort: 3389, toPort: 3389, prefixListIds: ["pl-123"] },
                        { protocol: "-1", fromPort: 0, toPort: 0, self: true },
                        { protocol: "6", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] },
                    ],
                }),
            expected: [
                violation(
                    "no-ssh-rdp-ingress",
                    "sg",
                    /Security group sg admits SSH \(port 22\) from 10.0.0.0\/8\. Use Session Manager instead of SSH or RDP and remove the rule/,
                ),
                violation("no-ssh-rdp-ingress", "sg", /admits RDP \(port 3389\) from ::\/0 \(any IPv6 address\)/),
                violation("no-ssh-rdp-ingress", "sg", /admits RDP \(port 3389\) from prefix list pl-123/),
                violation("no-ssh-rdp-ingress", "sg", /admits SSH \(port 22\) from the security group itself/),
                violation("no-ssh-rdp-ingress", "sg", /admits SSH \(port 22\) from 0.0.0.0\/0 \(any IPv4 address\)/),
            ],
        },
        {
            title: "fails a security group rule on a group the preview does not know yet",
            build: () =>
                new aws.ec2.SecurityGroupRule("rule", {
                    type: "ingress",
                    protocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    cidrBlocks: ["10.0.0.0/8"],
                    securityGroupId: new aws.ec2.SecurityGroup("sg", {}).id,
                }),
            expected: [
                violation(
                    "no-ssh-rdp-ingress",
                    "rule",
                    /Security group rule rule admits SSH \(port 22\) from 10.0.0.0\/8/,
                ),
            ],
        },
        {
            title: "fails a VPC ingress rule that admits SSH from ::/0",
            build: () =>
                new aws.vpc.SecurityGroupIngressRule("ipv6-ssh", {
                    securityGroupId: new aws.ec2.SecurityGroup("sg", {}).id,
                    ipProtocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    cidrIpv6: "::/0",
                }),
            expected: [
                violation(
                    "no-ssh-rdp-ingress",
                    "ipv6-ssh",
                    /Security group ingress rule ipv6-ssh admits SSH \(port 22\) from ::\/0 \(any IPv6 address\)/,
                ),
            ],
        },
        {
            title: "fails a VPC ingress rule that admits all traffic from ::/0",
            build: () =>
                new aws.vpc.SecurityGroupIngressRule("ipv6-all", {
                    securityGroupId: "sg-1",
                    ipProtocol: "-1",
                    cidrIpv6: "::/0",
                }),
            expected: [violation("no-ssh-rdp-ingress", "ipv6-all", /ipv6-all admits SSH \(port 22\) from ::\/0/)],
        },
        {
            title: "fails a VPC ingress rule that admits RDP from a prefix list, which the preview names only once it exists",
            build: () => {
                const list = new aws.ec2.ManagedPrefixList("offices", { addressFamily: "IPv4", maxEntries: 5 });
                new aws.vpc.SecurityGroupIngressRule("office-rdp", {
                    securityGroupId: "sg-1",
                    ipProtocol: "tcp",
                    fromPort: 3389,
                    toPort: 3389,
                    prefixListId: list.id,
                });
            },
            expected: {
                preview: [
                    violation(
                        "no-ssh-rdp-ingress",
                        "office-rdp",
                        /office-rdp admits RDP \(port 3389\) from a prefix list known only after the update/,
                    ),
                ],
                update: [
                    violation(
                        "no-ssh-rdp-ingress",
                        "office-rdp",
                        /office-rdp admits RDP \(port 3389\) from prefix list offices-id/,
                    ),
                ],
            },
        },
        {
            title: "passes HTTPS from anywhere, egress rules and UDP 22",
            build: () => {
                const group = new aws.ec2.SecurityGroup("sg", {
                    ingress: [
                        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                        { protocol: "udp", fromPort: 22, toPort: 22 },
                    ],
                });
                new aws.ec2.SecurityGroupRule("out", {
                    type: "egress",
                    protocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    securityGroupId: group.id,
                });
                new aws.vpc.SecurityGroupIngressRule("https", {
                    securityGroupId: group.id,
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv6: "::/0",
                });
                new aws.vpc.SecurityGroupEgressRule("ssh-out", {
                    securityGroupId: group.id,
                    ipProtocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    cidrIpv4: "10.0.0.0/8",
                });
            },
            expected: [],
        },
    ],
    "ssm-endpoints-interface-private-dns": [
        {
            title: "fails SSM endpoints left at Pulumi's defaults (Gateway, no private DNS)",
            build: () => {
                const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
                new aws.ec2.VpcEndpoint("ssm", { vpcId: vpc.id, serviceName: "com.amazonaws.eu-west-1.ssm" });
                new aws.ec2.VpcEndpoint("ec2messages", {
                    vpcId: vpc.id,
                    serviceName: "com.amazonaws.eu-west-1.ec2messages",
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: false,
                });
            },
            expected: [
                violation(
                    "ssm-endpoints-interface-private-dns",
                    "ssm",
                    /Endpoint ssm for com.amazonaws.eu-west-1.ssm must set vpcEndpointType: "Interface" and privateDnsEnabled: true/,
                ),
                violation(
                    "ssm-endpoints-interface-private-dns",
                    "ec2messages",
                    /Endpoint ec2messages for com.amazonaws.eu-west-1.ec2messages/,
                ),
            ],
        },
        {
            title: "passes Interface endpoints with private DNS, and ignores other services",
            build: () => {
                const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
                new aws.ec2.VpcEndpoint("ssmmessages", {
                    vpcId: vpc.id,
                    serviceName: "com.amazonaws.eu-west-1.ssmmessages",
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                });
                new aws.ec2.VpcEndpoint("s3", {
                    vpcId: vpc.id,
                    serviceName: "com.amazonaws.eu-west-1.s3",
                    vpcEndpointType: "Gateway",
                });
            },
            expected: [],
        },
    ],
    "lambda-role-least-privilege": [
        {
            title: "fails a CallbackFunction created without a role",
            build: () =>
                new aws.lambda.CallbackFunction("roleless", { runtime: "nodejs22.x", callback: async () => undefined }),
            expected: [
                violation(
                    "lambda-role-least-privilege",
                    "roleless",
                    /Lambda role roleless carries AWSLambda_FullAccess, CloudWatchFullAccessV2, CloudWatchEventsFullAccess, AmazonS3FullAccess, AmazonDynamoDBFullAccess, AmazonSQSFullAccess, AmazonKinesisFullAccess, AmazonCognitoPowerUser\. Pass a least-privilege role \(for a CallbackFunction, its role argument\)/,
                ),
            ],
        },
        {
            title: "fails a broad policy on a function's role, whatever the role trusts",
            build: () => {
                const role = new aws.iam.Role("worker", { assumeRolePolicy: trust("states.amazonaws.com") });
                new aws.iam.RolePolicyAttachment("worker-admin", {
                    role: role.name,
                    policyArn: managed("AdministratorAccess"),
                });
                new aws.lambda.Function("fn", {
                    role: role.arn,
                    runtime: "nodejs22.x",
                    handler: "index.handler",
                    code: new pulumi.asset.AssetArchive({}),
                });
            },
            expected: [
                violation("lambda-role-least-privilege", "worker", /Lambda role worker carries AdministratorAccess/),
            ],
        },
        {
            title: "passes Lambda roles with narrow policies, and other services' roles",
            build: () => {
                const role = new aws.iam.Role("fn", { assumeRolePolicy: trust("lambda.amazonaws.com") });
                new aws.iam.RolePolicyAttachment("fn-logs", {
                    role: role.name,
                    policyArn: managed("service-role/AWSLambdaBasicExecutionRole"),
                });
                const batch = instanceRole("batch");
                new aws.iam.RolePolicyAttachment("batch-s3", {
                    role: batch.name,
                    policyArn: managed("AmazonS3FullAccess"),
                });
            },
            expected: [],
        },
    ],
    "encrypted-topics-and-queues": [
        {
            title: "fails unencrypted topics and queues",
            build: () => {
                new aws.sns.Topic("plain", {});
                new aws.sqs.Queue("plain", { sqsManagedSseEnabled: false });
            },
            expected: [
                violation(
                    "encrypted-topics-and-queues",
                    "plain",
                    /SNS topic plain is not encrypted: set kmsMasterKeyId/,
                ),
                violation(
                    "encrypted-topics-and-queues",
                    "plain",
                    /SQS queue plain is not encrypted: set kmsMasterKeyId or sqsManagedSseEnabled: true/,
                ),
            ],
        },
        {
            title: "passes KMS- or SQS-managed encryption, with a key the preview does not know yet",
            build: () => {
                const key = new aws.kms.Key("key", {});
                new aws.sns.Topic("own-key", { kmsMasterKeyId: key.arn });
                new aws.sns.Topic("aws-key", { kmsMasterKeyId: "alias/aws/sns" });
                new aws.sqs.Queue("kms", { kmsMasterKeyId: key.arn });
                new aws.sqs.Queue("sse", { sqsManagedSseEnabled: true });
            },
            expected: [],
        },
    ],
    "private-tls-only-buckets": [
        {
            title: "passes the baseline's PrivateBucket",
            build: () => new PrivateBucket("logs", { expirationDays: 7, protection: "retain" }),
            expected: [],
        },
        {
            title: "fails a bucket without its public-access block or a bucket policy",
            build: () => new aws.s3.Bucket("bare", {}),
            expected: [
                violation(
                    "private-tls-only-buckets",
                    "bare",
                    /Bucket bare has no BucketPublicAccessBlock: add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true/,
                ),
                violation(
                    "private-tls-only-buckets",
                    "bare",
                    /Bucket bare has no bucket policy: add an aws.s3.BucketPolicy that denies requests without TLS/,
                ),
            ],
        },
        {
            title: "fails a public-access block that leaves a block off",
            build: () => {
                const bucket = new aws.s3.Bucket("half", {});
                new aws.s3.BucketPublicAccessBlock("half-block", {
                    bucket: bucket.id,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: false,
                });
                new aws.s3.BucketPolicy("half-policy", { bucket: bucket.id, policy: tlsOnly("arn:aws:s3:::half") });
            },
            expected: [
                violation(
                    "private-tls-only-buckets",
                    "half",
                    /Bucket half has a public-access block \(half-block\) that leaves restrictPublicBuckets off: set all four to true/,
                ),
            ],
        },
        {
            title: "passes a bucket whose block and policy name it by its name",
            build: () => {
                new aws.s3.Bucket("named", { bucket: "team-logs" });
                new aws.s3.BucketPublicAccessBlock("named-block", {
                    bucket: "team-logs",
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                });
                new aws.s3.BucketPolicy("named-policy", {
                    bucket: "team-logs",
                    policy: tlsOnly("arn:aws:s3:::team-logs"),
                });
            },
            expected: [],
        },
    ],
    // Session Manager writes a session's log to the s3BucketName of the region's Session document
    // (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html).
    "audit-buckets-sse-kms": [
        {
            title: "passes a session-log bucket under SSE-KMS, whose autonamed name the preview does not know",
            build: () => {
                const key = new aws.kms.Key("session-key", {});
                const bucket = new PrivateBucket("sessions", {
                    expirationDays: 7,
                    protection: "retain",
                    kmsKeyArn: key.arn,
                });
                sessionDocument(bucket.bucketName);
            },
            expected: [],
        },
        {
            title: "fails a session-log bucket under SSE-S3, found through the document in preview and by name in update",
            build: () =>
                sessionDocument(new PrivateBucket("sessions", { expirationDays: 7, protection: "retain" }).bucketName),
            expected: [
                violation(
                    "audit-buckets-sse-kms",
                    "sessions",
                    /Bucket sessions holds Session Manager logs but is not SSE-KMS encrypted: give it an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms"/,
                ),
            ],
        },
        {
            title: "fails a named bucket with no default encryption, and leaves SSE-S3 buckets that hold no session logs alone",
            build: () => {
                new aws.s3.Bucket("team-sessions", { bucket: "team-sessions" });
                sessionDocument("team-sessions");
                new PrivateBucket("output", { expirationDays: 7, protection: "retain" });
            },
            expected: [
                violation(
                    "audit-buckets-sse-kms",
                    "team-sessions",
                    /Bucket team-sessions holds Session Manager logs but is not SSE-KMS encrypted/,
                ),
                violation(
                    "private-tls-only-buckets",
                    "team-sessions",
                    /Bucket team-sessions has no BucketPublicAccessBlock/,
                ),
                violation("private-tls-only-buckets", "team-sessions", /Bucket team-sessions has no bucket policy/),
            ],
        },
    ],
    "tls-only-bucket-policies": [
        {
            title: "fails a bucket policy that does not deny requests without TLS",
            build: () => new aws.s3.BucketPolicy("open", { bucket: "team-logs", policy: allow("s3:GetObject") }),
            expected: [
                violation(
                    "tls-only-bucket-policies",
                    "open",
                    /Bucket policy open does not deny requests without TLS: add a Deny statement/,
                ),
            ],
        },
        {
            title: "checks a policy built from the bucket's ARN in the update, before the bucket policy is created",
            build: () => {
                const bucket = new aws.s3.Bucket("b", {});
                new aws.s3.BucketPolicy("built", {
                    bucket: bucket.id,
                    policy: bucket.arn.apply(arn =>
                        JSON.stringify({
                            Statement: [
                                { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${arn}/*` },
                            ],
                        }),
                    ),
                });
                new aws.s3.BucketPublicAccessBlock("b-block", {
                    bucket: bucket.id,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                });
            },
            expected: {
                preview: [],
                update: [
                    violation(
                        "tls-only-bucket-policies",
                        "built",
                        /Bucket policy built does not deny requests without TLS/,
                    ),
                ],
            },
        },
        {
            title: "passes a policy that denies requests without TLS",
            build: () =>
                new aws.s3.BucketPolicy("tls", { bucket: "team-logs", policy: tlsOnly("arn:aws:s3:::team-logs") }),
            expected: [],
        },
    ],
};

function tlsOnly(bucketArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

const expectedIn = (test: Case, mode: Mode) =>
    Array.isArray(test.expected)
        ? (test.expected as readonly Expected[])
        : (test.expected as Record<Mode, readonly Expected[]>)[mode];

/** Every diagnostic is one the case expects, and every expected one is there: no more, no "can't run". */
function assertReports(found: readonly Violation[], expected: readonly Expected[]) {
    const remaining = [...found];
    for (const want of expected) {
        const i = remaining.findIndex(
            v =>
                v.policy === want.policy &&
                v.level === want.level &&
                v.urn?.endsWith(`::${want.on}`) &&
                want.message.test(v.message),
        );
        assert.ok(
            i >= 0,
            `expected ${want.level} ${want.policy} on ${want.on} matching ${want.message}; got ${JSON.stringify(found, null, 1)}`,
        );
        remaining.splice(i, 1);
    }
    assert.deepStrictEqual(remaining, [], "diagnostics no case expects");
}

const sorted = (violations: readonly Violation[]) =>
    [...violations].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("the baseline-owned-surface policy's source filter", () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
    it("agrees with EventBridge's matching of the baseline's source", () => {
        const event = { source: healthEventSource, "detail-type": "x", detail: {} };
        for (const source of [
            ["ssm-fleet-baseline"],
            ["aws.ssm", "ssm-fleet-baseline"],
            [{ prefix: "ssm-fleet" }],
            [{ prefix: "ssm-fleet-baseline-x" }],
            [{ "equals-ignore-case": "SSM-Fleet-Baseline" }],
            ["aws.ssm"],
        ]) {
            const pattern = { source };
            assert.strictEqual(
                matchesBaselineSource(JSON.stringify(pattern)),
                matchesPattern(pattern, event),
                JSON.stringify(source),
            );
        }
        // Wildcards, which the test matcher does not implement: * matches any run of characters.
        assert.strictEqual(matchesBaselineSource(JSON.stringify({ source: [{ wildcard: "ssm-*-baseline" }] })), true);
        assert.strictEqual(matchesBaselineSource(JSON.stringify({ source: [{ wildcard: "ssm-*.baseline" }] })), false);
        assert.strictEqual(matchesBaselineSource("{ not json"), false);
        assert.strictEqual(matchesBaselineSource(JSON.stringify({ "detail-type": ["x"] })), false);
    });
});

describe("the runbook-rules-off-default-bus policy's source filter", () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
    it("finds patterns a custom source can match, and passes those confined to AWS sources", () => {
        for (const pattern of [
            {},
            { source: ["ssm-fleet-baseline"] },
            { source: ["aws.ssm", "team.app"] },
            { source: [{ prefix: "aws" }] },
            { source: [{ "anything-but": ["aws.ssm"] }] },
            { source: [{ wildcard: "*.ssm" }] },
            { $or: [{ source: ["aws.ec2"] }, { "detail-type": ["x"] }] },
        ]) {
            assert.strictEqual(admitsCustomSource(JSON.stringify(pattern)), true, JSON.stringify(pattern));
        }
        for (const pattern of [
            { source: ["aws.ssm"] },
            { source: [{ prefix: "aws.ec2" }, { "equals-ignore-case": "AWS.SSM" }, { wildcard: "aws.s*" }] },
            { $or: [{ source: ["aws.ec2"] }, { source: ["aws.ssm"] }] },
        ]) {
            assert.strictEqual(admitsCustomSource(JSON.stringify(pattern)), false, JSON.stringify(pattern));
        }
    });
});

describe("policies through the pack's analyzer", function () {
    let analyzers: Record<Mode, PolicyAnalyzer>;
    before(async function () {
        this.timeout(180_000);
        analyzers = await startAnalyzers();
    });
    after(async () => {
        await Promise.all(Object.values(analyzers ?? {}).map(analyzer => analyzer.stop()));
    });

    // Each case's program and the analyzer's verdict, once per mode; the evaluator's agreement reuses them.
    const runs = new Map<string, Promise<{ resources: EngineResource[]; found: Violation[] }>>();
    const run = (key: string, mode: Mode, program: () => Promise<EngineResource[]>) => {
        const id = `${mode}: ${key}`;
        if (!runs.has(id)) {
            runs.set(
                id,
                program().then(async resources => ({ resources, found: await analyzers[mode].analyze(resources) })),
            );
        }
        return runs.get(id)!;
    };

    it("covers every policy of the pack with a case", () => {
        assert.deepStrictEqual(
            Object.keys(cases).sort(),
            policies
                .map(p => p.name)
                .filter(name => name !== "unverifiable")
                .sort(),
        );
    });

    for (const [policy, policyCases] of Object.entries(cases)) {
        describe(policy, () => {
            for (const test of policyCases) {
                for (const mode of modes) {
                    it(`${mode}: ${test.title}`, async () => {
                        const { found } = await run(`${policy} ${test.title}`, mode, () =>
                            synthesize(test.build, mode),
                        );
                        assertReports(found, expectedIn(test, mode));
                    });
                }
            }
        });
    }

    describe("the baseline itself", () => {
        for (const stack of ["dev", "prod"]) {
            for (const mode of modes) {
                it(`${mode}: has no violation and no "can't run" in Pulumi.${stack}.yaml`, async () => {
                    const { found } = await run(`stack ${stack}`, mode, () => synthesizeStack(stack, mode));
                    assert.deepStrictEqual(found, []);
                });
            }
        }
        // The rollout runs fleet-monitoring with the same pack (driver/rollout.ts, policyPacks).
        for (const mode of modes) {
            it(`${mode}: has no violation and no "can't run" in ${monitoringStackName}, the example manifest's organization view`, async () => {
                const { resources, found } = await run(monitoringStackName, mode, () =>
                    synthesizeMonitoringStack(mode),
                );
                assert.ok(
                    resources.some(r => r.type === "aws:oam/sinkPolicy:SinkPolicy"),
                    "the organization view ran",
                );
                assert.deepStrictEqual(found, []);
            });
        }
    });

    describe("policy/evaluate.ts, which the offline plan runs, reports what the analyzer reports", () => {
        const all = [
            ...Object.entries(cases).flatMap(([policy, policyCases]) =>
                policyCases.map(test => ({
                    key: `${policy} ${test.title}`,
                    program: (mode: Mode) => synthesize(test.build, mode),
                })),
            ),
            ...["dev", "prod"].map(stack => ({
                key: `stack ${stack}`,
                program: (mode: Mode) => synthesizeStack(stack, mode),
            })),
            { key: monitoringStackName, program: synthesizeMonitoringStack },
        ];
        for (const { key, program } of all) {
            for (const mode of modes) {
                it(`${mode}: ${key}`, async () => {
                    const { resources, found } = await run(key, mode, () => program(mode));
                    assert.deepStrictEqual(sorted(await evaluatePolicies(policies, resources)), sorted(found));
                });
            }
        }
    });
});
