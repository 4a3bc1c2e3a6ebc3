// Schedules by the service that runs them. Rate expressions: a positive number and a unit,
// singular exactly when the number is 1. Crons: six fields, each in its range. State Manager
// associations: rates from 30 minutes to 30 days and a few cron shapes, no months; maintenance
// windows: any cron or rate running at most every five minutes, seconds allowed, and at(...).
// https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
import * as assert from "assert";
import * as fc from "fast-check";
import {
    associationScheduleProblem,
    cronProblem,
    isIanaTimeZone,
    maintenanceWindowScheduleProblem,
    parseRate,
    rateMinutes,
} from "../../aws/schedules";

const units = fc.constantFrom("minute", "hour", "day");

describe("schedule expressions", () => {
    it("parse every well-formed rate, with the unit's plural exactly when the value is not 1", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 100_000 }), units, (value, unit) => {
                const expression = `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
                assert.deepStrictEqual(parseRate(expression), { value, unit });
                assert.strictEqual(parseRate(`rate(${value} ${unit}${value === 1 ? "s" : ""})`), undefined);
            }),
        );
        for (const bad of [
            "rate(0 minutes)",
            "rate(5 weeks)",
            "rate(5minutes)",
            "rate( 5 minutes)",
            "every 5 minutes",
            "rate(-1 days)",
        ]) {
            assert.strictEqual(parseRate(bad), undefined, bad);
        }
    });

    it("convert rates to minutes", () => {
        assert.strictEqual(rateMinutes({ value: 2, unit: "hour" }), 120);
        assert.strictEqual(rateMinutes({ value: 14, unit: "day" }), 20_160);
    });

    it("accept the cron expressions AWS's examples use", () => {
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
        for (const expression of [
            "cron(0 10 * * ? *)",
            "cron(15 12 * * ? *)",
            "cron(0 18 ? * MON-FRI *)",
            "cron(0 8 1 * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0/10 * ? * MON-FRI *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(0 9 ? * 2#1 *)",
            "cron(0 2 ? * SUN *)",
            "cron(0 0 L * ? *)",
            "cron(0 0 15W * ? *)",
            "cron(0 0 ? * 6L 2026-2030)",
            "cron(30 1,13 ? JAN,JUL * *)",
        ]) {
            assert.strictEqual(cronProblem(expression), undefined, expression);
        }
    });

    it("refuse cron expressions field by field, naming the field", () => {
        const refused: [string, RegExp][] = [
            ["cron(99 99 * * ? *)", /minutes field "99": 99 is out of range; expected 0 to 59/],
            ["cron(0 24 * * ? *)", /hours field "24": 24 is out of range; expected 0 to 23/],
            ["cron(0 2 32 * ? *)", /day-of-month field "32"/],
            ["cron(0 2 ? 13 * *)", /month field "13": 13 is out of range; expected 1 to 12 or JAN-DEC/],
            ["cron(0 2 ? * 8 *)", /day-of-week field "8"/],
            ["cron(0 2 ? * SUN 1969)", /year field "1969"/],
            ["cron(0 2 * * * *)", /exactly one of day-of-month and day-of-week must be \?/],
            ["cron(0 2 ? * ? *)", /exactly one of day-of-month and day-of-week must be \?/],
            ["cron(? 2 * * ? *)", /\? only in day-of-month or day-of-week, not in minutes/],
            ["cron(0/0 * * * ? *)", /increment that is not a positive whole number/],
            ["cron(0 2 * *)", /six fields separated by single spaces, .* got "0 2 \* \*"/],
            ["cron(0  2 * * ? *)", /six fields separated by single spaces/],
            ["cron(*/60 * * * ? *)", /minutes field "\*\/60": \*\/60 has an increment over 59/],
            ["cron(0 0/24 * * ? *)", /hours field "0\/24": 0\/24 has an increment over 23/],
            ["cron(0 2 ? * 3#1,6#3 *)", /day-of-week field "3#1,6#3": a # expression must stand alone/],
            ["cron(0 2 ? * 3#6 *)", /day-of-week field "3#6"/],
            ["cron(0 2 LW * ? *)", /day-of-month field "LW"/],
            ["cron(0 1-2-3 * * ? *)", /not a value, a range a-b or an increment/],
            ["cron 0 2 * * ? *", /cron\(minutes hours/],
        ];
        for (const [expression, expected] of refused) {
            assert.match(cronProblem(expression) ?? "(accepted)", expected, expression);
        }
    });

    it("check every field's documented range, naming the field and its range", () => {
        // Minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12, day-of-week 1-7, year 1970-2199.
        const fields: [number, number, number, (v: number) => string][] = [
            [0, 0, 59, v => `cron(${v} 2 ? * SUN *)`],
            [1, 0, 23, v => `cron(0 ${v} ? * SUN *)`],
            [2, 1, 31, v => `cron(0 2 ${v} * ? *)`],
            [3, 1, 12, v => `cron(0 2 1 ${v} ? *)`],
            [4, 1, 7, v => `cron(0 2 ? * ${v} *)`],
            [5, 1970, 2199, v => `cron(0 2 ? * SUN ${v})`],
        ];
        const names = ["minutes", "hours", "day-of-month", "month", "day-of-week", "year"];
        for (const [i, min, max, cron] of fields) {
            fc.assert(
                fc.property(fc.integer({ min: 0, max: 2300 }), value => {
                    const problem = cronProblem(cron(value));
                    if (value >= min && value <= max) {
                        assert.strictEqual(problem, undefined, cron(value));
                    } else {
                        assert.match(
                            problem ?? "(accepted)",
                            new RegExp(
                                `^${names[i]} field "${value}": ${value} is out of range; expected ${min} to ${max}`,
                            ),
                        );
                    }
                }),
            );
        }
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 7 }), (month, day) => {
                const monthName = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
                const dayName = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
                const named = `cron(0 2 ? ${monthName[month - 1]} ${dayName[day - 1].toLowerCase()} *)`;
                assert.strictEqual(cronProblem(named), undefined, named);
            }),
        );
    });

    it("accept association rates from 30 minutes to 30 days, and only those", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 50_000 }), units, (value, unit) => {
                const expression = `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
                const minutes = rateMinutes({ value, unit });
                assert.strictEqual(
                    associationScheduleProblem(expression) === undefined,
                    minutes >= 30 && minutes < 31 * 1440,
                    expression,
                );
            }),
        );
    });

    it("accept the association crons AWS documents, and only those shapes", () => {
        for (const good of [
            "cron(0/30 * * * ? *)",
            "cron(0 */30 * * * ? *)",
            "cron(0 0/1 * * ? *)",
            "cron(0 0/2 * * ? *)",
            "cron(0 0/4 * * ? *)",
            "cron(0 0/8 * * ? *)",
            "cron(0 0/12 * * ? *)",
            "cron(15 13 ? * * *)",
            "cron(15 13 ? * MON *)",
            "cron(30 23 ? * TUE#3 *)",
            "cron(0 0 ? * THU#2 *)",
            "cron(0 0 ? * 3L *)",
            "cron(0 2 ? * SUN *)",
            "cron(0 0 2 ? * SUN *)",
        ]) {
            assert.strictEqual(associationScheduleProblem(good), undefined, good);
        }
        const refused: [string, RegExp][] = [
            ["cron(0 3 1 * ? *)", /one of the cron schedules associations support: every 30 minutes/],
            ["cron(0 */3 * * ? *)", /one of the cron schedules associations support/],
            ["cron(0/15 * * * ? *)", /one of the cron schedules associations support/],
            ["cron(0 2 ? * MON-FRI *)", /one of the cron schedules associations support/],
            ["cron(0 5/4 * * ? *)", /one of the cron schedules associations support/],
            ["cron(0 2 ? JAN SUN *)", /month field "JAN": State Manager doesn't support months/],
            ["cron(0 2 ? * SUN 2027)", /year field "2027"/],
            ["cron(5 0 2 ? * SUN *)", /seconds field "5": associations accept only 0/],
            ["cron(0 99 2 ? * SUN *)", /minutes field "99": 99 is out of range; expected 0 to 59/],
        ];
        for (const [schedule, expected] of refused) {
            assert.match(associationScheduleProblem(schedule) ?? "(accepted)", expected, schedule);
        }
        assert.match(associationScheduleProblem("at(2027-01-31T02:00:00)") ?? "", /at\(\.\.\.\) runs once/);
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 23 }), (minute, hours) => {
                const every = `cron(${minute} 0/${hours} * * ? *)`;
                assert.strictEqual(
                    associationScheduleProblem(every) === undefined,
                    [1, 2, 4, 8, 12].includes(hours),
                    every,
                );
            }),
        );
    });

    it("accept maintenance window crons of six or seven fields with ? in exactly one day field, rates and at(...)", () => {
        for (const good of [
            "cron(0 3 ? * SUN *)",
            "cron(30 09 ? * * *)",
            "cron(24 30 09 ? * * *)",
            "cron(0 2 ? * THU#3 *)",
            "cron(15 10 ? * MON-FRI *)",
            "cron(0 2 L * ? *)",
            "cron(15 10 ? * 6L *)",
            "cron(30 23 ? * TUE#3 *)",
            "cron(0 2 1 * ? *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "rate(5 minutes)",
            "rate(1 day)",
            "rate(12 hours)",
            "at(2027-01-31T02:00:00)",
            "at(2028-02-29T23:59:59)",
        ]) {
            assert.strictEqual(maintenanceWindowScheduleProblem(good), undefined, good);
        }
        const refused: [string, RegExp][] = [
            ["cron(99 99 ? * SUN *)", /minutes field "99": 99 is out of range; expected 0 to 59/],
            ["cron(0 25 ? * SUN *)", /hours field "25": 25 is out of range; expected 0 to 23/],
            ["cron(0 3 * * SUN *)", /exactly one of day-of-month and day-of-week must be \?/],
            ["cron(0 3 ? * ? *)", /exactly one of day-of-month and day-of-week must be \?/],
            ["cron(0 3 ? * SUN)", /six fields \(seven with a leading seconds field\)/],
            ["cron(0  3 ? * SUN *)", /separated by single spaces/],
            ["cron(60 0 3 ? * SUN *)", /seconds field "60": 60 is out of range; expected 0 to 59/],
            ["cron(0 0 3 ? * SUN *)", /seconds field "0" is the six-field form; leave the seconds field out/],
            ["cron(*/10 0 3 ? * SUN *)", /two of its runs are 10 seconds apart; .* at most every 5 minutes/],
            ["cron(0/4 * ? * * *)", /two of its runs are 240 seconds apart/],
            ["cron(0/7 * ? * * *)", /two of its runs are 240 seconds apart/],
            ["at(2020-13-45T99:00:00)", /with a real date and time: month 13 is out of range; expected 1 to 12/],
            ["at(2027-02-29T00:00:00)", /day 29 is out of range; expected 1 to 28/],
            ["at(2027-01-31T24:00:00)", /hour 24 is out of range; expected 0 to 23/],
            ["at(2027-01-31T02:60:00)", /minute 60 is out of range; expected 0 to 59/],
            ["at(2027-01-31 02:00)", /or at\(yyyy-mm-ddThh:mm:ss\)/],
            ["rate(1 days)", /rate\(N minutes\|hours\|days\) of at least 5 minutes/],
            ["rate(4 minutes)", /rate\(N minutes\|hours\|days\) of at least 5 minutes/],
            ["Sundays at 3", /cron\(minutes hours day-of-month/],
        ];
        for (const [schedule, expected] of refused) {
            assert.match(maintenanceWindowScheduleProblem(schedule) ?? "(accepted)", expected, schedule);
        }
    });

    it("accept maintenance window rates of five minutes or more, and crons whose runs are five minutes apart or more", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 10_000 }), units, (value, unit) => {
                const expression = `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
                const accepted = maintenanceWindowScheduleProblem(expression) === undefined;
                assert.strictEqual(accepted, rateMinutes({ value, unit }) >= 5, expression);
            }),
        );
        // Every n minutes from minute a of every hour: the runs of a day, minute by minute.
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 59 }), (start, step) => {
                const runs = [...Array(1440).keys()].filter(m => m % 60 >= start && ((m % 60) - start) % step === 0);
                const gaps = runs.map((m, i) => (i + 1 < runs.length ? runs[i + 1] : runs[0] + 1440) - m);
                const expression = `cron(${start}/${step} * ? * * *)`;
                const accepted = maintenanceWindowScheduleProblem(expression) === undefined;
                assert.strictEqual(accepted, Math.min(...gaps) >= 5, expression);
            }),
        );
    });

    it("accept at(...) for every real date and time, and no other", () => {
        const two = (n: number) => String(n).padStart(2, "0");
        fc.assert(
            fc.property(
                fc.date({
                    min: new Date("1970-01-01T00:00:00Z"),
                    max: new Date("2199-12-31T23:59:59Z"),
                    noInvalidDate: true,
                }),
                date => {
                    const at = `at(${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())})`;
                    assert.strictEqual(maintenanceWindowScheduleProblem(at), undefined, at);
                },
            ),
        );
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 29, max: 32 }), (month, day) => {
                const at = `at(2027-${two(month)}-${two(day)}T00:00:00)`;
                const real = day <= new Date(Date.UTC(2027, month, 0)).getUTCDate();
                assert.strictEqual(maintenanceWindowScheduleProblem(at) === undefined, real, at);
            }),
        );
    });

    it("accept IANA time-zone names, case-sensitively", () => {
        for (const zone of ["UTC", "Etc/UTC", "Europe/Paris", "America/Los_Angeles", "Asia/Kolkata"]) {
            assert.ok(isIanaTimeZone(zone), zone);
        }
        for (const zone of ["utc", "europe/paris", "Europe/PARIS", "CET+1", "Mars/Olympus_Mons", "+01:00", ""]) {
            assert.ok(!isIanaTimeZone(zone), zone);
        }
    });
});
