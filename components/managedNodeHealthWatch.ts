import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../aws/partition";
import { diagnosisRunbook, HealthAws, metricNamespace, runSweep } from "../handlers/healthSweep";
import { LeastPrivilegeFunction } from "./leastPrivilegeFunction";
import { policyDocument, serviceTrustPolicy } from "./policyDocuments";

/** The permissions AWSSupport-TroubleshootManagedInstance documents for its assume role (aws-facts §5.4). */
const diagnosisRunbookActions = [
    "ssm:DescribeAutomationExecutions",
    "ssm:DescribeAutomationStepExecutions",
    "ssm:DescribeInstanceInformation",
    "ssm:DescribeInstanceProperties",
    "ssm:StartAutomationExecution",
    "ssm:GetAutomationExecution",
    "ssm:GetDocument",
    "ssm:ListDocuments",
    "iam:ListRoles",
    "iam:GetInstanceProfile",
    "iam:ListAttachedRolePolicies",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVpcEndpoints",
];

export interface ManagedNodeHealthWatchArgs {
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    /** Minutes between sweeps. */
    readonly intervalMinutes: number;
    readonly graceMinutes: number;
    readonly debounceSweeps: number;
    readonly excludeTagKey: string;
    readonly diagnose: boolean;
    /** The notification topic and the KMS key that encrypts it. */
    readonly topicArn: pulumi.Input<string>;
    readonly topicKeyArn: pulumi.Input<string>;
}

/**
 * Finds nodes that stopped being manageable within minutes: a scheduled Lambda sweeps running
 * instances and SSM's node list, keeps per-node state in DynamoDB so that only debounced
 * transitions alert (one e-mail per sweep, one EventBridge event per transition), publishes a
 * handful of metrics, and alarms when nodes stay unmanaged or the sweep itself fails or stops.
 */
export class ManagedNodeHealthWatch extends pulumi.ComponentResource {
    public readonly tableName: pulumi.Output<string>;
    public readonly sweepFunctionName: pulumi.Output<string>;

    constructor(name: string, args: ManagedNodeHealthWatchArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:ManagedNodeHealthWatch", name, {}, opts);
        const child = { parent: this };
        const partition = partitionOf(args.region);

        const table = new aws.dynamodb.Table(
            `${name}-state`,
            {
                billingMode: "PAY_PER_REQUEST",
                hashKey: "nodeId",
                attributes: [{ name: "nodeId", type: "S" }],
                // Items of nodes gone for a week expire (functions/nodeHealth.ts sets expiresAt).
                ttl: { attributeName: "expiresAt", enabled: true },
                serverSideEncryption: { enabled: true },
            },
            child,
        );
        const diagnosisRole = args.diagnose
            ? new aws.iam.Role(
                  `${name}-diagnosis-role`,
                  {
                      description: `Assumed by ${diagnosisRunbook} to inspect a lost node's network and permissions`,
                      assumeRolePolicy: serviceTrustPolicy("ssm.amazonaws.com"),
                      inlinePolicies: [
                          {
                              name: "troubleshoot-managed-instance",
                              policy: policyDocument([
                                  { Effect: "Allow", Action: diagnosisRunbookActions, Resource: "*" },
                              ]),
                          },
                      ],
                  },
                  child,
              )
            : undefined;

        const sweep = new LeastPrivilegeFunction(
            `${name}-sweep`,
            {
                description: "Sweeps EC2 and SSM for nodes that are not manageable and reports transitions",
                statements: [
                    // Neither list call supports resource-level permissions.
                    {
                        Effect: "Allow",
                        Action: ["ec2:DescribeInstances", "ssm:DescribeInstanceInformation"],
                        Resource: "*",
                    },
                    { Effect: "Allow", Action: ["dynamodb:Scan", "dynamodb:BatchWriteItem"], Resource: table.arn },
                    { Effect: "Allow", Action: "sns:Publish", Resource: args.topicArn },
                    { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: args.topicKeyArn },
                    {
                        Effect: "Allow",
                        Action: "events:PutEvents",
                        Resource: pulumi.interpolate`arn:${partition}:events:${args.region}:${args.accountId}:event-bus/default`,
                    },
                    {
                        Effect: "Allow",
                        Action: "cloudwatch:PutMetricData",
                        Resource: "*",
                        Condition: { StringEquals: { "cloudwatch:namespace": metricNamespace } },
                    },
                    ...(diagnosisRole
                        ? [
                              // An AWS-owned runbook: AWS's own ARN examples for those leave the account out (aws-facts §3.4).
                              {
                                  Effect: "Allow" as const,
                                  Action: "ssm:StartAutomationExecution",
                                  Resource: `arn:${partition}:ssm:${args.region}:*:automation-definition/${diagnosisRunbook}:*`,
                              },
                              {
                                  Effect: "Allow" as const,
                                  Action: "iam:PassRole",
                                  Resource: diagnosisRole.arn,
                                  Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                              },
                          ]
                        : []),
                ],
                memorySize: 512,
                // The sweep must end well before the next one starts.
                timeout: Math.min(900, Math.max(60, args.intervalMinutes * 60 - 30)),
                // A failed sweep is not retried: the next scheduled sweep is the retry, and the error alarm reports it.
                maximumRetryAttempts: 0,
                environment: {
                    TABLE_NAME: table.name,
                    TOPIC_ARN: args.topicArn,
                    GRACE_MINUTES: String(args.graceMinutes),
                    DEBOUNCE_SWEEPS: String(args.debounceSweeps),
                    EXCLUDE_TAG_KEY: args.excludeTagKey,
                    AUTOMATION_ROLE_ARN: diagnosisRole ? diagnosisRole.arn : "",
                },
                callbackFactory: () => {
                    // Required here, not imported: the Lambda runtime provides SDK v3, so the archive holds only our code.
                    const { EC2Client, DescribeInstancesCommand } = require("@aws-sdk/client-ec2");
                    const {
                        SSMClient,
                        DescribeInstanceInformationCommand,
                        StartAutomationExecutionCommand,
                    } = require("@aws-sdk/client-ssm");
                    const { DynamoDBClient, ScanCommand, BatchWriteItemCommand } = require("@aws-sdk/client-dynamodb");
                    const { SNSClient, PublishCommand } = require("@aws-sdk/client-sns");
                    const { EventBridgeClient, PutEventsCommand } = require("@aws-sdk/client-eventbridge");
                    const { CloudWatchClient, PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch");
                    const [ec2, ssm, dynamodb, sns, events, cloudwatch] = [
                        EC2Client,
                        SSMClient,
                        DynamoDBClient,
                        SNSClient,
                        EventBridgeClient,
                        CloudWatchClient,
                    ].map(Client => new Client({}));
                    const awsCalls: HealthAws = {
                        describeInstances: input => ec2.send(new DescribeInstancesCommand(input)),
                        describeInstanceInformation: input => ssm.send(new DescribeInstanceInformationCommand(input)),
                        scan: input => dynamodb.send(new ScanCommand(input)),
                        batchWriteItem: input => dynamodb.send(new BatchWriteItemCommand(input)),
                        publish: input => sns.send(new PublishCommand(input)),
                        putEvents: input => events.send(new PutEventsCommand(input)),
                        putMetricData: input => cloudwatch.send(new PutMetricDataCommand(input)),
                        startAutomationExecution: input => ssm.send(new StartAutomationExecutionCommand(input)),
                    };
                    const env = process.env;
                    return async () =>
                        runSweep(
                            awsCalls,
                            {
                                region: env.AWS_REGION ?? "",
                                tableName: env.TABLE_NAME ?? "",
                                topicArn: env.TOPIC_ARN ?? "",
                                graceMs: Number(env.GRACE_MINUTES) * 60_000,
                                debounce: Number(env.DEBOUNCE_SWEEPS),
                                excludeTagKey: env.EXCLUDE_TAG_KEY ?? "",
                                automationRoleArn: env.AUTOMATION_ROLE_ARN || undefined,
                                maxDiagnoses: 5,
                            },
                            Date.now(),
                            ms => new Promise(resolve => setTimeout(resolve, ms)),
                        );
                },
            },
            child,
        );

        const schedule = new aws.cloudwatch.EventRule(
            `${name}-schedule`,
            {
                description: "Runs the managed-node health sweep",
                scheduleExpression: `rate(${args.intervalMinutes} ${args.intervalMinutes === 1 ? "minute" : "minutes"})`,
            },
            child,
        );
        new aws.lambda.Permission(
            `${name}-schedule-invoke`,
            {
                action: "lambda:InvokeFunction",
                function: sweep.functionName,
                principal: "events.amazonaws.com",
                sourceArn: schedule.arn,
            },
            child,
        );
        new aws.cloudwatch.EventTarget(
            `${name}-schedule-target`,
            { rule: schedule.name, arn: sweep.functionArn },
            child,
        );

        const period = args.intervalMinutes * 60;
        const alarm = (suffix: string, description: string, metric: Partial<aws.cloudwatch.MetricAlarmArgs>) =>
            new aws.cloudwatch.MetricAlarm(
                `${name}-${suffix}`,
                {
                    alarmDescription: description,
                    period,
                    evaluationPeriods: 3,
                    alarmActions: [args.topicArn],
                    okActions: [args.topicArn],
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: 0,
                    treatMissingData: "notBreaching",
                    ...metric,
                },
                child,
            );
        alarm("unmanaged", "Nodes have stayed not manageable for three sweeps", {
            namespace: metricNamespace,
            metricName: "NodesUnmanaged",
            statistic: "Maximum",
        });
        alarm("sweep-errors", "The managed-node health sweep is failing", {
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: sweep.functionName },
            statistic: "Sum",
            evaluationPeriods: 1,
        });
        // Watch the watcher: no invocation for three intervals means the sweep stopped running.
        alarm("sweep-stopped", "The managed-node health sweep has not run for three intervals", {
            namespace: "AWS/Lambda",
            metricName: "Invocations",
            dimensions: { FunctionName: sweep.functionName },
            statistic: "Sum",
            comparisonOperator: "LessThanThreshold",
            threshold: 1,
            treatMissingData: "breaching",
        });

        this.tableName = table.name;
        this.sweepFunctionName = sweep.functionName;
        this.registerOutputs({ tableName: this.tableName, sweepFunctionName: this.sweepFunctionName });
    }
}
