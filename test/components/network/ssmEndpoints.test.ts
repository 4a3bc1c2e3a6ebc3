// Endpoint facts: service names com.amazonaws.<region>.<service>, ec2messages only for agents before
// 3.3.40.0 (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html);
// Interface type and private DNS must be set explicitly (Pulumi defaults to a Gateway without
// private DNS); the S3 gateway endpoint sits on route tables and publishes a prefix list.
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { SsmEndpoints } from "../../../components/network/ssmEndpoints";
import { standInS3PrefixListId } from "../../../harness/standIns";
import { underMocks, valueOf } from "../../support/program";

const endpointArgs = {
    region: "eu-west-1",
    includeLogs: false,
    includeKms: false,
    network: {
        vpcId: pulumi.output("vpc-0123456789abcdef0"),
        cidrBlock: pulumi.output("10.0.0.0/16"),
        subnetIds: [pulumi.output("subnet-a"), pulumi.output("subnet-b")],
        routeTableIds: [pulumi.output("rtb-a")],
    },
};

describe("SSM endpoints", () => {
    it("creates ssm and ssmmessages interface endpoints with private DNS in every given subnet", async () => {
        const { mocks, result } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        const interfaces = mocks
            .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
            .filter(e => e.inputs.vpcEndpointType === "Interface");
        assert.deepStrictEqual(
            interfaces.map(e => e.inputs.serviceName),
            ["com.amazonaws.eu-west-1.ssm", "com.amazonaws.eu-west-1.ssmmessages"],
        );
        for (const endpoint of interfaces) {
            assert.strictEqual(endpoint.inputs.privateDnsEnabled, true);
            assert.deepStrictEqual(endpoint.inputs.subnetIds, ["subnet-a", "subnet-b"]);
            assert.deepStrictEqual(endpoint.inputs.securityGroupIds, ["ep-endpoints-id"]);
        }
        assert.deepStrictEqual(Object.keys(await valueOf(result.interfaceEndpointIds)), ["ssm", "ssmmessages"]);
    });

    it("adds ec2messages for agents older than 3.3.40.0 when asked", async () => {
        const { mocks } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: true }),
        );
        assert.deepStrictEqual(mocks.named("ep-ec2messages").inputs.serviceName, "com.amazonaws.eu-west-1.ec2messages");
        assert.strictEqual(mocks.named("ep-ec2messages").inputs.privateDnsEnabled, true);
    });

    // Session logs to CloudWatch need logs, encrypted sessions need kms
    // (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-privatelink.html).
    it("adds logs and kms, like ssm, when session logging and encryption need them", async () => {
        const { mocks, result } = await underMocks(
            {},
            () =>
                new SsmEndpoints("ep", {
                    ...endpointArgs,
                    includeEc2Messages: false,
                    includeLogs: true,
                    includeKms: true,
                }),
        );
        for (const [service, name] of [
            ["logs", "com.amazonaws.eu-west-1.logs"],
            ["kms", "com.amazonaws.eu-west-1.kms"],
        ]) {
            const endpoint = mocks.named(`ep-${service}`).inputs;
            assert.deepStrictEqual(
                [
                    endpoint.serviceName,
                    endpoint.vpcEndpointType,
                    endpoint.privateDnsEnabled,
                    endpoint.subnetIds,
                    endpoint.securityGroupIds,
                ],
                [name, "Interface", true, ["subnet-a", "subnet-b"], ["ep-endpoints-id"]],
            );
        }
        assert.deepStrictEqual(Object.keys(await valueOf(result.interfaceEndpointIds)), [
            "ssm",
            "ssmmessages",
            "logs",
            "kms",
        ]);
        const { mocks: only } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false, includeKms: true }),
        );
        assert.deepStrictEqual(
            only
                .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
                .map(e => e.name)
                .sort(),
            ["ep-kms", "ep-s3", "ep-ssm", "ep-ssmmessages"],
        );
    });

    it("puts the S3 gateway endpoint on the nodes' route tables", async () => {
        const { mocks } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        const s3 = mocks.named("ep-s3").inputs;
        assert.deepStrictEqual(
            [s3.serviceName, s3.vpcEndpointType, s3.routeTableIds],
            ["com.amazonaws.eu-west-1.s3", "Gateway", ["rtb-a"]],
        );
    });

    it("admits only HTTPS from the VPC to the endpoints", async () => {
        const { mocks } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        const group = mocks.named("ep-endpoints").inputs;
        assert.deepStrictEqual(
            group.ingress.map(({ protocol, fromPort, toPort, cidrBlocks }: any) => ({
                protocol,
                fromPort,
                toPort,
                cidrBlocks,
            })),
            [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }],
        );
        assert.deepStrictEqual(group.egress, []);
    });

    it("gives managed nodes no ingress and egress only to the endpoints (443) and the S3 prefix list (80, 443)", async () => {
        const { mocks, result } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        const group = mocks.named("ep-managed-nodes").inputs;
        assert.deepStrictEqual(group.ingress, []);
        assert.deepStrictEqual(
            group.egress.map(({ protocol, fromPort, toPort, securityGroups, prefixListIds, cidrBlocks }: any) => ({
                protocol,
                fromPort,
                toPort,
                securityGroups,
                prefixListIds,
                cidrBlocks,
            })),
            [
                {
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    securityGroups: ["ep-endpoints-id"],
                    prefixListIds: undefined,
                    cidrBlocks: undefined,
                },
                {
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    securityGroups: undefined,
                    prefixListIds: [standInS3PrefixListId],
                    cidrBlocks: undefined,
                },
                {
                    protocol: "tcp",
                    fromPort: 80,
                    toPort: 80,
                    securityGroups: undefined,
                    prefixListIds: [standInS3PrefixListId],
                    cidrBlocks: undefined,
                },
            ],
        );
        assert.strictEqual(await valueOf(result.managedNodeSecurityGroupId), "ep-managed-nodes-id");
    });

    it("keeps AWS's default, all-of-S3 endpoint policy unless asked to restrict it", async () => {
        const { mocks } = await underMocks(
            {},
            () => new SsmEndpoints("ep", { ...endpointArgs, includeEc2Messages: false }),
        );
        assert.strictEqual(mocks.named("ep-s3").inputs.policy, undefined);
    });

    it("restricted, lets through exactly SSM's and the repositories' buckets in the region, the stack's output and the named buckets", async () => {
        const { mocks } = await underMocks(
            {},
            () =>
                new SsmEndpoints("ep", {
                    ...endpointArgs,
                    includeEc2Messages: false,
                    s3EndpointPolicy: { allowedBuckets: ["workload-data"] },
                    outputBucketArns: [
                        pulumi.output("arn:aws:s3:::agent-output"),
                        pulumi.output("arn:aws:s3:::patch-output"),
                    ],
                }),
        );
        assert.deepStrictEqual(JSON.parse(mocks.named("ep-s3").inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "SystemsManagerAndRepositories",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:GetObject",
                    Resource: [
                        "arn:aws:s3:::amazon-ssm-eu-west-1/*",
                        "arn:aws:s3:::aws-ssm-eu-west-1/*",
                        "arn:aws:s3:::patch-baseline-snapshot-eu-west-1/*",
                        "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*",
                        "arn:aws:s3:::amazonlinux-2-repos-eu-west-1/*",
                        "arn:aws:s3:::amazonlinux.eu-west-1.amazonaws.com/*",
                    ],
                },
                {
                    Sid: "StackOutput",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: ["arn:aws:s3:::agent-output/*", "arn:aws:s3:::patch-output/*"],
                },
                {
                    Sid: "StackOutputEncryption",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:GetEncryptionConfiguration",
                    Resource: ["arn:aws:s3:::agent-output", "arn:aws:s3:::patch-output"],
                },
                {
                    Sid: "ConfiguredBuckets",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: ["arn:aws:s3:::workload-data", "arn:aws:s3:::workload-data/*"],
                },
            ],
        });
    });

    it("restricted without named buckets, allows nothing beyond SSM's buckets and the stack's, in the region's partition", async () => {
        const { mocks } = await underMocks(
            {},
            () =>
                new SsmEndpoints("ep", {
                    ...endpointArgs,
                    region: "us-gov-west-1",
                    includeEc2Messages: false,
                    s3EndpointPolicy: { allowedBuckets: [] },
                    outputBucketArns: [pulumi.output("arn:aws-us-gov:s3:::agent-output")],
                }),
        );
        const statements = JSON.parse(mocks.named("ep-s3").inputs.policy).Statement;
        assert.deepStrictEqual(
            statements.map((s: any) => s.Sid),
            ["SystemsManagerAndRepositories", "StackOutput", "StackOutputEncryption"],
        );
        assert.strictEqual(statements[0].Resource[0], "arn:aws-us-gov:s3:::amazon-ssm-us-gov-west-1/*");
    });
});
