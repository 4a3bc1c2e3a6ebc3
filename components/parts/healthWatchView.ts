// What the health watch shows the rest of the stack (the fleet dashboard draws it): the names of the
// metrics its sweep publishes and the resources that run the sweep.
import * as pulumi from "@pulumi/pulumi";

export interface HealthMetrics {
    readonly namespace: string;
    /** Dimensionless counts kept for the alarms: by status label, plus the unmanaged total. */
    readonly online: string;
    readonly unmanaged: string;
    readonly connectionLost: string;
    readonly neverRegistered: string;
    readonly agentOutdated: string;
    readonly hybridLost: string;
    /** The Embedded Metric Format count, and the dimension it is split by on the status chart. */
    readonly nodesByDimension: string;
    readonly statusDimension: string;
    /** Nodes missing patches (EMF), by a severity dimension with a fixed list of values. */
    readonly patchNonCompliant: string;
    readonly severityDimension: string;
    readonly severities: readonly string[];
    /** Seconds from EC2 `running` to first online (EMF values, dimensionless): drawn as percentiles. */
    readonly timeToManaged: string;
}

export interface HealthWatchView {
    readonly metrics: HealthMetrics;
    readonly sweepFunctionName: pulumi.Input<string>;
    readonly sweepLogGroupName: pulumi.Input<string>;
    readonly scheduleRuleName: pulumi.Input<string>;
    readonly intervalSeconds: number;
}
