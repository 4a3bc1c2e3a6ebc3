// The README's example manifest for the organization view: the committed fleet.yaml with a
// dedicated monitoring account (the committed file has no monitoring: key, so its rollout makes
// no organization view), and the fleet-monitoring stack the rollout derives from it.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import {
    fleetCells,
    monitoringProgramDir,
    monitoringStackName,
    monitoringStackSettings,
    parseManifest,
} from "../../driver/fleet";
import { engineStackConfig, readProjectFile } from "../../harness/engineConfig";
import { projectRoot } from "../../harness/synthesize";

export const exampleMonitoring = { account: "444444444444", region: "eu-west-1" } as const;

/** fleet.yaml's text with the example's monitoring: key, or another monitoring account's. */
export function exampleFleetText(monitoring: { account: string; region: string } = exampleMonitoring): string {
    const committed = fs.readFileSync(path.join(projectRoot, "fleet.yaml"), "utf8");
    return `${committed}\nmonitoring: {account: "${monitoring.account}", region: ${monitoring.region}}\n`;
}

/** Writes the example manifest into the directory; returns its path. */
export function writeExampleFleet(dir: string): string {
    const file = path.join(dir, "fleet.yaml");
    fs.writeFileSync(file, exampleFleetText());
    return file;
}

/** The example manifest and its cells, as the rollout reads them. */
export function exampleFleet() {
    const manifest = parseManifest(exampleFleetText());
    const cells = fleetCells(manifest, readProjectFile(path.join(projectRoot, "Pulumi.yaml")));
    return { manifest, cells };
}

/** The stack file driver/rollout.ts writes for fleet-monitoring (saveStackSettings writes YAML). */
export function exampleMonitoringStackFile(): string {
    const { manifest, cells } = exampleFleet();
    return yaml.dump({ config: monitoringStackSettings(manifest, cells) });
}

/** The config `pulumi up --stack fleet-monitoring` hands the program: namespaced by monitoring/Pulumi.yaml's project. */
export function exampleMonitoringConfig(): Record<string, string> {
    return engineStackConfig(
        monitoringStackName,
        exampleMonitoringStackFile(),
        readProjectFile(path.join(projectRoot, monitoringProgramDir, "Pulumi.yaml")),
    );
}
