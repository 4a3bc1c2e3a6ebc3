// The ssm-fleet-baseline CrossGuard policies. Only this array lives here; policy/index.ts turns it
// into a PolicyPack (whose constructor starts the analyzer server, so tests never construct one).
// The AWS documentation behind each rule is cited beside it.
import * as aws from "@pulumi/aws";
import { Resource } from "@pulumi/pulumi";
import { Policies, PolicyResource, ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { dhmcManagedPolicyName, dhmcSettingId, ssmInterfaceEndpointServices } from "./awsIdentifiers";
import { allowsAction, deniesInsecureTransport, trustsService } from "./iamDocuments";

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

const policyName = (arn: string) => arn.split(":policy/").pop()?.split("/").pop() ?? arn;
const str = (value: unknown) => (typeof value === "string" ? value : "");
type ResourceClass = { new (...rest: any[]): Resource };
const ofType = (resources: PolicyResource[], ...classes: ResourceClass[]) =>
    resources.filter(r => classes.some(cls => r.isType(cls)));

interface RoleGrants {
    readonly role: PolicyResource;
    /** ARNs of attached managed (or stack-defined) policies. */
    readonly policyArns: string[];
    /** Every policy document that applies to the role: inline, role policies, and stack-defined policies it attaches. */
    readonly documents: unknown[];
}

/** Each role in the stack with what is attached to it, found by name, id or ARN. */
function roleGrants(resources: PolicyResource[]): {
    find(reference: unknown): RoleGrants | undefined;
    all: RoleGrants[];
} {
    const all = ofType(resources, aws.iam.Role).map(role => ({
        role,
        policyArns: [...(role.props.managedPolicyArns ?? [])] as string[],
        documents: (role.props.inlinePolicies ?? []).map((inline: { policy?: unknown }) => inline.policy),
    }));
    const find = (reference: unknown) =>
        all.find(({ role }) =>
            [role.props.name, role.props.id, role.props.arn].some(key => key !== undefined && key === reference),
        );
    const stackPolicies = ofType(resources, aws.iam.Policy);
    const attach = (reference: unknown, arn: string) => {
        const grants = find(reference);
        if (grants) {
            grants.policyArns.push(arn);
            const defined = stackPolicies.find(p => p.props.arn === arn);
            if (defined) {
                grants.documents.push(defined.props.policy);
            }
        }
    };
    for (const attachment of ofType(resources, aws.iam.RolePolicyAttachment)) {
        attach(attachment.props.role, str(attachment.props.policyArn));
    }
    for (const attachment of ofType(resources, aws.iam.PolicyAttachment)) {
        for (const role of attachment.props.roles ?? []) {
            attach(role, str(attachment.props.policyArn));
        }
    }
    for (const inline of ofType(resources, aws.iam.RolePolicy)) {
        find(inline.props.role)?.documents.push(inline.props.policy);
    }
    return { find, all };
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

function reportIngress(
    reportViolation: ReportViolation,
    where: string,
    protocol: unknown,
    fromPort: unknown,
    toPort: unknown,
) {
    const port = opensRemoteLogin(protocol, fromPort, toPort);
    if (port !== undefined) {
        reportViolation(
            `${where} admits port ${port} (${protocol} ${fromPort}-${toPort}). Use Session Manager instead of SSH or RDP and remove the rule.`,
        );
    }
}

export const policies: Policies = [
    {
        // DHMC supports IMDSv2 only:
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
        name: "dhmc-imdsv2-required",
        description: "EC2 instances and launch templates must require IMDSv2, which DHMC needs.",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.ec2.Instance, (instance, args, reportViolation) => {
                if (instance.metadataOptions?.httpTokens !== "required") {
                    reportViolation(
                        `Instance ${args.name} does not require IMDSv2: set metadataOptions.httpTokens to "required".`,
                    );
                }
            }),
            validateResourceOfType(aws.ec2.LaunchTemplate, (template, args, reportViolation) => {
                if (template.metadataOptions?.httpTokens !== "required") {
                    reportViolation(
                        `Launch template ${args.name} does not require IMDSv2: set metadataOptions.httpTokens to "required".`,
                    );
                }
            }),
        ],
    },
    {
        // The agent tries the instance profile first; if it allows ssm:UpdateInstanceInformation, DHMC is never used:
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
        name: "dhmc-instance-profile-without-ssm",
        description:
            "Roles of instance profiles must not allow ssm:UpdateInstanceInformation, or the instance profile silently takes DHMC's place.",
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            const roles = roleGrants(args.resources);
            for (const profile of ofType(args.resources, aws.iam.InstanceProfile)) {
                const grants = roles.find(profile.props.role);
                if (!grants) {
                    continue;
                }
                const roleName = str(grants.role.props.name) || grants.role.name;
                const managed = grants.policyArns
                    .map(policyName)
                    .filter(name => managedPoliciesAllowingRegistration.includes(name));
                const documents = grants.documents.filter(document =>
                    allowsAction(document, "ssm:UpdateInstanceInformation"),
                );
                if (managed.length > 0 || documents.length > 0) {
                    const through = [
                        ...managed.map(name => `managed policy ${name}`),
                        ...(documents.length ? [`${documents.length} policy document(s)`] : []),
                    ].join(", ");
                    reportViolation(
                        `Instance profile ${profile.name} uses role ${roleName}, which allows ssm:UpdateInstanceInformation through ${through}. ` +
                            "Remove that permission (keep only what the application needs) so that DHMC manages the instance.",
                        profile.urn,
                    );
                }
            }
        },
    },
    {
        // The value is a path-qualified role name; the role trusts ssm.amazonaws.com and carries the DHMC managed policy:
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
        name: "dhmc-service-setting",
        description:
            "The DHMC service setting must name (not give the ARN of) a role that trusts ssm.amazonaws.com and carries AmazonSSMManagedEC2InstanceDefaultPolicy; one setting per stack.",
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            const roles = roleGrants(args.resources);
            const settings = ofType(args.resources, aws.ssm.ServiceSetting).filter(
                setting =>
                    str(setting.props.settingId) === dhmcSettingId ||
                    str(setting.props.settingId).endsWith(`:servicesetting${dhmcSettingId}`),
            );
            settings
                .slice(1)
                .forEach(extra =>
                    reportViolation(
                        `Service setting ${extra.name} sets DHMC a second time in this stack; keep exactly one.`,
                        extra.urn,
                    ),
                );
            for (const setting of settings) {
                const value = str(setting.props.settingValue);
                if (value.startsWith("arn:")) {
                    reportViolation(
                        `Service setting ${setting.name} has the value ${value}, an ARN: DHMC expects the role's name, e.g. service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole.`,
                        setting.urn,
                    );
                    continue;
                }
                const grants = roles.all.find(
                    ({ role }) => `${str(role.props.path || "/").slice(1)}${str(role.props.name)}` === value,
                );
                if (!grants) {
                    reportViolation(
                        `Service setting ${setting.name} names role ${value}, which this stack does not define with that path and name, so its trust and policy cannot be checked.`,
                        setting.urn,
                    );
                    continue;
                }
                if (!trustsService(grants.role.props.assumeRolePolicy, "ssm.amazonaws.com")) {
                    reportViolation(
                        `Role ${value} named by DHMC does not trust ssm.amazonaws.com; Systems Manager cannot assume it.`,
                        grants.role.urn,
                    );
                }
                if (!grants.policyArns.some(arn => policyName(arn) === dhmcManagedPolicyName)) {
                    reportViolation(
                        `Role ${value} named by DHMC lacks the managed policy ${dhmcManagedPolicyName}.`,
                        grants.role.urn,
                    );
                }
            }
        },
    },
    {
        name: "no-ssh-rdp-ingress",
        description: "No security group may admit SSH (22) or RDP (3389): Session Manager replaces them.",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.ec2.SecurityGroup, (group, args, reportViolation) => {
                for (const rule of group.ingress ?? []) {
                    reportIngress(
                        reportViolation,
                        `Security group ${args.name}`,
                        rule.protocol,
                        rule.fromPort,
                        rule.toPort,
                    );
                }
            }),
            validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, args, reportViolation) => {
                if (rule.type === "ingress") {
                    reportIngress(
                        reportViolation,
                        `Security group rule ${args.name}`,
                        rule.protocol,
                        rule.fromPort,
                        rule.toPort,
                    );
                }
            }),
            validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, args, reportViolation) => {
                reportIngress(
                    reportViolation,
                    `Security group ingress rule ${args.name}`,
                    rule.ipProtocol,
                    rule.fromPort,
                    rule.toPort,
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
            if (!ssmInterfaceEndpointServices.some(service => str(endpoint.serviceName).endsWith(`.${service}`))) {
                args.notApplicable("not an SSM endpoint");
            }
            if (endpoint.vpcEndpointType !== "Interface" || endpoint.privateDnsEnabled !== true) {
                reportViolation(
                    `Endpoint ${args.name} for ${endpoint.serviceName} must set vpcEndpointType: "Interface" and privateDnsEnabled: true.`,
                );
            }
        }),
    },
    {
        // A CallbackFunction without a role gets *FullAccess and PowerUser managed policies (see broadPolicyName).
        name: "lambda-role-least-privilege",
        description:
            "Lambda roles must not carry FullAccess, PowerUser or AdministratorAccess managed policies; give CallbackFunctions an explicit role.",
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            for (const { role, policyArns } of roleGrants(args.resources).all) {
                if (!trustsService(role.props.assumeRolePolicy, "lambda.amazonaws.com")) {
                    continue;
                }
                for (const arn of policyArns.filter(a => broadPolicyName.test(policyName(a)))) {
                    reportViolation(
                        `Lambda role ${role.name} carries ${policyName(arn)}. Pass a least-privilege role (for a CallbackFunction, its role argument).`,
                        role.urn,
                    );
                }
            }
        },
    },
    {
        name: "encrypted-topics-and-queues",
        description: "SNS topics and SQS queues must be encrypted at rest.",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.sns.Topic, (topic, args, reportViolation) => {
                if (!topic.kmsMasterKeyId) {
                    reportViolation(
                        `SNS topic ${args.name} is not encrypted: set kmsMasterKeyId to a KMS key (a customer-managed key if AWS services publish to it).`,
                    );
                }
            }),
            validateResourceOfType(aws.sqs.Queue, (queue, args, reportViolation) => {
                if (!queue.kmsMasterKeyId && queue.sqsManagedSseEnabled !== true) {
                    reportViolation(
                        `SQS queue ${args.name} is not encrypted: set kmsMasterKeyId or sqsManagedSseEnabled: true.`,
                    );
                }
            }),
        ],
    },
    {
        name: "private-tls-only-buckets",
        description: "S3 buckets must turn on all four public-access blocks and deny requests without TLS.",
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            const blocks = ofType(args.resources, aws.s3.BucketPublicAccessBlock);
            const bucketPolicies = ofType(args.resources, aws.s3.BucketPolicy);
            for (const bucket of ofType(args.resources, aws.s3.Bucket, aws.s3.BucketV2)) {
                const names = [bucket.props.id, bucket.props.bucket].filter(Boolean);
                const block = blocks.find(b => names.includes(b.props.bucket))?.props;
                if (
                    !block ||
                    !(
                        block.blockPublicAcls &&
                        block.blockPublicPolicy &&
                        block.ignorePublicAcls &&
                        block.restrictPublicBuckets
                    )
                ) {
                    reportViolation(
                        `Bucket ${bucket.name} lacks a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.`,
                        bucket.urn,
                    );
                }
                const documents = [
                    bucket.props.policy,
                    ...bucketPolicies.filter(p => names.includes(p.props.bucket)).map(p => p.props.policy),
                ];
                if (!documents.some(deniesInsecureTransport)) {
                    reportViolation(
                        `Bucket ${bucket.name} has no policy denying requests without TLS (a Deny with Bool aws:SecureTransport "false").`,
                        bucket.urn,
                    );
                }
            }
        },
    },
];
