// Runs the real user-data script from managedNodeUserData() under bash with stub commands, since
// no EC2 instance is available: curl plays IMDSv2, uname/rpm describe the node, and dnf/yum/
// systemctl only record what the script asked them to do.
//
// Why these expectations: DHMC manages only nodes with SSM Agent 3.2.582.0 or later and requires
// IMDSv2 (AWS Systems Manager User Guide, "managed-instances-default-host-management"). The package
// URL form comes from the SSM User Guide's manual install page for Amazon Linux:
// https://s3.region.amazonaws.com/amazon-ssm-region/latest/linux_arm64/amazon-ssm-agent.rpm
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compareAgentVersions, dhmcMinimumAgentVersion } from "../../aws/agentVersion";
import { managedNodeUserData } from "../../aws/userData";

const bash = "/bin/bash";
const token = "TOKEN123";
const region = "eu-west-1";
const tokenUrl = "http://169.254.169.254/latest/api/token";
const regionUrl = "http://169.254.169.254/latest/meta-data/placement/region";

function packageUrl(arch: "amd64" | "arm64"): string {
    return `https://s3.${region}.amazonaws.com/amazon-ssm-${region}/latest/linux_${arch}/amazon-ssm-agent.rpm`;
}

// Stubs use bash builtins only, so they work with the restricted PATH. Each logs one line per call.
const stubs: Record<string, string> = {
    // Answers only a proper IMDSv2 exchange; anything else fails like `curl --fail` on a 4xx.
    curl: `
echo "curl $*" >> "$LOG"
method=GET url="" headers=()
while [ $# -gt 0 ]; do
  case "$1" in
    -X) method="$2"; shift 2 ;;
    -H) headers+=("$2"); shift 2 ;;
    -*) shift ;;
    *) url="$1"; shift ;;
  esac
done
has_header() { local h; for h in "\${headers[@]}"; do [[ "$h" == $1 ]] && return 0; done; return 1; }
if [ "$method" = PUT ] && [ "$url" = "${tokenUrl}" ] && has_header 'X-aws-ec2-metadata-token-ttl-seconds: [0-9]*'; then
  [ "$IMDS_TOKEN_FAILS" = yes ] && exit 22
  printf '%s' "$IMDS_TOKEN"; exit 0
fi
if [ "$method" = GET ] && [ "$url" = "${regionUrl}" ] && has_header "X-aws-ec2-metadata-token: $IMDS_TOKEN"; then
  printf '%s' "$IMDS_REGION"; exit 0
fi
exit 22
`,
    uname: `
echo "uname $*" >> "$LOG"
if [ "$*" = "-m" ]; then echo "$MACHINE"; exit 0; fi
exit 1
`,
    // AGENT_VERSION empty means "not installed".
    rpm: `
echo "rpm $*" >> "$LOG"
if [ -z "$AGENT_VERSION" ]; then echo "package amazon-ssm-agent is not installed"; exit 1; fi
if [ "$*" = "-q amazon-ssm-agent" ]; then echo "amazon-ssm-agent-$AGENT_VERSION-1.x86_64"; exit 0; fi
if [ "$*" = "-q --queryformat %{VERSION} amazon-ssm-agent" ]; then printf '%s' "$AGENT_VERSION"; exit 0; fi
exit 1
`,
    yum: `echo "yum $*" >> "$LOG"`,
    systemctl: `echo "systemctl $*" >> "$LOG"`,
};

interface Case {
    machine: string;
    /** Installed agent version; undefined when no agent is installed. */
    agentVersion?: string;
    /** Whether `dnf` is on PATH (Amazon Linux 2023/RHEL 8+) or only `yum` (Amazon Linux 2). */
    dnf: boolean;
    tokenFails?: boolean;
}

interface Run {
    status: number | null;
    stderr: string;
    calls: string[];
}

let root: string;
let scriptFile: string;
let stubDir: string;
let dnfDir: string;
let toolDir: string;
let runs = 0;

function writeExecutable(file: string, body: string): void {
    fs.writeFileSync(file, `#!/bin/bash\n${body.trim()}\n`, { mode: 0o755 });
}

/** Absolute path of a real tool, found with the test runner's own PATH. */
function realTool(name: string): string {
    const found = spawnSync(bash, ["-c", 'command -v "$1"', "_", name], { encoding: "utf8" });
    const resolved = found.stdout.trim();
    assert.ok(found.status === 0 && path.isAbsolute(resolved), `real ${name} not found`);
    return resolved;
}

/** Runs the user-data script once with the stubs answering as `c` says; returns the logged calls. */
function runCase(c: Case): Run {
    const log = path.join(root, `calls-${++runs}.log`);
    fs.writeFileSync(log, "");
    // Only stubs and the few real tools the script needs: a real dnf/yum/rpm/curl/systemctl on the
    // host must never be reached.
    const dirs = c.dnf ? [dnfDir, stubDir, toolDir] : [stubDir, toolDir];
    const result = spawnSync(bash, [scriptFile], {
        encoding: "utf8",
        timeout: 10_000,
        env: {
            PATH: dirs.join(":"),
            LOG: log,
            MACHINE: c.machine,
            AGENT_VERSION: c.agentVersion ?? "",
            IMDS_TOKEN: token,
            IMDS_REGION: region,
            IMDS_TOKEN_FAILS: c.tokenFails ? "yes" : "no",
        },
    });
    assert.ifError(result.error);
    const calls = fs
        .readFileSync(log, "utf8")
        .split("\n")
        .filter(line => line !== "");
    return { status: result.status, stderr: result.stderr, calls };
}

/** The calls that change the node: package installs and service control, in order. */
function effects(run: Run): string[] {
    return run.calls.filter(call => /^(dnf|yum|systemctl) /.test(call));
}

const enableAndRestart = ["systemctl enable amazon-ssm-agent", "systemctl restart amazon-ssm-agent"];

/** IMDSv2: a PUT for a token comes first, and every metadata read carries that token. */
function assertImdsV2(run: Run): void {
    const curls = run.calls.filter(call => call.startsWith("curl "));
    assert.ok(curls.length >= 2, `expected a token and a region request, got ${JSON.stringify(curls)}`);
    const [first, ...rest] = curls;
    assert.ok(first.includes(`-X PUT`) && first.includes(tokenUrl), `first curl is not the token PUT: ${first}`);
    assert.match(first, /-H X-aws-ec2-metadata-token-ttl-seconds: \d+/);
    for (const call of rest) {
        assert.ok(
            call.includes(`-H X-aws-ec2-metadata-token: ${token}`),
            `metadata call without the IMDSv2 token: ${call}`,
        );
    }
    assert.ok(
        rest.some(call => call.includes(regionUrl)),
        "region was not read from IMDS",
    );
}

describe("managedNodeUserData script (run under bash with stub commands)", () => {
    const script = managedNodeUserData();

    before(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "userdata-test-"));
        scriptFile = path.join(root, "user-data.sh");
        fs.writeFileSync(scriptFile, script);
        stubDir = path.join(root, "stubs");
        dnfDir = path.join(root, "dnf");
        toolDir = path.join(root, "tools");
        for (const dir of [stubDir, dnfDir, toolDir]) {
            fs.mkdirSync(dir);
        }
        for (const [name, body] of Object.entries(stubs)) {
            writeExecutable(path.join(stubDir, name), body);
        }
        // dnf lives in its own dir so a case can leave it off PATH and force the yum fallback.
        writeExecutable(path.join(dnfDir, "dnf"), `echo "dnf $*" >> "$LOG"`);
        // printf, echo, [ and command are bash builtins; sort and head are the external tools used.
        for (const name of ["env", "sort", "head", "cat"]) {
            fs.symlinkSync(realTool(name), path.join(toolDir, name));
        }
    });

    after(() => {
        if (root) {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("is a bash script whose embedded floor is dhmcMinimumAgentVersion", () => {
        assert.ok(script.startsWith("#!/bin/bash\n"));
        assert.equal(dhmcMinimumAgentVersion, "3.2.582.0");
        const floor = /^minimum="([^"]*)"$/m.exec(script);
        assert.ok(floor, "no minimum= line in the script");
        assert.equal(floor[1], dhmcMinimumAgentVersion);
    });

    it("installs the amd64 agent with dnf when none is installed (x86_64), then enables and restarts it", () => {
        const run = runCase({ machine: "x86_64", dnf: true });
        assert.equal(run.status, 0, run.stderr);
        assertImdsV2(run);
        assert.deepEqual(effects(run), [`dnf install -y ${packageUrl("amd64")}`, ...enableAndRestart]);
    });

    it("upgrades an agent older than the floor with the arm64 package via yum when dnf is absent (aarch64)", () => {
        const run = runCase({ machine: "aarch64", agentVersion: "3.2.500.0", dnf: false });
        assert.equal(run.status, 0, run.stderr);
        assertImdsV2(run);
        assert.deepEqual(effects(run), [`yum install -y ${packageUrl("arm64")}`, ...enableAndRestart]);
    });

    it("does not install when the agent is exactly at the floor, but still enables and restarts it", () => {
        const run = runCase({ machine: "x86_64", agentVersion: dhmcMinimumAgentVersion, dnf: true });
        assert.equal(run.status, 0, run.stderr);
        assertImdsV2(run);
        assert.deepEqual(effects(run), enableAndRestart);
    });

    // sort -V must compare numerically: 3.10.0.0 and 3.2.1000.0 sort *before* the floor lexically.
    // The expectation for each version is derived from compareAgentVersions, the TypeScript rule.
    for (const version of ["3.3.1142.0", "3.10.0.0", "3.2.1000.0", "3.2.581.99", "3.2.58.0", "2.3.1319.0"]) {
        const older = compareAgentVersions(version, dhmcMinimumAgentVersion) < 0;
        it(`${older ? "installs over" : "keeps"} installed agent ${version} (floor ${dhmcMinimumAgentVersion})`, () => {
            const run = runCase({ machine: "x86_64", agentVersion: version, dnf: true });
            assert.equal(run.status, 0, run.stderr);
            const install = older ? [`dnf install -y ${packageUrl("amd64")}`] : [];
            assert.deepEqual(effects(run), [...install, ...enableAndRestart]);
        });
    }

    it("fails without installing anything on an unsupported architecture (s390x)", () => {
        const run = runCase({ machine: "s390x", dnf: true });
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /unsupported architecture s390x/);
        assert.deepEqual(effects(run), []);
    });

    it("stops (set -e) without installing anything when the IMDSv2 token request fails", () => {
        const run = runCase({ machine: "x86_64", dnf: true, tokenFails: true });
        assert.notEqual(run.status, 0);
        assert.equal(run.calls.filter(call => call.startsWith("curl ")).length, 1, "continued after the token failure");
        assert.deepEqual(effects(run), []);
    });
});
