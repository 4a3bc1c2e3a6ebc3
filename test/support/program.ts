// Test access to the program runner, plus where the shared fixtures live.
import * as path from "path";
import { projectRoot } from "../../harness/synthesize";

export { projectRoot, runProgram, stackConfig, underMocks, valueOf } from "../../harness/synthesize";
export const sharedRoot = path.resolve(projectRoot, "..", "shared");
