// How stack policies find the resources a property refers to, in `pulumi up` and in `pulumi preview`
// alike. A known value is matched against what names each resource (a role's name, ARN or id); a
// value the preview does not know yet is followed through the URNs the property depends on, which
// the engine always knows; an SDK that sends no property dependencies still lists them among the
// resource's dependencies.
import { Resource } from "@pulumi/pulumi";
import { PolicyResource } from "@pulumi/policy";
import { notYetKnown, read } from "./unknowns";

type ResourceClass = { new (...rest: any[]): Resource };

/** A kind of resource others refer to, and the outputs they refer to it by. */
export interface Target {
    readonly classes: readonly ResourceClass[];
    readonly identities: readonly string[];
}

/** One value of a property that refers to resources; a list property has one per element. */
export interface Reference {
    /** The value, unless the preview does not know it yet (or it is not a string). */
    readonly value?: string;
    /** The stack's resources it refers to: none when it names something outside the stack, or cannot be followed. */
    readonly resources: readonly PolicyResource[];
}

export class StackResources {
    constructor(readonly all: readonly PolicyResource[]) {}

    ofType(...classes: readonly ResourceClass[]): PolicyResource[] {
        return this.all.filter(resource => classes.some(cls => resource.isType(cls)));
    }

    /** What `resource.props[key]` refers to; nothing when the property is absent. */
    references(resource: PolicyResource, key: string, target: Target): Reference[] {
        const value = read(() => resource.props[key]);
        if (value === undefined || value === null) {
            return [];
        }
        if (value === notYetKnown) {
            return [{ resources: this.linked(resource, key, target) }];
        }
        // Element by element, so that one unknown element leaves the others readable.
        const values: unknown[] = Array.isArray(value)
            ? Array.from({ length: value.length }, (_, i) => read(() => value[i]))
            : [value];
        return values.map(element =>
            typeof element === "string"
                ? { value: element, resources: this.named(element, target) }
                : { resources: this.linked(resource, key, target) },
        );
    }

    /** Whether `resource.props[key]` refers to `referent`. */
    refersTo(resource: PolicyResource, key: string, target: Target, referent: PolicyResource): boolean {
        return this.references(resource, key, target).some(reference => reference.resources.includes(referent));
    }

    private named(value: string, target: Target): PolicyResource[] {
        return this.ofType(...target.classes).filter(candidate =>
            target.identities.some(identity => known(candidate, identity) === value),
        );
    }

    private linked(resource: PolicyResource, key: string, target: Target): PolicyResource[] {
        const isTarget = (candidate: PolicyResource) => target.classes.some(cls => candidate.isType(cls));
        const byProperty = (resource.propertyDependencies[key] ?? []).filter(isTarget);
        if (byProperty.length > 0) {
            return byProperty;
        }
        const byDependency = resource.dependencies.filter(isTarget);
        return byDependency.length === 1 ? byDependency : [];
    }
}

/** A property of a resource, or undefined while the preview does not know it. */
export function known(resource: PolicyResource, key: string): unknown {
    const value = read(() => resource.props[key]);
    return value === notYetKnown ? undefined : value;
}
