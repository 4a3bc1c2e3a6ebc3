import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    nodeComplianceStateChangeDetailType,
    maintenanceWindowExecutionStateChangeDetailType,
    maintenanceWindowTaskTargetInvocationStateChangeDetailType,
} from "../aws/events";
import {
    patchBaselineDocument,
    patchComplianceLevels,
    patchFilterKeysByOs,
    patchGroupTagKey,
    patchRebootOptions,
    runCommandTaskActions,
} from "../aws/identifiers";
import { partitionOf } from "../aws/partition";
import { NodeRoles, nodeRolesMay } from "./parts/nodeRoles";
import { NotificationRoute } from "./parts/notificationRoute";
import { policyDocument, serviceTrustPolicy } from "./parts/policyDocuments";
import { AccessLogDestination, PrivateBucket } from "./parts/privateBucket";
import { RegionalSettingsProtection, regionWideOptions } from "./parts/regionWide";

const scanPrefix = "patch-scan";
const installPrefix = "patch-install";

export type PatchOperatingSystem = keyof typeof patchFilterKeysByOs;
export type PatchRebootOption = (typeof patchRebootOptions)[number];
export type PatchComplianceLevel = (typeof patchComplianceLevels)[number];

/** Patches whose property `key` (PRODUCT, CLASSIFICATION or SEVERITY on Amazon Linux) has one of `values`. */
export interface PatchFilter {
    readonly key: string;
    readonly values: readonly string[];
}

export interface PatchApprovalRule {
    readonly filters: readonly PatchFilter[];
    /** Days after its release (on Amazon Linux, its updated date) before a matching patch is approved. */
    readonly approveAfterDays: number;
    /** What a missing patch of this rule weighs in compliance reports. */
    readonly complianceLevel: PatchComplianceLevel;
}

export interface PatchWindowSettings {
    /** A maintenance window schedule: cron(...), rate(...) or at(...). */
    readonly schedule: string;
    /** The IANA time zone the schedule is read in. */
    readonly timeZone: string;
    readonly durationHours: number;
    /** No task starts in the window's last `cutoffHours`; less than the duration. */
    readonly cutoffHours: number;
}

/** What stack configuration decides. */
export interface PatchManagerSettings {
    readonly region: string;
    readonly operatingSystem: PatchOperatingSystem;
    readonly approvalRules: readonly PatchApprovalRule[];
    /** Register the baseline for this patch group (nodes tagged PatchGroup=<group>) instead of as the default for its OS. */
    readonly patchGroup?: string;
    /** The State Manager schedule of the scan. */
    readonly scanSchedule: string;
    /** Without a patch group, the window installs on the instances carrying this tag key. */
    readonly installTagKey: string;
    readonly window: PatchWindowSettings;
    readonly rebootOption: PatchRebootOption;
    /** How many nodes install at once, and how many may fail before the task stops: a number or a percentage. */
    readonly maxConcurrency: string;
    readonly maxErrors: string;
    /** Days the scan and install output is kept. */
    readonly logRetentionDays: number;
}

export interface PatchManagerArgs extends PatchManagerSettings {
    readonly accountId: pulumi.Input<string>;
    /**
     * The roles nodes run with (the DHMC role; a hybrid activation's role). The scan targets every
     * node and the window every tagged one, EC2 or hybrid; each uploads its output with its own
     * role, so each gets write access.
     */
    readonly nodeRoles: NodeRoles;
    /** The baseline's registration applies to the whole region, like the DHMC setting; the output bucket is kept alike. */
    readonly regionalSettingsProtection: RegionalSettingsProtection;
    /** Where the bucket's server access logs go (Security Hub S3.9). */
    readonly accessLogs: AccessLogDestination;
}

/**
 * A node of this baseline turned non-compliant. AWS's samples write the status in lower case and
 * the API's enum in upper case, and no real event was seen to settle it, so the status is matched
 * ignoring case; the sample's baseline id is a placeholder (PB789), so both the baseline's id and
 * its ARN are matched.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 */
export function patchNonCompliancePattern(baseline: readonly pulumi.Input<string>[]) {
    return {
        source: ["aws.ssm"],
        "detail-type": [nodeComplianceStateChangeDetailType],
        detail: {
            "compliance-type": ["Patch"],
            "compliance-status": [{ "equals-ignore-case": "non_compliant" }],
            "patch-baseline-id": baseline,
        },
    };
}

/** An execution of one maintenance window that failed or timed out (same page). */
export function windowFailurePattern(windowId: pulumi.Input<string>) {
    return {
        source: ["aws.ssm"],
        "detail-type": [maintenanceWindowExecutionStateChangeDetailType],
        detail: { "window-id": [windowId], status: ["FAILED", "TIMED_OUT"] },
    };
}

/**
 * The window's task that failed or timed out on one of its targets. A Run Command task whose
 * failures stay within maxErrors can leave the window's run SUCCESS, so each target's result is
 * routed apart from the run's. The page documents IN_PROGRESS, SUCCESS, FAILED and TIMED_OUT; a
 * target whose install timed out is as unpatched as one that failed (same page).
 */
export function installTargetFailurePattern(windowId: pulumi.Input<string>) {
    return {
        source: ["aws.ssm"],
        "detail-type": [maintenanceWindowTaskTargetInvocationStateChangeDetailType],
        detail: { "window-id": [windowId], status: ["FAILED", "TIMED_OUT"] },
    };
}

/**
 * Patch Manager for one Amazon Linux version: a custom baseline registered as its OS's default
 * (or for a patch group), a State Manager association that scans the nodes, and a maintenance
 * window whose Run Command task installs, with a task role of the stack; command output goes to a
 * private bucket the node roles may write to. Nodes that turn non-compliant, window executions
 * that fail or time out, and each target the install fails on are e-mailed through `notificationRoutes`.
 */
export class PatchManager extends pulumi.ComponentResource {
    public readonly baselineId: pulumi.Output<string>;
    public readonly maintenanceWindowId: pulumi.Output<string>;
    public readonly outputBucketName: pulumi.Output<string>;
    public readonly outputBucketArn: pulumi.Output<string>;
    public readonly notificationRoutes: NotificationRoute[];

    constructor(name: string, args: PatchManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:PatchManager", name, {}, opts);

        const bucket = this.outputBucket(name, args);
        const baseline = this.baseline(name, args);
        const registration = this.registration(name, args, baseline);
        this.scanAssociation(name, args, bucket, [bucket, registration]);
        const window = this.maintenanceWindow(name, args);
        this.installTask(name, args, window, bucket, this.taskRole(name, args), [bucket, registration]);

        this.baselineId = baseline.id;
        this.maintenanceWindowId = window.id;
        this.outputBucketName = bucket.bucketName;
        this.outputBucketArn = bucket.bucketArn;
        this.notificationRoutes = [
            {
                name: "patch-compliance",
                description: "Nodes of this stack's patch baseline that turn non-compliant",
                eventPattern: pulumi.jsonStringify(patchNonCompliancePattern([baseline.id, baseline.arn])),
            },
            {
                name: "patch-window",
                description: "Executions of this stack's patch window that fail or time out",
                eventPattern: pulumi.jsonStringify(windowFailurePattern(window.id)),
            },
            {
                name: "patch-install-targets",
                description: "Targets of this stack's patch window whose install fails or times out",
                eventPattern: pulumi.jsonStringify(installTargetFailurePattern(window.id)),
            },
        ];
        this.registerOutputs({
            baselineId: this.baselineId,
            maintenanceWindowId: this.maintenanceWindowId,
            outputBucketName: this.outputBucketName,
        });
    }

    /**
     * The DHMC and hybrid managed policies have no S3 permission: the agent uploads output with the
     * node's role, which the bucket policy admits (see parts/nodeRoles.ts for why not the role's policy).
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/security-iam-awsmanpol.html
     */
    private outputBucket(name: string, args: PatchManagerArgs): PrivateBucket {
        return new PrivateBucket(
            `${name}-output`,
            {
                expirationDays: args.logRetentionDays,
                accessLogs: args.accessLogs,
                protection: args.regionalSettingsProtection,
                policyStatements: bucketArn => [
                    nodeRolesMay(
                        args.nodeRoles,
                        "s3:PutObject",
                        [scanPrefix, installPrefix].map(prefix => pulumi.interpolate`${bucketArn}/${prefix}/*`),
                    ),
                ],
            },
            { parent: this },
        );
    }

    /**
     * The approval rules, with the compliance level each gives its patches (AWS's predefined
     * baselines give every patch Unspecified).
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-predefined-and-custom-patch-baselines.html
     */
    private baseline(name: string, args: PatchManagerArgs): aws.ssm.PatchBaseline {
        return new aws.ssm.PatchBaseline(
            `${name}-baseline`,
            {
                operatingSystem: args.operatingSystem,
                description: `Approval rules of the SSM fleet baseline for ${args.operatingSystem}`,
                approvalRules: args.approvalRules.map(rule => ({
                    approveAfterDays: rule.approveAfterDays,
                    complianceLevel: rule.complianceLevel,
                    patchFilters: rule.filters.map(filter => ({ key: filter.key, values: [...filter.values] })),
                })),
            },
            regionWideOptions(args.regionalSettingsProtection, this),
        );
    }

    /**
     * Nodes of the OS without a patch group use the OS's default baseline; a patch group's nodes
     * use the baseline registered for the group.
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-patch-groups.html
     */
    private registration(name: string, args: PatchManagerArgs, baseline: aws.ssm.PatchBaseline): pulumi.Resource {
        const regionWide = regionWideOptions(args.regionalSettingsProtection, this);
        return args.patchGroup
            ? new aws.ssm.PatchGroup(
                  `${name}-group`,
                  { baselineId: baseline.id, patchGroup: args.patchGroup },
                  regionWide,
              )
            : new aws.ssm.DefaultPatchBaseline(
                  `${name}-default`,
                  { baselineId: baseline.id, operatingSystem: args.operatingSystem },
                  regionWide,
              );
    }

    /** The nodes a patch group's tag selects, for the scan and the window alike. */
    private patchGroupTargets(patchGroup: string) {
        return [{ key: `tag:${patchGroupTagKey}`, values: [patchGroup] }];
    }

    /** Scans reboot nothing and change nothing, so they cover every node (or the patch group) and read-only limits apply. */
    private scanAssociation(
        name: string,
        args: PatchManagerArgs,
        bucket: PrivateBucket,
        dependsOn: pulumi.Resource[],
    ): aws.ssm.Association {
        return new aws.ssm.Association(
            `${name}-scan`,
            {
                name: patchBaselineDocument,
                associationName: `${name}-scan`,
                targets: args.patchGroup
                    ? this.patchGroupTargets(args.patchGroup)
                    : [{ key: "InstanceIds", values: ["*"] }],
                scheduleExpression: args.scanSchedule,
                parameters: { Operation: "Scan" },
                outputLocation: { s3BucketName: bucket.bucketName, s3KeyPrefix: scanPrefix, s3Region: args.region },
                maxConcurrency: "10%",
                maxErrors: "10%",
                complianceSeverity: "MEDIUM",
            },
            { parent: this, dependsOn },
        );
    }

    private maintenanceWindow(name: string, args: PatchManagerArgs): aws.ssm.MaintenanceWindow {
        return new aws.ssm.MaintenanceWindow(
            `${name}-window`,
            {
                description: "Installs approved patches",
                schedule: args.window.schedule,
                scheduleTimezone: args.window.timeZone,
                duration: args.window.durationHours,
                cutoff: args.window.cutoffHours,
                allowUnassociatedTargets: false,
            },
            { parent: this },
        );
    }

    /**
     * The window's target and its Run Command task. Installing reboots, so without a patch group
     * only instances that opt in with the install tag are targeted (maintenance windows have no
     * "every node" target). The task runs with its own role rather than the service-linked role,
     * which AWS no longer recommends for maintenance window tasks.
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-maintenance-permissions.html
     */
    private installTask(
        name: string,
        args: PatchManagerArgs,
        window: aws.ssm.MaintenanceWindow,
        bucket: PrivateBucket,
        taskRole: aws.iam.Role,
        dependsOn: pulumi.Resource[],
    ): void {
        const target = new aws.ssm.MaintenanceWindowTarget(
            `${name}-window-target`,
            {
                windowId: window.id,
                description: "Nodes whose patches the window installs",
                resourceType: "INSTANCE",
                targets: args.patchGroup
                    ? this.patchGroupTargets(args.patchGroup)
                    : [{ key: "tag-key", values: [args.installTagKey] }],
            },
            { parent: this },
        );
        new aws.ssm.MaintenanceWindowTask(
            `${name}-install`,
            {
                windowId: window.id,
                description: `${patchBaselineDocument} Install`,
                taskType: "RUN_COMMAND",
                taskArn: patchBaselineDocument,
                targets: [{ key: "WindowTargetIds", values: [target.id] }],
                priority: 1,
                maxConcurrency: args.maxConcurrency,
                maxErrors: args.maxErrors,
                serviceRoleArn: taskRole.arn,
                // A node half-way through an update is left to finish: cancelling it is worse than ending late.
                cutoffBehavior: "CONTINUE_TASK",
                taskInvocationParameters: {
                    runCommandParameters: {
                        // Maintenance window task parameters are lists of strings.
                        parameters: [
                            { name: "Operation", values: ["Install"] },
                            { name: "RebootOption", values: [args.rebootOption] },
                        ],
                        outputS3Bucket: bucket.bucketName,
                        outputS3KeyPrefix: installPrefix,
                    },
                },
            },
            { parent: this, dependsOn },
        );
    }

    /**
     * The task's role: Run Command on this document and this account's nodes. Its trust is the one
     * AWS documents for maintenance window roles, ssm.amazonaws.com without a condition
     * (mw-role-trust-policy.json). The confused-deputy page gives aws:SourceArn/aws:SourceAccount
     * examples for hybrid activations and resource data sync only, and nothing documents that a
     * window sends them when it assumes the role: a condition on a key it does not send would deny
     * every Install. The permission policy below is what bounds the role.
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/configuring-maintenance-window-permissions-cli.html
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/cross-service-confused-deputy-prevention.html
     */
    private taskRole(name: string, args: PatchManagerArgs): aws.iam.Role {
        const partition = partitionOf(args.region);
        return new aws.iam.Role(
            `${name}-task-role`,
            {
                description: `Runs the ${patchBaselineDocument} Install task of the patch window`,
                assumeRolePolicy: serviceTrustPolicy("ssm.amazonaws.com"),
                inlinePolicies: [
                    {
                        name: "run-patch-baseline",
                        policy: policyDocument([
                            {
                                Effect: "Allow",
                                Action: "ssm:SendCommand",
                                Resource: [
                                    // An AWS-owned document: its ARN has no account.
                                    `arn:${partition}:ssm:${args.region}::document/${patchBaselineDocument}`,
                                    pulumi.interpolate`arn:${partition}:ec2:${args.region}:${args.accountId}:instance/*`,
                                    pulumi.interpolate`arn:${partition}:ssm:${args.region}:${args.accountId}:managed-instance/*`,
                                ],
                            },
                            // Reading and cancelling commands, and resolving tag targets, support no resource-level permissions.
                            {
                                Effect: "Allow",
                                Action: runCommandTaskActions.filter(action => action !== "ssm:SendCommand"),
                                Resource: "*",
                            },
                        ]),
                    },
                ],
            },
            { parent: this },
        );
    }
}
