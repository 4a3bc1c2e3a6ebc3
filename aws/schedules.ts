// Schedule expressions as the services that run them accept them, field by field: State Manager
// associations, Maintenance Windows and EventBridge rules. Pure.
// Systems Manager (associations and maintenance windows), as the page reads since it allowed
// associations the nth and last weekday of a month:
// https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
// EventBridge rules: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html

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

/** Associations: "intervals of 30 minutes or greater and less than 31 days". */
const minimumAssociationRateMinutes = 30;
const maximumAssociationRateMinutes = 31 * 1440 - 1;
/**
 * Maintenance windows: "Cron expressions that lead to rates faster than five (5) minute aren't
 * supported". The page gives no minimum for rate(...) windows; the same five minutes is applied
 * to them (inferred).
 */
const minimumWindowIntervalMinutes = 5;

interface CronField {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    /** The largest increment n in a/n: a field's whole cycle (cron(*\/60 ...) is refused). */
    readonly maxStep: number;
    /** Three-letter names the field accepts for its values (months, weekdays), in order from `min`. */
    readonly names?: readonly string[];
    /** The day fields: one of them must be "?", and each has its own special forms. */
    readonly special?: RegExp;
}

const weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const weekday = `([1-7]|${weekdays.join("|")})`;

/** The optional leading seconds field that Systems Manager crons may have (seven fields). */
const secondsField: CronField = { name: "seconds", min: 0, max: 59, maxStep: 59 };

/** The six fields both services document: values, names, and the wildcards , - * / ? L W #. */
const cronFields: readonly CronField[] = [
    { name: "minutes", min: 0, max: 59, maxStep: 59 },
    { name: "hours", min: 0, max: 23, maxStep: 23 },
    // L (last day of the month), 15W (the weekday nearest the 15th).
    { name: "day-of-month", min: 1, max: 31, maxStep: 31, special: /^(L|([1-9]|[12]\d|3[01])W)$/ },
    {
        name: "month",
        min: 1,
        max: 12,
        maxStep: 12,
        names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    },
    // L (Saturday), 6L (last Friday), 3#2 (second Tuesday of the month).
    {
        name: "day-of-week",
        min: 1,
        max: 7,
        maxStep: 7,
        names: weekdays,
        special: new RegExp(`^(L|${weekday}(L|#[1-5]))$`),
    },
    { name: "year", min: 1970, max: 2199, maxStep: 229 },
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
    if (step !== undefined && Number(step) > field.maxStep) {
        return `${element} has an increment over ${field.maxStep}`;
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

/** Why a field's text is invalid, or undefined: `*`, a value, a range, an increment, or a list of those. */
function cronFieldProblem(field: CronField, text: string): string | undefined {
    if (text === "?") {
        return field.special ? undefined : `? only in day-of-month or day-of-week, not in ${field.name}`;
    }
    const elements = text.split(",");
    // EventBridge: with #, the day-of-week field holds one expression ("3#1,6#3" is refused).
    if (elements.length > 1 && text.includes("#")) {
        return `${field.name} field ${JSON.stringify(text)}: a # expression must stand alone in its field`;
    }
    for (const element of elements) {
        const problem = cronElementProblem(field, element);
        if (problem) {
            return `${field.name} field ${JSON.stringify(text)}: ${problem}`;
        }
    }
    return undefined;
}

/** A cron expression's fields: the optional seconds, then minutes hours day-of-month month day-of-week year. */
interface Cron {
    readonly seconds: string | undefined;
    readonly fields: readonly string[];
}

const cronForm = "cron(minutes hours day-of-month month day-of-week year)";

/**
 * Parses cron(...) field by field: six fields separated by single spaces (seven with a leading
 * seconds field where `seconds` allows it), each in its range, and exactly one of the two day
 * fields `?`. Returns the fields, or why the expression is invalid.
 */
function parseCron(expression: string, seconds: boolean): Cron | string {
    const body = /^cron\((.*)\)$/.exec(expression)?.[1];
    if (body === undefined) {
        return seconds ? `${cronForm}, with an optional leading seconds field` : cronForm;
    }
    const parts = body.split(" ");
    const counts = seconds ? [6, 7] : [6];
    if (!counts.includes(parts.length) || parts.includes("")) {
        const expected = seconds ? "six fields (seven with a leading seconds field)" : "six fields";
        return `${expected} separated by single spaces, ${cronForm}; got ${JSON.stringify(body)}`;
    }
    const cron: Cron =
        parts.length === 7 ? { seconds: parts[0], fields: parts.slice(1) } : { seconds: undefined, fields: parts };
    const problems = [
        cron.seconds === undefined ? undefined : cronFieldProblem(secondsField, cron.seconds),
        ...cronFields.map((field, i) => cronFieldProblem(field, cron.fields[i])),
    ];
    const problem = problems.find(p => p !== undefined);
    if (problem) {
        return problem;
    }
    if ((cron.fields[2] === "?") === (cron.fields[4] === "?")) {
        return "exactly one of day-of-month and day-of-week must be ?, e.g. cron(0 2 ? * SUN *)";
    }
    return cron;
}

/**
 * Why a cron(...) expression is invalid by the grammar EventBridge and Systems Manager share, or
 * undefined: six fields, each `*`, a value, a range, an increment or a list of those, and exactly
 * one of the two day fields `?`.
 */
export function cronProblem(expression: string): string | undefined {
    const cron = parseCron(expression, false);
    return typeof cron === "string" ? cron : undefined;
}

/** The values a numeric field (seconds, minutes, hours) selects, ascending; the text is already valid. */
function cronFieldValues(field: CronField, text: string): number[] {
    const cycle = field.max - field.min + 1;
    const values = new Set<number>();
    for (const element of text.split(",")) {
        const [range, step] = element.split("/");
        const [from, to] = range === "*" ? [field.min, field.max] : range.split("-").map(v => cronValue(field, v)!);
        // a/n runs from a to the end of the field; a-b with a > b wraps around it.
        const last = to ?? (step === undefined ? from : field.max);
        const span = last >= from ? last - from : last + cycle - from;
        for (let i = 0; i <= span; i += step === undefined ? 1 : Number(step)) {
            values.add(field.min + ((from - field.min + i) % cycle));
        }
    }
    return [...values].sort((a, b) => a - b);
}

/**
 * The shortest time in seconds between two runs of a valid cron, from its seconds, minutes and
 * hours, counting the step from a day's last run to the next day's first (which the day fields may
 * also select).
 */
function shortestCronIntervalSeconds(cron: Cron): number {
    const seconds = cron.seconds === undefined ? [0] : cronFieldValues(secondsField, cron.seconds);
    const minutes = cronFieldValues(cronFields[0], cron.fields[0]);
    const hours = cronFieldValues(cronFields[1], cron.fields[1]);
    const times = hours.flatMap(h => minutes.flatMap(m => seconds.map(s => h * 3600 + m * 60 + s)));
    return times.reduce(
        (shortest, time, i) => Math.min(shortest, i === 0 ? shortest : time - times[i - 1]),
        86_400 - times[times.length - 1] + times[0],
    );
}

const associationExpected = `rate(N minutes|hours|days) from ${minimumAssociationRateMinutes} minutes to 30 days, or cron(...)`;

/**
 * The cron shapes associations support: "every 1/2, 1, 2, 4, 8, or 12 hours; every day, every
 * week, every nth day, or the last x day of the month at a specific time", months not specified.
 */
const associationCronShapes =
    "every 30 minutes cron(0/30 * * * ? *), every 1, 2, 4, 8 or 12 hours cron(0 0/4 * * ? *), every day cron(15 13 ? * * *), every week cron(15 13 ? * MON *), the nth weekday of the month cron(30 23 ? * TUE#3 *) or its last one cron(0 0 ? * 3L *)";

/** Why a valid cron is not one of the shapes associations support, or undefined. */
function associationCronShapeProblem({ seconds, fields }: Cron): string | undefined {
    const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
    if (seconds !== undefined && seconds !== "0") {
        return `seconds field ${JSON.stringify(seconds)}: associations accept only 0 there`;
    }
    if (month !== "*") {
        return `month field ${JSON.stringify(month)}: State Manager doesn't support months in association crons; use *`;
    }
    if (year !== "*") {
        return `year field ${JSON.stringify(year)}: the association schedules recur every year; use *`;
    }
    const single = /^\d+$/;
    const everyDay = (dayOfMonth === "*" && dayOfWeek === "?") || (dayOfMonth === "?" && dayOfWeek === "*");
    // a/n runs every n exactly when a < n, and n divides the field's cycle.
    const every = (text: string, steps: readonly number[]) => {
        const [start, step] = text.split("/");
        return step !== undefined && steps.includes(Number(step)) && (start === "*" || Number(start) < Number(step));
    };
    const halfHourly = every(minutes, [30]) && hours === "*";
    const hourly = single.test(minutes) && (hours === "*" || every(hours, [1, 2, 4, 8, 12]));
    const atTime = single.test(minutes) && single.test(hours);
    const weekly = dayOfMonth === "?" && new RegExp(`^${weekday}(L|#[1-5])?$`, "i").test(dayOfWeek);
    return ((halfHourly || hourly || atTime) && everyDay) || (atTime && weekly)
        ? undefined
        : `one of the cron schedules associations support: ${associationCronShapes}`;
}

/**
 * Why a State Manager association schedule is invalid, or undefined when it is valid: a rate of
 * 30 minutes to 30 days, or a cron of one of the shapes associations support. One-time at(...)
 * schedules are valid for associations, but these keys keep a baseline and need a recurring one.
 */
export function associationScheduleProblem(schedule: string): string | undefined {
    if (schedule.startsWith("rate(")) {
        const rate = parseRate(schedule);
        if (!rate) {
            return `${associationExpected}; say "1 day" but "2 days"`;
        }
        const minutes = rateMinutes(rate);
        return minutes < minimumAssociationRateMinutes || minutes > maximumAssociationRateMinutes
            ? associationExpected
            : undefined;
    }
    if (schedule.startsWith("cron(")) {
        const cron = parseCron(schedule, true);
        const problem = typeof cron === "string" ? cron : associationCronShapeProblem(cron);
        return problem ? `a valid cron expression: ${problem}` : undefined;
    }
    if (schedule.startsWith("at(")) {
        return `${associationExpected}: at(...) runs once, and this association keeps the fleet in shape on a recurring schedule`;
    }
    return associationExpected;
}

const windowExpected = `${cronForm} with ? in one of the two day fields, such as cron(0 3 ? * SUN *), rate(N minutes|hours|days) of at least ${minimumWindowIntervalMinutes} minutes, or at(yyyy-mm-ddThh:mm:ss)`;

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Why at(yyyy-mm-ddThh:mm:ss) is not a real date and time, or undefined. */
function atProblem(schedule: string): string | undefined {
    const match = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(schedule);
    if (!match) {
        return windowExpected;
    }
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
    const ranges: [string, number, number, number][] = [
        ["month", month, 1, 12],
        ["day", day, 1, month >= 1 && month <= 12 ? daysInMonth(year, month) : 31],
        ["hour", hour, 0, 23],
        ["minute", minute, 0, 59],
        ["second", second, 0, 59],
    ];
    const out = ranges.find(([, value, min, max]) => value < min || value > max);
    return out
        ? `at(yyyy-mm-ddThh:mm:ss) with a real date and time: ${out[0]} ${out[1]} is out of range; expected ${out[2]} to ${out[3]}`
        : undefined;
}

/**
 * Why a maintenance window schedule is invalid, or undefined when it is valid: a cron of six
 * fields (seven with a leading seconds field) that runs at most every five minutes, a rate of at
 * least five minutes, or a one-time at(...) at a real date and time. Windows support "all cron
 * and rate expressions", and "values in the seconds field"; a seconds field of 0 is refused: it
 * means what the six-field form means, and the page said until recently that windows do not
 * support it.
 */
export function maintenanceWindowScheduleProblem(schedule: string): string | undefined {
    if (schedule.startsWith("rate(")) {
        const rate = parseRate(schedule);
        return rate && rateMinutes(rate) >= minimumWindowIntervalMinutes ? undefined : windowExpected;
    }
    if (schedule.startsWith("at(")) {
        return atProblem(schedule);
    }
    if (!schedule.startsWith("cron(")) {
        return windowExpected;
    }
    const cron = parseCron(schedule, true);
    if (typeof cron === "string") {
        return `a valid cron expression: ${cron}`;
    }
    const interval = shortestCronIntervalSeconds(cron);
    if (interval < minimumWindowIntervalMinutes * 60) {
        return `a valid cron expression: two of its runs are ${interval} seconds apart; maintenance windows run at most every ${minimumWindowIntervalMinutes} minutes`;
    }
    // Past the interval check, a seconds field holds a single value.
    return cron.seconds !== undefined && cronFieldValues(secondsField, cron.seconds)[0] === 0
        ? `a valid cron expression: seconds field ${JSON.stringify(cron.seconds)} is the six-field form; leave the seconds field out`
        : undefined;
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
