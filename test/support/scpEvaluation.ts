// A small evaluator for the Deny-with-exemptions SCPs the program outputs: enough to show who a
// statement stops, not a general IAM engine.

/** ArnLike/ArnNotLike: `*` and `?` match within the whole ARN, case-sensitively (Resource matches the same way). */
export const arnLike = (pattern: string, arn: string) =>
    new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
    ).test(arn);

/** A Deny statement whose only condition exempts principals by aws:PrincipalArn (ArnNotLike). */
export interface ExemptingDeny {
    readonly Effect: string;
    readonly Action: readonly string[];
    readonly Resource: string | readonly string[];
    readonly Condition: { readonly ArnNotLike: { readonly "aws:PrincipalArn": readonly string[] } };
}

/** Whether any statement denies the principal the action on the resource. */
export function scpDenies(
    scp: { readonly Statement: readonly ExemptingDeny[] },
    principalArn: string,
    action: string,
    resource: string,
): boolean {
    return scp.Statement.some(
        s =>
            s.Effect === "Deny" &&
            s.Action.includes(action) &&
            [s.Resource].flat().some(pattern => arnLike(pattern, resource)) &&
            !s.Condition.ArnNotLike["aws:PrincipalArn"].some(p => arnLike(p, principalArn)),
    );
}
