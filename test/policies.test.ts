// Each policy against passing and failing resources built from real @pulumi/aws argument types,
// run through policy/evaluate.ts (the engine's semantics); facts cited beside each group.
import * as aws from "@pulumi/aws";
import * as assert from "assert";
import { DefaultHostManagement } from "../components/defaultHostManagement";
import { PrivateBucket } from "../components/privateBucket";
import { plannedResources } from "../plan/synthesize";
import { AnalyzedResource, evaluatePolicies, PackConfig } from "../policy/evaluate";
import { policies } from "../policy/policies";
import { runProgram, underMocks } from "./support/program";

const typeOf = (cls: unknown) => (cls as { __pulumiType: string }).__pulumiType;

/** A resource as the engine would analyze it; outputs default to the inputs. */
function resource<T extends object>(
    cls: { new (name: string, args: T, ...rest: any[]): unknown },
    name: string,
    args: T,
    outputs: Record<string, unknown> = {},
): AnalyzedResource {
    const type = typeOf(cls);
    return { urn: `urn:pulumi:test::p::${type}::${name}`, type, name, inputs: args, outputs: { ...args, ...outputs } };
}

async function violations(policy: string, resources: AnalyzedResource[], config?: PackConfig) {
    return evaluatePolicies(
        policies.filter(p => p.name === policy),
        resources,
        { config },
    );
}

async function assertViolates(policy: string, resources: AnalyzedResource[], expected: RegExp) {
    const found = await violations(policy, resources);
    assert.ok(
        found.some(v => expected.test(v.message)),
        `expected ${policy} to report ${expected}; got ${JSON.stringify(found, null, 1)}`,
    );
}

async function assertPasses(policy: string, resources: AnalyzedResource[]) {
    assert.deepStrictEqual(await violations(policy, resources), []);
}

const trust = (service: string) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    });
const allow = (action: unknown, key = "Action") =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", [key]: action, Resource: "*" }] });
const role = (name: string, args: Partial<aws.iam.RoleArgs> = {}) =>
    resource(
        aws.iam.Role,
        name,
        { name, assumeRolePolicy: trust("ec2.amazonaws.com"), ...args },
        { arn: `arn:aws:iam::123456789012:role/${name}`, id: name },
    );
const profile = (roleName: string) => resource(aws.iam.InstanceProfile, `${roleName}-profile`, { role: roleName });
const attach = (roleName: string, policyArn: string) =>
    resource(aws.iam.RolePolicyAttachment, `${roleName}-${policyArn.split("/").pop()}`, { role: roleName, policyArn });

describe("policies", () => {
    describe("dhmc-imdsv2-required (aws-facts §1.3)", () => {
        it("passes instances and launch templates that require IMDSv2", async () => {
            await assertPasses("dhmc-imdsv2-required", [
                resource(aws.ec2.Instance, "web", {
                    ami: "ami-1",
                    instanceType: "t4g.nano",
                    metadataOptions: { httpTokens: "required" },
                }),
                resource(aws.ec2.LaunchTemplate, "lt", { metadataOptions: { httpTokens: "required" } }),
                resource(aws.s3.Bucket, "other", {}),
            ]);
        });

        it("fails instances and launch templates that allow IMDSv1 or leave it to defaults", async () => {
            await assertViolates(
                "dhmc-imdsv2-required",
                [resource(aws.ec2.Instance, "web", { ami: "ami-1", metadataOptions: { httpTokens: "optional" } })],
                /Instance web does not require IMDSv2/,
            );
            await assertViolates(
                "dhmc-imdsv2-required",
                [resource(aws.ec2.Instance, "bare", { ami: "ami-1" })],
                /Instance bare/,
            );
            await assertViolates(
                "dhmc-imdsv2-required",
                [resource(aws.ec2.LaunchTemplate, "lt", {})],
                /Launch template lt does not require IMDSv2/,
            );
        });
    });

    describe("dhmc-instance-profile-without-ssm (aws-facts §1.4)", () => {
        const policy = "dhmc-instance-profile-without-ssm";

        it("fails a profile whose role has AmazonSSMManagedInstanceCore or another managed policy that allows registration", async () => {
            for (const managed of [
                "AmazonSSMManagedInstanceCore",
                "AmazonSSMFullAccess",
                "AdministratorAccess",
                "PowerUserAccess",
            ]) {
                await assertViolates(
                    policy,
                    [role("app"), profile("app"), attach("app", `arn:aws:iam::aws:policy/${managed}`)],
                    new RegExp(
                        `Instance profile app-profile uses role app, which allows ssm:UpdateInstanceInformation through managed policy ${managed}`,
                    ),
                );
            }
            await assertViolates(
                policy,
                [
                    role("app", { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"] }),
                    profile("app"),
                ],
                /managed policy AmazonSSMManagedInstanceCore/,
            );
        });

        it("fails inline and attached documents that grant it, including wildcards and NotAction, in any letter case", async () => {
            for (const action of [
                "ssm:UpdateInstanceInformation",
                "ssm:*",
                "ssm:Update*",
                "*",
                ["s3:GetObject", "SSM:updateinstanceinformation"],
            ]) {
                await assertViolates(
                    policy,
                    [
                        role("app"),
                        profile("app"),
                        resource(aws.iam.RolePolicy, "inline", { role: "app", policy: allow(action) }),
                    ],
                    /1 policy document/,
                );
            }
            await assertViolates(
                policy,
                [
                    role("app"),
                    profile("app"),
                    resource(aws.iam.RolePolicy, "not", { role: "app", policy: allow(["iam:*"], "NotAction") }),
                ],
                /policy document/,
            );
            await assertViolates(
                policy,
                [role("app", { inlinePolicies: [{ name: "x", policy: allow("ssm:*") }] }), profile("app")],
                /policy document/,
            );
            const custom = resource(
                aws.iam.Policy,
                "custom",
                { policy: allow("ssm:Update*") },
                { arn: "arn:aws:iam::123456789012:policy/custom" },
            );
            await assertViolates(
                policy,
                [role("app"), profile("app"), custom, attach("app", "arn:aws:iam::123456789012:policy/custom")],
                /policy document/,
            );
            await assertViolates(
                policy,
                [
                    role("app"),
                    profile("app"),
                    resource(aws.iam.PolicyAttachment, "shared", {
                        roles: ["app"],
                        policyArn: "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
                    }),
                ],
                /AmazonSSMFullAccess/,
            );
        });

        it("passes profiles whose roles grant only what applications need, and SSM roles no profile uses", async () => {
            await assertPasses(policy, [
                role("app"),
                profile("app"),
                attach("app", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"),
                resource(aws.iam.RolePolicy, "reads", {
                    role: "app",
                    policy: allow(["ssm:GetParameter", "s3:GetObject"]),
                }),
                resource(aws.iam.RolePolicy, "denies", {
                    role: "app",
                    policy: JSON.stringify({ Statement: [{ Effect: "Deny", Action: "ssm:*", Resource: "*" }] }),
                }),
                role("unused"),
                attach("unused", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"),
            ]);
        });
    });

    describe("dhmc-service-setting (aws-facts §1.1, §1.2)", () => {
        const policy = "dhmc-service-setting";
        const dhmcRole = (args: Partial<aws.iam.RoleArgs> = {}) =>
            role("AWSSystemsManagerDefaultEC2InstanceManagementRole", {
                path: "/service-role/",
                assumeRolePolicy: trust("ssm.amazonaws.com"),
                ...args,
            });
        const dhmcPolicy = attach(
            "AWSSystemsManagerDefaultEC2InstanceManagementRole",
            "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy",
        );
        const setting = (
            settingValue: string,
            name = "dhmc",
            settingId = "/ssm/managed-instance/default-ec2-instance-management-role",
        ) => resource(aws.ssm.ServiceSetting, name, { settingId, settingValue });

        it("passes the baseline's own DHMC component", async () => {
            const { mocks } = await underMocks(
                {},
                () =>
                    new DefaultHostManagement("dhmc", {
                        region: "eu-west-1",
                        roleName: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
                        protection: "retain",
                    }),
            );
            await assertPasses(policy, plannedResources(mocks));
        });

        it("fails a value that is an ARN", async () => {
            await assertViolates(
                policy,
                [
                    dhmcRole(),
                    dhmcPolicy,
                    setting(
                        "arn:aws:iam::123456789012:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
                    ),
                ],
                /has the value arn:aws:iam::123456789012:role\/service-role\/.*, an ARN: DHMC expects the role's name/,
            );
        });

        it("fails a role that SSM cannot assume or that lacks the DHMC managed policy", async () => {
            await assertViolates(
                policy,
                [
                    dhmcRole({ assumeRolePolicy: trust("ec2.amazonaws.com") }),
                    dhmcPolicy,
                    setting("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"),
                ],
                /does not trust ssm.amazonaws.com/,
            );
            await assertViolates(
                policy,
                [dhmcRole(), setting("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole")],
                /lacks the managed policy AmazonSSMManagedEC2InstanceDefaultPolicy/,
            );
        });

        it("fails a name whose path does not match the role, or a role the stack does not define", async () => {
            await assertViolates(
                policy,
                [dhmcRole(), dhmcPolicy, setting("AWSSystemsManagerDefaultEC2InstanceManagementRole")],
                /which this stack does not define with that path and name/,
            );
        });

        it("fails a second DHMC setting, in either id form, and ignores other service settings", async () => {
            const found = await violations(policy, [
                dhmcRole(),
                dhmcPolicy,
                setting("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"),
                setting(
                    "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
                    "again",
                    "arn:aws:ssm:eu-west-1:123456789012:servicesetting/ssm/managed-instance/default-ec2-instance-management-role",
                ),
                setting("true", "throughput", "/ssm/parameter-store/high-throughput-enabled"),
            ]);
            assert.deepStrictEqual(
                found.map(v => v.urn),
                ["urn:pulumi:test::p::aws:ssm/serviceSetting:ServiceSetting::again"],
            );
            assert.match(found[0].message, /sets DHMC a second time/);
        });
    });

    describe("no-ssh-rdp-ingress", () => {
        const policy = "no-ssh-rdp-ingress";
        const group = (ingress: aws.types.input.ec2.SecurityGroupIngress[]) =>
            resource(aws.ec2.SecurityGroup, "sg", { ingress });

        it("fails SSH and RDP however a security group expresses them", async () => {
            await assertViolates(
                policy,
                [group([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }])],
                /Security group sg admits port 22/,
            );
            await assertViolates(
                policy,
                [group([{ protocol: "tcp", fromPort: 3389, toPort: 3389 }])],
                /admits port 3389/,
            );
            await assertViolates(
                policy,
                [group([{ protocol: "udp", fromPort: 3389, toPort: 3389 }])],
                /admits port 3389/,
            );
            await assertViolates(policy, [group([{ protocol: "-1", fromPort: 0, toPort: 0 }])], /admits port 22/);
            await assertViolates(policy, [group([{ protocol: "6", fromPort: 0, toPort: 65535 }])], /admits port 22/);
            await assertViolates(
                policy,
                [
                    resource(aws.ec2.SecurityGroupRule, "rule", {
                        type: "ingress",
                        protocol: "tcp",
                        fromPort: 22,
                        toPort: 22,
                        securityGroupId: "sg-1",
                    }),
                ],
                /Security group rule rule admits port 22/,
            );
            await assertViolates(
                policy,
                [
                    resource(aws.vpc.SecurityGroupIngressRule, "vpc-rule", {
                        securityGroupId: "sg-1",
                        ipProtocol: "tcp",
                        fromPort: 3389,
                        toPort: 3389,
                    }),
                ],
                /ingress rule vpc-rule admits port 3389/,
            );
        });

        it("passes HTTPS, egress rules and UDP 22", async () => {
            await assertPasses(policy, [
                group([
                    { protocol: "tcp", fromPort: 443, toPort: 443 },
                    { protocol: "udp", fromPort: 22, toPort: 22 },
                ]),
                resource(aws.ec2.SecurityGroupRule, "out", {
                    type: "egress",
                    protocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    securityGroupId: "sg-1",
                }),
            ]);
        });
    });

    describe("ssm-endpoints-interface-private-dns (aws-facts §4.2)", () => {
        const policy = "ssm-endpoints-interface-private-dns";
        const endpoint = (service: string, args: Partial<aws.ec2.VpcEndpointArgs>) =>
            resource(aws.ec2.VpcEndpoint, service, {
                vpcId: "vpc-1",
                serviceName: `com.amazonaws.eu-west-1.${service}`,
                ...args,
            });

        it("fails SSM endpoints left at Pulumi's defaults (Gateway, no private DNS)", async () => {
            await assertViolates(
                policy,
                [endpoint("ssm", {})],
                /Endpoint ssm for com.amazonaws.eu-west-1.ssm must set vpcEndpointType: "Interface" and privateDnsEnabled: true/,
            );
            await assertViolates(
                policy,
                [endpoint("ec2messages", { vpcEndpointType: "Interface", privateDnsEnabled: false })],
                /ec2messages/,
            );
        });

        it("passes Interface endpoints with private DNS, and ignores other services", async () => {
            await assertPasses(policy, [
                endpoint("ssmmessages", { vpcEndpointType: "Interface", privateDnsEnabled: true }),
                endpoint("s3", { vpcEndpointType: "Gateway" }),
            ]);
        });
    });

    describe("lambda-role-least-privilege (aws-facts §7)", () => {
        const policy = "lambda-role-least-privilege";

        it("fails a CallbackFunction created without a role", async () => {
            const { mocks } = await underMocks(
                {},
                () =>
                    new aws.lambda.CallbackFunction("roleless", {
                        runtime: "nodejs22.x",
                        callback: async () => undefined,
                    }),
            );
            const found = await violations(policy, plannedResources(mocks));
            assert.ok(
                found.some(v => /Lambda role roleless carries AWSLambda_FullAccess/.test(v.message)),
                JSON.stringify(found, null, 1),
            );
            assert.ok(found.some(v => /AmazonS3FullAccess/.test(v.message)));
        });

        it("passes Lambda roles with narrow policies, and other services' roles", async () => {
            await assertPasses(policy, [
                role("fn", { assumeRolePolicy: trust("lambda.amazonaws.com") }),
                attach("fn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
                role("batch"),
                attach("batch", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
            ]);
        });
    });

    describe("encrypted-topics-and-queues", () => {
        it("fails unencrypted topics and queues", async () => {
            await assertViolates(
                "encrypted-topics-and-queues",
                [resource(aws.sns.Topic, "plain", {})],
                /SNS topic plain is not encrypted/,
            );
            await assertViolates(
                "encrypted-topics-and-queues",
                [resource(aws.sqs.Queue, "plain", { sqsManagedSseEnabled: false })],
                /SQS queue plain is not encrypted/,
            );
        });

        it("passes KMS- or SQS-managed encryption", async () => {
            await assertPasses("encrypted-topics-and-queues", [
                resource(aws.sns.Topic, "t", { kmsMasterKeyId: "alias/aws/sns" }),
                resource(aws.sqs.Queue, "kms", { kmsMasterKeyId: "alias/aws/sqs" }),
                resource(aws.sqs.Queue, "sse", { sqsManagedSseEnabled: true }),
            ]);
        });
    });

    describe("private-tls-only-buckets", () => {
        it("passes the baseline's PrivateBucket", async () => {
            const { mocks } = await underMocks({}, () => new PrivateBucket("logs", { expirationDays: 7 }));
            await assertPasses("private-tls-only-buckets", plannedResources(mocks));
        });

        it("fails a bucket without all four public-access blocks or without a TLS-only policy", async () => {
            const bucket = resource(aws.s3.Bucket, "b", {}, { id: "b-123", bucket: "b-123" });
            const found = await violations("private-tls-only-buckets", [
                bucket,
                resource(aws.s3.BucketPublicAccessBlock, "pab", {
                    bucket: "b-123",
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: false,
                }),
            ]);
            assert.deepStrictEqual(
                found.map(v => v.message.split("\n")[1]),
                [
                    "Bucket b lacks a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
                    'Bucket b has no policy denying requests without TLS (a Deny with Bool aws:SecureTransport "false").',
                ],
            );
        });
    });

    describe("the baseline itself", () => {
        for (const stack of ["dev", "prod"]) {
            it(`has no violations at all in Pulumi.${stack}.yaml`, async () => {
                const { resources } = await runProgram(stack);
                assert.deepStrictEqual(await evaluatePolicies(policies, resources), []);
            });
        }
    });
});
