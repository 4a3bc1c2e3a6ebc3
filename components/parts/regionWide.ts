// Resources that act on a whole region (the DHMC setting, the hybrid instance tier, the default
// patch baseline, Session Manager's preferences) outlive one stack's destroy: each is kept in AWS
// or guarded by Pulumi, as the stack configuration's regionalSettingsProtection says. So are the
// buckets of audit and output data, with every protection of theirs (PrivateBucket).
import * as pulumi from "@pulumi/pulumi";

/** How the region-wide settings survive `pulumi destroy`: kept in AWS, or guarded by Pulumi. */
export type RegionalSettingsProtection = "retain" | "protect";

/** The options of a child resource with a region-wide effect: kept on destroy, or protected from it. */
export function regionWideOptions(
    protection: RegionalSettingsProtection,
    parent: pulumi.Resource,
): pulumi.CustomResourceOptions {
    return protection === "protect" ? { parent, protect: true } : { parent, retainOnDelete: true };
}
