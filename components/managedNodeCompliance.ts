import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { complianceChangeDetailType } from "../aws/events";
import {
    configRecorderPolicyPath,
    inventoryDocument,
    managedNodeRecordedTypes,
    managedNodeRuleIdentifier,
} from "../aws/identifiers";
import { awsManagedPolicyArn } from "../aws/partition";
import { NotificationRoute } from "./parts/notificationRoute";
import { policyDocument, serviceTrustPolicy } from "./parts/policyDocuments";
import { AccessLogDestination, PrivateBucket } from "./parts/privateBucket";
import { RegionalSettingsProtection } from "./parts/regionWide";

/** How often inventory is gathered: the rule can only notice a change this often. */
const inventorySchedule = "rate(30 minutes)";

/** What stack configuration decides. */
export interface ManagedNodeComplianceSettings {
    readonly region: string;
    readonly ruleName: string;
    /** Create a recorder, delivery channel and bucket; most accounts already record with AWS Config. */
    readonly createRecorder: boolean;
    /** Only one inventory association may target a node, so this is off where one exists already. */
    readonly inventoryAssociation: boolean;
    /** Days the recorder's delivery files are kept. */
    readonly logRetentionDays: number;
}

export interface ManagedNodeComplianceArgs extends ManagedNodeComplianceSettings {
    readonly accountId: pulumi.Input<string>;
    /** Where the delivery bucket's server access logs go. */
    readonly accessLogs: AccessLogDestination;
    /** The delivery bucket is kept (or protected) on destroy, as the region-wide settings are. */
    readonly regionalSettingsProtection: RegionalSettingsProtection;
}

/**
 * Compliance changes of one Config rule, matched on the rule's name (not its identifier): every
 * NON_COMPLIANT result, and COMPLIANT only when it follows NON_COMPLIANT, which is a recovery;
 * a new instance's first COMPLIANT result is no news.
 */
export function complianceChangePattern(ruleName: pulumi.Input<string>) {
    return {
        source: ["aws.config"],
        "detail-type": [complianceChangeDetailType],
        detail: {
            messageType: ["ComplianceChangeNotification"],
            configRuleName: [ruleName],
            $or: [
                { newEvaluationResult: { complianceType: ["NON_COMPLIANT"] } },
                {
                    newEvaluationResult: { complianceType: ["COMPLIANT"] },
                    oldEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
                },
            ],
        },
    };
}

/**
 * The AWS Config rule that reports running EC2 instances that Systems Manager does not manage,
 * with what it needs to see them: optionally a recorder for the two resource types, and the
 * software-inventory association that produces managed-instance inventory items.
 */
export class ManagedNodeCompliance extends pulumi.ComponentResource {
    public readonly ruleName: pulumi.Output<string>;
    public readonly notificationRoute: NotificationRoute;

    constructor(name: string, args: ManagedNodeComplianceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:ManagedNodeCompliance", name, {}, opts);
        const child = { parent: this };

        const recorderReady = args.createRecorder ? [this.createRecorder(name, args)] : [];
        const rule = new aws.cfg.Rule(
            `${name}-rule`,
            {
                name: args.ruleName,
                description: "Running EC2 instances must be managed by AWS Systems Manager",
                source: { owner: "AWS", sourceIdentifier: managedNodeRuleIdentifier },
            },
            { parent: this, dependsOn: recorderReady },
        );
        if (args.inventoryAssociation) {
            new aws.ssm.Association(
                `${name}-inventory`,
                {
                    name: inventoryDocument,
                    associationName: `${name}-inventory`,
                    targets: [{ key: "InstanceIds", values: ["*"] }],
                    scheduleExpression: inventorySchedule,
                },
                child,
            );
        }

        this.ruleName = rule.name;
        this.notificationRoute = {
            name: "managed-node-compliance",
            description: "Running EC2 instances that stop or start being managed by Systems Manager",
            eventPattern: pulumi.jsonStringify(complianceChangePattern(rule.name)),
        };
        this.registerOutputs({ ruleName: this.ruleName });
    }

    /** Recorder, delivery channel and bucket; returns the resource that starts recording. */
    private createRecorder(name: string, args: ManagedNodeComplianceArgs): pulumi.Resource {
        const child = { parent: this };
        const deliveryPrefix = pulumi.interpolate`AWSLogs/${args.accountId}/Config/*`;
        const sourceAccount = { StringEquals: { "AWS:SourceAccount": args.accountId } };
        // The bucket policy AWS documents for the Config service principal:
        // https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
        const bucket = new PrivateBucket(
            `${name}-delivery`,
            {
                expirationDays: args.logRetentionDays,
                accessLogs: args.accessLogs,
                protection: args.regionalSettingsProtection,
                policyStatements: bucketArn => [
                    {
                        Sid: "AWSConfigBucketPermissionsCheck",
                        Effect: "Allow",
                        Principal: { Service: "config.amazonaws.com" },
                        Action: "s3:GetBucketAcl",
                        Resource: bucketArn,
                        Condition: sourceAccount,
                    },
                    {
                        Sid: "AWSConfigBucketExistenceCheck",
                        Effect: "Allow",
                        Principal: { Service: "config.amazonaws.com" },
                        Action: "s3:ListBucket",
                        Resource: bucketArn,
                        Condition: sourceAccount,
                    },
                    {
                        Sid: "AWSConfigBucketDelivery",
                        Effect: "Allow",
                        Principal: { Service: "config.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${bucketArn}/${deliveryPrefix}`,
                        Condition: {
                            StringEquals: {
                                "AWS:SourceAccount": args.accountId,
                                "s3:x-amz-acl": "bucket-owner-full-control",
                            },
                        },
                    },
                ],
            },
            child,
        );

        const role = new aws.iam.Role(
            `${name}-recorder-role`,
            {
                description: "AWS Config recorder for the SSM managed-node rule",
                assumeRolePolicy: serviceTrustPolicy("config.amazonaws.com"),
            },
            child,
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-recorder-policy`,
            {
                role: role.name,
                policyArn: awsManagedPolicyArn(args.region, configRecorderPolicyPath),
            },
            child,
        );
        const delivery = new aws.iam.RolePolicy(
            `${name}-recorder-delivery`,
            {
                role: role.name,
                policy: policyDocument([
                    { Effect: "Allow", Action: "s3:GetBucketAcl", Resource: bucket.bucketArn },
                    {
                        Effect: "Allow",
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${bucket.bucketArn}/${deliveryPrefix}`,
                        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
                    },
                ]),
            },
            child,
        );

        const recorder = new aws.cfg.Recorder(
            `${name}-recorder`,
            {
                roleArn: role.arn,
                recordingGroup: { allSupported: false, resourceTypes: managedNodeRecordedTypes },
            },
            child,
        );
        const channel = new aws.cfg.DeliveryChannel(
            `${name}-channel`,
            {
                s3BucketName: bucket.bucketName,
            },
            { parent: this, dependsOn: [recorder, delivery] },
        );
        return new aws.cfg.RecorderStatus(
            `${name}-recorder-status`,
            {
                name: recorder.name,
                isEnabled: true,
            },
            { parent: this, dependsOn: [channel] },
        );
    }
}
