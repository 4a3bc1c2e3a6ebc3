// What the e-mail describers share: reading fields of an event that may be malformed, and laying
// a summary out as a headline over aligned "Label: value" lines. Pure and free of @pulumi imports:
// serialized by value into the notification Lambda.
import { knownRegions } from "../../../aws/regions";
import { cut, oneLine } from "../../parts/lambda/snsMessage";
import type { TamperContext } from "../../parts/lambda/tamperContext";

export type Fields = Record<string, unknown>;

/** What a describer makes of an event: a subject (made SNS-safe later) and the lines above the raw event. */
export interface Notice {
    readonly subject: string;
    readonly summary: string[];
}

/** What the notifier knows beside the event, from its environment. */
export interface NoticeContext {
    /** The tamper watch's view of the stack; absent when the stack has no tamper watch. */
    readonly tamper?: TamperContext;
    /** Reads the health watch's latest count of nodes relying on DHMC; undefined when it has none. Injected AWS I/O. */
    readonly readDhmcNodeCount?: () => Promise<number | undefined>;
    /** What that read gave, for a tamper event that affects DHMC: the count, or why there is none. */
    readonly dhmcNodes?: { readonly count: number } | { readonly failure: string };
}

/** Describes one kind of event; the notifier has checked that the event and its detail are objects. */
export type Describer = (event: Fields, detail: Fields, context: NoticeContext) => Notice;

/** How a summary shows a field that is absent, null or empty; rows with it are left out. */
export const none = "(none)";

/** Summary lines stay short; the raw event below them carries every value in full. */
const maxFieldLength = 1000;
/** JSON inside a string is decoded up to this length (a target list of many nodes), and shown cut as any field. */
const maxDecodedLength = 10_000;

export function isObject(value: unknown): value is Fields {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A field as display text on one line (line breaks and control characters would forge lines in
 * the mail), at most maxFieldLength characters: `none` when absent, null or empty.
 */
export function field(from: Fields, name: string): string {
    return shown(from[name]);
}

/** A value as display text, as `field` shows it. */
export function shown(value: unknown): string {
    if (value === undefined || value === null || value === "") {
        return none;
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    // Cut before cleaning, so that a 300 KB field costs no more than a short one.
    const line = oneLine(cut(text, maxFieldLength + 1));
    return line.length <= maxFieldLength ? line : `${cut(line, maxFieldLength)}... (see the raw event)`;
}

/**
 * A field that AWS sends as JSON inside a string (State Manager's `targets` and status counts), parsed;
 * undefined when it is not such a string. Longer strings stay unparsed: the raw event shows them.
 */
export function encodedJson(from: Fields, name: string): unknown {
    const value = from[name];
    if (typeof value !== "string" || value.length > maxDecodedLength) {
        return undefined;
    }
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

/** The subject's opening tag, e.g. "[SSM eu-west-1]". */
export function tag(service: string, region: string): string {
    return region === none ? `[${service}]` : `[${service} ${region}]`;
}

/**
 * A console link in the event's region; `none` when the event names no region the program knows
 * (the region becomes the link's host name, so an unknown one could point it anywhere) or lacks
 * the id the page needs.
 */
export function consoleLink(
    region: string,
    id: string,
    page: (region: string, id: string) => string | undefined,
): string {
    return !knownRegions.includes(region) || id === none ? none : (page(region, id) ?? none);
}

/** The rows every notice ends with: where and when the event happened. */
export function envelopeRows(event: Fields): [string, string][] {
    return [
        ["Account / region", `${field(event, "account")} / ${field(event, "region")}`],
        ["Time", field(event, "time")],
    ];
}

/**
 * A notice: the subject, then a headline sentence and the rows that carry a value. Describers put
 * first the rows a reader needs at once (the id the subject names, status, document or runbook and
 * a console link), the details after them.
 */
export function notice(subject: string, headline: string, rows: [string, string][]): Notice {
    const shownRows = rows.filter(([, value]) => value !== none);
    const width = Math.max(0, ...shownRows.map(([label]) => label.length)) + 2;
    return {
        subject,
        summary: [headline, "", ...shownRows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`)],
    };
}
