// Test access to the program runner.
import { RecordingMocks } from "../../harness/standIns";
import { runProgram, stackConfig } from "../../harness/synthesize";

export { projectRoot, runProgram, stackConfig, underMocks, valueOf } from "../../harness/synthesize";

export type Synthesized = Awaited<ReturnType<typeof runProgram>>;

const committed = new Map<string, Promise<Synthesized>>();

/**
 * A committed stack (Pulumi.<stack>.yaml, unchanged) as runProgram synthesizes it, in `pulumi up`
 * or, with "preview", a first `pulumi preview`: synthesized once per test process and shared by
 * the tests that only read it. What they read is frozen, so a test that writes to it fails
 * instead of changing what the next one sees.
 */
export function committedStack(stack: string, mode: "preview" | "update" = "update"): Promise<Synthesized> {
    const key = `${stack} ${mode}`;
    if (!committed.has(key)) {
        const config = stackConfig(stack);
        const mocks = new RecordingMocks(config["aws:region"], mode === "preview");
        committed.set(key, runProgram(stack, config, mocks).then(readOnly));
    }
    return committed.get(key)!;
}

function readOnly(synthesized: Synthesized): Synthesized {
    const { mocks, outputs, resources } = synthesized;
    deepFreeze([outputs, resources, mocks.resources, mocks.invokes, [...mocks.options.values()]]);
    const refuse = () => {
        throw new TypeError("a committed stack is shared: copy it before changing it");
    };
    Object.assign(mocks.options, { set: refuse, delete: refuse, clear: refuse });
    Object.freeze(mocks);
    // `exports` are the program's Outputs, which the SDK owns; they are read through valueOf.
    return Object.freeze(synthesized);
}

/** Freezes plain objects and arrays all the way down (and nothing the SDK owns, such as Outputs). */
function deepFreeze(value: unknown): void {
    if (typeof value !== "object" || value === null || Object.isFrozen(value)) {
        return;
    }
    const prototype = Object.getPrototypeOf(value);
    if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
        return;
    }
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
}
