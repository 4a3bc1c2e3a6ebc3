// Reading IAM policy documents as resources carry them: a JSON string or an object, with
// Statement, Action, NotAction and Principal each a single value or a list.

export interface IamStatement {
    readonly Effect?: string;
    readonly Action?: string | string[];
    readonly NotAction?: string | string[];
    readonly Principal?: unknown;
    readonly Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(value: T | T[] | undefined): T[] =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The statements of a policy document; none when it is absent or not JSON. */
export function statementsOf(document: unknown): IamStatement[] {
    let parsed = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return [];
        }
    }
    if (typeof parsed !== "object" || parsed === null) {
        return [];
    }
    return list((parsed as { Statement?: IamStatement | IamStatement[] }).Statement);
}

/** IAM action patterns: case-insensitive, `*` for any run of characters and `?` for one. */
function actionMatches(pattern: string, action: string): boolean {
    const regex = new RegExp(
        `^${pattern
            .split("")
            .map(c => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
            .join("")}$`,
        "i",
    );
    return regex.test(action);
}

/** Whether any Allow statement grants the action, through Action patterns or a NotAction that leaves it out. */
export function allowsAction(document: unknown, action: string): boolean {
    return statementsOf(document).some(statement => {
        if (statement.Effect !== "Allow") {
            return false;
        }
        if (statement.Action !== undefined) {
            return list(statement.Action).some(pattern => actionMatches(pattern, action));
        }
        return (
            statement.NotAction !== undefined &&
            !list(statement.NotAction).some(pattern => actionMatches(pattern, action))
        );
    });
}

/** Whether the trust policy lets the service principal assume the role. */
export function trustsService(document: unknown, service: string): boolean {
    return statementsOf(document).some(statement => {
        const principal = statement.Principal as { Service?: string | string[] } | undefined;
        return (
            statement.Effect === "Allow" &&
            list(statement.Action).some(pattern => actionMatches(pattern, "sts:AssumeRole")) &&
            list(principal?.Service).includes(service)
        );
    });
}

/** Whether some Deny statement refuses requests without TLS (aws:SecureTransport false). */
export function deniesInsecureTransport(document: unknown): boolean {
    return statementsOf(document).some(statement => {
        const secure = statement.Condition?.Bool?.["aws:SecureTransport"];
        return statement.Effect === "Deny" && (secure === "false" || secure === false);
    });
}
