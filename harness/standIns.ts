// Deterministic stand-ins for the AWS provider, so the program runs under Pulumi's mock monitor
// with no CLI, plugins or credentials: every registration and invoke is recorded, invokes it does
// not know fail loudly, and custom resources get the provider outputs our code reads.
import * as pulumi from "@pulumi/pulumi";
import { dhmcManagedPolicyName, dhmcRolePath } from "../aws/identifiers";
import { awsManagedPolicyArn } from "../aws/partition";
import { zoneCountOf } from "../aws/regions";

/** The account id every stand-in reports (AWS's documentation account). */
export const standInAccountId = "123456789012";
/** The S3 prefix-list id the gateway-endpoint stand-in reports. */
export const standInS3PrefixListId = "pl-6da54004";

/** The code the hybrid-activation stand-in reports: tests look for it in plain outputs and inputs. */
export const standInActivationCode = "StandInActivationCode7f3kQ9zR";

/** Where the repository does not know a Region's zones, the stand-in offers the most a config may ask for. */
export const assumedZoneCount = 6;

/** The Region's zones, region + a, b, ...: as many as the Region has where aws/regions.ts knows it. */
export function standInZones(region: string): string[] {
    return "abcdefghij"
        .slice(0, zoneCountOf(region) ?? assumedZoneCount)
        .split("")
        .map(letter => `${region}${letter}`);
}

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    /** What the stand-in provider returned: the inputs plus provider-computed outputs (only the inputs in a preview). */
    readonly outputs: Record<string, any>;
    readonly custom: boolean;
    /** The outputs the provider computes when it creates the resource (id, ARNs, autonamed names): unknown in a preview. */
    readonly computed: readonly string[];
}

/** Resource options as the engine receives them, which the Mocks interface does not show. */
export interface RecordedOptions {
    readonly urn: string;
    readonly parentUrn: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /** The id of an existing resource to take into the stack (the `import` option), or "". */
    readonly importId: string;
    readonly ignoreChanges: string[];
    readonly dependencies: string[];
    /** The aliases the resource declares, as the SDK sends them to the engine. */
    readonly aliases: AliasSpec[];
    /** The URNs each input property depends on, which the engine hands stack policies (known even in a preview). */
    readonly propertyDependencies: Record<string, string[]>;
    /** The inputs as the SDK sent them: serialized, with unknown values as the engine's unknown sentinel. */
    readonly serializedInputs: Record<string, unknown>;
}

/** One alias as the engine receives it: a whole URN, or the parts that differ from the resource's own. */
export type AliasSpec =
    | { readonly urn: string }
    | { readonly name?: string; readonly type?: string; readonly parentUrn?: string; readonly noParent?: boolean };

export class RecordingMocks implements pulumi.runtime.Mocks {
    /** With preview, the program runs as in `pulumi preview` of a new stack: nothing provider-computed is known. */
    constructor(
        readonly region = "eu-west-1",
        readonly preview = false,
        /** Who runs `pulumi up`, as STS's GetCallerIdentity names it (an assumed role's session, or a user). */
        readonly callerArn = `arn:aws:iam::${standInAccountId}:user/plan`,
    ) {}

    readonly resources: RecordedResource[] = [];
    readonly invokes: { token: string; inputs: Record<string, any> }[] = [];
    readonly options = new Map<string, RecordedOptions>();

    /**
     * Wraps the mock monitor so that each registration's options are recorded by type and name,
     * and so that URNs carry the parent's whole type chain, as the engine forms them (the mock
     * monitor keeps only the parent's own type, which misnames children of nested components).
     */
    recordOptionsOf(monitor: any): void {
        monitor.newUrn = (parent: string, type: string, name: string) =>
            parent
                ? `${parent.substring(0, parent.lastIndexOf("::"))}$${type}::${name}`
                : `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${name}`;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) =>
            register(req, (err: any, resp: any) => {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
                    propertyDependencies[key] = deps.getUrnsList();
                });
                this.options.set(`${req.getType()}::${req.getName()}`, {
                    urn: resp?.getUrn?.() ?? "",
                    parentUrn: req.getParent(),
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    importId: req.getImportid(),
                    ignoreChanges: req.getIgnorechangesList(),
                    dependencies: req.getDependenciesList(),
                    aliases: req.getAliasesList().map(aliasSpecOf),
                    propertyDependencies,
                    serializedInputs: req.getObject()?.toJavaScript() ?? {},
                });
                callback(err, resp);
            });
    }

    /** The recorded options of a resource: by type and name, or by the name of a custom resource. */
    optionsOf(name: string, type = this.named(name).type): RecordedOptions {
        const found = this.options.get(`${type}::${name}`);
        if (!found) {
            throw new Error(`no options recorded for ${type} ${name}`);
        }
        return found;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        const computedOutputs = providerOutputs(args, this.region);
        const state = { ...args.inputs, ...computedOutputs };
        // S3 reports a bucket's name as its id; other stand-in ids are derived from the logical name.
        const id = args.type === "aws:s3/bucket:Bucket" ? (state.bucket as string) : `${args.name}-id`;
        const custom = args.custom ?? true;
        const computed = custom
            ? [...Object.keys(computedOutputs).filter(key => args.inputs[key] === undefined), "id"]
            : [];
        // A preview returns the inputs alone, so the SDK leaves every computed output (and the id) unknown.
        const returned = this.preview ? { ...args.inputs } : state;
        this.resources.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            outputs: custom && !this.preview ? { ...returned, id } : returned,
            custom,
            computed,
        });
        return { id: custom && !this.preview ? id : undefined, state: returned };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        this.invokes.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: standInAccountId,
                    arn: this.callerArn,
                    id: standInAccountId,
                    userId: "AIDAPLAN",
                };
            // The provider passes a non-role ARN through; for an assumed role it reads the role (here: path "/").
            case "aws:iam/getSessionContext:getSessionContext": {
                const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(args.inputs.arn);
                return {
                    id: args.inputs.arn,
                    arn: args.inputs.arn,
                    issuerArn: session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : args.inputs.arn,
                    issuerId: session ? "AROASTANDIN" : "",
                    issuerName: session?.[3] ?? "",
                    sessionName: session?.[4] ?? "",
                };
            }
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return { id: this.region, names: standInZones(this.region), state: "available" };
            case "aws:ssm/getParameter:getParameter":
                return {
                    id: args.inputs.name,
                    name: args.inputs.name,
                    type: "String",
                    value: "ami-0123456789abcdef0",
                    version: 1,
                    arn: `arn:aws:ssm:${this.region}::parameter${args.inputs.name}`,
                };
            // An adopted DHMC role, as the stack that created it left it.
            case "aws:iam/getRole:getRole":
                return {
                    id: args.inputs.name,
                    name: args.inputs.name,
                    path: dhmcRolePath,
                    arn: `arn:aws:iam::${standInAccountId}:role${dhmcRolePath}${args.inputs.name}`,
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            { Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" },
                        ],
                    }),
                };
            case "aws:iam/getRolePolicyAttachments:getRolePolicyAttachments":
                return {
                    id: args.inputs.roleName,
                    roleName: args.inputs.roleName,
                    attachedPolicies: [
                        {
                            policyArn: awsManagedPolicyArn(this.region, dhmcManagedPolicyName),
                            policyName: dhmcManagedPolicyName,
                        },
                    ],
                };
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
            throw new Error(
                `expected one resource named ${name}, found ${found.length}: ${this.resources.map(r => r.name).join(", ")}`,
            );
        }
        return found[0];
    }
}

function aliasSpecOf(alias: any): AliasSpec {
    const spec = alias.getSpec();
    if (!spec) {
        return { urn: alias.getUrn() };
    }
    return {
        ...(spec.getName() ? { name: spec.getName() } : {}),
        ...(spec.getType() ? { type: spec.getType() } : {}),
        ...(spec.getParenturn() ? { parentUrn: spec.getParenturn() } : {}),
        ...(spec.getNoparent() ? { noParent: true } : {}),
    };
}

function providerOutputs(args: pulumi.runtime.MockResourceArgs, region: string): Record<string, unknown> {
    const { type, name, inputs } = args;
    const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
    const physicalName = inputs.name ?? `${name}-1234567`;
    const common = { arn: `arn:aws:${service}:${region}:${standInAccountId}:${name}`, name: physicalName };
    switch (type) {
        case "aws:iam/role:Role":
            return { ...common, arn: `arn:aws:iam::${standInAccountId}:role${inputs.path ?? "/"}${physicalName}` };
        case "aws:s3/bucket:Bucket":
            return { ...common, bucket: physicalName, arn: `arn:aws:s3:::${physicalName}` };
        case "aws:sqs/queue:Queue":
            return { ...common, url: `https://sqs.${region}.amazonaws.com/${standInAccountId}/${physicalName}` };
        case "aws:ec2/vpc:Vpc":
            return { ...common, defaultNetworkAclId: `${name}-default-acl-id` };
        case "aws:ec2/vpcEndpoint:VpcEndpoint":
            return inputs.vpcEndpointType === "Gateway" ? { ...common, prefixListId: standInS3PrefixListId } : common;
        case "aws:ssm/association:Association":
            return { ...common, associationId: `${name}-association-id` };
        case "aws:ssm/activation:Activation":
            return { ...common, activationCode: standInActivationCode, expired: false, registrationCount: 0 };
        default:
            return common;
    }
}
