import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    dhmcManagedPolicyName,
    dhmcRoleDescription,
    dhmcRolePath,
    dhmcRoleStackTag,
    dhmcSettingId,
    dhmcSettingValue,
} from "../aws/identifiers";
import { awsManagedPolicyArn, partitionOf } from "../aws/partition";
import { nodeSessionLogPolicy } from "./parts/nodeRoles";
import { serviceTrustPolicy } from "./parts/policyDocuments";
import { RegionalSettingsProtection, regionWideOptions } from "./parts/regionWide";

/** Who owns the DHMC role; see DefaultHostManagementSettings.role. */
export type DhmcRoleMode = "create" | "import" | "adopt";

/** What stack configuration decides. */
export interface DefaultHostManagementSettings {
    readonly region: string;
    /**
     * create: this stack owns the role. import: this stack owns a role that already exists (kept by
     * an earlier destroy, or made by the console), taken in as it is on the next update. adopt:
     * another stack of the account owns it (IAM is global, the setting is regional), and this stack
     * only checks it and names it in the setting.
     */
    readonly role: DhmcRoleMode;
    readonly roleName: string;
    /** Deleting the setting resets DHMC for the whole region, so it and its role are kept by default. */
    readonly regionalSettingsProtection: RegionalSettingsProtection;
}

export interface DefaultHostManagementArgs extends DefaultHostManagementSettings {
    readonly accountId: pulumi.Input<string>;
}

/**
 * Default Host Management Configuration: EC2 instances become managed nodes through a role that
 * Systems Manager assumes (trusted by ssm.amazonaws.com), with no instance profile. Also makes
 * IMDSv2 the account default for new launches in the region, which DHMC requires. The role is
 * global and the setting regional: a second Region's stack adopts the first one's role.
 */
export class DefaultHostManagement extends pulumi.ComponentResource {
    public readonly roleName: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    public readonly settingValue: pulumi.Output<string>;

    constructor(name: string, args: DefaultHostManagementArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:DefaultHostManagement", name, {}, opts);
        const regionWide = regionWideOptions(args.regionalSettingsProtection, this);

        const role = args.role === "adopt" ? this.adoptRole(args) : this.createRole(name, args, regionWide);
        const setting = new aws.ssm.ServiceSetting(
            `${name}-setting`,
            { settingId: dhmcSettingId, settingValue: role.settingValue },
            { ...regionWide, dependsOn: role.ready },
        );
        new aws.ec2.InstanceMetadataDefaults(`${name}-imdsv2`, { httpTokens: "required" }, regionWide);

        this.roleName = role.name;
        this.roleArn = role.arn;
        this.settingValue = setting.settingValue;
        this.registerOutputs({ roleName: this.roleName, roleArn: this.roleArn, settingValue: this.settingValue });
    }

    /**
     * The role SSM assumes, trusted by ssm.amazonaws.com, with the DHMC managed policy. Imported, the
     * same two resources (same URNs) take in what exists: the import ids are the role's name and
     * "<role>/<policy ARN>" (pulumi-aws iam/role and iam/rolePolicyAttachment, "Import").
     */
    private createRole(name: string, args: DefaultHostManagementArgs, options: pulumi.CustomResourceOptions): DhmcRole {
        const policyArn = awsManagedPolicyArn(args.region, dhmcManagedPolicyName);
        const importing = args.role === "import";
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                path: dhmcRolePath,
                description: dhmcRoleDescription,
                assumeRolePolicy: serviceTrustPolicy("ssm.amazonaws.com"),
                tags: { [dhmcRoleStackTag]: `${pulumi.getProject()}/${pulumi.getStack()}` },
            },
            // An import fails on any input that differs from the role found ("inputs to import do not
            // match"); the engine applies ignoreChanges to that comparison, so a console-made role's
            // description and tags are taken as they are. The trust and the name must match.
            importing
                ? { ...options, import: args.roleName, ignoreChanges: ["description", "tags", "tagsAll"] }
                : options,
        );
        const defaultPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-default-policy`,
            { role: role.name, policyArn },
            importing ? { ...options, import: `${args.roleName}/${policyArn}` } : options,
        );
        return {
            name: role.name,
            arn: role.arn,
            settingValue: role.name.apply(dhmcSettingValue),
            ready: [defaultPolicy, this.sessionLogGrant(name, args, role, options)],
        };
    }

    /**
     * The role is the account's, shared by every Region stack: the one grant IAM alone can give its
     * nodes, writing session logs, is written here once for the baseline's session log groups in
     * every Region, so that Region stacks add nothing to the role and its inline policies stay the
     * same size at any number of Regions (parts/nodeRoles.ts). Kept with the role when retained.
     */
    private sessionLogGrant(
        name: string,
        args: DefaultHostManagementArgs,
        role: aws.iam.Role,
        options: pulumi.CustomResourceOptions,
    ): aws.iam.RolePolicy {
        const policy = pulumi
            .output(args.accountId)
            .apply(accountId =>
                nodeSessionLogPolicy(partitionOf(args.region), accountId, pulumi.getProject(), "*", "*"),
            );
        return new aws.iam.RolePolicy(`${name}-session-logs`, { role: role.name, policy }, options);
    }

    /** Another stack's role, looked up and checked before the setting names it; a wrong role fails the update. */
    private adoptRole(args: DefaultHostManagementArgs): DhmcRole {
        const role = aws.iam.getRoleOutput({ name: args.roleName }, { parent: this });
        const attached = aws.iam.getRolePolicyAttachmentsOutput({ roleName: args.roleName }, { parent: this });
        const settingValue = pulumi.all([role, attached.attachedPolicies]).apply(([found, policies]) => {
            const problems = adoptedRoleProblems(
                found.assumeRolePolicy,
                policies.map(p => p.policyArn),
                awsManagedPolicyArn(args.region, dhmcManagedPolicyName),
            );
            if (problems.length > 0) {
                throw new Error(
                    `ssm-fleet-baseline:dhmcRole is adopt, but role ${found.name} ${problems.join(" and ")}. ` +
                        "Adopt the DHMC role of the stack that created it (dhmcRoleName), or set dhmcRole to create or import.",
                );
            }
            return `${found.path.replace(/^\//, "")}${found.name}`;
        });
        return { name: role.name, arn: role.arn, settingValue, ready: [] };
    }
}

interface DhmcRole {
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    /** The role's path-qualified name, as the setting takes it. */
    readonly settingValue: pulumi.Output<string>;
    /** What must exist before the setting names the role. */
    readonly ready: pulumi.Resource[];
}

/** Why an existing role cannot serve as the DHMC role: its trust and its managed policy. Pure. */
export function adoptedRoleProblems(
    trustPolicy: string,
    attachedPolicyArns: readonly string[],
    dhmcPolicyArn: string,
): string[] {
    type TrustStatement = { Effect?: string; Action?: string | string[]; Principal?: { Service?: string | string[] } };
    let statements: TrustStatement[];
    try {
        // IAM returns trust policies URL-encoded; the provider may already have decoded it.
        const document = JSON.parse(trustPolicy.trim().startsWith("{") ? trustPolicy : decodeURIComponent(trustPolicy));
        statements = [document.Statement ?? []].flat();
    } catch {
        statements = [];
    }
    const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : ([value].flat() as T[]));
    const trustsSsm = statements.some(
        st =>
            st.Effect === "Allow" &&
            list(st.Action).includes("sts:AssumeRole") &&
            list(st.Principal?.Service).includes("ssm.amazonaws.com"),
    );
    return [
        ...(trustsSsm ? [] : ["does not trust ssm.amazonaws.com"]),
        ...(attachedPolicyArns.includes(dhmcPolicyArn) ? [] : [`does not carry ${dhmcPolicyArn}`]),
    ];
}
