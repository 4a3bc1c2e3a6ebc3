// Patch Manager under mocks: AWS-RunPatchBaseline's parameters and reboot default
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-aws-runpatchbaseline.html),
// maintenance window task parameters as lists of strings, a task role of the stack instead of the
// service-linked role (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-maintenance-permissions.html),
// trusted as AWS documents maintenance window roles
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/configuring-maintenance-window-permissions-cli.html),
// and the routes' patterns against AWS's sample events.
import * as assert from "assert";
import {
    installTargetFailurePattern,
    patchNonCompliancePattern,
    PatchManager,
    PatchManagerArgs,
    windowFailurePattern,
} from "../../components/patchManager";
import { standInAccountId } from "../../harness/standIns";
import { matchesPattern } from "../support/eventPattern";
import {
    associationNonCompliantSample,
    patchCompliantSample,
    patchNonCompliantSample,
    windowExecutionSample,
    windowTargetInvocationSample,
    windowTaskExecutionSample,
} from "../../harness/fixtures";
import { underMocks, valueOf } from "../support/program";
import { RecordingAccessLogs } from "../support/accessLogs";

const baseArgs: Omit<PatchManagerArgs, "accessLogs"> = {
    region: "eu-west-1",
    accountId: standInAccountId,
    nodeRoles: {
        dhmc: {
            name: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
            arn: "arn:aws:iam::123456789012:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
        },
    },
    regionalSettingsProtection: "retain",
    operatingSystem: "AMAZON_LINUX_2023",
    approvalRules: [
        {
            filters: [
                { key: "CLASSIFICATION", values: ["Security"] },
                { key: "SEVERITY", values: ["Critical", "Important"] },
            ],
            approveAfterDays: 7,
            complianceLevel: "CRITICAL",
        },
        { filters: [{ key: "CLASSIFICATION", values: ["Bugfix"] }], approveAfterDays: 14, complianceLevel: "MEDIUM" },
    ],
    scanSchedule: "rate(1 day)",
    installTagKey: "ssm-fleet-baseline:patch",
    window: { schedule: "cron(0 3 ? * SUN *)", timeZone: "Europe/Paris", durationHours: 3, cutoffHours: 1 },
    rebootOption: "RebootIfNeeded",
    maxConcurrency: "10%",
    maxErrors: "1",
    logRetentionDays: 30,
};
const build = (overrides: Partial<PatchManagerArgs> = {}) =>
    underMocks(
        {},
        () => new PatchManager("patch", { ...baseArgs, accessLogs: new RecordingAccessLogs(), ...overrides }),
    );
const dependsOnGrantAndRegistration = (dependencies: string[], registration: string) => {
    assert.ok(
        dependencies.some(urn => urn.endsWith("::patch-output-policy")),
        "the output grant",
    );
    assert.ok(
        dependencies.some(urn => urn.endsWith(`::${registration}`)),
        registration,
    );
};

describe("patch manager", () => {
    it("writes the configured approval rules into a baseline for its OS, registered as that OS's default", async () => {
        const { mocks, result } = await build();
        const baseline = mocks.named("patch-baseline").inputs;
        assert.strictEqual(baseline.operatingSystem, "AMAZON_LINUX_2023");
        assert.deepStrictEqual(baseline.approvalRules, [
            {
                approveAfterDays: 7,
                complianceLevel: "CRITICAL",
                patchFilters: [
                    { key: "CLASSIFICATION", values: ["Security"] },
                    { key: "SEVERITY", values: ["Critical", "Important"] },
                ],
            },
            {
                approveAfterDays: 14,
                complianceLevel: "MEDIUM",
                patchFilters: [{ key: "CLASSIFICATION", values: ["Bugfix"] }],
            },
        ]);
        assert.deepStrictEqual(mocks.named("patch-default").inputs, {
            baselineId: "patch-baseline-id",
            operatingSystem: "AMAZON_LINUX_2023",
        });
        assert.deepStrictEqual(mocks.ofType("aws:ssm/patchGroup:PatchGroup"), []);
        assert.strictEqual(await valueOf(result.baselineId), "patch-baseline-id");
    });

    it("keeps the baseline and its registration on destroy, or protects them, as the region-wide settings", async () => {
        const { mocks } = await build();
        for (const name of ["patch-baseline", "patch-default"]) {
            assert.deepStrictEqual(
                [mocks.optionsOf(name).retainOnDelete, mocks.optionsOf(name).protect],
                [true, false],
            );
        }
        const { mocks: guarded } = await build({ regionalSettingsProtection: "protect" });
        for (const name of ["patch-baseline", "patch-default"]) {
            assert.strictEqual(guarded.optionsOf(name).protect, true);
        }
        assert.strictEqual(guarded.optionsOf("patch-window").protect, false);
    });

    it("with a patch group, registers the baseline for the group and scans and installs the group's nodes", async () => {
        const { mocks } = await build({ patchGroup: "web" });
        assert.deepStrictEqual(mocks.named("patch-group").inputs, {
            baselineId: "patch-baseline-id",
            patchGroup: "web",
        });
        assert.deepStrictEqual(mocks.ofType("aws:ssm/defaultPatchBaseline:DefaultPatchBaseline"), []);
        const groupTarget = [{ key: "tag:PatchGroup", values: ["web"] }];
        assert.deepStrictEqual(mocks.named("patch-scan").inputs.targets, groupTarget);
        assert.deepStrictEqual(mocks.named("patch-window-target").inputs.targets, groupTarget);
        dependsOnGrantAndRegistration(mocks.optionsOf("patch-scan").dependencies, "patch-group");
    });

    it("scans every node with AWS-RunPatchBaseline on the configured schedule, output in the private bucket", async () => {
        const { mocks, result } = await build();
        const scan = mocks.named("patch-scan").inputs;
        assert.deepStrictEqual(
            [scan.name, scan.parameters, scan.scheduleExpression, scan.targets],
            ["AWS-RunPatchBaseline", { Operation: "Scan" }, "rate(1 day)", [{ key: "InstanceIds", values: ["*"] }]],
        );
        assert.deepStrictEqual(scan.outputLocation, {
            s3BucketName: "patch-output-1234567",
            s3KeyPrefix: "patch-scan",
            s3Region: "eu-west-1",
        });
        dependsOnGrantAndRegistration(mocks.optionsOf("patch-scan").dependencies, "patch-default");
        assert.strictEqual(await valueOf(result.outputBucketName), "patch-output-1234567");
        const lifecycle = mocks.named("patch-output-lifecycle").inputs.rules[0];
        assert.strictEqual(lifecycle.expiration.days, 30);
    });

    it("lets the node roles put objects under the scan and install prefixes and nothing more, through the bucket policy", async () => {
        const { mocks } = await build();
        const statements = JSON.parse(mocks.named("patch-output-policy").inputs.policy).Statement;
        assert.deepStrictEqual(statements.slice(1), [
            {
                Effect: "Allow",
                Principal: { AWS: [baseArgs.nodeRoles.dhmc.arn] },
                Action: "s3:PutObject",
                Resource: [
                    "arn:aws:s3:::patch-output-1234567/patch-scan/*",
                    "arn:aws:s3:::patch-output-1234567/patch-install/*",
                ],
            },
        ]);
        assert.deepStrictEqual(mocks.ofType("aws:iam/rolePolicy:RolePolicy"), []);
    });

    it("admits the hybrid role the same way, since the scan and the window reach hybrid servers too", async () => {
        const hybridArn = "arn:aws:iam::123456789012:role/hybrid-role-1234567";
        const { mocks } = await build({
            nodeRoles: { ...baseArgs.nodeRoles, hybrid: { name: "hybrid-role-1234567", arn: hybridArn } },
        });
        const statements = JSON.parse(mocks.named("patch-output-policy").inputs.policy).Statement;
        assert.deepStrictEqual(statements[1].Principal, { AWS: [baseArgs.nodeRoles.dhmc.arn, hybridArn] });
        for (const dependent of ["patch-scan", "patch-install"]) {
            assert.ok(
                mocks.optionsOf(dependent).dependencies.some(urn => urn.endsWith("::patch-output-policy")),
                dependent,
            );
        }
    });

    it("opens a window on the configured schedule, time zone, duration and cutoff, targeting only opted-in instances", async () => {
        const { mocks, result } = await build();
        const window = mocks.named("patch-window").inputs;
        assert.deepStrictEqual(
            [window.schedule, window.scheduleTimezone, window.duration, window.cutoff, window.allowUnassociatedTargets],
            ["cron(0 3 ? * SUN *)", "Europe/Paris", 3, 1, false],
        );
        const target = mocks.named("patch-window-target").inputs;
        assert.deepStrictEqual(
            [target.windowId, target.resourceType, target.targets],
            ["patch-window-id", "INSTANCE", [{ key: "tag-key", values: ["ssm-fleet-baseline:patch"] }]],
        );
        assert.strictEqual(await valueOf(result.maintenanceWindowId), "patch-window-id");
    });

    it("installs with a Run Command task of AWS-RunPatchBaseline, the reboot option, limits, its own role and S3 output", async () => {
        const { mocks } = await build({ rebootOption: "NoReboot" });
        const task = mocks.named("patch-install").inputs;
        assert.deepStrictEqual(
            [task.windowId, task.taskType, task.taskArn, task.targets, task.maxConcurrency, task.maxErrors],
            [
                "patch-window-id",
                "RUN_COMMAND",
                "AWS-RunPatchBaseline",
                [{ key: "WindowTargetIds", values: ["patch-window-target-id"] }],
                "10%",
                "1",
            ],
        );
        assert.strictEqual(task.serviceRoleArn, "arn:aws:iam::123456789012:role/patch-task-role-1234567");
        assert.strictEqual(task.cutoffBehavior, "CONTINUE_TASK");
        assert.deepStrictEqual(task.taskInvocationParameters.runCommandParameters, {
            parameters: [
                { name: "Operation", values: ["Install"] },
                { name: "RebootOption", values: ["NoReboot"] },
            ],
            outputS3Bucket: "patch-output-1234567",
            outputS3KeyPrefix: "patch-install",
        });
        dependsOnGrantAndRegistration(mocks.optionsOf("patch-install").dependencies, "patch-default");
    });

    it("gives the task role Run Command on this document and this account's nodes, trusted as AWS documents for maintenance windows", async () => {
        const { mocks } = await build();
        const role = mocks.named("patch-task-role").inputs;
        // mw-role-trust-policy.json: ssm.amazonaws.com and no condition. AWS documents no
        // aws:SourceArn or aws:SourceAccount that a window sends when it assumes the role
        // (cross-service-confused-deputy-prevention.html has examples for hybrid activations and
        // resource data sync only); a condition on a key it does not send would deny every Install.
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy).Statement, [
            { Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
        assert.deepStrictEqual(JSON.parse(role.inlinePolicies[0].policy).Statement, [
            {
                Effect: "Allow",
                Action: "ssm:SendCommand",
                Resource: [
                    "arn:aws:ssm:eu-west-1::document/AWS-RunPatchBaseline",
                    "arn:aws:ec2:eu-west-1:123456789012:instance/*",
                    "arn:aws:ssm:eu-west-1:123456789012:managed-instance/*",
                ],
            },
            {
                Effect: "Allow",
                Action: [
                    "ssm:CancelCommand",
                    "ssm:ListCommands",
                    "ssm:ListCommandInvocations",
                    "ssm:GetCommandInvocation",
                    "tag:GetResources",
                ],
                Resource: "*",
            },
        ]);
        assert.deepStrictEqual(mocks.ofType("aws:iam/serviceLinkedRole:ServiceLinkedRole"), []);
    });

    it("routes this baseline's non-compliant nodes, this window's failed executions and its failed targets", async () => {
        const { result } = await build();
        const [compliance, window, targets] = result.notificationRoutes;
        assert.deepStrictEqual(
            JSON.parse(await valueOf(compliance.eventPattern)),
            patchNonCompliancePattern(["patch-baseline-id", "arn:aws:ssm:eu-west-1:123456789012:patch-baseline"]),
        );
        assert.deepStrictEqual(JSON.parse(await valueOf(window.eventPattern)), windowFailurePattern("patch-window-id"));
        assert.deepStrictEqual(
            JSON.parse(await valueOf(targets.eventPattern)),
            installTargetFailurePattern("patch-window-id"),
        );
        assert.deepStrictEqual(
            result.notificationRoutes.map(route => route.name),
            ["patch-compliance", "patch-window", "patch-install-targets"],
        );
    });
});

describe("the patch compliance pattern", () => {
    const sampleBaseline = ["PB789"];

    it("matches AWS's sample of a node turning non-compliant with that baseline, in either case", () => {
        assert.ok(matchesPattern(patchNonCompliancePattern(sampleBaseline), patchNonCompliantSample()));
        const upper = patchNonCompliantSample();
        upper.detail["compliance-status"] = "NON_COMPLIANT";
        assert.ok(matchesPattern(patchNonCompliancePattern(sampleBaseline), upper));
    });

    it("ignores AWS's compliant and association samples, and other baselines", () => {
        assert.ok(!matchesPattern(patchNonCompliancePattern(sampleBaseline), patchCompliantSample()));
        const compliant = patchCompliantSample();
        compliant.source = "aws.ssm"; // AWS's sample has a typo in the source; a real event would not.
        assert.ok(!matchesPattern(patchNonCompliancePattern(sampleBaseline), compliant));
        assert.ok(!matchesPattern(patchNonCompliancePattern(sampleBaseline), associationNonCompliantSample()));
        assert.ok(!matchesPattern(patchNonCompliancePattern(["pb-0123456789abcdef0"]), patchNonCompliantSample()));
    });
});

describe("the window failure pattern", () => {
    const sampleWindow = "mw-0ed7251d3fcf6e0c2";

    it("matches AWS's sample of a timed-out window execution, and failed ones", () => {
        assert.ok(matchesPattern(windowFailurePattern(sampleWindow), windowExecutionSample()));
        const failed = windowExecutionSample();
        failed.detail.status = "FAILED";
        assert.ok(matchesPattern(windowFailurePattern(sampleWindow), failed));
    });

    it("ignores successes, another window, and AWS's sample of a task execution", () => {
        const succeeded = windowExecutionSample();
        succeeded.detail.status = "SUCCESS";
        assert.ok(!matchesPattern(windowFailurePattern(sampleWindow), succeeded));
        assert.ok(!matchesPattern(windowFailurePattern("mw-0123456789abcdef0"), windowExecutionSample()));
        assert.ok(!matchesPattern(windowFailurePattern(sampleWindow), windowTaskExecutionSample()));
    });
});

describe("the install target failure pattern", () => {
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html
    // ("Task Target Processed": IN_PROGRESS, SUCCESS, FAILED and TIMED_OUT; the sample is TIMED_OUT).
    const sampleWindow = "mw-0ed7251d3fcf6e0c2";

    it("matches AWS's sample of a task timed out on a target of this window, and failed ones", () => {
        assert.ok(matchesPattern(installTargetFailurePattern(sampleWindow), windowTargetInvocationSample()));
        const failed = windowTargetInvocationSample();
        failed.detail.status = "FAILED";
        assert.ok(matchesPattern(installTargetFailurePattern(sampleWindow), failed));
    });

    it("matches a failed target while the run as a whole succeeds, which the window failure pattern misses", () => {
        const failed = windowTargetInvocationSample();
        failed.detail.status = "FAILED";
        const run = windowExecutionSample();
        run.detail.status = "SUCCESS";
        assert.ok(matchesPattern(installTargetFailurePattern(sampleWindow), failed));
        assert.ok(!matchesPattern(windowFailurePattern(sampleWindow), run));
        assert.ok(!matchesPattern(windowFailurePattern(sampleWindow), failed));
    });

    it("ignores targets that succeed or are in progress, another window, and the run and task samples", () => {
        for (const status of ["SUCCESS", "IN_PROGRESS"]) {
            const invocation = windowTargetInvocationSample();
            invocation.detail.status = status;
            assert.ok(!matchesPattern(installTargetFailurePattern(sampleWindow), invocation), status);
        }
        assert.ok(!matchesPattern(installTargetFailurePattern("mw-0123456789abcdef0"), windowTargetInvocationSample()));
        assert.ok(!matchesPattern(installTargetFailurePattern(sampleWindow), windowExecutionSample()));
        assert.ok(!matchesPattern(installTargetFailurePattern(sampleWindow), windowTaskExecutionSample()));
    });

    it("pins the source, detail type and fields AWS documents", () => {
        assert.deepStrictEqual(installTargetFailurePattern("mw-1"), {
            source: ["aws.ssm"],
            "detail-type": ["Maintenance Window Task Target Invocation State-change Notification"],
            detail: { "window-id": ["mw-1"], status: ["FAILED", "TIMED_OUT"] },
        });
    });
});
