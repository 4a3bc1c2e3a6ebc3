// The contract between a capability and the notification pipeline: a capability names the events
// it wants e-mailed, and index.ts hands its routes to the pipeline, which delivers them.
import * as pulumi from "@pulumi/pulumi";

/** Events a component wants e-mailed: it owns the pattern, the pipeline owns the delivery. */
export interface NotificationRoute {
    /** A short name, unique in the stack, used in the names of the route's resources. */
    readonly name: string;
    readonly description: string;
    /** An EventBridge event pattern as JSON. */
    readonly eventPattern: pulumi.Input<string>;
}
