// A rollout in a process of its own, for the test that kills it with SIGKILL: the driver's main()
// against the stand-in CLI under <fake-root> in <project-dir>, with a preflight that finds nothing.
// usage: node -r ts-node/register/transpile-only test/support/rolloutChild.ts <project-dir> <fake-root> [rollout options]
import { PulumiCommand } from "@pulumi/pulumi/automation";
import * as path from "path";
import { main } from "../../driver/driver";

const [projectDir, fakeRoot, ...options] = process.argv.slice(2);
main(["rollout", ...options], {
    env: { PULUMI_CONFIG_PASSPHRASE: "test" },
    projectDir,
    findPulumi: () => PulumiCommand.get({ root: fakeRoot }),
    out: text => process.stdout.write(text),
    err: text => process.stderr.write(text),
    commit: () => "c0ffee",
    preflight: async () => [],
    npm: path.join(fakeRoot, "bin", "npm"),
} as Parameters<typeof main>[1]).then(code => {
    process.exitCode = code;
});
