// How the Pulumi engine turns Pulumi.yaml and Pulumi.<stack>.yaml into the config a program reads,
// mirrored rule by rule from pulumi/pulumi (read at commit 1b59498, 2026-08-21; each rule cites the
// function it mirrors). The offline plan, the tests and the driver read stacks through this module,
// so that they see what `pulumi up` would hand the program, defaults included.
import * as fs from "fs";
import * as yaml from "js-yaml";
import { ConfigError } from "../config";

/** A key's declaration in Pulumi.yaml `config:` (sdk/go/common/workspace/project.go, ProjectConfigType). */
export interface DeclaredConfig {
    readonly type?: string;
    readonly items?: { readonly type: string; readonly items?: DeclaredConfig["items"] };
    readonly default?: unknown;
    readonly value?: unknown;
    readonly secret?: boolean;
    readonly description?: string;
}

export interface ProjectFile {
    readonly name: string;
    readonly config: Readonly<Record<string, DeclaredConfig>>;
}

/**
 * YAML as gopkg.in/yaml.v3 decodes it into interface{}, which the engine uses for both files
 * (sdk/go/common/encoding/marshal.go): YAML 1.2 core types, so `yes` and `on` stay text, and a
 * timestamp-like scalar keeps its text (yaml.v3 decode.go: "for backward compatibility reasons we
 * set it as a string"). js-yaml's core schema has no timestamp type, which gives the same.
 */
function loadYaml(text: string, file: string): unknown {
    try {
        return yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: file });
    } catch (error) {
        throw new ConfigError([`${file}: ${(error as Error).message.split("\n")[0]}`]);
    }
}

export function readProjectFile(file: string): ProjectFile {
    const parsed = loadYaml(fs.readFileSync(file, "utf8"), file) as { name?: unknown; config?: unknown } | null;
    if (typeof parsed?.name !== "string") {
        throw new ConfigError([`${file}: expected a project name`]);
    }
    return { name: parsed.name, config: (parsed.config ?? {}) as ProjectFile["config"] };
}

/** A decoded YAML value, with `{secure: ...}` recognised (config/object.go, isSecureValue). */
type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

function isSecure(value: YamlValue): value is { secure: string } {
    return (
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 1 &&
        typeof value.secure === "string"
    );
}

/** A config value as the engine stores it: its text, and whether that text is JSON (config/value.go). */
interface EngineValue {
    readonly text: string;
    readonly object: boolean;
    readonly secure: boolean;
}

/**
 * A stack file's value as the engine's config.Value holds it (config/object.go, MarshalString):
 * text as written; booleans and numbers as JSON (an unquoted 2.0 arrives as "2"); lists, maps and
 * null as JSON; a secure value as its ciphertext, which the harness keeps as {"secure": ...} so that
 * the stand-in runtime can mark the key secret without a passphrase.
 */
function stackValue(value: YamlValue, key: string): EngineValue {
    if (isSecure(value)) {
        return { text: JSON.stringify(value), object: false, secure: true };
    }
    if (typeof value === "string") {
        return { text: value, object: false, secure: false };
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
        // Go's encoding/json refuses NaN and infinities ("unsupported value").
        throw new ConfigError([`${key}: json: unsupported value: ${value}`]);
    }
    const primitive = typeof value === "boolean" || typeof value === "number";
    return { text: JSON.stringify(value), object: !primitive, secure: false };
}

/**
 * A Pulumi.yaml default as the engine sets it on the stack (pkg/workspace/config.go,
 * createConfigValue): strings, integers and booleans by fmt's %v, anything else as JSON.
 */
function defaultValue(value: YamlValue, key: string): EngineValue {
    if (typeof value === "string" || typeof value === "boolean" || Number.isInteger(value)) {
        return { text: String(value), object: false, secure: false };
    }
    return { ...stackValue(value, key), object: true };
}

/** The full type name in the engine's messages, e.g. array<string> (workspace/project.go, InferFullTypeName). */
function fullTypeName(type: string, items: DeclaredConfig["items"]): string {
    return items ? `${type}<${fullTypeName(items.type, items.items)}>` : type;
}

/** Whether a value has its declared type (sdk/go/common/workspace/project.go, ValidateConfigValue). */
function hasDeclaredType(type: string, items: DeclaredConfig["items"], value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            // Whole floats pass, and text that strconv.Atoi reads.
            return (
                (typeof value === "number" && Number.isInteger(value)) ||
                (typeof value === "string" && /^[+-]?\d+$/.test(value))
            );
        case "boolean":
            return value === true || value === false || value === "true" || value === "false";
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value);
        default:
            return (
                Array.isArray(value) &&
                items !== undefined &&
                value.every(v => hasDeclaredType(items.type, items.items, v))
            );
    }
}

/**
 * The config a program receives for a stack, every key namespaced, every value a string:
 * - a stack-file key without a namespace belongs to the project
 *   (sdk/go/common/workspace/loaders.go, stackConfigNamespacedWithProject);
 * - every key Pulumi.yaml declares that the stack file lacks is set to its `value` or `default`, and
 *   a project key with neither is missing (pkg/workspace/config.go, mergeConfig);
 * - then each explicitly typed key is checked: `secret: true` needs a secure value, and the value
 *   must have the declared type (pkg/workspace/config.go, validateStackConfigValues).
 * Throws a ConfigError worded as the engine words it, which stops `pulumi up` before the program runs.
 */
export function engineStackConfig(
    stack: string,
    stackFileText: string,
    project: ProjectFile,
    stackFile = `Pulumi.${stack}.yaml`,
): Record<string, string> {
    const parsed = loadYaml(stackFileText, stackFile) as { config?: Record<string, YamlValue> } | null;
    const written = parsed?.config ?? {};
    if (typeof written !== "object" || Array.isArray(written)) {
        throw new ConfigError([`${stackFile}: config: expected a map of keys to values`]);
    }
    const namespaced = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

    const values = new Map<string, EngineValue>();
    for (const [key, value] of Object.entries(written)) {
        values.set(namespaced(key), stackValue(value, key));
    }

    const missing: string[] = [];
    for (const key of Object.keys(project.config).sort()) {
        const declared = project.config[key];
        const fullKey = namespaced(key);
        if (values.has(fullKey)) {
            continue;
        }
        const fallback = declared.default ?? declared.value;
        if (fallback !== undefined && fallback !== null) {
            values.set(fullKey, defaultValue(fallback as YamlValue, key));
        } else if (fullKey.startsWith(`${project.name}:`)) {
            missing.push(key);
        }
    }
    if (missing.length > 0) {
        // pkg/workspace/config.go, missingStackConfigurationKeysError
        throw new ConfigError([
            `Stack '${stack}' is missing configuration ${missing.length > 1 ? "values" : "value"} ${missing.map(k => `'${k}'`).join(", ")}`,
        ]);
    }

    for (const key of Object.keys(project.config).sort()) {
        const declared = project.config[key];
        const value = values.get(namespaced(key));
        if (declared.type === undefined || value === undefined) {
            continue;
        }
        if (declared.secret && !value.secure) {
            throw new ConfigError([
                `Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`,
            ]);
        }
        // A secure value's plaintext is not known here; the program checks its form.
        if (value.secure) {
            continue;
        }
        const content: unknown = value.object ? JSON.parse(value.text) : value.text;
        if (!hasDeclaredType(declared.type, declared.items, content)) {
            throw new ConfigError([
                `Stack '${stack}' with configuration key '${key}' must be of type '${fullTypeName(declared.type, declared.items)}'`,
            ]);
        }
    }
    return Object.fromEntries([...values].map(([key, value]) => [key, value.text]));
}
