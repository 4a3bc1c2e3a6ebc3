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

/** The shortest rate State Manager accepts for an association. */
const minimumAssociationRateMinutes = 30;

const cronPattern = /^cron\((\S+ ){4,6}\S+\)$/;

/** Why a State Manager association schedule is invalid, or undefined when it is valid. */
export function associationScheduleProblem(schedule: string): string | undefined {
    const expected = `rate(N minutes|hours|days) with N of at least ${minimumAssociationRateMinutes} minutes, or cron(...)`;
    if (schedule.startsWith("rate(")) {
        const rate = parseRate(schedule);
        if (!rate) {
            return `${expected}; say "1 day" but "2 days"`;
        }
        return rateMinutes(rate) < minimumAssociationRateMinutes ? expected : undefined;
    }
    return cronPattern.test(schedule) ? undefined : expected;
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
