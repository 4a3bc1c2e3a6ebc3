// Rate expressions: a positive number and a unit, singular exactly when the number is 1; State
// Manager associations run at most every 30 minutes.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
import * as assert from "assert";
import * as fc from "fast-check";
import {
    associationScheduleProblem,
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

    it("accept association rates of 30 minutes or more, and only those", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 10_000 }), units, (value, unit) => {
                const expression = `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
                const minutes = rateMinutes({ value, unit });
                assert.strictEqual(associationScheduleProblem(expression) === undefined, minutes >= 30, expression);
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
