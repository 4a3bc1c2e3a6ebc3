// The preflight against SDK clients answering from a script, per item: ready, a fix, and an AWS
// error that leaves the other items checked. Facts: PutConfigRule fails with
// NoAvailableConfigurationRecorderException without a recorder, and a region has one
// customer-managed recorder (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html);
// GetRole fails with NoSuchEntityException (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html);
// DescribeDocument fails with InvalidDocument for a missing document
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeDocument.html); the DHMC
// setting reads "$None" with Status Default when unset
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html);
// OptInStatus is opt-in-not-required, opted-in or not-opted-in
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html); ManagedBy
// declarative-policy means the account cannot change the IMDS defaults
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataDefaultsResponse.html).
// "AWS API Call via CloudTrail" events need a logging trail ("Events from AWS services",
// https://docs.aws.amazon.com/eventbridge/latest/userguide/event-types.html) with management write
// events (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html);
// selector shapes: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html and
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html; DescribeTrails
// with includeShadowTrails lists other regions' multi-region trails
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    doctor,
    DoctorClients,
    doctorExitCode,
    doctorSettings,
    Finding,
    logsManagementWrites,
    Sender,
} from "../../driver/doctor";
import { main } from "../../driver/driver";
import { ExitCode } from "../../cli/exitCodes";
import {
    awsError,
    clientsFor,
    readySettings,
    orgTrailArn,
    readyAnswers,
    roleName,
    scripted,
} from "../support/doctorClients";
import { projectRoot } from "../support/program";

const roleArn = `arn:aws:iam::123456789012:role/service-role/${roleName}`;
const accessDenied = (action: string) =>
    awsError(
        "AccessDeniedException",
        `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ${action}`,
    );

const settings = readySettings;

const finding = (findings: Finding[], item: string) => {
    const found = findings.find(f => f.item === item);
    assert.ok(found, `no finding for ${item}`);
    return found;
};

describe("doctor, the read-only preflight", () => {
    it("finds a region with a recorder and nothing in the way ready, and exits 0", async () => {
        const findings = await doctor(settings, clientsFor());
        assert.deepStrictEqual(
            findings.map(f => [f.item, f.status]),
            [
                ["Config recorder", "ready"],
                ["DHMC role", "ready"],
                ["DHMC setting", "ready"],
                ["Quick Setup", "ready"],
                ["SSM-SessionManagerRunShell", "ready"],
                ["region opt-in", "ready"],
                // Unset IMDS defaults are worth knowing: this stack changes them for the region.
                ["instance metadata defaults", "note"],
                ["CloudTrail trail", "ready"],
            ],
        );
        assert.strictEqual(doctorExitCode(findings), ExitCode.success);
        assert.match(finding(findings, "instance metadata defaults").message, /sets HttpTokens to required/);
    });

    it("only reads: every call is a Describe, a Get or a List", async () => {
        const clients = clientsFor();
        await doctor(settings, clients);
        const sent = Object.values(clients).flatMap(c => (c as { sent: string[] }).sent);
        assert.ok(sent.length >= 9);
        assert.ok(
            sent.every(name => /^(Describe|Get|List)/.test(name)),
            sent.join(", "),
        );
    });

    describe("Config recorder", () => {
        it("says to set createConfigRecorder where the region has none", async () => {
            const findings = await doctor(
                settings,
                clientsFor({
                    config: { DescribeConfigurationRecorderStatusCommand: { ConfigurationRecordersStatus: [] } },
                }),
            );
            const f = finding(findings, "Config recorder");
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /set ssm-fleet-baseline:createConfigRecorder to true/);
            assert.match(f.message, /NoAvailableConfigurationRecorderException/);
            assert.strictEqual(doctorExitCode(findings), ExitCode.configurationError);
        });

        it("does not count a service-linked recorder, which PutConfigRule cannot use", async () => {
            const serviceLinked = {
                ConfigurationRecordersStatus: [
                    {
                        name: "AWSConfigurationRecorderForX",
                        recording: true,
                        servicePrincipal: "config-conforms.amazonaws.com",
                    },
                ],
            };
            const findings = await doctor(
                settings,
                clientsFor({ config: { DescribeConfigurationRecorderStatusCommand: serviceLinked } }),
            );
            assert.strictEqual(finding(findings, "Config recorder").status, "fix");
        });

        it("says to leave createConfigRecorder false where a recorder exists: one per region", async () => {
            const findings = await doctor({ ...settings, createConfigRecorder: true }, clientsFor());
            const f = finding(findings, "Config recorder");
            assert.strictEqual(f.status, "fix");
            assert.match(
                f.message,
                /set ssm-fleet-baseline:createConfigRecorder to false\. A region has one customer-managed recorder/,
            );
        });

        it("is ready where the stack creates the region's first recorder", async () => {
            const findings = await doctor(
                { ...settings, createConfigRecorder: true },
                clientsFor({ config: { DescribeConfigurationRecorderStatusCommand: {} } }),
            );
            assert.strictEqual(finding(findings, "Config recorder").status, "ready");
        });

        it("says to start a recorder that is stopped", async () => {
            const stopped = { ConfigurationRecordersStatus: [{ name: "default", recording: false }] };
            const f = finding(
                await doctor(settings, clientsFor({ config: { DescribeConfigurationRecorderStatusCommand: stopped } })),
                "Config recorder",
            );
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /start-configuration-recorder --configuration-recorder-name default/);
        });

        it("reports an AWS refusal as could not check, and still checks the rest", async () => {
            const findings = await doctor(
                settings,
                clientsFor({
                    config: {
                        DescribeConfigurationRecorderStatusCommand: accessDenied(
                            "config:DescribeConfigurationRecorderStatus",
                        ),
                    },
                }),
            );
            const f = finding(findings, "Config recorder");
            assert.strictEqual(f.status, "error");
            assert.match(
                f.message,
                /^could not check: AccessDeniedException: .*config:DescribeConfigurationRecorderStatus/,
            );
            assert.strictEqual(findings.filter(x => x.status === "error").length, 1);
            assert.strictEqual(finding(findings, "DHMC role").status, "ready");
            assert.strictEqual(doctorExitCode(findings), ExitCode.failure);
        });
    });

    describe("DHMC role", () => {
        const role = (extra: Record<string, unknown>) => ({
            iam: { GetRoleCommand: { Role: { RoleName: roleName, Path: "/service-role/", Arn: roleArn, ...extra } } },
        });
        const consoleMade = role({ Description: "" });
        const ownTag = (stack: string) =>
            role({ Tags: [{ Key: "ssm-fleet-baseline:stack", Value: `ssm-fleet-baseline/${stack}` }] });

        it("says to import a role nobody's stack tagged (the console's), since create fails with EntityAlreadyExists", async () => {
            const findings = await doctor(settings, clientsFor(consoleMade));
            const f = finding(findings, "DHMC role");
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /made by someone else .*console/);
            assert.match(f.message, /set ssm-fleet-baseline:dhmcRole to import/);
            assert.match(f.message, /EntityAlreadyExists/);
            assert.strictEqual(doctorExitCode(findings), ExitCode.configurationError);
            assert.strictEqual(
                finding(await doctor({ ...settings, dhmcRole: "import" }, clientsFor(consoleMade)), "DHMC role").status,
                "ready",
            );
        });

        it("says to adopt a role another stack's tag claims, and is ready when adopting", async () => {
            const f = finding(await doctor(settings, clientsFor(ownTag("use1"))), "DHMC role");
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /made by stack ssm-fleet-baseline\/use1: set ssm-fleet-baseline:dhmcRole to adopt/);
            const importing = finding(
                await doctor({ ...settings, dhmcRole: "import" }, clientsFor(ownTag("use1"))),
                "DHMC role",
            );
            assert.strictEqual(importing.status, "fix");
            assert.strictEqual(
                finding(await doctor({ ...settings, dhmcRole: "adopt" }, clientsFor(ownTag("use1"))), "DHMC role")
                    .status,
                "ready",
            );
        });

        it("tells its own stack's role apart: nothing while deployed, import after a destroy", async () => {
            const f = finding(await doctor(settings, clientsFor(ownTag("dev"))), "DHMC role");
            assert.strictEqual(f.status, "note");
            assert.match(
                f.message,
                /made by stack ssm-fleet-baseline\/dev: if this stack is deployed .* set ssm-fleet-baseline:dhmcRole to import/,
            );
        });

        it("recognises an untagged role by this program's description", async () => {
            const old = role({
                Description:
                    "Default Host Management Configuration: Systems Manager manages EC2 instances with this role",
            });
            assert.match(
                finding(await doctor(settings, clientsFor(old)), "DHMC role").message,
                /made by a stack of this program/,
            );
        });

        it("says to create a role that import or adopt would not find", async () => {
            for (const mode of ["import", "adopt"] as const) {
                const f = finding(await doctor({ ...settings, dhmcRole: mode }, clientsFor()), "DHMC role");
                assert.strictEqual(f.status, "fix", mode);
                assert.match(f.message, new RegExp(`nothing to ${mode}: set ssm-fleet-baseline:dhmcRole to create`));
            }
        });

        it("expects no role to adopt yet when the stack that creates it runs first in the same rollout", async () => {
            const f = finding(
                await doctor({ ...settings, dhmcRole: "adopt", dhmcRoleCreatedBy: "fleet-a-eu-west-1" }, clientsFor()),
                "DHMC role",
            );
            assert.strictEqual(f.status, "ready");
            assert.match(f.message, /fleet-a-eu-west-1 creates it first in this rollout/);
            const imported = { ...settings, dhmcRole: "import" as const, dhmcRoleCreatedBy: "fleet-a-eu-west-1" };
            assert.strictEqual(finding(await doctor(imported, clientsFor()), "DHMC role").status, "fix");
        });

        it("reports an AWS refusal as could not check", async () => {
            const findings = await doctor(
                settings,
                clientsFor({
                    iam: { GetRoleCommand: awsError("AccessDenied", "not authorized to perform: iam:GetRole") },
                }),
            );
            assert.deepStrictEqual(
                [finding(findings, "DHMC role").status, finding(findings, "DHMC role").message],
                ["error", "could not check: AccessDenied: not authorized to perform: iam:GetRole"],
            );
            assert.strictEqual(finding(findings, "DHMC setting").status, "ready");
        });
    });

    describe("DHMC setting", () => {
        const setTo = (value: string) => ({
            ssm: {
                ...readyAnswers.ssm,
                GetServiceSettingCommand: { ServiceSetting: { SettingValue: value, Status: "Customized" } },
            },
        });

        it("is ready when it already names this stack's role", async () => {
            const f = finding(await doctor(settings, clientsFor(setTo(`service-role/${roleName}`))), "DHMC setting");
            assert.deepStrictEqual(
                [f.status, f.message],
                [
                    "ready",
                    `/ssm/managed-instance/default-ec2-instance-management-role already names service-role/${roleName}`,
                ],
            );
        });

        it("says which role it names when this stack would change it", async () => {
            const f = finding(
                await doctor(settings, clientsFor(setTo("service-role/SomeoneElsesRole"))),
                "DHMC setting",
            );
            assert.strictEqual(f.status, "note");
            assert.match(
                f.message,
                /names service-role\/SomeoneElsesRole; this stack changes it to service-role\/AWSSystems/,
            );
        });

        it("reports an AWS refusal as could not check", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor({
                        ssm: { ...readyAnswers.ssm, GetServiceSettingCommand: accessDenied("ssm:GetServiceSetting") },
                    }),
                ),
                "DHMC setting",
            );
            assert.strictEqual(f.status, "error");
        });
    });

    // The unified console creates EnableDHMCAssociation, which sets DHMC daily (landscape.md §2.3 [S]);
    // Quick Setup's DHMC role starts AWS-QuickSetup- ([I]); AWSServiceRoleForSSMQuickSetup is Quick
    // Setup's service-linked role ("Using roles to maintain Quick Setup-provisioned resource health
    // and consistency" [V]). ListAssociations filters on AssociationName
    // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_AssociationFilter.html).
    describe("Quick Setup", () => {
        const enableDhmc = {
            ListAssociationsCommand: {
                Associations: [{ AssociationName: "EnableDHMCAssociation", Name: "AWSQuickSetupType-EnableDHMC" }],
            },
        };
        /** IAM answering GetRole per role name: the DHMC role absent, the service-linked role as given. */
        const iamWith = (serviceLinkedRole: boolean): Sender => ({
            async send(command: { input: { RoleName: string } }) {
                if (command.input.RoleName === "AWSServiceRoleForSSMQuickSetup" && serviceLinkedRole) {
                    return { Role: { RoleName: "AWSServiceRoleForSSMQuickSetup" } };
                }
                throw awsError("NoSuchEntityException");
            },
        });

        it("stops the run where the unified console's daily association sets DHMC, naming the way out", async () => {
            const ssm = scripted({ ...readyAnswers.ssm, ...enableDhmc });
            const findings = await doctor(settings, { ...clientsFor(), ssm });
            const f = finding(findings, "Quick Setup");
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /unified console's daily EnableDHMCAssociation in eu-west-1/);
            assert.match(f.message, /adoptQuickSetup: true/);
            assert.strictEqual(doctorExitCode(findings), ExitCode.configurationError);
            assert.ok(ssm.sent.includes("ListAssociationsCommand"));
        });

        it("stops the run where the DHMC setting names a Quick Setup role", async () => {
            const ssm = scripted({
                ...readyAnswers.ssm,
                GetServiceSettingCommand: {
                    ServiceSetting: { SettingValue: "AWS-QuickSetup-SSM-DefaultEC2MgmtRole-abc", Status: "Customized" },
                },
            });
            const f = finding(await doctor(settings, { ...clientsFor(), ssm }), "Quick Setup");
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /Quick Setup's role AWS-QuickSetup-SSM-DefaultEC2MgmtRole-abc/);
        });

        it("is a note, not a conflict, when the manifest adopts them", async () => {
            const ssm = scripted({ ...readyAnswers.ssm, ...enableDhmc });
            const findings = await doctor({ ...settings, adoptQuickSetup: true }, { ...clientsFor(), ssm });
            assert.strictEqual(finding(findings, "Quick Setup").status, "note");
            assert.strictEqual(doctorExitCode(findings), ExitCode.success);
        });

        it("notes Quick Setup's service-linked role when none of its configurations sets DHMC here", async () => {
            const f = finding(await doctor(settings, { ...clientsFor(), iam: iamWith(true) }), "Quick Setup");
            assert.strictEqual(f.status, "note");
            assert.match(f.message, /AWSServiceRoleForSSMQuickSetup exists/);
            const none = finding(await doctor(settings, { ...clientsFor(), iam: iamWith(false) }), "Quick Setup");
            assert.strictEqual(none.status, "ready");
        });

        it("reports an AWS refusal as could not check", async () => {
            const ssm = scripted({
                ...readyAnswers.ssm,
                ListAssociationsCommand: accessDenied("ssm:ListAssociations"),
            });
            const f = finding(await doctor(settings, { ...clientsFor(), ssm }), "Quick Setup");
            assert.strictEqual(f.status, "error");
            assert.match(f.message, /could not check: AccessDeniedException/);
        });
    });

    describe("SSM-SessionManagerRunShell", () => {
        const exists = {
            ssm: {
                ...readyAnswers.ssm,
                DescribeDocumentCommand: { Document: { Name: "SSM-SessionManagerRunShell", DocumentType: "Session" } },
            },
        };

        it("says to set sessionPreferencesAdopt where the document exists", async () => {
            const f = finding(await doctor(settings, clientsFor(exists)), "SSM-SessionManagerRunShell");
            assert.strictEqual(f.status, "fix");
            assert.match(
                f.message,
                /set ssm-fleet-baseline:sessionPreferencesAdopt to true; creating it fails with DocumentAlreadyExists/,
            );
            assert.strictEqual(
                finding(
                    await doctor({ ...settings, sessionPreferencesAdopt: true }, clientsFor(exists)),
                    "SSM-SessionManagerRunShell",
                ).status,
                "ready",
            );
        });

        it("says to turn adopting off where there is nothing to import", async () => {
            const f = finding(
                await doctor({ ...settings, sessionPreferencesAdopt: true }, clientsFor()),
                "SSM-SessionManagerRunShell",
            );
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /set ssm-fleet-baseline:sessionPreferencesAdopt to false/);
        });

        it("does not look when the stack does not manage the preferences", async () => {
            const clients = clientsFor(exists);
            const f = finding(
                await doctor({ ...settings, sessionPreferences: false }, clients),
                "SSM-SessionManagerRunShell",
            );
            assert.strictEqual(f.status, "ready");
            assert.ok(!(clients.ssm as unknown as { sent: string[] }).sent.includes("DescribeDocumentCommand"));
        });

        it("reports an AWS refusal as could not check", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor({
                        ssm: { ...readyAnswers.ssm, DescribeDocumentCommand: accessDenied("ssm:DescribeDocument") },
                    }),
                ),
                "SSM-SessionManagerRunShell",
            );
            assert.strictEqual(f.status, "error");
        });
    });

    describe("region opt-in", () => {
        const optIn = (status: string) => ({
            ec2: {
                ...readyAnswers.ec2,
                DescribeRegionsCommand: { Regions: [{ RegionName: "eu-west-1", OptInStatus: status }] },
            },
        });

        it("is ready for an opted-in region, a fix for one that is not", async () => {
            assert.strictEqual(
                finding(await doctor(settings, clientsFor(optIn("opted-in"))), "region opt-in").status,
                "ready",
            );
            const f = finding(await doctor(settings, clientsFor(optIn("not-opted-in"))), "region opt-in");
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /eu-west-1 is not-opted-in: enable it/);
        });

        it("asks EC2 about the stack's region among all regions, enabled or not", async () => {
            let input: unknown;
            const clients = clientsFor();
            const ec2 = clients.ec2;
            await doctor(settings, {
                ...clients,
                ec2: {
                    send: command => {
                        if (command.constructor.name === "DescribeRegionsCommand") {
                            input = command.input;
                        }
                        return ec2.send(command);
                    },
                },
            });
            assert.deepStrictEqual(input, { AllRegions: true, RegionNames: ["eu-west-1"] });
        });

        it("reports an AWS refusal as could not check", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor({
                        ec2: { ...readyAnswers.ec2, DescribeRegionsCommand: awsError("UnauthorizedOperation") },
                    }),
                ),
                "region opt-in",
            );
            assert.deepStrictEqual(
                [f.status, f.message],
                ["error", "could not check: UnauthorizedOperation: UnauthorizedOperation"],
            );
        });
    });

    describe("instance metadata defaults", () => {
        const imds = (level: Record<string, unknown>) => ({
            ec2: { ...readyAnswers.ec2, GetInstanceMetadataDefaultsCommand: { AccountLevel: level } },
        });

        it("reports the defaults set, ready when they already require IMDSv2", async () => {
            const f = finding(
                await doctor(settings, clientsFor(imds({ HttpTokens: "required", HttpPutResponseHopLimit: 2 }))),
                "instance metadata defaults",
            );
            assert.strictEqual(f.status, "ready");
            assert.match(f.message, /^HttpTokens=required, HttpPutResponseHopLimit=2; HttpTokens is already required/);
        });

        it("says this stack changes optional tokens to required", async () => {
            const f = finding(
                await doctor(settings, clientsFor(imds({ HttpTokens: "optional" }))),
                "instance metadata defaults",
            );
            assert.strictEqual(f.status, "note");
            assert.match(f.message, /^HttpTokens=optional; this stack sets HttpTokens to required/);
        });

        it("needs a fix when a declarative policy holds them without IMDSv2", async () => {
            const f = finding(
                await doctor(settings, clientsFor(imds({ HttpTokens: "optional", ManagedBy: "declarative-policy" }))),
                "instance metadata defaults",
            );
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /declarative policy/);
        });

        it("reports an AWS refusal as could not check", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor({
                        ec2: {
                            ...readyAnswers.ec2,
                            GetInstanceMetadataDefaultsCommand: awsError("UnauthorizedOperation"),
                        },
                    }),
                ),
                "instance metadata defaults",
            );
            assert.strictEqual(f.status, "error");
        });
    });

    describe("CloudTrail trail", () => {
        const trails = (...list: Record<string, unknown>[]) => ({
            cloudtrail: { ...readyAnswers.cloudtrail, DescribeTrailsCommand: { trailList: list } },
        });
        const selectors = (answer: Record<string, unknown>) => ({
            cloudtrail: { ...readyAnswers.cloudtrail, GetEventSelectorsCommand: answer },
        });

        it("is ready with another region's multi-region trail, read by its ARN, after asking for shadow trails", async () => {
            const inputs: Record<string, unknown>[] = [];
            const clients = clientsFor();
            const cloudtrail = clients.cloudtrail;
            const f = finding(
                await doctor(settings, {
                    ...clients,
                    cloudtrail: {
                        send: command => {
                            inputs.push({ [command.constructor.name]: command.input });
                            return cloudtrail.send(command);
                        },
                    },
                }),
                "CloudTrail trail",
            );
            assert.deepStrictEqual(
                [f.status, f.message],
                ["ready", `${orgTrailArn} is logging management write events in eu-west-1`],
            );
            assert.deepStrictEqual(inputs, [
                { DescribeTrailsCommand: { includeShadowTrails: true } },
                { GetTrailStatusCommand: { Name: orgTrailArn } },
                { GetEventSelectorsCommand: { TrailName: orgTrailArn } },
            ]);
        });

        it("says to create a trail where none covers the region, or to turn the watch off", async () => {
            const findings = await doctor(settings, clientsFor(trails()));
            const f = finding(findings, "CloudTrail trail");
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /^no trail covers eu-west-1; .*AWS API Call via CloudTrail/);
            assert.match(f.message, /set ssm-fleet-baseline:tamperWatch to false$/);
            assert.strictEqual(doctorExitCode(findings), ExitCode.configurationError);
        });

        it("does not count another region's single-region trail", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor(
                        trails({
                            Name: "local",
                            TrailARN: "arn:aws:cloudtrail:us-east-1:123456789012:trail/local",
                            HomeRegion: "us-east-1",
                            IsMultiRegionTrail: false,
                        }),
                    ),
                ),
                "CloudTrail trail",
            );
            assert.match(f.message, /^no trail covers eu-west-1/);
        });

        it("counts this region's single-region trail", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor(trails({ Name: "here", HomeRegion: "eu-west-1", IsMultiRegionTrail: false })),
                ),
                "CloudTrail trail",
            );
            assert.deepStrictEqual(
                [f.status, f.message],
                ["ready", "here is logging management write events in eu-west-1"],
            );
        });

        it("needs a fix when the trail is not logging", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor({
                        cloudtrail: { ...readyAnswers.cloudtrail, GetTrailStatusCommand: { IsLogging: false } },
                    }),
                ),
                "CloudTrail trail",
            );
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, new RegExp(`^${orgTrailArn} is not logging; `));
        });

        it("needs a fix when the trail logs only read events", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor(
                        selectors({ EventSelectors: [{ ReadWriteType: "ReadOnly", IncludeManagementEvents: true }] }),
                    ),
                ),
                "CloudTrail trail",
            );
            assert.strictEqual(f.status, "fix");
            assert.match(f.message, /logs no management write events/);
        });

        it("is ready when one of several trails logs management writes", async () => {
            const clients = clientsFor(
                trails(
                    { Name: "data-only", HomeRegion: "eu-west-1" },
                    { Name: "org-trail", TrailARN: orgTrailArn, HomeRegion: "us-east-1", IsMultiRegionTrail: true },
                ),
            );
            const cloudtrail = clients.cloudtrail;
            const f = finding(
                await doctor(settings, {
                    ...clients,
                    cloudtrail: {
                        send: command =>
                            command.constructor.name === "GetEventSelectorsCommand" &&
                            command.input.TrailName === "data-only"
                                ? Promise.resolve({
                                      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: false }],
                                  })
                                : cloudtrail.send(command),
                    },
                }),
                "CloudTrail trail",
            );
            assert.strictEqual(f.status, "ready");
            assert.match(f.message, /^arn:aws:cloudtrail:us-east-1:111122223333:trail\/org-trail is logging/);
        });

        it("reads classic and advanced selectors as CloudTrail defines them", () => {
            const classic = (ReadWriteType: string, IncludeManagementEvents: boolean) => ({
                EventSelectors: [{ ReadWriteType, IncludeManagementEvents }],
            });
            assert.strictEqual(logsManagementWrites(classic("All", true)), true);
            assert.strictEqual(logsManagementWrites(classic("WriteOnly", true)), true);
            assert.strictEqual(logsManagementWrites(classic("ReadOnly", true)), false);
            assert.strictEqual(logsManagementWrites(classic("All", false)), false);
            const advanced = (...FieldSelectors: Record<string, unknown>[]) => ({
                AdvancedEventSelectors: [{ FieldSelectors }],
            });
            const management = { Field: "eventCategory", Equals: ["Management"] };
            assert.strictEqual(logsManagementWrites(advanced(management)), true);
            assert.strictEqual(
                logsManagementWrites(advanced(management, { Field: "readOnly", Equals: ["false"] })),
                true,
            );
            assert.strictEqual(
                logsManagementWrites(advanced(management, { Field: "readOnly", Equals: ["true"] })),
                false,
            );
            assert.strictEqual(
                logsManagementWrites(advanced(management, { Field: "readOnly", NotEquals: ["false"] })),
                false,
            );
            assert.strictEqual(
                logsManagementWrites(
                    advanced(
                        { Field: "eventCategory", Equals: ["Data"] },
                        { Field: "resources.type", Equals: ["AWS::S3::Object"] },
                    ),
                ),
                false,
            );
            assert.strictEqual(logsManagementWrites({}), false);
        });

        it("does not look when the stack has no tamper watch", async () => {
            const clients = clientsFor(trails());
            const f = finding(await doctor({ ...settings, tamperWatch: false }, clients), "CloudTrail trail");
            assert.deepStrictEqual(
                [f.status, f.message],
                ["ready", "not needed (ssm-fleet-baseline:tamperWatch is false)"],
            );
            assert.deepStrictEqual((clients.cloudtrail as unknown as { sent: string[] }).sent, []);
        });

        it("reports an AWS refusal as could not check", async () => {
            const f = finding(
                await doctor(
                    settings,
                    clientsFor({
                        cloudtrail: {
                            ...readyAnswers.cloudtrail,
                            DescribeTrailsCommand: awsError("AccessDeniedException", "no cloudtrail:DescribeTrails"),
                        },
                    }),
                ),
                "CloudTrail trail",
            );
            assert.deepStrictEqual(
                [f.status, f.message],
                ["error", "could not check: AccessDeniedException: no cloudtrail:DescribeTrails"],
            );
        });
    });

    it("reads the stack file with Pulumi.yaml's defaults for the keys it leaves out", () => {
        const emails = { "ssm-fleet-baseline:notificationEmails": '["ops@example.com"]' };
        assert.deepStrictEqual(
            doctorSettings("dev", { "aws:region": "eu-west-1", ...emails, "ssm-fleet-baseline:dhmcRole": "import" }),
            {
                stack: "dev",
                region: "eu-west-1",
                createConfigRecorder: false,
                dhmcRole: "import",
                dhmcRoleName: roleName,
                sessionPreferences: true,
                sessionPreferencesAdopt: false,
                tamperWatch: true,
                // Only a fleet manifest adopts Quick Setup (driver/fleet.ts).
                adoptQuickSetup: false,
            },
        );
        assert.strictEqual(
            doctorSettings("dev", { "aws:region": "eu-west-1", ...emails, "ssm-fleet-baseline:tamperWatch": "false" })
                .tamperWatch,
            false,
        );
        assert.throws(() => doctorSettings("dev", {}), /stack dev has no aws:region/);
    });

    describe("npm run driver -- doctor", () => {
        let projectDir: string;
        beforeEach(() => {
            projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "doctor-project-"));
            for (const file of ["Pulumi.yaml", "Pulumi.dev.yaml"]) {
                fs.copyFileSync(path.join(projectRoot, file), path.join(projectDir, file));
            }
        });
        afterEach(() => fs.rmSync(projectDir, { recursive: true, force: true }));

        async function runDoctor(clients: DoctorClients) {
            let out = "";
            let err = "";
            const regions: string[] = [];
            const code = await main(["doctor", "--stack", "dev"], {
                env: {},
                projectDir,
                out: text => {
                    out += text;
                },
                err: text => {
                    err += text;
                },
                findPulumi: () => Promise.reject(new Error("doctor must not need the Pulumi CLI")),
                doctorClients: region => {
                    regions.push(region);
                    return clients;
                },
            });
            return { code, out, err, regions };
        }

        it("runs with the stack's region and no Pulumi CLI or backend, prints one line per item and exits 0 when ready", async () => {
            const { code, out, err, regions } = await runDoctor(clientsFor());
            assert.strictEqual(err, "");
            assert.deepStrictEqual(regions, ["eu-west-1"]);
            assert.match(out, /^doctor dev \(eu-west-1\):\n/);
            assert.match(out, /ready {2}Config recorder +recorder default is recording in eu-west-1\n/);
            assert.match(out, /ready for pulumi up\n$/);
            assert.strictEqual(code, ExitCode.success);
        });

        it("exits 2 when a key must be set, and names it", async () => {
            const { code, out } = await runDoctor(
                clientsFor({
                    config: { DescribeConfigurationRecorderStatusCommand: { ConfigurationRecordersStatus: [] } },
                }),
            );
            assert.strictEqual(code, ExitCode.configurationError);
            assert.match(
                out,
                /fix +Config recorder +none in eu-west-1: set ssm-fleet-baseline:createConfigRecorder to true/,
            );
            assert.match(out, /1 to fix, 0 not checked/);
        });

        it("exits 1 when an item could not be checked and none needs a fix", async () => {
            const { code, out } = await runDoctor(
                clientsFor({ iam: { GetRoleCommand: awsError("AccessDenied", "no iam:GetRole") } }),
            );
            assert.strictEqual(code, ExitCode.failure);
            assert.match(out, /error +DHMC role +could not check: AccessDenied: no iam:GetRole/);
        });

        it("refuses an unknown stack with the usage error, before any AWS call", async () => {
            let called = false;
            const code = await main(["doctor", "--stack", "nope"], {
                env: {},
                projectDir,
                out: () => undefined,
                err: () => undefined,
                doctorClients: () => {
                    called = true;
                    return clientsFor();
                },
            });
            assert.strictEqual(code, ExitCode.configurationError);
            assert.strictEqual(called, false);
        });
    });
});
