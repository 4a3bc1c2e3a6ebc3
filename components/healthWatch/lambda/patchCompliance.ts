// Patch compliance by severity: how many nodes miss patches of each severity, from Systems
// Manager's per-resource compliance summaries. Pure of @pulumi imports: serialized by value into
// the sweep Lambda.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListResourceComplianceSummaries.html
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SeveritySummary.html

/** SeveritySummary's levels, each a value of the `Severity` dimension: six, so six metrics at most. */
export const patchSeverities = ["Critical", "High", "Medium", "Low", "Informational", "Unspecified"] as const;
export type PatchSeverity = (typeof patchSeverities)[number];

/** A ResourceComplianceSummaryItem as ListResourceComplianceSummaries returns it (fields may be missing). */
export interface ResourceComplianceSummary {
    readonly ResourceId?: string;
    readonly ComplianceType?: string;
    readonly Status?: string;
    readonly NonCompliantSummary?: {
        readonly NonCompliantCount?: number;
        readonly SeveritySummary?: Partial<Record<`${PatchSeverity}Count`, number>>;
    };
}

/**
 * Only patch compliance, only non-compliant nodes. The AWS CLI's examples filter this call by
 * `OverallSeverity`; `ComplianceType` and `Status` are the item's fields of those names.
 */
export const patchNonCompliantFilters = [
    { Key: "ComplianceType", Values: ["Patch"], Type: "EQUAL" },
    { Key: "Status", Values: ["NON_COMPLIANT"], Type: "EQUAL" },
] as const;

/**
 * Nodes with at least one missing patch of each severity. A node missing a critical and a low
 * patch counts under both, so the counts do not add up to a node total.
 */
export function nonCompliantBySeverity(items: readonly ResourceComplianceSummary[]): Record<PatchSeverity, number> {
    const counts = Object.fromEntries(patchSeverities.map(s => [s, 0])) as Record<PatchSeverity, number>;
    const seen = new Set<string>();
    for (const item of items) {
        const id = item?.ResourceId;
        if (item?.ComplianceType !== "Patch" || item.Status !== "NON_COMPLIANT" || !id || seen.has(id)) {
            continue;
        }
        seen.add(id);
        for (const severity of patchSeverities) {
            if ((item.NonCompliantSummary?.SeveritySummary?.[`${severity}Count`] ?? 0) > 0) {
                counts[severity]++;
            }
        }
    }
    return counts;
}
