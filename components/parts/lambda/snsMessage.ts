// What SNS accepts as an e-mail's subject and message, for every Lambda that publishes one. Pure:
// serialized by value into the Lambdas.
//
// A string with a lone surrogate (half of an emoji, cut in two) makes the SDK's request encoding
// throw URIError before anything is sent, so the event would fail every retry and every redrive:
// text is cut only between code points, and anything that arrives ill-formed is mended.

/** SNS: a subject must be "less than 100 characters long", with no line breaks or control characters. */
const maxSubjectLength = 99;
/** SNS: a message is at most 256 KB (262,144 bytes) of UTF-8. Keep a margin for the subject and attributes. */
export const maxMessageBytes = 256 * 1024 - 2048;

/** A lone high or low surrogate: half a code point, which URI encoding refuses. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/**
 * Characters that break or fake the layout of a line in a mail: C0 and C1 controls, the Unicode
 * line and paragraph separators, and the bidirectional overrides that reorder what a reader sees.
 */
// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const lineBreakers = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** The text with each lone surrogate replaced by U+FFFD, so that it can always be encoded. */
export function wellFormed(text: string): string {
    return text.replace(loneSurrogate, "\uFFFD");
}

/** At most `max` UTF-16 units of the text, never ending inside a surrogate pair. */
export function cut(text: string, max: number): string {
    if (text.length <= max) {
        return text;
    }
    const end = max > 0 && /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
    return text.slice(0, end);
}

/** One line of well-formed text: line breaks and control characters become a single space. */
export function oneLine(text: string): string {
    return wellFormed(text).replace(lineBreakers, " ");
}

/** Typographic characters SNS subjects cannot carry, with their ASCII stand-ins. */
const asciiStandIns: Record<string, string> = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u00df": "ss",
    "\u00e6": "ae",
    "\u00c6": "AE",
    "\u00f8": "o",
    "\u00d8": "O",
    "\u0142": "l",
    "\u0141": "L",
};

/**
 * ASCII text: letters lose their accents (compatibility decomposition, marks dropped), a few
 * typographic characters get their usual stand-ins, and every other code point becomes "?".
 */
export function toAscii(text: string): string {
    return (
        wellFormed(text)
            .normalize("NFKD")
            .replace(/\p{M}+/gu, "")
            // Code points, not UTF-16 units: an emoji becomes one "?", not two.
            // eslint-disable-next-line no-control-regex
            .replace(/[^\u0000-\u007f]/gu, character => asciiStandIns[character] ?? "?")
    );
}

/**
 * An SNS-safe subject (SNS e-mail subjects must be ASCII: one line, no control characters, under
 * 100 characters), and the subject as written when that lost anything, for the body to show.
 */
export function subjectOf(text: string): { readonly subject: string; readonly original?: string } {
    const written = oneLine(text).replace(/\s+/g, " ").trim();
    const ascii = toAscii(written);
    const subject = ascii.length <= maxSubjectLength ? ascii : `${cut(ascii, maxSubjectLength - 3)}...`;
    return subject === written ? { subject } : { subject, original: written };
}

/** An SNS-safe subject; see subjectOf. */
export function toSubject(text: string): string {
    return subjectOf(text).subject;
}
