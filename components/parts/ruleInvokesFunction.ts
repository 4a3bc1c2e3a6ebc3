import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RuleInvokesFunctionArgs {
    /** The rule: a description and an event pattern or a schedule. */
    readonly rule: aws.cloudwatch.EventRuleArgs;
    readonly functionName: pulumi.Input<string>;
    readonly functionArn: pulumi.Input<string>;
    /** How long and how often EventBridge retries a failed delivery (event age 60 to 86400 s, 0 to 185 attempts). */
    readonly retryPolicy: aws.types.input.cloudwatch.EventTargetRetryPolicy;
    /** Where EventBridge sends an event it could not deliver: a standard queue whose policy admits the rule. */
    readonly deadLetterQueueArn: pulumi.Input<string>;
}

/**
 * An EventBridge rule that invokes a Lambda function: the rule `name`, the permission that lets
 * this rule (and no other) invoke the function `${name}-invoke`, and the target `${name}-target`,
 * which always has a retry policy and a dead-letter queue, so that no event is dropped unseen.
 * Returns the rule.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
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
            deadLetterConfig: { arn: args.deadLetterQueueArn },
        },
        { parent },
    );
    return rule;
}
