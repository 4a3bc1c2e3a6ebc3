// The code a CallbackFunction deploys, taken from its AssetArchive under mocks and evaluated as
// the Lambda runtime would: sloppy-mode CommonJS (the serializer emits `with` blocks).
import * as vm from "vm";
import { RecordingMocks } from "./standIns";

export type Handler = (event: unknown, context: object) => Promise<any>;

/** The archive's file names and the text of its __index.js, for the function with this logical name. */
export async function archiveOf(
    mocks: RecordingMocks,
    functionName: string,
): Promise<{ files: string[]; text: string }> {
    const assets = await mocks.named(functionName).inputs.code.assets;
    return { files: Object.keys(assets), text: await assets["__index.js"].text };
}

/** Evaluates the module (its callback factory runs now) with the given require and process; returns its handler. */
export function loadHandler(
    text: string,
    globals: {
        require: (id: string) => unknown;
        process: { env: Record<string, string | undefined>; stdout?: { write(text: string): unknown } };
    },
): Handler {
    const exports = {};
    const sandbox = { exports, module: { exports }, ...globals, console, Buffer, setTimeout, clearTimeout };
    vm.runInNewContext(text, sandbox, { filename: "__index.js" });
    return (sandbox.module.exports as { handler: Handler }).handler;
}
