import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { automationExecutionStatusChangeDetailType } from "../../aws/events";
import {
    automationAssumeRoleParameter,
    automationDefinitionArn,
    startAutomationResources,
} from "../../aws/identifiers";
import { partitionOf } from "../../aws/partition";
import { NotificationRoute } from "./notificationRoute";
import { policyDocument, scopedServiceTrustPolicy, Statement } from "./policyDocuments";

export interface EventDrivenRunbookArgs {
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    /** The Automation runbook to start, by name. */
    readonly runbook: string;
    readonly description: string;
    /** The EventBridge event pattern, as JSON, of the events that start it. */
    readonly eventPattern: pulumi.Input<string>;
    /** Each runbook parameter with the JSON path of the event field that supplies it, e.g. InstanceId: "$.detail.nodeId". */
    readonly parameters: Readonly<Record<string, string>>;
    /** Exactly the permissions the runbook documents for its assume role. */
    readonly runbookPermissions: Statement[];
    /** The bus the rule listens on; the default bus when unset (AWS service events arrive only there). */
    readonly eventBusName?: pulumi.Input<string>;
    /** How long and how often EventBridge retries a start that failed (event age 60 to 86400 s, 0 to 185 attempts). */
    readonly retryPolicy: aws.types.input.cloudwatch.EventTargetRetryPolicy;
    /** Where EventBridge sends an event whose start failed: a standard queue whose policy admits the rule (ruleArn). */
    readonly deadLetterQueueArn: pulumi.Input<string>;
}

/**
 * The input template of an Automation target: every parameter an array of strings, as
 * StartAutomationExecution takes them. EventBridge writes a string variable placed unquoted in a
 * JSON template as a JSON string, so `[<InstanceId>]` becomes `["i-..."]`.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-tutorial-eventbridge-input-transformers.html
 */
export function automationInputTemplate(parameters: readonly string[], automationRoleArn: string): string {
    const fields = [
        ...parameters.map(parameter => `${JSON.stringify(parameter)}:[<${parameter}>]`),
        `${JSON.stringify(automationAssumeRoleParameter)}:[${JSON.stringify(automationRoleArn)}]`,
    ];
    return `{${fields.join(",")}}`;
}

/**
 * The end of every execution of one runbook: its terminal statuses. AWS's reference of the status
 * values this event carries could not be read; these are the API enum's terminal values of a
 * single-target execution, with the casing of AWS's sample ("Success"). Unconfirmed: a status
 * outside the list would not be e-mailed.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
 */
export function automationCompletionPattern(runbook: string) {
    return {
        source: ["aws.ssm"],
        "detail-type": [automationExecutionStatusChangeDetailType],
        detail: { Definition: [runbook], Status: ["Success", "Failed", "TimedOut", "Cancelled"] },
    };
}

/** The notification route of a runbook's completions, for the pipeline. */
export function automationCompletionRoute(name: string, runbook: string): NotificationRoute {
    return {
        name,
        description: `Completions of ${runbook}, with the execution's outcome`,
        eventPattern: pulumi.jsonStringify(automationCompletionPattern(runbook)),
    };
}

/**
 * A runbook that EventBridge starts: the rule, the Automation target (the runbook's
 * automation-definition ARN, its parameters taken from the event by an input transformer), the
 * role EventBridge starts it with (exactly that runbook, and passing exactly the automation role
 * to Systems Manager) and the role the runbook runs with (exactly what it documents).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/running-automations-event-bridge.html
 */
export class EventDrivenRunbook extends pulumi.ComponentResource {
    /** The rule's ARN: what the dead-letter queue's policy admits. */
    public readonly ruleArn: pulumi.Output<string>;

    constructor(name: string, args: EventDrivenRunbookArgs, opts?: pulumi.ComponentResourceOptions) {
        if (automationAssumeRoleParameter in args.parameters) {
            throw new pulumi.InputPropertyError({
                propertyPath: "parameters",
                reason: `${automationAssumeRoleParameter} is this component's automation role`,
            });
        }
        super("ssm-fleet-baseline:index:EventDrivenRunbook", name, {}, opts);
        const rule = new aws.cloudwatch.EventRule(
            name,
            { description: args.description, eventPattern: args.eventPattern, eventBusName: args.eventBusName },
            { parent: this },
        );
        const automationRole = this.automationRole(name, args);
        const eventsRole = this.eventsRole(name, args, rule, automationRole);
        this.target(name, args, rule, eventsRole, automationRole);
        this.ruleArn = rule.arn;
        this.registerOutputs({ ruleArn: this.ruleArn });
    }

    /**
     * The role the runbook runs with, assumable by Systems Manager only for this account's
     * automation executions in the region.
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html
     */
    private automationRole(name: string, args: EventDrivenRunbookArgs): aws.iam.Role {
        const partition = partitionOf(args.region);
        return new aws.iam.Role(
            `${name}-automation-role`,
            {
                description: `Assumed by Systems Manager to run ${args.runbook}`,
                assumeRolePolicy: scopedServiceTrustPolicy(
                    "ssm.amazonaws.com",
                    args.accountId,
                    pulumi.interpolate`arn:${partition}:ssm:${args.region}:${args.accountId}:automation-execution/*`,
                ),
                inlinePolicies: [{ name: "runbook", policy: policyDocument(args.runbookPermissions) }],
            },
            { parent: this },
        );
    }

    /**
     * The role EventBridge starts the runbook with, assumable only by this rule. For event bus
     * rule targets, aws:SourceArn is the rule's ARN.
     * https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
     */
    private eventsRole(
        name: string,
        args: EventDrivenRunbookArgs,
        rule: aws.cloudwatch.EventRule,
        automationRole: aws.iam.Role,
    ): aws.iam.Role {
        const partition = partitionOf(args.region);
        return new aws.iam.Role(
            `${name}-events-role`,
            {
                description: `Lets EventBridge start ${args.runbook}`,
                assumeRolePolicy: scopedServiceTrustPolicy("events.amazonaws.com", args.accountId, rule.arn),
                inlinePolicies: [
                    {
                        name: "start-runbook",
                        policy: policyDocument([
                            pulumi.output(args.accountId).apply((account): Statement => ({
                                Effect: "Allow",
                                Action: "ssm:StartAutomationExecution",
                                Resource: startAutomationResources(partition, args.region, account, args.runbook),
                            })),
                            {
                                Effect: "Allow",
                                Action: "iam:PassRole",
                                Resource: automationRole.arn,
                                Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                            },
                        ]),
                    },
                ],
            },
            { parent: this },
        );
    }

    private target(
        name: string,
        args: EventDrivenRunbookArgs,
        rule: aws.cloudwatch.EventRule,
        eventsRole: aws.iam.Role,
        automationRole: aws.iam.Role,
    ): void {
        new aws.cloudwatch.EventTarget(
            `${name}-target`,
            {
                rule: rule.name,
                // A rule of another bus than the default is found only with its bus.
                eventBusName: args.eventBusName,
                // With the account: an empty account field makes a rule that fires and starts nothing.
                arn: pulumi
                    .output(args.accountId)
                    .apply(account =>
                        automationDefinitionArn(partitionOf(args.region), args.region, account, args.runbook),
                    ),
                roleArn: eventsRole.arn,
                inputTransformer: {
                    inputPaths: { ...args.parameters },
                    inputTemplate: automationRole.arn.apply(arn =>
                        automationInputTemplate(Object.keys(args.parameters), arn),
                    ),
                },
                // Like every other target: a start that keeps failing is kept where an alarm sees it, never dropped.
                // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
                retryPolicy: args.retryPolicy,
                deadLetterConfig: { arn: args.deadLetterQueueArn },
            },
            { parent: this },
        );
    }
}
