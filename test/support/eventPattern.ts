// A local EventBridge pattern matcher for the operators our patterns use, following the
// content-filtering rules (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html): every leaf is an array of alternatives (OR),
// fields AND together, matching is exact and case-sensitive, a leaf matches an array value when
// any element matches, and "$or" takes a list of sub-patterns.

type Pattern = Record<string, unknown>;

export function matchesPattern(pattern: Pattern, event: unknown): boolean {
    if (typeof event !== "object" || event === null) {
        return false;
    }
    const fields = event as Record<string, unknown>;
    return Object.entries(pattern).every(([key, rule]) => {
        if (key === "$or") {
            return (rule as Pattern[]).some(alternative => matchesPattern(alternative, event));
        }
        if (Array.isArray(rule)) {
            return matchesLeaf(rule, fields[key], key in fields);
        }
        return matchesPattern(rule as Pattern, fields[key]);
    });
}

function matchesLeaf(alternatives: unknown[], value: unknown, present: boolean): boolean {
    const values = Array.isArray(value) ? value : [value];
    return alternatives.some(alternative => {
        if (typeof alternative === "object" && alternative !== null) {
            const [operator, operand] = Object.entries(alternative)[0];
            switch (operator) {
                case "exists":
                    return operand === present;
                case "prefix":
                    return present && values.some(v => typeof v === "string" && v.startsWith(operand as string));
                case "suffix":
                    return present && values.some(v => typeof v === "string" && v.endsWith(operand as string));
                case "equals-ignore-case":
                    return (
                        present &&
                        values.some(v => typeof v === "string" && v.toLowerCase() === (operand as string).toLowerCase())
                    );
                case "anything-but":
                    return present && values.every(v => !(Array.isArray(operand) ? operand : [operand]).includes(v));
                default:
                    throw new Error(`operator ${operator} is not implemented by the test matcher`);
            }
        }
        return present && values.some(v => v === alternative);
    });
}
