// Command-line arguments for the project's tools (the plan, the CI driver): Node's own parser,
// strict, with every failure a UsageError that the tool prints above its usage and exits 2 for.
import { parseArgs, ParseArgsConfig } from "util";

export class UsageError extends Error {}

/** Parses argv strictly against the options; unknown options and missing values are UsageErrors. */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig["options"]>>(
    argv: readonly string[],
    options: O,
    allowPositionals = false,
) {
    try {
        return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    } catch (error) {
        // Node explains how to pass a positional that starts with "-"; the option's name is what matters.
        const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message);
        throw new UsageError(unknown ? `unknown option ${unknown[1]}` : (error as Error).message);
    }
}

/** Stack names become part of file names: keep them to what `pulumi stack init` accepts, with no org or project. */
export function checkStackName(stack: string): string {
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new UsageError(`--stack ${JSON.stringify(stack)}: expected a stack name of letters, digits, _, . and -`);
    }
    return stack;
}
