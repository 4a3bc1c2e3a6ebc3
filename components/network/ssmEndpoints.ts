import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    endpointServiceName,
    patchingAndAgentBuckets,
    sessionEncryptionEndpointService,
    sessionLogsEndpointService,
    ssmInterfaceEndpointServices,
} from "../../aws/identifiers";
import { partitionOf } from "../../aws/partition";
import { policyDocument, Statement } from "../parts/policyDocuments";
import { VpcNetwork } from "./closedVpc";

/** A restricted S3 gateway endpoint: what the workloads need through it besides Systems Manager and this stack. */
export interface S3EndpointPolicySettings {
    /** Buckets, by name, that anything in the VPC may use through the endpoint. */
    readonly allowedBuckets: readonly string[];
}

/** What stack configuration decides. */
export interface SsmEndpointsSettings {
    readonly region: string;
    /** Also create ec2messages, which only agents older than 3.3.40.0 use. */
    readonly includeEc2Messages: boolean;
    /** Also create logs, which nodes need to send session logs to CloudWatch Logs. */
    readonly includeLogs: boolean;
    /** Also create kms, which nodes need to decrypt encrypted sessions. */
    readonly includeKms: boolean;
    /** Restrict the S3 gateway endpoint; absent keeps AWS's default policy, which allows all of S3. */
    readonly s3EndpointPolicy?: S3EndpointPolicySettings;
}

export interface SsmEndpointsArgs extends SsmEndpointsSettings {
    /**
     * The VPC: HTTPS to the endpoints is admitted from its CIDR, the interface endpoints take one
     * subnet per zone, and the S3 gateway endpoint goes on the managed nodes' route tables.
     */
    readonly network: VpcNetwork;
    /** The stack's buckets that nodes upload command output to: a restricted endpoint lets them through. */
    readonly outputBucketArns?: pulumi.Input<string>[];
}

/**
 * The S3 gateway endpoint's policy when restricted: reading the AWS-owned buckets that agent
 * updates and patching need in the region, uploading into the stack's output buckets, and anything
 * on the buckets named in config. An endpoint policy applies to every request through the
 * endpoint, AWS's anonymous HTTP downloads included, so its principal is "*".
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
 */
export function s3EndpointStatements(
    region: string,
    outputBucketArns: readonly pulumi.Input<string>[],
    allowedBuckets: readonly string[],
): Statement[] {
    const arn = (bucket: string) => `arn:${partitionOf(region)}:s3:::${bucket}`;
    return [
        {
            Sid: "SystemsManagerAndRepositories",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: patchingAndAgentBuckets(region).map(({ bucket }) => `${arn(bucket)}/*`),
        },
        ...(outputBucketArns.length > 0
            ? [
                  {
                      Sid: "StackOutput",
                      Effect: "Allow" as const,
                      Principal: "*",
                      Action: "s3:PutObject",
                      Resource: outputBucketArns.map(bucketArn => pulumi.interpolate`${bucketArn}/*`),
                  },
                  // Session Manager checks the log bucket's encryption before it uploads a session log.
                  {
                      Sid: "StackOutputEncryption",
                      Effect: "Allow" as const,
                      Principal: "*",
                      Action: "s3:GetEncryptionConfiguration",
                      Resource: [...outputBucketArns],
                  },
              ]
            : []),
        ...(allowedBuckets.length > 0
            ? [
                  {
                      Sid: "ConfiguredBuckets",
                      Effect: "Allow" as const,
                      Principal: "*",
                      Action: "s3:*",
                      Resource: allowedBuckets.flatMap(bucket => [arn(bucket), `${arn(bucket)}/*`]),
                  },
              ]
            : []),
    ];
}

/**
 * The private network path from managed nodes to Systems Manager: interface endpoints with
 * private DNS, an S3 gateway endpoint, and two least-privilege security groups: one for the
 * endpoints (HTTPS from the VPC) and one for managed nodes (no ingress; HTTPS to the endpoints,
 * HTTP and HTTPS to the S3 prefix list, since Amazon Linux 2 repositories use HTTP).
 */
export class SsmEndpoints extends pulumi.ComponentResource {
    public readonly endpointSecurityGroupId: pulumi.Output<string>;
    public readonly managedNodeSecurityGroupId: pulumi.Output<string>;
    public readonly interfaceEndpointIds: Record<string, pulumi.Output<string>>;
    public readonly s3GatewayEndpointId: pulumi.Output<string>;

    constructor(name: string, args: SsmEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:SsmEndpoints", name, {}, opts);
        const child = { parent: this };

        const endpointSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-endpoints`,
            {
                vpcId: args.network.vpcId,
                description: "SSM interface endpoints: HTTPS from the VPC only",
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        cidrBlocks: [args.network.cidrBlock],
                        description: "HTTPS from the VPC",
                    },
                ],
                egress: [],
                tags: { Name: `${name}-endpoints` },
            },
            child,
        );

        this.interfaceEndpointIds = {};
        for (const service of [
            ...ssmInterfaceEndpointServices.filter(s => args.includeEc2Messages || s !== "ec2messages"),
            ...(args.includeLogs ? [sessionLogsEndpointService] : []),
            ...(args.includeKms ? [sessionEncryptionEndpointService] : []),
        ]) {
            this.interfaceEndpointIds[service] = new aws.ec2.VpcEndpoint(
                `${name}-${service}`,
                {
                    vpcId: args.network.vpcId,
                    serviceName: endpointServiceName(args.region, service),
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: args.network.subnetIds,
                    securityGroupIds: [endpointSecurityGroup.id],
                    tags: { Name: `${name}-${service}` },
                },
                child,
            ).id;
        }
        const s3Gateway = new aws.ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: args.network.vpcId,
                serviceName: endpointServiceName(args.region, "s3"),
                vpcEndpointType: "Gateway",
                routeTableIds: args.network.routeTableIds,
                policy: args.s3EndpointPolicy
                    ? policyDocument(
                          s3EndpointStatements(
                              args.region,
                              args.outputBucketArns ?? [],
                              args.s3EndpointPolicy.allowedBuckets,
                          ),
                      )
                    : undefined,
                tags: { Name: `${name}-s3` },
            },
            child,
        );

        const managedNodeSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-managed-nodes`,
            {
                vpcId: args.network.vpcId,
                description: "SSM managed nodes: no ingress; HTTPS to the SSM endpoints, HTTP(S) to S3",
                ingress: [],
                egress: [
                    {
                        protocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        securityGroups: [endpointSecurityGroup.id],
                        description: "HTTPS to the SSM endpoints",
                    },
                    {
                        protocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        prefixListIds: [s3Gateway.prefixListId],
                        description: "HTTPS to S3",
                    },
                    {
                        protocol: "tcp",
                        fromPort: 80,
                        toPort: 80,
                        prefixListIds: [s3Gateway.prefixListId],
                        description: "HTTP to S3 (Amazon Linux 2 repositories)",
                    },
                ],
                tags: { Name: `${name}-managed-nodes` },
            },
            child,
        );

        this.endpointSecurityGroupId = endpointSecurityGroup.id;
        this.managedNodeSecurityGroupId = managedNodeSecurityGroup.id;
        this.s3GatewayEndpointId = s3Gateway.id;
        this.registerOutputs({
            endpointSecurityGroupId: this.endpointSecurityGroupId,
            managedNodeSecurityGroupId: this.managedNodeSecurityGroupId,
            interfaceEndpointIds: this.interfaceEndpointIds,
            s3GatewayEndpointId: this.s3GatewayEndpointId,
        });
    }
}
