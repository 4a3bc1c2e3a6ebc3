// The committed stacks' resource identity is frozen: any URN that appears or disappears fails
// here with what pulumi up would do about it. See harness/identity.ts and CONTRIBUTING.md.
import * as assert from "assert";
import {
    describeIdentityDiff,
    diffIdentity,
    identityStacks,
    isUnchanged,
    readGolden,
    stackIdentity,
} from "../harness/identity";

describe("resource identity of the committed stacks", () => {
    for (const stack of identityStacks) {
        it(`${stack}: every URN matches test/identity/${stack}.urns`, async () => {
            const golden = readGolden(stack);
            assert.ok(golden.length > 0, `test/identity/${stack}.urns is missing: run npm run identity:update`);
            const diff = diffIdentity(golden, await stackIdentity(stack));
            assert.ok(isUnchanged(diff), describeIdentityDiff(stack, diff));
        });
    }
});
