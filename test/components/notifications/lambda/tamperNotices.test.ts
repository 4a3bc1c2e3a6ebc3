// The tamper watch's e-mails: every watched call's record (test/fixtures/tamper) yields a mail that
// names the actor, what breaks and the fix; the deployer's own change is an expected change; a
// failed call a low-severity attempt; another team's resource is not mailed.
import * as assert from "assert";
import { dhmcSettingId } from "../../../../aws/identifiers";
import { describeEvent, notifyEvent } from "../../../../components/notifications/lambda/notification";
import { TamperContext, tamperChangesMetric } from "../../../../components/parts/lambda/tamperContext";
import { NoticeContext } from "../../../../components/notifications/lambda/noticeText";
import { dhmcCountQuery, latestValue } from "../../../../components/notifications/lambda/tamperNotices";
import { cloudTrailEvent, tamperRecords } from "../../../../harness/fixtures";

const urn = (component: string) => `urn:pulumi:dev::ssm-fleet-baseline::ssm-fleet-baseline:index:${component}`;

/** The stand-in stack the derived records name (test/fixtures/tamper/README.md). */
const context: TamperContext = {
    stack: "dev",
    deployerArns: ["arn:aws:iam::123456789012:role/github-deploy"],
    heartbeatParameter: "/ssm-fleet-baseline/dev/tamper-heartbeat",
    resources: {
        [dhmcSettingId]: urn("DefaultHostManagement::dhmc"),
        AWSSystemsManagerDefaultEC2InstanceManagementRole: urn("DefaultHostManagement::dhmc"),
        "SSM-SessionManagerRunShell": urn("SessionManagerPreferences::session-manager"),
        "8dfe3659-4309-493a-8755-0123456789ab": urn("AgentAutoUpdate::ssm-agent-update"),
        "pb-0123456789abcdef0": urn("PatchManager::patching"),
        "mw-0123456789abcdef0": urn("PatchManager::patching"),
        "e488f2f6-e686-4afb-8a04-ef6dfEXAMPLE": urn("HybridActivation::hybrid"),
        "vpce-0123456789abcdef0": urn("SsmEndpoints::ssm-endpoints"),
        "sg-0123456789abcdef0": urn("SsmEndpoints::ssm-endpoints"),
        "sg-0fedcba9876543210": urn("SsmEndpoints::ssm-endpoints"),
        "vpc-0123456789abcdef0": urn("ClosedVpc::ssm-vpc"),
        "ec2-instance-managed-by-systems-manager": urn("ManagedNodeCompliance::managed-nodes"),
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab": urn(
            "LogEncryptionKey::log-encryption",
        ),
        "ssm-notify-*": urn("NotificationPipeline::ssm-notify"),
    },
};

const summaryOf = (message: string) => message.slice(0, message.indexOf("\nRaw event"));
const row = (message: string, label: string) =>
    summaryOf(message)
        .split("\n")
        .find(line => line.startsWith(`${label}:`))
        ?.replace(/^[^:]+:\s+/, "");

async function mailOf(event: unknown, tamper: TamperContext = context) {
    const published: { subject: string; message: string }[] = [];
    await notifyEvent(
        event,
        async n => published.push(n),
        { tamper },
        () => undefined,
    );
    return published;
}

const watchedRecords = tamperRecords().filter(r => !r.file.includes("describe-"));

describe("tamper notices", () => {
    it("mail every watched call on the stack's resources with actor, what breaks and the fix", async () => {
        for (const { file, record } of watchedRecords.filter(r => r.file.startsWith("derived-"))) {
            const [mail] = await mailOf(cloudTrailEvent(record));
            assert.ok(mail, `${file} was not mailed`);
            assert.ok(mail.subject.length < 100 && /^[\x20-\x7e]+$/.test(mail.subject), mail.subject);
            assert.match(mail.subject, /^\[TAMPER (eu-west-1|us-east-1)\] /, file);
            assert.strictEqual(row(mail.message, "Actor"), "arn:aws:sts::123456789012:assumed-role/Admin/alice", file);
            assert.strictEqual(row(mail.message, "Session issuer"), "arn:aws:iam::123456789012:role/Admin", file);
            assert.strictEqual(row(mail.message, "Source IP"), "203.0.113.11", file);
            assert.match(row(mail.message, "User agent") ?? "", /^aws-cli\//, file);
            assert.strictEqual(row(mail.message, "Time"), "2026-12-07T09:30:12Z", file);
            assert.ok(row(mail.message, "What breaks"), `${file}: no consequence`);
            assert.match(row(mail.message, "Fix") ?? "", /npm run driver -- (up|doctor) --stack dev/, file);
        }
    });

    it("say in its own words what each watched call breaks", async () => {
        for (const { file, record } of watchedRecords.filter(r => r.file.startsWith("derived-"))) {
            const [mail] = await mailOf(cloudTrailEvent(record));
            assert.doesNotMatch(
                row(mail.message, "What breaks") ?? "",
                /a setting the managed fleet depends on changed/,
                file,
            );
        }
        const concurrency = watchedRecords.find(r => r.file === "derived-lambda-put-function-concurrency.json")!.record;
        const [mail] = await mailOf(cloudTrailEvent(concurrency));
        assert.match(
            mail.subject,
            /^\[TAMPER eu-west-1\] PutFunctionConcurrency on ssm-notify-handler-9a8b7c6 by Admin$/,
        );
        assert.strictEqual(row(mail.message, "Owner (URN)"), urn("NotificationPipeline::ssm-notify"));
        assert.match(row(mail.message, "What breaks") ?? "", /at 0 it never runs: this stack's e-mails/);
    });

    it("name the component that owns the resource, found however EC2 wraps the request", async () => {
        const record = watchedRecords.find(r => r.file === "derived-ec2-delete-vpc-endpoints.json")!.record;
        const [mail] = await mailOf(cloudTrailEvent(record));
        assert.strictEqual(mail.subject, "[TAMPER eu-west-1] DeleteVpcEndpoints on vpce-0123456789abcdef0 by Admin");
        assert.strictEqual(row(mail.message, "Owner (URN)"), urn("SsmEndpoints::ssm-endpoints"));
        assert.match(
            row(mail.message, "What breaks") ?? "",
            /^DeleteVpcEndpoints in eu-west-1: nodes in the closed VPC lose/,
        );
    });

    it("say which nodes a DHMC reset breaks, and how to restore it", async () => {
        const record = watchedRecords.find(r => r.file === "derived-ssm-reset-service-setting.json")!.record;
        const [mail] = await mailOf(cloudTrailEvent(record));
        assert.match(
            row(mail.message, "What breaks") ?? "",
            /nodes that rely on DHMC \(EC2 instances without an instance profile\) lose/,
        );
        assert.strictEqual(row(mail.message, "Owner (URN)"), urn("DefaultHostManagement::dhmc"));
        assert.match(row(mail.message, "Fix") ?? "", /^npm run driver -- up --stack dev/);
    });

    describe("count the nodes a DHMC change breaks, from the health watch's latest NodesRelyingOnDhmc", () => {
        const reset = () =>
            cloudTrailEvent(watchedRecords.find(r => r.file === "derived-ssm-reset-service-setting.json")!.record);
        const mailWith = async (event: unknown, readDhmcNodeCount: () => Promise<number | undefined>) => {
            const published: { subject: string; message: string }[] = [];
            let reads = 0;
            await notifyEvent(
                event,
                async n => published.push(n),
                {
                    tamper: context,
                    readDhmcNodeCount: () => {
                        reads++;
                        return readDhmcNodeCount();
                    },
                },
                () => undefined,
            );
            return { mail: published[0], reads };
        };

        it("with the count", async () => {
            const { mail, reads } = await mailWith(reset(), async () => 37);
            assert.strictEqual(reads, 1);
            const region = JSON.parse(JSON.stringify(reset())).region;
            assert.match(
                row(mail.message, "What breaks") ?? "",
                new RegExp(
                    `^DHMC reset in ${region}: 37 nodes without an instance profile will lose management within about 30 minutes`,
                ),
            );
        });

        it("without it, saying why, when the read fails or finds nothing: the event is still mailed", async () => {
            const denied = Object.assign(new Error("not authorized to perform: cloudwatch:GetMetricData"), {
                name: "AccessDenied",
            });
            const failed = await mailWith(reset(), async () => {
                throw denied;
            });
            assert.match(
                row(failed.mail.message, "What breaks") ?? "",
                /: The health watch's count of nodes without an instance profile could not be read \(AccessDenied: not authorized/,
            );
            const empty = await mailWith(reset(), async () => undefined);
            assert.match(
                row(empty.mail.message, "What breaks") ?? "",
                /could not be read \(the health watch put no count/,
            );
            const hung = await mailWith(reset(), () => new Promise(() => undefined));
            assert.match(row(hung.mail.message, "What breaks") ?? "", /could not be read \(Error: no answer in 5 s\)/);
        }).timeout(10_000);

        it("reads nothing for a change that does not touch DHMC", async () => {
            const record = watchedRecords.find(r => r.file === "cloudtrail-ssm-delete-document.json")!.record;
            const { reads } = await mailWith(cloudTrailEvent(record), async () => 37);
            assert.strictEqual(reads, 0);
        });

        it("asks CloudWatch for the sweep's metric, newest first, and takes the newest value", () => {
            const query = dhmcCountQuery(new Date("2026-12-01T12:00:00Z"));
            assert.deepStrictEqual(query.MetricDataQueries[0].MetricStat.Metric, {
                Namespace: "SsmFleetBaseline/HealthWatch",
                MetricName: "NodesRelyingOnDhmc",
            });
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
            assert.strictEqual(query.ScanBy, "TimestampDescending");
            assert.strictEqual(latestValue({ MetricDataResults: [{ Values: [12, 30] }] }), 12);
            assert.strictEqual(latestValue({ MetricDataResults: [{ Values: [] }] }), undefined);
        });
    });

    it("word AWS's own DeleteDocument and StopConfigurationRecorder records (account-wide or not ours)", async () => {
        const stop = watchedRecords.find(r => r.file === "cloudtrail-config-stop-configuration-recorder.json")!.record;
        const [mail] = await mailOf(cloudTrailEvent(stop));
        assert.strictEqual(mail.subject, "[TAMPER us-west-2] StopConfigurationRecorder on default by JohnDoe");
        assert.strictEqual(row(mail.message, "Actor type"), "IAMUser");
        // example-Document is not the stack's document: another team's business.
        const deleted = watchedRecords.find(r => r.file === "cloudtrail-ssm-delete-document.json")!.record;
        assert.deepStrictEqual(await mailOf(cloudTrailEvent(deleted)), []);
    });

    it("mail AWS's own DisableKey record on the notification topic's key, naming it and what breaks", async () => {
        // The record names the key by key id and lists its key ARN in resources; DisableKey,
        // ScheduleKeyDeletion and PutKeyPolicy take a key id or key ARN, never an alias
        // (https://docs.aws.amazon.com/kms/latest/developerguide/ct-disablekey.html).
        const record = watchedRecords.find(r => r.file === "cloudtrail-kms-disable-key.json")!.record;
        const notifyKeyArn = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const pipeline = urn("NotificationPipeline::ssm-notify");
        // The autoname prefix alone does not name a key (the stand-in stack's log key has this key id): it must be listed.
        const resources = Object.fromEntries(Object.entries(context.resources).filter(([id]) => !id.includes(":kms:")));
        assert.deepStrictEqual(await mailOf(cloudTrailEvent(record), { ...context, resources }), []);
        const withKey = { ...context, resources: { ...resources, [notifyKeyArn]: pipeline } };
        const [mail] = await mailOf(cloudTrailEvent(record), withKey);
        assert.strictEqual(
            mail.subject,
            "[TAMPER us-east-1] DisableKey on 1234abcd-12ab-34cd-56ef-1234567890ab by Alice",
        );
        assert.strictEqual(row(mail.message, "Owner (URN)"), pipeline);
        assert.strictEqual(
            row(mail.message, "What breaks"),
            "DisableKey in us-east-1: nothing can be encrypted with the key any more: this stack's e-mails (and this alert) may stop arriving.",
        );
        // Named by key ARN in the request, without resources, it is found as well.
        const byArn = structuredClone(record);
        byArn.requestParameters.keyId = notifyKeyArn;
        delete byArn.resources;
        assert.strictEqual((await mailOf(cloudTrailEvent(byArn), withKey)).length, 1);
    });

    it("report the deployer's own change as expected, with nothing to do", async () => {
        const record = structuredClone(watchedRecords.find(r => r.file === "derived-ssm-update-document.json")!.record);
        record.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::123456789012:role/github-deploy";
        const [mail] = await mailOf(cloudTrailEvent(record));
        assert.match(mail.subject, /^\[Expected change eu-west-1\] UpdateDocument on SSM-SessionManagerRunShell/);
        assert.strictEqual(row(mail.message, "Fix"), "Nothing to do.");
        assert.strictEqual(row(mail.message, "What breaks"), undefined);
    });

    it("report a failed attempt as low-severity, with its error", async () => {
        const record = {
            ...watchedRecords.find(r => r.file === "derived-ssm-reset-service-setting.json")!.record,
            errorCode: "AccessDenied",
            errorMessage: "User is not authorized to perform: ssm:ResetServiceSetting",
        };
        const [mail] = await mailOf(cloudTrailEvent(record));
        assert.match(
            mail.subject,
            /^\[Tamper attempt eu-west-1\] ResetServiceSetting on default-ec2-instance-management-role failed/,
        );
        assert.match(row(mail.message, "Error") ?? "", /^AccessDenied: User is not authorized/);
        assert.strictEqual(row(mail.message, "Fix"), "Nothing to restore: the call failed.");
    });

    it("do not mail calls on other teams' resources or other service settings", async () => {
        const other = structuredClone(
            watchedRecords.find(r => r.file === "derived-ssm-delete-association.json")!.record,
        );
        other.requestParameters.associationId = "00000000-0000-0000-0000-000000000000";
        assert.deepStrictEqual(await mailOf(cloudTrailEvent(other)), []);
        const setting = structuredClone(
            watchedRecords.find(r => r.file === "derived-ssm-update-service-setting.json")!.record,
        );
        setting.requestParameters.settingId = "/ssm/parameter-store/high-throughput-enabled";
        assert.deepStrictEqual(await mailOf(cloudTrailEvent(setting)), []);
    });

    describe("count each change made outside the stack in TamperChangesDetected, an Embedded Metric Format line", () => {
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
        const run = async (
            event: unknown,
            log: (line: string) => void,
            notice: NoticeContext = { tamper: context },
        ) => {
            const published: { subject: string }[] = [];
            await notifyEvent(event, async n => published.push(n), notice, log);
            return published;
        };
        const countsOf = async (event: unknown, notice: NoticeContext = { tamper: context }) => {
            const lines: string[] = [];
            await run(event, line => lines.push(line), notice);
            return lines
                .filter(line => line.startsWith("{"))
                .map(line => JSON.parse(line))
                .filter(document => tamperChangesMetric.name in document);
        };
        const record = (file: string) => structuredClone(watchedRecords.find(r => r.file === file)!.record);

        it("emits 1 for every unexpected change it mails, on every committed fixture", async () => {
            for (const { file, record: fixture } of watchedRecords.filter(r => r.file.startsWith("derived-"))) {
                const counts = await countsOf(cloudTrailEvent(fixture));
                assert.strictEqual(counts.length, 1, file);
                const [document] = counts;
                assert.strictEqual(document[tamperChangesMetric.name], 1, file);
                const [directive] = document._aws.CloudWatchMetrics;
                assert.strictEqual(directive.Namespace, "SsmFleetBaseline/TamperWatch");
                assert.deepStrictEqual(directive.Dimensions, [[]]);
                assert.deepStrictEqual(directive.Metrics, [{ Name: "TamperChangesDetected", Unit: "Count" }]);
                assert.ok(Number.isInteger(document._aws.Timestamp));
            }
        });

        it("emits nothing for the deployer's change, a failed attempt, or a call that is not mailed", async () => {
            const deployed = record("derived-ssm-update-document.json");
            deployed.userIdentity.sessionContext.sessionIssuer.arn = "arn:aws:iam::123456789012:role/github-deploy";
            assert.deepStrictEqual(await countsOf(cloudTrailEvent(deployed)), []);
            const failed = {
                ...record("derived-ssm-reset-service-setting.json"),
                errorCode: "AccessDenied",
                errorMessage: "User is not authorized to perform: ssm:ResetServiceSetting",
            };
            assert.deepStrictEqual(await countsOf(cloudTrailEvent(failed)), []);
            // example-Document is not the stack's: not mailed, not counted.
            assert.deepStrictEqual(await countsOf(cloudTrailEvent(record("cloudtrail-ssm-delete-document.json"))), []);
            // A notifier without the tamper watch cannot tell the deployer: it mails, but counts nothing.
            const withoutWatch = record("derived-ssm-update-document.json");
            assert.deepStrictEqual(await countsOf(cloudTrailEvent(withoutWatch), {}), []);
        });

        it("still mails the change when the count cannot be logged", async () => {
            const event = cloudTrailEvent(record("derived-ssm-update-document.json"));
            const published = await run(event, () => {
                throw new Error("stdout closed");
            });
            assert.strictEqual(published.length, 1);
            assert.match(published[0].subject, /^\[TAMPER eu-west-1\] UpdateDocument/);
        });
    });

    it("mail every CloudTrail call when the notifier has no tamper context", () => {
        const record = watchedRecords.find(r => r.file === "cloudtrail-ssm-delete-document.json")!.record;
        assert.match(
            describeEvent(cloudTrailEvent(record)).subject,
            /^\[TAMPER us-east-2\] DeleteDocument on example-Document/,
        );
    });
});
