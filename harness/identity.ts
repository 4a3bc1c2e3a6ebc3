// Resource identity. Pulumi knows a resource by its URN (stack, project, the type chain of its
// parents, its name); a change of any part makes `pulumi up` create a new resource and delete the
// old one, which fails or destroys data for resources with fixed physical names. The golden lists
// test/identity/<stack>.urns hold every URN of the committed stacks; a rename is safe only when an
// alias claims the old URN. `npm run identity:update` rewrites the lists and refuses to drop a URN
// that no alias claims, unless told the resource is meant to be replaced.
import * as fs from "fs";
import * as path from "path";
import { AliasSpec } from "./standIns";
import { projectRoot, runProgram } from "./synthesize";

/** The stacks whose identity is frozen: the ones committed as Pulumi.<stack>.yaml. */
export const identityStacks = ["dev", "prod"] as const;

const goldenFile = (stack: string) => path.join(projectRoot, "test", "identity", `${stack}.urns`);

/** A registered resource as identity needs it. */
export interface IdentifiedResource {
    readonly urn: string;
    /** "" at the top of the stack. */
    readonly parentUrn: string;
    readonly aliases: readonly AliasSpec[];
}

export interface IdentityDiff {
    /** URNs the stack registers that the golden list does not hold: new resources (or renamed ones). */
    readonly added: string[];
    /** Golden URNs the stack no longer registers, with the URN of the resource whose alias claims each. */
    readonly removed: { readonly urn: string; readonly claimedBy?: string }[];
}

interface UrnParts {
    readonly stack: string;
    readonly project: string;
    /** The parents' types and the resource's type, joined by $. */
    readonly qualifiedType: string;
    readonly name: string;
}

function parseUrn(urn: string): UrnParts {
    const [prefix, project, qualifiedType, ...name] = urn.split("::");
    return { stack: prefix.replace(/^urn:pulumi:/, ""), project, qualifiedType, name: name.join("::") };
}

const formatUrn = ({ stack, project, qualifiedType, name }: UrnParts) =>
    `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;

/**
 * Every URN each resource answers to: its own and those its aliases or its parents' aliases
 * claim, combined as the engine combines them (a child inherits each alias of its parent).
 */
export function claimedUrns(resources: readonly IdentifiedResource[]): Map<string, Set<string>> {
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const claimed = new Map<string, Set<string>>();
    const claimsOf = (resource: IdentifiedResource): Set<string> => {
        const known = claimed.get(resource.urn);
        if (known) {
            return known;
        }
        const own = parseUrn(resource.urn);
        const type = own.qualifiedType.split("$").pop() ?? own.qualifiedType;
        const parent = byUrn.get(resource.parentUrn);
        const parentTypes = parent
            ? [...claimsOf(parent)].map(urn => parseUrn(urn).qualifiedType)
            : resource.parentUrn
              ? [parseUrn(resource.parentUrn).qualifiedType]
              : [];
        const under = (parents: string[], childType: string) =>
            parents.length > 0 ? parents.map(p => `${p}$${childType}`) : [childType];
        const urns = new Set([resource.urn]);
        for (const alias of [{}, ...resource.aliases]) {
            if ("urn" in alias) {
                urns.add(alias.urn);
                continue;
            }
            const aliasType = alias.type ?? type;
            const types = alias.noParent
                ? [aliasType]
                : alias.parentUrn && alias.parentUrn !== resource.parentUrn
                  ? under([parseUrn(alias.parentUrn).qualifiedType], aliasType)
                  : under(parentTypes, aliasType);
            for (const qualifiedType of types) {
                urns.add(formatUrn({ ...own, qualifiedType, name: alias.name ?? own.name }));
            }
        }
        claimed.set(resource.urn, urns);
        return urns;
    };
    resources.forEach(claimsOf);
    return claimed;
}

export function diffIdentity(golden: readonly string[], resources: readonly IdentifiedResource[]): IdentityDiff {
    const current = new Set(resources.map(r => r.urn));
    const goldenSet = new Set(golden);
    const claims = claimedUrns(resources);
    const claimant = (urn: string) => [...claims].find(([, urns]) => urns.has(urn))?.[0];
    return {
        added: [...current].filter(urn => !goldenSet.has(urn)).sort(),
        removed: golden
            .filter(urn => !current.has(urn))
            .map(urn => ({ urn, claimedBy: claimant(urn) }))
            .sort((a, b) => a.urn.localeCompare(b.urn)),
    };
}

export const isUnchanged = (diff: IdentityDiff) => diff.added.length === 0 && diff.removed.length === 0;

/** A diff for people: what would be created, moved under an alias, or deleted and recreated. */
export function describeIdentityDiff(stack: string, diff: IdentityDiff): string {
    const lines = [
        `Resource identity of stack ${stack} differs from ${path.relative(projectRoot, goldenFile(stack))}:`,
    ];
    for (const { urn, claimedBy } of diff.removed) {
        lines.push(
            claimedBy
                ? `  ~ ${urn}\n      moved: the alias of ${claimedBy} claims it`
                : `  - ${urn}\n      NO ALIAS: pulumi up would delete this resource and create a new one`,
        );
    }
    lines.push(...diff.added.map(urn => `  + ${urn}`));
    lines.push(
        "If the change is intended (a new resource, or a rename that carries an alias), run npm run identity:update " +
            "and say in the commit why. A rename without an alias needs one: pulumi.mergeOptions(opts, { aliases: [...] }).",
    );
    return lines.join("\n");
}

export function readGolden(stack: string): string[] {
    return fs.existsSync(goldenFile(stack))
        ? fs.readFileSync(goldenFile(stack), "utf8").split("\n").filter(Boolean)
        : [];
}

/** The stack's resources as identity sees them, synthesized under the stand-in mocks. */
export async function stackIdentity(stack: string): Promise<IdentifiedResource[]> {
    const { mocks } = await runProgram(stack);
    return [...mocks.options.values()].map(({ urn, parentUrn, aliases }) => ({ urn, parentUrn, aliases }));
}

async function update(allowReplacement: boolean): Promise<number> {
    let status = 0;
    for (const stack of identityStacks) {
        const resources = await stackIdentity(stack);
        const diff = diffIdentity(readGolden(stack), resources);
        if (isUnchanged(diff)) {
            console.log(`${stack}: unchanged (${resources.length} URNs)`);
            continue;
        }
        console.log(describeIdentityDiff(stack, diff));
        if (diff.removed.some(r => !r.claimedBy) && !allowReplacement) {
            console.error(
                `${stack}: not written. Add an alias for each URN marked NO ALIAS, or pass --allow-replacement ` +
                    "if those resources are meant to be replaced (say why in the commit).",
            );
            status = 1;
            continue;
        }
        fs.mkdirSync(path.dirname(goldenFile(stack)), { recursive: true });
        fs.writeFileSync(
            goldenFile(stack),
            `${resources
                .map(r => r.urn)
                .sort()
                .join("\n")}\n`,
        );
        console.log(`${stack}: wrote ${resources.length} URNs`);
    }
    return status;
}

if (require.main === module) {
    const args = process.argv.slice(2);
    if (args.some(arg => arg !== "--allow-replacement")) {
        console.error("usage: npm run identity:update [-- --allow-replacement]");
        process.exitCode = 2;
    } else {
        void update(args.includes("--allow-replacement")).then(code => (process.exitCode = code));
    }
}
