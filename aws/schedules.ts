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
