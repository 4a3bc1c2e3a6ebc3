// The README's example manifest for the organization view: the committed fleet.yaml with a
// dedicated monitoring account (the committed file has no monitoring: key, so its rollout makes
// no organization view).
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../../harness/synthesize";

export const exampleMonitoring = { account: "444444444444", region: "eu-west-1" } as const;

/** fleet.yaml's text with the example's monitoring: key. */
export function exampleFleetText(): string {
    const committed = fs.readFileSync(path.join(projectRoot, "fleet.yaml"), "utf8");
    return `${committed}\nmonitoring: {account: "${exampleMonitoring.account}", region: ${exampleMonitoring.region}}\n`;
}

/** Writes the example manifest into the directory; returns its path. */
export function writeExampleFleet(dir: string): string {
    const file = path.join(dir, "fleet.yaml");
    fs.writeFileSync(file, exampleFleetText());
    return file;
}
