// Schedule expressions as EventBridge and State Manager accept them. Pure.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
// https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html

export interface Rate {
    readonly value: number;
    readonly unit: "minute" | "hour" | "day";
}

const minutesPer: Record<Rate["unit"], number> = { minute: 1, hour: 60, day: 1440 };

/** Parses rate(N unit): a positive N, and the unit singular exactly when N is 1 ("1 day", "2 days"). */
export function parseRate(expression: string): Rate | undefined {
    const match = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
    if (!match) {
        return undefined;
    }
    const value = Number(match[1]);
    const plural = match[3] === "s";
    return value >= 1 && plural === (value !== 1) ? { value, unit: match[2] as Rate["unit"] } : undefined;
}

export const rateMinutes = ({ value, unit }: Rate) => value * minutesPer[unit];

/** State Manager runs rate associations every 30 minutes or more, and less than 31 days apart. */
const minimumAssociationRateMinutes = 30;
const maximumAssociationRateMinutes = 31 * 1440 - 1;

interface CronField {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    /** Three-letter names the field accepts for its values (months, weekdays), in order from `min`. */
    readonly names?: readonly string[];
    /** The day fields: one of them must be "?", and each has its own special forms. */
    readonly special?: RegExp;
}

const cronFields: readonly CronField[] = [
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    // L (last day), LW (last weekday), 15W (weekday nearest the 15th).
    { name: "day-of-month", min: 1, max: 31, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
    {
        name: "month",
        min: 1,
        max: 12,
        names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    },
    // L (Saturday), 6L (last Friday), 3#2 (second Tuesday of the month).
    {
        name: "day-of-week",
        min: 1,
        max: 7,
        names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
        special: /^(L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/,
    },
    { name: "year", min: 1970, max: 2199 },
];

/** A field's value as a number, or undefined when it is neither a number in range nor one of the field's names. */
function cronValue(field: CronField, text: string): number | undefined {
    const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
    const value = named >= 0 ? field.min + named : /^\d+$/.test(text) ? Number(text) : undefined;
    return value !== undefined && value >= field.min && value <= field.max ? value : undefined;
}

/** Why one comma-separated element of a field is invalid, or undefined. */
function cronElementProblem(field: CronField, element: string): string | undefined {
    if (element === "*" || field.special?.test(element.toUpperCase())) {
        return undefined;
    }
    const [range, step, ...extra] = element.split("/");
    if (extra.length > 0 || (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1))) {
        return `${element} has an increment that is not a positive whole number`;
    }
    if (range === "*" && step !== undefined) {
        return undefined;
    }
    const [from, to, ...more] = range.split("-");
    if (more.length > 0) {
        return `${element} is not a value, a range a-b or an increment a/n`;
    }
    for (const value of to === undefined ? [from] : [from, to]) {
        if (cronValue(field, value) === undefined) {
            const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : "";
            return `${value} is out of range; expected ${field.min} to ${field.max}${names}`;
        }
    }
    return undefined;
}

/**
 * Why a cron(...) expression is invalid, or undefined when EventBridge and State Manager accept
 * it: six fields (minutes hours day-of-month month day-of-week year), each `*`, a value, a range,
 * an increment or a list of those, and exactly one of the two day fields `?`.
 */
export function cronProblem(expression: string): string | undefined {
    const body = /^cron\((.*)\)$/.exec(expression)?.[1];
    if (body === undefined) {
        return "cron(minutes hours day-of-month month day-of-week year)";
    }
    const parts = body.trim().split(/\s+/);
    if (parts.length !== cronFields.length) {
        return `six fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`;
    }
    for (const [i, field] of cronFields.entries()) {
        const text = parts[i];
        if (text === "?") {
            if (!field.special) {
                return `? only in day-of-month or day-of-week, not in ${field.name}`;
            }
            continue;
        }
        for (const element of text.split(",")) {
            const problem = cronElementProblem(field, element);
            if (problem) {
                return `${field.name} field ${JSON.stringify(text)}: ${problem}`;
            }
        }
    }
    if ((parts[2] === "?") === (parts[4] === "?")) {
        return "exactly one of day-of-month and day-of-week must be ?, e.g. cron(0 2 ? * SUN *)";
    }
    return undefined;
}

/** Why a State Manager association schedule is invalid, or undefined when it is valid. */
export function associationScheduleProblem(schedule: string): string | undefined {
    const expected = `rate(N minutes|hours|days) from ${minimumAssociationRateMinutes} minutes to 30 days, or cron(...)`;
    if (schedule.startsWith("rate(")) {
        const rate = parseRate(schedule);
        if (!rate) {
            return `${expected}; say "1 day" but "2 days"`;
        }
        const minutes = rateMinutes(rate);
        return minutes < minimumAssociationRateMinutes || minutes > maximumAssociationRateMinutes
            ? expected
            : undefined;
    }
    if (schedule.startsWith("cron(")) {
        const problem = cronProblem(schedule);
        return problem ? `a valid cron expression: ${problem}` : undefined;
    }
    return expected;
}

const windowExpected =
    "cron(minutes hours day-of-month month day-of-week year) with ? in one of the two day fields, such as cron(0 3 ? * SUN *), rate(N minutes|hours|days), or at(yyyy-mm-ddThh:mm:ss)";

/**
 * Why a maintenance window schedule is invalid, or undefined when it is valid: a cron of six
 * fields (seven with a leading seconds field) whose day-of-month or day-of-week, not both, is ?,
 * a rate, or a one-time at(...).
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
 */
export function maintenanceWindowScheduleProblem(schedule: string): string | undefined {
    if (schedule.startsWith("rate(")) {
        return parseRate(schedule) ? undefined : windowExpected;
    }
    if (schedule.startsWith("at(")) {
        return /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(schedule) ? undefined : windowExpected;
    }
    const fields = /^cron\((.*)\)$/.exec(schedule)?.[1].split(" ") ?? [];
    if ((fields.length !== 6 && fields.length !== 7) || fields.some(field => field === "")) {
        return windowExpected;
    }
    const offset = fields.length - 6;
    const [dayOfMonth, dayOfWeek] = [fields[2 + offset], fields[4 + offset]];
    return (dayOfMonth === "?") !== (dayOfWeek === "?") ? undefined : windowExpected;
}

/**
 * Whether a name is an IANA time zone, as a maintenance window's time zone must be, such as UTC
 * or Europe/Paris. The runtime's time-zone database decides which names exist; it matches them
 * case-insensitively, IANA names are not, so a name must also be cased as IANA writes them.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateMaintenanceWindow.html
 */
export function isIanaTimeZone(name: string): boolean {
    let resolved: string;
    try {
        resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    } catch {
        return false;
    }
    // The database answers with its canonical name: an alias resolves to another zone's name, a miscased name to its own.
    const miscased = resolved !== name && resolved.toLowerCase() === name.toLowerCase();
    return /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(name) && !miscased;
}
