// SSM Agent version arithmetic. Pure: serialized by value into Lambdas and used by config validation.

/** DHMC manages only nodes whose agent is at least this version (https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html). */
export const dhmcMinimumAgentVersion = "3.2.582.0";

/** Parses "3.2.582.0" into [3, 2, 582, 0]; undefined when it is not four dot-separated integers. */
export function parseAgentVersion(version: string): number[] | undefined {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(version)) {
        return undefined;
    }
    return version.split(".").map(Number);
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. Both must parse. */
export function compareAgentVersions(a: string, b: string): number {
    const left = parseAgentVersion(a);
    const right = parseAgentVersion(b);
    if (!left || !right) {
        throw new Error(`cannot compare agent versions "${a}" and "${b}"`);
    }
    for (let i = 0; i < 4; i++) {
        if (left[i] !== right[i]) {
            return left[i] - right[i];
        }
    }
    return 0;
}
