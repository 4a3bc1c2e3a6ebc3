// Rate expressions: a positive number and a unit, singular exactly when the number is 1; State
// Manager associations run at most every 30 minutes.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
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
            ["cron(0 2 * *)", /six fields .* got 4/],
            ["cron(0 1-2-3 * * ? *)", /not a value, a range a-b or an increment/],
            ["cron 0 2 * * ? *", /cron\(minutes hours/],
        ];
        for (const [expression, expected] of refused) {
            assert.match(cronProblem(expression) ?? "(accepted)", expected, expression);
        }
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

    it("accept maintenance window crons of six or seven fields with ? in exactly one day field, rates and at(...)", () => {
        for (const good of [
            "cron(0 3 ? * SUN *)",
            "cron(0 30 23 ? * TUE#3 *)",
            "cron(0 2 1 * ? *)",
            "rate(1 day)",
            "rate(12 hours)",
            "at(2027-01-31T02:00:00)",
        ]) {
            assert.strictEqual(maintenanceWindowScheduleProblem(good), undefined, good);
        }
        for (const bad of [
            "cron(0 3 * * SUN *)",
            "cron(0 3 ? * ? *)",
            "cron(0 3 ? * SUN)",
            "cron(0  3 ? * SUN *)",
            "rate(1 days)",
            "at(2027-01-31 02:00)",
            "Sundays at 3",
        ]) {
            assert.match(maintenanceWindowScheduleProblem(bad) ?? "", /cron\(minutes hours day-of-month/, bad);
        }
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
