// Values a preview cannot know yet: the outputs providers compute when they create a resource (ids,
// ARNs, autonamed names) and everything derived from them. The analyzer wraps props in
// unknownCheckingProxy, which throws UnknownValueError when a policy reads such a value; left
// uncaught, the policy ends with an advisory "can't run policy ... during preview" and checks nothing.
import * as policySdk from "@pulumi/policy";

// @pulumi/policy exports both at runtime, but its declaration files leave out their types.
const sdk = policySdk as unknown as {
    unknownCheckingProxy<T extends object>(values: T): T;
    UnknownValueError: new (...args: never[]) => Error;
};
export const { unknownCheckingProxy, UnknownValueError } = sdk;

/** What `read` returns for a value that is unknown until the update. */
export const notYetKnown: unique symbol = Symbol("not known until the update");

/** The value `get` reads, or notYetKnown if it touches a value the preview does not know. */
export function read<T>(get: () => T): T | typeof notYetKnown {
    try {
        return get();
    } catch (error) {
        if (error instanceof UnknownValueError) {
            return notYetKnown;
        }
        throw error;
    }
}
