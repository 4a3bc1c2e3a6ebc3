// Test access to the program runner.
export { projectRoot, runProgram, stackConfig, underMocks, valueOf } from "../../harness/synthesize";
