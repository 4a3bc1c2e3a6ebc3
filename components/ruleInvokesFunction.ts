import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RuleInvokesFunctionArgs {
    /** The rule: a description and an event pattern or a schedule. */
    readonly rule: aws.cloudwatch.EventRuleArgs;
    readonly functionName: pulumi.Input<string>;
    readonly functionArn: pulumi.Input<string>;
    /** How long and how often EventBridge retries a failed delivery. */
    readonly retryPolicy?: aws.types.input.cloudwatch.EventTargetRetryPolicy;
    /** Where EventBridge sends an event it could not deliver. */
    readonly deadLetterQueueArn?: pulumi.Input<string>;
}

/**
 * An EventBridge rule that invokes a Lambda function: the rule `name`, the permission that lets
 * this rule (and no other) invoke the function `${name}-invoke`, and the target `${name}-target`.
 * Returns the rule.
 */
export function ruleInvokesFunction(
    name: string,
    args: RuleInvokesFunctionArgs,
    parent: pulumi.Resource,
): aws.cloudwatch.EventRule {
    const rule = new aws.cloudwatch.EventRule(name, args.rule, { parent });
    new aws.lambda.Permission(
        `${name}-invoke`,
        {
            action: "lambda:InvokeFunction",
            function: args.functionName,
            principal: "events.amazonaws.com",
            sourceArn: rule.arn,
        },
        { parent },
    );
    new aws.cloudwatch.EventTarget(
        `${name}-target`,
        {
            rule: rule.name,
            arn: args.functionArn,
            retryPolicy: args.retryPolicy,
            deadLetterConfig: args.deadLetterQueueArn ? { arn: args.deadLetterQueueArn } : undefined,
        },
        { parent },
    );
    return rule;
}
