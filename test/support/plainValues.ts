// What the engine would store in plain text: the registrations and component outputs exactly as
// the SDK sends them, where a Pulumi secret arrives wrapped with the secret signature.
import { RecordingMocks } from "../../harness/standIns";

// The wrapper's key and value, from @pulumi/pulumi runtime/rpc (specialSigKey, specialSecretSig).
const signatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

/** Every string in a serialized value that is not inside a secret. */
export function plainStrings(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(plainStrings);
    }
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        return record[signatureKey] === secretSignature ? [] : Object.values(record).flatMap(plainStrings);
    }
    return [];
}

/** Records each registration's inputs and each component's outputs as serialized for the engine. */
export class SerializedRequestMocks extends RecordingMocks {
    readonly serialized: { readonly what: string; readonly value: unknown }[] = [];

    recordOptionsOf(monitor: any): void {
        super.recordOptionsOf(monitor);
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
            this.serialized.push({
                what: `inputs of ${req.getType()} ${req.getName()}`,
                value: req.getObject()?.toJavaScript(),
            });
            return register(req, callback);
        };
        const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
        monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
            this.serialized.push({ what: `outputs of ${req.getUrn()}`, value: req.getOutputs()?.toJavaScript() });
            return registerOutputs(req, callback);
        };
    }

    /** The registrations and outputs that hold `text` outside a secret. */
    holdingInPlain(text: string): string[] {
        return this.serialized.filter(r => plainStrings(r.value).some(s => s.includes(text))).map(r => r.what);
    }
}
