// policy/awsIdentifiers.ts copies the identifiers the pack checks, so that the pack stands alone:
// the copy must never drift from what the program creates.
import * as assert from "assert";
import * as events from "../../aws/events";
import * as identifiers from "../../aws/identifiers";
import * as pack from "../../policy/awsIdentifiers";

const program = { ...identifiers, ...events };

describe("the policy pack's AWS identifiers", () => {
    it("are the program's", () => {
        for (const [name, value] of Object.entries(pack)) {
            assert.deepStrictEqual(value, program[name as keyof typeof program], name);
        }
    });
});
