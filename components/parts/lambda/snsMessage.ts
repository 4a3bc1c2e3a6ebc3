// What SNS accepts as an e-mail's subject and message, for every Lambda that publishes one. Pure:
// serialized by value into the Lambdas.

/** SNS: a subject must be "less than 100 characters long", with no line breaks or control characters. */
const maxSubjectLength = 99;
/** SNS: a message is at most 256 KB (262,144 bytes) of UTF-8. Keep a margin for the subject and attributes. */
export const maxMessageBytes = 256 * 1024 - 2048;

/** An SNS-safe subject: one line, no control characters, under 100 characters. */
export function toSubject(text: string): string {
    const oneLine = text
        // SNS rejects control characters in subjects, so matching them is the point here.
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
        .replace(/\s+/g, " ")
        .trim();
    return oneLine.length <= maxSubjectLength ? oneLine : `${oneLine.slice(0, maxSubjectLength - 3)}...`;
}
