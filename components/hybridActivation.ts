import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { registrationCommands, RegistrationCommands } from "../aws/hybridRegistration";
import {
    activationMaxExpiryDays,
    activationTiers,
    activationTierSettingId,
    hybridManagedPolicyName,
} from "../aws/identifiers";
import { awsManagedPolicyArn, partitionOf } from "../aws/partition";
import { policyDocument } from "./parts/policyDocuments";
import { RegionalSettingsProtection, regionWideOptions } from "./parts/regionWide";

export type InstanceTier = (typeof activationTiers)[number];

/** What stack configuration decides. */
export interface HybridActivationSettings {
    readonly region: string;
    /** The instance-tier setting is region-wide: kept on destroy or guarded by Pulumi, as DHMC is. */
    readonly regionalSettingsProtection: RegionalSettingsProtection;
    /**
     * When the activation stops accepting registrations: a fixed UTC time (RFC 3339), at most 30
     * days ahead when it was set. Every activation argument replaces the activation when it
     * changes, so this is never computed from the clock. Omitted: no activation is created.
     */
    readonly expirationDate?: string;
    /** How many servers the activation may register, 1 to 1000. */
    readonly registrationLimit: number;
    /** The tier of every hybrid node in the account and region; advanced allows Session Manager to them. */
    readonly instanceTier: InstanceTier;
}

export interface HybridActivationArgs extends HybridActivationSettings {
    readonly accountId: pulumi.Input<string>;
}

const dayMs = 86_400_000;
const utcTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Why `value` cannot be an activation's expiration date at `now`, or undefined when it can. Only
 * whole-second UTC timestamps are accepted: the provider reads the date back in that form, and
 * any other spelling of the same instant would replace the activation on every update.
 */
export function activationExpiryProblem(value: string, now: Date): string | undefined {
    const time = Date.parse(value);
    if (
        !utcTimestamp.test(value) ||
        Number.isNaN(time) ||
        new Date(time).toISOString() !== `${value.slice(0, -1)}.000Z`
    ) {
        return `a UTC time in RFC 3339 form such as ${suggestedExpiry(now)}`;
    }
    const latest = now.getTime() + activationMaxExpiryDays * dayMs;
    if (time <= now.getTime()) {
        return `a time in the future: this activation expired; set a new date up to ${activationMaxExpiryDays} days ahead, such as ${suggestedExpiry(now)} (a new date replaces the activation with a new code; nodes already registered stay registered), or remove the key`;
    }
    if (time > latest) {
        return `a time at most ${activationMaxExpiryDays} days ahead, no later than ${new Date(latest).toISOString().replace(".000Z", "Z")}`;
    }
    return undefined;
}

/** Midnight UTC 29 days from now: within the 30-day limit wherever in the day `now` falls. */
function suggestedExpiry(now: Date): string {
    return `${new Date(now.getTime() + (activationMaxExpiryDays - 1) * dayMs).toISOString().slice(0, 10)}T00:00:00Z`;
}

/**
 * Hybrid activations: servers outside EC2 (on premises, other clouds) register as mi- nodes with
 * an activation code and id, and then run with a service role that only Systems Manager of this
 * account and region may assume. The instance tier is a region-wide service setting.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-managed-instance-activation.html
 */
export class HybridActivation extends pulumi.ComponentResource {
    public readonly roleName: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    public readonly instanceTier: pulumi.Output<string>;
    public readonly activationId?: pulumi.Output<string>;
    /** A Pulumi secret: whoever holds it and the id can register servers into this account. */
    public readonly activationCode?: pulumi.Output<string>;
    /** A Pulumi secret, since the commands hold the activation code. */
    public readonly registrationCommands?: pulumi.Output<RegistrationCommands>;

    constructor(name: string, args: HybridActivationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:HybridActivation", name, {}, opts);
        const { role, corePolicy } = this.serviceRole(name, args);
        const tier = new aws.ssm.ServiceSetting(
            `${name}-tier`,
            { settingId: activationTierSettingId, settingValue: args.instanceTier },
            regionWideOptions(args.regionalSettingsProtection, this),
        );

        this.roleName = role.name;
        this.roleArn = role.arn;
        this.instanceTier = tier.settingValue;
        if (args.expirationDate) {
            const activation = this.activation(name, args, args.expirationDate, role, corePolicy);
            this.activationId = activation.id;
            this.activationCode = pulumi.secret(activation.activationCode);
            this.registrationCommands = pulumi.secret(
                pulumi
                    .all([activation.activationCode, activation.id])
                    .apply(([code, id]) => registrationCommands(code, id, args.region)),
            );
        } else {
            pulumi.log.warn(
                "Hybrid activation: no expiration date is set (ssm-fleet-baseline:hybridActivationExpiry), so no activation or code is created. Set a UTC time up to 30 days ahead to register servers.",
                this,
            );
        }
        this.registerOutputs({
            roleName: this.roleName,
            roleArn: this.roleArn,
            instanceTier: this.instanceTier,
            activationId: this.activationId,
            activationCode: this.activationCode,
            registrationCommands: this.registrationCommands,
        });
    }

    /**
     * The role registered servers run with: trusted by ssm.amazonaws.com only when it acts for
     * this account in this region (the confused-deputy conditions AWS documents for hybrid
     * activations), with AmazonSSMManagedInstanceCore. At path / and passed by name, as
     * CreateActivation takes it.
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/cross-service-confused-deputy-prevention.html
     */
    private serviceRole(name: string, args: HybridActivationArgs) {
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "Hybrid activation: the credentials of servers registered as mi- nodes",
                assumeRolePolicy: policyDocument([
                    {
                        Effect: "Allow",
                        Principal: { Service: "ssm.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: {
                            StringEquals: { "aws:SourceAccount": args.accountId },
                            ArnEquals: {
                                "aws:SourceArn": pulumi.interpolate`arn:${partitionOf(args.region)}:ssm:${args.region}:${args.accountId}:*`,
                            },
                        },
                    },
                ]),
            },
            { parent: this },
        );
        const corePolicy = new aws.iam.RolePolicyAttachment(
            `${name}-core-policy`,
            { role: role.name, policyArn: awsManagedPolicyArn(args.region, hybridManagedPolicyName) },
            { parent: this },
        );
        return { role, corePolicy };
    }

    /**
     * The activation, created once the role can be assumed with its policy. The provider does not
     * mark the code secret, so the state keeps it as a secret too.
     */
    private activation(
        name: string,
        args: HybridActivationArgs,
        expirationDate: string,
        role: aws.iam.Role,
        corePolicy: aws.iam.RolePolicyAttachment,
    ): aws.ssm.Activation {
        return new aws.ssm.Activation(
            name,
            {
                description: "Registers servers outside EC2 as managed nodes of this stack",
                iamRole: role.name,
                registrationLimit: args.registrationLimit,
                expirationDate,
            },
            { parent: this, dependsOn: [corePolicy], additionalSecretOutputs: ["activationCode"] },
        );
    }
}
