import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmArgs {
    readonly description: string;
    readonly metric: Pick<aws.cloudwatch.MetricAlarmArgs, "namespace" | "metricName" | "dimensions" | "statistic">;
    /** Seconds per evaluated period. */
    readonly period: number;
    readonly evaluationPeriods: number;
    /** Alarms when the metric is above this (or below it, with comparison "below"); 0 by default. */
    readonly threshold?: number;
    readonly comparison?: "above" | "below";
    /** Whether periods without data count as breaching: for "the thing stopped reporting" alarms. */
    readonly missingDataBreaches?: boolean;
    /** The topic that hears the alarm. */
    readonly topicArn: pulumi.Input<string>;
    /** Also tell the topic when the alarm clears. */
    readonly notifyOnRecovery: boolean;
    /**
     * The watch topic: a second path to a person, under a key of its own, for alarms about the
     * notification path itself, which must be heard when the topic or its key is broken.
     */
    readonly watchTopicArn?: pulumi.Input<string>;
}

/** A CloudWatch metric alarm that notifies a topic. */
export function alarm(name: string, args: AlarmArgs, parent: pulumi.Resource): aws.cloudwatch.MetricAlarm {
    const actions = [args.topicArn, ...(args.watchTopicArn !== undefined ? [args.watchTopicArn] : [])];
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            alarmDescription: args.description,
            ...args.metric,
            period: args.period,
            evaluationPeriods: args.evaluationPeriods,
            threshold: args.threshold ?? 0,
            comparisonOperator: args.comparison === "below" ? "LessThanThreshold" : "GreaterThanThreshold",
            treatMissingData: args.missingDataBreaches ? "breaching" : "notBreaching",
            alarmActions: actions,
            okActions: args.notifyOnRecovery ? actions : undefined,
        },
        { parent },
    );
}
