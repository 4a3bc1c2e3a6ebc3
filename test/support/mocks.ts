// A recording mock monitor: every registration and invoke is kept for assertions, invokes it does
// not know fail loudly, and custom resources get the provider outputs our code reads.
import * as pulumi from "@pulumi/pulumi";

export const testAccountId = "123456789012";
export const testRegion = "eu-west-1";
export const testZones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
/** The S3 prefix-list id our gateway-endpoint mock reports. */
export const testS3PrefixListId = "pl-6da54004";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly custom: boolean;
}

/** Resource options as the engine receives them, which the Mocks interface does not show. */
export interface RecordedOptions {
    readonly urn: string;
    readonly parentUrn: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly dependencies: string[];
}

export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly invokes: { token: string; inputs: Record<string, any> }[] = [];
    readonly options = new Map<string, RecordedOptions>();

    /** Wraps the mock monitor so that each registration's options are recorded by resource name. */
    recordOptionsOf(monitor: any): void {
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) =>
            register(req, (err: any, resp: any) => {
                this.options.set(req.getName(), {
                    urn: resp?.getUrn?.() ?? "",
                    parentUrn: req.getParent(),
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    dependencies: req.getDependenciesList(),
                });
                callback(err, resp);
            });
    }

    /** The recorded options of the resource with this logical name. */
    optionsOf(name: string): RecordedOptions {
        const found = this.options.get(name);
        if (!found) {
            throw new Error(`no options recorded for ${name}`);
        }
        return found;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? true });
        const id = `${args.name}-id`;
        return { id: args.custom === false ? undefined : id, state: { ...args.inputs, ...providerOutputs(args, id) } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        this.invokes.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: testAccountId, arn: `arn:aws:iam::${testAccountId}:user/test`, id: testAccountId, userId: "AIDATEST" };
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return { id: testRegion, names: testZones, zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"], state: "available" };
            default:
                throw new Error(`Mock not implemented: ${args.token}`);
        }
    }

    /** Resources of one Pulumi type, e.g. "aws:ec2/vpcEndpoint:VpcEndpoint". */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter(r => r.type === type);
    }

    /** The one custom resource with this logical name (a component may share its child's name). */
    named(name: string): RecordedResource {
        const found = this.resources.filter(r => r.name === name && r.custom);
        if (found.length !== 1) {
            throw new Error(`expected one resource named ${name}, found ${found.length}: ${this.resources.map(r => r.name).join(", ")}`);
        }
        return found[0];
    }
}

function providerOutputs(args: pulumi.runtime.MockResourceArgs, id: string): Record<string, unknown> {
    const { type, name, inputs } = args;
    const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
    const physicalName = inputs.name ?? `${name}-1234567`;
    const common = { arn: `arn:aws:${service}:${testRegion}:${testAccountId}:${name}`, name: physicalName };
    switch (type) {
        case "aws:iam/role:Role":
            return { ...common, arn: `arn:aws:iam::${testAccountId}:role${inputs.path ?? "/"}${physicalName}` };
        case "aws:s3/bucket:Bucket":
            return { ...common, bucket: physicalName, arn: `arn:aws:s3:::${physicalName}` };
        case "aws:sqs/queue:Queue":
            return { ...common, url: `https://sqs.${testRegion}.amazonaws.com/${testAccountId}/${physicalName}` };
        case "aws:ec2/vpcEndpoint:VpcEndpoint":
            return inputs.vpcEndpointType === "Gateway" ? { ...common, prefixListId: testS3PrefixListId } : common;
        case "aws:ssm/association:Association":
            return { ...common, associationId: `${name}-association-id` };
        case "aws:ec2/vpc:Vpc":
            return { ...common, id };
        default:
            return common;
    }
}
