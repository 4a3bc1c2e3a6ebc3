// The ssm-fleet-baseline CrossGuard policies. Only this array lives here; policy/index.ts turns it
// into a PolicyPack (whose constructor starts the analyzer server, so tests never construct one).
//
// They hold in `pulumi preview` of a new stack, where what providers compute (ids, ARNs, autonamed
// names, and whatever is built from them) is not known yet:
// - Per-resource checks read a value only once it is known. A value the preview does not know is
//   checked by `pulumi up`, which analyzes each resource with its known inputs before creating it.
// - Stack checks find related resources through what they depend on (stackLinks.ts). What they
//   still cannot check, such as a role this stack does not define, is reported by the advisory
//   `unverifiable` policy: never a silent pass, never "can't run policy ... during preview".
// The AWS documentation behind each rule is cited beside it.
import * as aws from "@pulumi/aws";
import {
    Policies,
    PolicyResource,
    ReportViolation,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import {
    dhmcManagedPolicyName,
    dhmcSettingId,
    healthEventSource,
    ssmInterfaceEndpointServices,
} from "./awsIdentifiers";
import { allowsAction, deniesInsecureTransport, trustsService } from "./iamDocuments";
import { known, Reference, StackResources, Target } from "./stackLinks";
import { notYetKnown, read } from "./unknowns";

/** The pack's name, as the analyzer and `pulumi policy publish` report it. */
export const packName = "ssm-fleet-baseline";

/**
 * AWS managed policies that allow ssm:UpdateInstanceInformation, which makes the agent use the
 * instance profile instead of DHMC: the SSM instance policies and the broad ones that allow every
 * SSM action.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/security-iam-awsmanpol.html
 */
export const managedPoliciesAllowingRegistration = [
    "AmazonSSMManagedInstanceCore",
    dhmcManagedPolicyName,
    "AmazonEC2RoleforSSM",
    "AmazonSSMFullAccess",
    "AdministratorAccess",
    "PowerUserAccess",
];

/**
 * Managed policies no Lambda role should carry: what CallbackFunction attaches without a role.
 * https://github.com/pulumi/pulumi-aws/blob/master/sdk/nodejs/lambda/lambdaMixins.ts
 */
const broadPolicyName = /FullAccess|PowerUser|AdministratorAccess/;

const registration = "ssm:UpdateInstanceInformation";

const roles: Target = { classes: [aws.iam.Role], identities: ["name", "arn", "id"] };
const stackPolicies: Target = { classes: [aws.iam.Policy], identities: ["arn", "id"] };
const buckets: Target = { classes: [aws.s3.Bucket, aws.s3.BucketV2], identities: ["bucket", "id"] };

const policyName = (arn: string) => arn.split(":policy/").pop()?.split("/").pop() ?? arn;
const isAwsManaged = (arn: string) => /^arn:[^:]+:iam::aws:policy\//.test(arn);

/** A violation a stack check found, or what it could not check (reported by the `unverifiable` policy). */
interface Finding {
    readonly urn: string;
    readonly message: string;
    readonly unverifiable?: true;
}

interface StackCheck {
    readonly name: string;
    readonly description: string;
    findings(stack: StackResources): Finding[];
}

const unverifiable = (urn: string, message: string): Finding => ({ urn, message, unverifiable: true });

/** Something that gives a role permissions. */
interface Grant {
    /** How messages name it, e.g. "managed policy AmazonSSMManagedInstanceCore". */
    readonly source: string;
    /** The ARN of a policy this stack does not define (AWS managed, or customer managed elsewhere). */
    readonly arn?: string;
    /** The document of an inline policy or of a policy this stack defines; notYetKnown in a preview. */
    readonly document?: unknown;
}

/** Every grant of a role: its own managed and inline policies, and the stack's attachments and role policies. */
function grantsOf(stack: StackResources, role: PolicyResource): Grant[] {
    const byArn = (references: Reference[], via: string, unresolved: string): Grant[] =>
        references.flatMap(reference => {
            if (reference.resources.length > 0) {
                return reference.resources.map(defined => ({
                    source: `policy ${defined.name}${via}`,
                    document: read(() => defined.props.policy),
                }));
            }
            return reference.value === undefined
                ? [{ source: unresolved }]
                : [{ source: `managed policy ${policyName(reference.value)}${via}`, arn: reference.value }];
        });
    const attached = (attachment: PolicyResource) =>
        byArn(
            stack.references(attachment, "policyArn", stackPolicies),
            ` (attachment ${attachment.name})`,
            `policy attached by ${attachment.name}`,
        );
    const inline = read(() => role.props.inlinePolicies as unknown[] | undefined);
    const inlineGrants: Grant[] =
        inline === notYetKnown
            ? [{ source: "list of inline policies", document: notYetKnown }]
            : Array.from({ length: inline?.length ?? 0 }, (_, i) => {
                  const entries = inline as { name?: unknown; policy?: unknown }[];
                  const name = read(() => entries[i].name);
                  return {
                      source: `inline policy ${typeof name === "string" ? name : i + 1}`,
                      document: read(() => entries[i].policy),
                  };
              });
    return [
        ...byArn(stack.references(role, "managedPolicyArns", stackPolicies), "", "policy in its managedPolicyArns"),
        ...inlineGrants,
        ...stack
            .ofType(aws.iam.RolePolicyAttachment)
            .filter(attachment => stack.refersTo(attachment, "role", roles, role))
            .flatMap(attached),
        ...stack
            .ofType(aws.iam.PolicyAttachment)
            .filter(attachment => stack.refersTo(attachment, "roles", roles, role))
            .flatMap(attached),
        ...stack
            .ofType(aws.iam.RolePolicy)
            .filter(rolePolicy => stack.refersTo(rolePolicy, "role", roles, role))
            .map(rolePolicy => ({
                source: `role policy ${rolePolicy.name}`,
                document: read(() => rolePolicy.props.policy),
            })),
    ];
}

/** A grant whose ARN the preview does not know and that links to no policy of this stack. */
const isUnresolved = (grant: Grant) => grant.arn === undefined && grant.document === undefined;
const unresolvedWhy = "its ARN is known only after the update and links to no policy of this stack";

/** Whether a grant allows ssm:UpdateInstanceInformation, or why that cannot be told. */
function allowsRegistration(grant: Grant): boolean | string {
    if (grant.arn !== undefined) {
        return isAwsManaged(grant.arn)
            ? managedPoliciesAllowingRegistration.includes(policyName(grant.arn))
            : "it is a customer managed policy this stack does not define";
    }
    if (isUnresolved(grant)) {
        return unresolvedWhy;
    }
    const verdict =
        grant.document === notYetKnown ? notYetKnown : read(() => allowsAction(grant.document, registration));
    return verdict === notYetKnown ? "its document is known only after the update" : verdict;
}

const instanceProfileWithoutSsm: StackCheck = {
    // The agent tries the instance profile first; if it allows ssm:UpdateInstanceInformation, DHMC is never used:
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
    name: "dhmc-instance-profile-without-ssm",
    description:
        "Roles of instance profiles must not allow ssm:UpdateInstanceInformation, or the instance profile silently takes DHMC's place.",
    findings: stack =>
        stack.ofType(aws.iam.InstanceProfile).flatMap(profile =>
            stack.references(profile, "role", roles).flatMap((reference): Finding[] => {
                if (reference.resources.length === 0) {
                    const which =
                        reference.value === undefined
                            ? "a role known only after the update that links to no role of this stack"
                            : `role "${reference.value}", which this stack does not define`;
                    return [
                        unverifiable(
                            profile.urn,
                            `Instance profile ${profile.name} uses ${which}, so whether it allows ${registration} (which makes SSM Agent skip DHMC) cannot be checked. Define the role in this stack, or make sure none of its policies allows ${registration}.`,
                        ),
                    ];
                }
                return reference.resources.flatMap(role => {
                    const verdicts = grantsOf(stack, role).map(grant => ({
                        grant,
                        verdict: allowsRegistration(grant),
                    }));
                    const allowing = verdicts
                        .filter(({ verdict }) => verdict === true)
                        .map(({ grant }) => grant.source);
                    return [
                        ...(allowing.length > 0
                            ? [
                                  {
                                      urn: profile.urn,
                                      message: `Instance profile ${profile.name} uses role ${role.name}, which allows ${registration} through ${allowing.join(", ")}, so SSM Agent uses the instance profile and never DHMC. Remove that permission from the role (keep only what the application needs).`,
                                  },
                              ]
                            : []),
                        ...verdicts
                            .filter(({ verdict }) => typeof verdict === "string")
                            .map(({ grant, verdict }) =>
                                unverifiable(
                                    profile.urn,
                                    `Instance profile ${profile.name} uses role ${role.name}, and whether its ${grant.source} allows ${registration} cannot be checked: ${verdict}.`,
                                ),
                            ),
                    ];
                });
            }),
        ),
};

const serviceSetting: StackCheck = {
    // The value is a path-qualified role name; the role trusts ssm.amazonaws.com and carries the DHMC managed policy:
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
    name: "dhmc-service-setting",
    description:
        "The DHMC service setting must name (not give the ARN of) a role that trusts ssm.amazonaws.com and carries AmazonSSMManagedEC2InstanceDefaultPolicy; one setting per stack.",
    findings: stack => {
        const findings: Finding[] = [];
        const settings = stack.ofType(aws.ssm.ServiceSetting).filter(setting => {
            const id = known(setting, "settingId");
            if (typeof id !== "string") {
                findings.push(
                    unverifiable(
                        setting.urn,
                        `Service setting ${setting.name} has a setting id known only after the update, so whether it sets DHMC cannot be checked.`,
                    ),
                );
                return false;
            }
            return id === dhmcSettingId || id.endsWith(`:servicesetting${dhmcSettingId}`);
        });
        for (const extra of settings.slice(1)) {
            findings.push({
                urn: extra.urn,
                message: `Service setting ${extra.name} sets DHMC a second time in this stack; keep exactly one.`,
            });
        }
        const stackRoles = stack.ofType(aws.iam.Role);
        for (const setting of settings) {
            const value = known(setting, "settingValue");
            if (typeof value !== "string") {
                const linked = stack.references(setting, "settingValue", roles).flatMap(r => r.resources);
                findings.push(
                    unverifiable(
                        setting.urn,
                        `Service setting ${setting.name} takes its value from ${linked.length > 0 ? `role ${linked.map(r => r.name).join(", ")}` : "outputs"} known only after the update, so whether it is the role's path-qualified name (not its ARN) cannot be checked before the update.`,
                    ),
                );
                linked.forEach(role => findings.push(...dhmcRoleFindings(stack, role)));
                continue;
            }
            if (value.startsWith("arn:")) {
                findings.push({
                    urn: setting.urn,
                    message: `Service setting ${setting.name} has the value ${value}, an ARN: DHMC expects the role's name, e.g. service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole.`,
                });
                continue;
            }
            const pathOf = (role: PolicyResource) => String(known(role, "path") ?? "/");
            const named = stackRoles.find(role => `${pathOf(role).slice(1)}${String(known(role, "name"))}` === value);
            if (named) {
                findings.push(...dhmcRoleFindings(stack, named));
                continue;
            }
            const sameName = stackRoles.find(role => known(role, "name") === value.split("/").pop());
            findings.push(
                sameName
                    ? {
                          urn: setting.urn,
                          message: `Service setting ${setting.name} names role ${value}, but this stack's role ${sameName.name} of that name has the path ${pathOf(sameName)}: DHMC finds the role by path and name, so set the value to ${pathOf(sameName).slice(1)}${value.split("/").pop()}.`,
                      }
                    : unverifiable(
                          setting.urn,
                          `Service setting ${setting.name} names role ${value}, which this stack does not define, so whether it trusts ssm.amazonaws.com and carries ${dhmcManagedPolicyName} cannot be checked. Define the role in this stack, or check it yourself.`,
                      ),
            );
        }
        return findings;
    },
};

/** Whether Systems Manager can assume the DHMC role and it carries the DHMC managed policy. */
function dhmcRoleFindings(stack: StackResources, role: PolicyResource): Finding[] {
    const findings: Finding[] = [];
    const trusted = read(() => trustsService(role.props.assumeRolePolicy, "ssm.amazonaws.com"));
    if (trusted === notYetKnown) {
        findings.push(
            unverifiable(
                role.urn,
                `Role ${role.name} named by DHMC has a trust policy known only after the update, so whether it trusts ssm.amazonaws.com cannot be checked.`,
            ),
        );
    } else if (!trusted) {
        findings.push({
            urn: role.urn,
            message: `Role ${role.name} named by DHMC does not trust ssm.amazonaws.com, so Systems Manager cannot assume it: its trust policy must allow sts:AssumeRole to the service ssm.amazonaws.com (not ec2.amazonaws.com).`,
        });
    }
    const grants = grantsOf(stack, role);
    if (!grants.some(grant => grant.arn !== undefined && policyName(grant.arn) === dhmcManagedPolicyName)) {
        const unresolved = grants.filter(isUnresolved);
        findings.push(
            unresolved.length > 0
                ? unverifiable(
                      role.urn,
                      `Role ${role.name} named by DHMC may carry ${dhmcManagedPolicyName} through the ${unresolved.map(g => g.source).join(", the ")}, which cannot be checked: ${unresolvedWhy}.`,
                  )
                : {
                      urn: role.urn,
                      message: `Role ${role.name} named by DHMC lacks the managed policy ${dhmcManagedPolicyName}: attach arn:aws:iam::aws:policy/${dhmcManagedPolicyName}.`,
                  },
        );
    }
    return findings;
}

const lambdaRoleLeastPrivilege: StackCheck = {
    // A CallbackFunction without a role gets *FullAccess and PowerUser managed policies (see broadPolicyName).
    name: "lambda-role-least-privilege",
    description:
        "Lambda roles must not carry FullAccess, PowerUser or AdministratorAccess managed policies; give CallbackFunctions an explicit role.",
    findings: stack => {
        const functionRoles = stack
            .ofType(aws.lambda.Function)
            .flatMap(fn => stack.references(fn, "role", roles).flatMap(reference => reference.resources));
        return stack
            .ofType(aws.iam.Role)
            .filter(
                role =>
                    functionRoles.includes(role) ||
                    read(() => trustsService(role.props.assumeRolePolicy, "lambda.amazonaws.com")) === true,
            )
            .flatMap(role => {
                const grants = grantsOf(stack, role);
                const broad = grants
                    .flatMap(grant => (grant.arn === undefined ? [] : [policyName(grant.arn)]))
                    .filter(name => broadPolicyName.test(name));
                return [
                    ...(broad.length > 0
                        ? [
                              {
                                  urn: role.urn,
                                  message: `Lambda role ${role.name} carries ${broad.join(", ")}. Pass a least-privilege role (for a CallbackFunction, its role argument).`,
                              },
                          ]
                        : []),
                    ...grants
                        .filter(isUnresolved)
                        .map(grant =>
                            unverifiable(
                                role.urn,
                                `Lambda role ${role.name} has a ${grant.source} that cannot be checked against the broad managed policies: ${unresolvedWhy}.`,
                            ),
                        ),
                ];
            });
    },
};

const publicAccessBlocks = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

const privateTlsOnlyBuckets: StackCheck = {
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    name: "private-tls-only-buckets",
    description:
        "S3 buckets must turn on all four public-access blocks and have a bucket policy, which tls-only-bucket-policies makes deny requests without TLS.",
    findings: stack => {
        const blocks = stack.ofType(aws.s3.BucketPublicAccessBlock);
        const bucketPolicies = stack.ofType(aws.s3.BucketPolicy);
        return stack.ofType(...buckets.classes).flatMap(bucket => {
            const findings: Finding[] = [];
            const own = blocks.filter(block => stack.refersTo(block, "bucket", buckets, bucket));
            if (own.length === 0) {
                findings.push({
                    urn: bucket.urn,
                    message: `Bucket ${bucket.name} has no BucketPublicAccessBlock: add one with ${publicAccessBlocks.join(", ")} all true.`,
                });
            }
            for (const block of own) {
                const flags = publicAccessBlocks.map(flag => ({ flag, value: read(() => block.props[flag]) }));
                const off = flags.filter(({ value }) => value !== true && value !== notYetKnown).map(f => f.flag);
                const unknown = flags.filter(({ value }) => value === notYetKnown).map(f => f.flag);
                if (off.length > 0) {
                    findings.push({
                        urn: bucket.urn,
                        message: `Bucket ${bucket.name} has a public-access block (${block.name}) that leaves ${off.join(", ")} off: set all four to true.`,
                    });
                }
                if (unknown.length > 0) {
                    findings.push(
                        unverifiable(
                            bucket.urn,
                            `Bucket ${bucket.name} has a public-access block (${block.name}) whose ${unknown.join(", ")} are known only after the update, so whether they are on cannot be checked.`,
                        ),
                    );
                }
            }
            const inline = read(() => bucket.props.policy);
            const hasPolicy =
                (inline !== undefined && inline !== null && inline !== "") ||
                bucketPolicies.some(policy => stack.refersTo(policy, "bucket", buckets, bucket));
            if (!hasPolicy) {
                findings.push({
                    urn: bucket.urn,
                    message: `Bucket ${bucket.name} has no bucket policy: add an aws.s3.BucketPolicy that denies requests without TLS (a Deny with Bool aws:SecureTransport "false").`,
                });
            }
            return findings;
        });
    },
};

/** What S3 accepts as SSE-KMS: single-layer and dual-layer. https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html */
const kmsAlgorithms = ["aws:kms", "aws:kms:dsse"];

/** The buckets a Session Manager preferences document (type Session) logs to: its inputs.s3BucketName. */
function sessionLogBuckets(stack: StackResources, document: PolicyResource): PolicyResource[] | undefined {
    const content = read(() => document.props.content);
    if (content === notYetKnown) {
        // Built from the bucket's autonamed name: follow what the content depends on.
        return stack.references(document, "content", buckets).flatMap(reference => reference.resources);
    }
    let bucketName: unknown;
    try {
        bucketName = (JSON.parse(String(content)) as { inputs?: { s3BucketName?: unknown } }).inputs?.s3BucketName;
    } catch {
        return undefined;
    }
    return typeof bucketName === "string" && bucketName !== ""
        ? stack.ofType(...buckets.classes).filter(b => buckets.identities.some(id => known(b, id) === bucketName))
        : [];
}

const auditBucketsSseKms: StackCheck = {
    // Session transcripts hold whatever was typed into a shell: under SSE-KMS, reading them also
    // takes kms:Decrypt on a key whose policy the owner controls, not just s3:GetObject.
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging-s3.html
    name: "audit-buckets-sse-kms",
    description:
        "An S3 bucket that holds Session Manager logs (named by a Session document's s3BucketName) must default to SSE-KMS (aws:kms or aws:kms:dsse), so that reading a transcript also needs the key.",
    findings: stack => {
        const configurations = stack.ofType(aws.s3.BucketServerSideEncryptionConfiguration);
        const audited = new Set<PolicyResource>();
        for (const document of stack.ofType(aws.ssm.Document)) {
            if (known(document, "documentType") === "Session") {
                sessionLogBuckets(stack, document)?.forEach(bucket => audited.add(bucket));
            }
        }
        return [...audited].flatMap(bucket => {
            const inline = read(() => bucket.props.serverSideEncryptionConfiguration?.rule);
            const rules = [
                ...(inline && inline !== notYetKnown ? [inline] : []),
                ...configurations
                    .filter(configuration => stack.refersTo(configuration, "bucket", buckets, bucket))
                    .flatMap(configuration => read(() => configuration.props.rules) ?? []),
            ];
            const algorithms = rules.map(rule =>
                rule === notYetKnown ? notYetKnown : read(() => rule.applyServerSideEncryptionByDefault?.sseAlgorithm),
            );
            if (algorithms.some(algorithm => kmsAlgorithms.includes(algorithm as string))) {
                return [];
            }
            if (algorithms.includes(notYetKnown)) {
                return [
                    unverifiable(
                        bucket.urn,
                        `Bucket ${bucket.name} holds Session Manager logs and its encryption is known only after the update, so whether it is SSE-KMS cannot be checked.`,
                    ),
                ];
            }
            return [
                {
                    urn: bucket.urn,
                    message: `Bucket ${bucket.name} holds Session Manager logs but is not SSE-KMS encrypted: give it an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and a customer-managed key whose policy lets only your auditors decrypt.`,
                },
            ];
        });
    },
};

/**
 * Whether a resource belongs to a component of this program, whose type tokens are
 * `ssm-fleet-baseline:index:<Class>` (CONTRIBUTING.md, "Resource identity"): `kind` names one
 * component, or any of them when omitted. The baseline's own DHMC setting is a child of its
 * DefaultHostManagement, its rules children of its components; another team's are not.
 */
function ownedByBaseline(resource: PolicyResource, kind?: string): boolean {
    for (let owner = resource.parent; owner; owner = owner.parent) {
        if (kind ? owner.type === `${packName}:index:${kind}` : owner.type.startsWith(`${packName}:index:`)) {
            return true;
        }
    }
    return false;
}

/**
 * Whether an event pattern's `source` names this program's event source, by EventBridge's content
 * filters: an exact value, prefix, equals-ignore-case or wildcard
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 * anything-but and a pattern without `source` also match it, but they target no source in particular.
 */
export function matchesBaselineSource(pattern: unknown): boolean {
    let parsed: unknown;
    try {
        parsed = typeof pattern === "string" ? JSON.parse(pattern) : pattern;
    } catch {
        return false;
    }
    const sources = (parsed as { source?: unknown } | null)?.source;
    if (!Array.isArray(sources)) {
        return false;
    }
    const wildcard = (glob: string) =>
        new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(healthEventSource);
    return sources.some(filter => {
        if (typeof filter === "string") {
            return filter === healthEventSource;
        }
        const f = (filter ?? {}) as Record<string, unknown>;
        return (
            (typeof f.prefix === "string" && healthEventSource.startsWith(f.prefix)) ||
            (typeof f["equals-ignore-case"] === "string" &&
                f["equals-ignore-case"].toLowerCase() === healthEventSource.toLowerCase()) ||
            (typeof f.wildcard === "string" && wildcard(f.wildcard))
        );
    });
}

const baselineSurface: StackCheck = {
    // The tamper watch mails out-of-band changes to the DHMC setting; a rule on this program's
    // source sees its node-health events, which carry the fleet's instance ids.
    name: "baseline-owned-surface",
    description:
        "Advisory for stacks other than the baseline: an EventBridge rule on the baseline's event source (ssm-fleet-baseline) depends on events the baseline may change, and a DHMC service setting competes with the baseline's own, which its tamper watch reports.",
    findings: stack => {
        const findings: Finding[] = [];
        for (const rule of stack.ofType(aws.cloudwatch.EventRule).filter(r => !ownedByBaseline(r))) {
            const pattern = known(rule, "eventPattern");
            if (pattern === undefined) {
                if (read(() => rule.props.eventPattern) === notYetKnown) {
                    findings.push(
                        unverifiable(
                            rule.urn,
                            `Event rule ${rule.name} has a pattern known only after the update, so whether it matches the ${healthEventSource} source cannot be checked.`,
                        ),
                    );
                }
                continue;
            }
            if (matchesBaselineSource(pattern)) {
                findings.push({
                    urn: rule.urn,
                    message: `Event rule ${rule.name} matches the source ${healthEventSource}, the ssm-fleet-baseline program's own events: their shape is the baseline's to change, so subscribe to its notification topic, or ask its owners for a route.`,
                });
            }
        }
        for (const setting of stack.ofType(aws.ssm.ServiceSetting)) {
            const id = known(setting, "settingId");
            const dhmc =
                typeof id === "string" && (id === dhmcSettingId || id.endsWith(`:servicesetting${dhmcSettingId}`));
            if (dhmc && !ownedByBaseline(setting, "DefaultHostManagement")) {
                findings.push({
                    urn: setting.urn,
                    message: `Service setting ${setting.name} sets DHMC (${dhmcSettingId}), which the ssm-fleet-baseline stack of this account and Region owns: its tamper watch mails the change as tampering and its next up reverts it. Set dhmcRole in the baseline instead.`,
                });
            }
        }
        return findings;
    },
};

/**
 * Whether an event pattern admits an event of some custom source (one not starting with "aws."):
 * a pattern without `source` admits every source, and any filter but an exact, prefix or
 * case-insensitive "aws." value can match a source anyone may put.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function admitsCustomSource(pattern: unknown): boolean {
    let parsed: unknown;
    try {
        parsed = typeof pattern === "string" ? JSON.parse(pattern) : pattern;
    } catch {
        return false;
    }
    const { source: sources, $or: branches } = (parsed ?? {}) as { source?: unknown; $or?: unknown };
    if (!Array.isArray(sources)) {
        // Each $or branch is a pattern of its own (with the fields around it, none of them a source here).
        return Array.isArray(branches) ? branches.some(branch => admitsCustomSource(branch)) : true;
    }
    const awsOnly = (value: unknown) => typeof value === "string" && value.toLowerCase().startsWith("aws.");
    return sources.some(filter => {
        if (typeof filter === "string") {
            return !filter.startsWith("aws.");
        }
        const f = (filter ?? {}) as Record<string, unknown>;
        const keys = Object.keys(f);
        const single = keys.length === 1 ? keys[0] : undefined;
        return !(
            (single === "prefix" && typeof f.prefix === "string" && f.prefix.startsWith("aws.")) ||
            (single === "equals-ignore-case" && awsOnly(f[single])) ||
            (single === "wildcard" && awsOnly(f.wildcard) && !String(f.wildcard).slice(0, 4).includes("*"))
        );
    });
}

const eventRules: Target = { classes: [aws.cloudwatch.EventRule], identities: ["name", "id"] };
const eventBuses: Target = { classes: [aws.cloudwatch.EventBus], identities: ["name", "arn", "id"] };

/** Whether a rule listens on the default bus; undefined when a preview cannot tell. */
function onDefaultBus(stack: StackResources, rule: PolicyResource): boolean | undefined {
    const [bus] = stack.references(rule, "eventBusName", eventBuses);
    if (!bus) {
        return true;
    }
    if (bus.value !== undefined) {
        return bus.value === "default" || bus.value.endsWith(":event-bus/default");
    }
    // A bus of this stack is a custom one: "default" names only the account's own.
    return bus.resources.length > 0 ? false : undefined;
}

const runbookRulesOffDefaultBus: StackCheck = {
    // Anyone with events:PutEvents may put any custom source on the default bus, so a rule there for
    // a custom source starts runbooks on anyone's word; AWS services' events ("aws.*") only AWS puts.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events.html
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-event-bridge.html
    name: "runbook-rules-off-default-bus",
    description:
        "An EventBridge rule that starts an Automation runbook for events of a custom (not aws.*) source must not listen on the default bus, where anyone with events:PutEvents can put them: use a custom bus whose policy denies PutEvents to every principal but the producer.",
    findings: stack => {
        const findings: Finding[] = [];
        for (const target of stack.ofType(aws.cloudwatch.EventTarget)) {
            const arn = read(() => target.props.arn);
            const runbook = typeof arn === "string" && arn.includes(":automation-definition/");
            // An ARN not known yet is no runbook's when it is a resource's of this stack (a function, a
            // topic), or when the target has no role, which EventBridge needs to start an Automation runbook.
            const otherArn =
                arn === notYetKnown &&
                ((target.propertyDependencies.arn ?? []).length > 0 || !isSet(() => target.props.roleArn));
            if ((typeof arn === "string" && !runbook) || otherArn || arn === undefined) {
                continue;
            }
            for (const rule of stack.references(target, "rule", eventRules).flatMap(r => r.resources)) {
                const pattern = read(() => rule.props.eventPattern);
                const custom =
                    pattern === notYetKnown ? undefined : pattern !== undefined && admitsCustomSource(pattern);
                const onDefault = onDefaultBus(stack, rule);
                if (custom === false || onDefault === false) {
                    continue;
                }
                if (runbook && custom && onDefault) {
                    findings.push({
                        urn: rule.urn,
                        message: `Event rule ${rule.name} starts a runbook (target ${target.name}) for events of a custom source on the default bus, where anyone with events:PutEvents can put them: put the rule on a custom bus whose policy denies PutEvents to every principal but the producer.`,
                    });
                } else {
                    const unknown = [
                        ...(runbook ? [] : ["its target's ARN"]),
                        ...(custom === undefined ? ["its pattern"] : []),
                        ...(onDefault === undefined ? ["its bus"] : []),
                    ];
                    findings.push(
                        unverifiable(
                            rule.urn,
                            `Event rule ${rule.name} (target ${target.name}): ${unknown.join(", ")} known only after the update, so whether it starts a runbook for a custom source on the default bus cannot be checked.`,
                        ),
                    );
                }
            }
        }
        return findings;
    },
};

const stackChecks = [
    instanceProfileWithoutSsm,
    serviceSetting,
    lambdaRoleLeastPrivilege,
    privateTlsOnlyBuckets,
    auditBucketsSseKms,
    baselineSurface,
    runbookRulesOffDefaultBus,
];

/** A stack check as a mandatory policy; what it cannot check goes to the advisory `unverifiable` policy. */
function mandatory(check: StackCheck): StackValidationPolicy {
    return {
        name: check.name,
        description: check.description,
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            for (const finding of check.findings(new StackResources(args.resources))) {
                if (!finding.unverifiable) {
                    reportViolation(finding.message, finding.urn);
                }
            }
        },
    };
}

/** Whether a port range of a protocol reaches SSH (22/tcp) or RDP (3389/tcp and udp). */
function opensRemoteLogin(protocol: unknown, fromPort: unknown, toPort: unknown): number | undefined {
    const p = String(protocol ?? "").toLowerCase();
    if (p === "-1" || p === "all") {
        return 22;
    }
    const from = Number(fromPort ?? 0);
    const to = Number(toPort ?? from);
    const tcp = p === "tcp" || p === "6";
    const udp = p === "udp" || p === "17";
    return [22, 3389].find(port => from <= port && port <= to && (tcp || (udp && port === 3389)));
}

/** What a rule admits traffic from, for the message: CIDRs, prefix lists and security groups. */
function describeSources(sources: Record<string, () => unknown>): string {
    const described = Object.entries(sources).flatMap(([kind, get]) => {
        const value = read(() => JSON.parse(JSON.stringify(get() ?? null)) as unknown);
        if (value === notYetKnown) {
            return [`a ${kind} known only after the update`];
        }
        return (Array.isArray(value) ? value : [value])
            .filter(v => v !== null && v !== false && v !== "")
            .map(v =>
                v === "0.0.0.0/0"
                    ? "0.0.0.0/0 (any IPv4 address)"
                    : v === "::/0"
                      ? "::/0 (any IPv6 address)"
                      : kind === "CIDR"
                        ? String(v)
                        : `${kind} ${v === true ? "itself" : String(v)}`,
            );
    });
    return described.length > 0 ? ` from ${described.join(", ")}` : "";
}

/** Reports a rule that admits SSH or RDP; a rule whose ports the preview does not know is checked by `pulumi up`. */
function reportRemoteLogin(
    reportViolation: ReportViolation,
    where: string,
    rule: () => { protocol: unknown; fromPort: unknown; toPort: unknown },
    sources: Record<string, () => unknown>,
) {
    const ports = read(rule);
    const port = ports === notYetKnown ? undefined : opensRemoteLogin(ports.protocol, ports.fromPort, ports.toPort);
    if (port !== undefined) {
        reportViolation(
            `${where} admits ${port === 22 ? "SSH (port 22)" : "RDP (port 3389)"}${describeSources(sources)}. Use Session Manager instead of SSH or RDP and remove the rule.`,
        );
    }
}

/** Reports an instance or launch template that does not require IMDSv2; an unknown setting is checked by `pulumi up`. */
function requireImdsv2(reportViolation: ReportViolation, what: string, httpTokens: () => unknown) {
    const tokens = read(httpTokens);
    if (tokens !== "required" && tokens !== notYetKnown) {
        reportViolation(`${what} does not require IMDSv2: set metadataOptions.httpTokens to "required".`);
    }
}

/** Whether an input is set: a value the preview does not know yet will be. */
const isSet = (get: () => unknown) => {
    const value = read(get);
    return value === notYetKnown || (value !== undefined && value !== null && value !== "");
};

export const policies: Policies = [
    {
        // DHMC supports IMDSv2 only:
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
        name: "dhmc-imdsv2-required",
        description: "EC2 instances and launch templates must require IMDSv2, which DHMC needs.",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.ec2.Instance, (instance, args, reportViolation) =>
                requireImdsv2(reportViolation, `Instance ${args.name}`, () => instance.metadataOptions?.httpTokens),
            ),
            validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) =>
                requireImdsv2(
                    reportViolation,
                    `Launch template ${args.name}`,
                    () => template.metadataOptions?.httpTokens,
                ),
            ),
        ],
    },
    mandatory(instanceProfileWithoutSsm),
    mandatory(serviceSetting),
    {
        // Session Manager needs no inbound port:
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html
        name: "no-ssh-rdp-ingress",
        description: "No security group may admit SSH (22) or RDP (3389): Session Manager replaces them.",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.ec2.SecurityGroup, (group, args, reportViolation) => {
                const ingress = read(() => group.ingress?.length ?? 0);
                for (let i = 0; i < (ingress === notYetKnown ? 0 : ingress); i++) {
                    const rule = () => group.ingress![i];
                    reportRemoteLogin(
                        reportViolation,
                        `Security group ${args.name}`,
                        () => ({ protocol: rule().protocol, fromPort: rule().fromPort, toPort: rule().toPort }),
                        {
                            CIDR: () => [...(rule().cidrBlocks ?? []), ...(rule().ipv6CidrBlocks ?? [])],
                            "prefix list": () => rule().prefixListIds,
                            "security group": () => rule().securityGroups,
                            "the security group": () => rule().self,
                        },
                    );
                }
            }),
            validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, args, reportViolation) => {
                if (read(() => rule.type) === "ingress") {
                    reportRemoteLogin(
                        reportViolation,
                        `Security group rule ${args.name}`,
                        () => ({ protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort }),
                        {
                            CIDR: () => [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])],
                            "prefix list": () => rule.prefixListIds,
                            "security group": () => rule.sourceSecurityGroupId,
                            "the security group": () => rule.self,
                        },
                    );
                }
            }),
            // https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
            validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, args, reportViolation) => {
                reportRemoteLogin(
                    reportViolation,
                    `Security group ingress rule ${args.name}`,
                    () => ({ protocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort }),
                    {
                        CIDR: () => [rule.cidrIpv4, rule.cidrIpv6],
                        "prefix list": () => rule.prefixListId,
                        "security group": () => rule.referencedSecurityGroupId,
                    },
                );
            }),
        ],
    },
    {
        // Pulumi defaults vpcEndpointType to Gateway and privateDnsEnabled to false; agents in a closed VPC need private DNS:
        // https://www.pulumi.com/registry/packages/aws/api-docs/ec2/vpcendpoint/
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
        name: "ssm-endpoints-interface-private-dns",
        description:
            "SSM endpoints (ssm, ssmmessages, ec2messages) must be Interface endpoints with private DNS, or agents resolve the public names and fail.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(aws.ec2.VpcEndpoint, (endpoint, args, reportViolation) => {
            const settings = read(() => ({
                service: String(endpoint.serviceName),
                type: endpoint.vpcEndpointType,
                privateDns: endpoint.privateDnsEnabled,
            }));
            if (settings === notYetKnown) {
                return;
            }
            if (!ssmInterfaceEndpointServices.some(service => settings.service.endsWith(`.${service}`))) {
                args.notApplicable("not an SSM endpoint");
            }
            if (settings.type !== "Interface" || settings.privateDns !== true) {
                reportViolation(
                    `Endpoint ${args.name} for ${settings.service} must set vpcEndpointType: "Interface" and privateDnsEnabled: true.`,
                );
            }
        }),
    },
    mandatory(lambdaRoleLeastPrivilege),
    {
        name: "encrypted-topics-and-queues",
        description: "SNS topics and SQS queues must be encrypted at rest.",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.sns.Topic, (topic, args, reportViolation) => {
                if (!isSet(() => topic.kmsMasterKeyId)) {
                    reportViolation(
                        `SNS topic ${args.name} is not encrypted: set kmsMasterKeyId to a KMS key (a customer-managed key if AWS services publish to it).`,
                    );
                }
            }),
            validateResourceOfType(aws.sqs.Queue, (queue, args, reportViolation) => {
                const managed = read(() => queue.sqsManagedSseEnabled);
                if (!isSet(() => queue.kmsMasterKeyId) && managed !== true && managed !== notYetKnown) {
                    reportViolation(
                        `SQS queue ${args.name} is not encrypted: set kmsMasterKeyId or sqsManagedSseEnabled: true.`,
                    );
                }
            }),
        ],
    },
    mandatory(privateTlsOnlyBuckets),
    mandatory(auditBucketsSseKms),
    {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
        name: "tls-only-bucket-policies",
        description: "S3 bucket policies must deny requests without TLS.",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.s3.BucketPolicy, (bucketPolicy, args, reportViolation) => {
                if (read(() => deniesInsecureTransport(bucketPolicy.policy)) === false) {
                    reportViolation(
                        `Bucket policy ${args.name} does not deny requests without TLS: add a Deny statement for the bucket and its objects with the condition Bool aws:SecureTransport "false".`,
                    );
                }
            }),
            validateResourceOfType(aws.s3.Bucket, (bucket, args, reportViolation) => {
                if (isSet(() => bucket.policy) && read(() => deniesInsecureTransport(bucket.policy)) === false) {
                    reportViolation(
                        `Bucket ${args.name} has an inline policy that does not deny requests without TLS: add a Deny statement with the condition Bool aws:SecureTransport "false".`,
                    );
                }
            }),
        ],
    },
    { ...mandatory(baselineSurface), enforcementLevel: "advisory" },
    mandatory(runbookRulesOffDefaultBus),
    {
        name: "unverifiable",
        description:
            "What the stack policies cannot check, because it refers to something this stack does not define or to values known only after the update: check it yourself, or define it in this stack.",
        enforcementLevel: "advisory",
        validateStack: (args, reportViolation) => {
            const stack = new StackResources(args.resources);
            for (const check of stackChecks) {
                for (const finding of check.findings(stack)) {
                    if (finding.unverifiable) {
                        reportViolation(`${check.name}: ${finding.message}`, finding.urn);
                    }
                }
            }
        },
    },
];
