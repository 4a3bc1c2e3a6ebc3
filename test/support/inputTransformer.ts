// A local EventBridge input transformer for the forms our targets use: input paths in JSON dot
// notation, variables placed quoted ("<v>", the raw value) or unquoted (<v>, a string as a JSON
// string), and a variable whose path does not exist in the event left undefined, so that its
// placeholder stays and the result is not JSON.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
export function transformInput(inputPaths: Record<string, string>, template: string, event: unknown): string {
    let result = template;
    for (const [variable, path] of Object.entries(inputPaths)) {
        const value = path
            .replace(/^\$\.?/, "")
            .split(".")
            .filter(Boolean)
            .reduce<any>((at, key) => (at === undefined || at === null ? undefined : at[key]), event);
        if (value === undefined) {
            continue;
        }
        result = result
            .split(`"<${variable}>"`)
            .join(JSON.stringify(String(value)))
            .split(`<${variable}>`)
            .join(JSON.stringify(value));
    }
    return result;
}
