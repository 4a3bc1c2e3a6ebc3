// The canary verifier against SDK clients answering from a scripted sequence. Facts: PingStatus
// values Online|ConnectionLost; DHMC needs no instance profile and IMDSv2; the agent's regional
// bucket amazon-ssm-<region> is reached through the S3 gateway
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-minimum-s3-permissions.html).
import * as assert from "assert";
import { s3ReachabilityCommand, Sender, verifyCanary, VerifyOptions } from "../../driver/verify";

const instanceId = "i-0123456789abcdef0";

/** A client whose answers per SDK command name are played in order (the last one repeats); an Error is thrown. */
function scripted(answers: Record<string, unknown[]>): Sender & { sent: { name: string; input: any }[] } {
    const sent: { name: string; input: any }[] = [];
    const played: Record<string, number> = {};
    return {
        sent,
        async send(command: { constructor: { name: string }; input: unknown }) {
            const name = command.constructor.name;
            sent.push({ name, input: command.input });
            const queue = answers[name];
            if (!queue) {
                throw new Error(`unexpected ${name}`);
            }
            const answer = queue[Math.min((played[name] = (played[name] ?? -1) + 1), queue.length - 1)];
            if (answer instanceof Error) {
                throw answer;
            }
            return answer;
        },
    };
}

const ec2Answer = (instance: Record<string, unknown>) =>
    scripted({ DescribeInstancesCommand: [{ Reservations: [{ Instances: [instance] }] }] });
const qualifying = { InstanceId: instanceId, MetadataOptions: { HttpTokens: "required" } };
const ping = (status?: string) => ({
    InstanceInformationList: status ? [{ InstanceId: instanceId, PingStatus: status }] : [],
});
const notYet = Object.assign(new Error("Invocation does not exist"), { name: "InvocationDoesNotExist" });

function options(ssm: Sender, ec2: Sender, timeoutMs = 600_000): VerifyOptions & { lines: string[] } {
    let clock = 0;
    const lines: string[] = [];
    return {
        ssm,
        ec2,
        instanceId,
        region: "eu-west-1",
        timeoutMs,
        pollMs: 15_000,
        lines,
        sleep: async ms => {
            clock += ms;
        },
        now: () => clock,
        progress: line => lines.push(line),
    };
}

describe("canary verification", () => {
    it("succeeds once the canary is Online and Run Command reaches S3, reporting progress while it waits", async () => {
        const ssm = scripted({
            DescribeInstanceInformationCommand: [ping(), ping("ConnectionLost"), ping("Online")],
            SendCommandCommand: [{ Command: { CommandId: "cmd-1" } }],
            GetCommandInvocationCommand: [
                notYet,
                { Status: "InProgress" },
                { Status: "Success", StandardOutputContent: "200\n" },
            ],
        });
        const run = options(ssm, ec2Answer(qualifying));
        const result = await verifyCanary(run);
        assert.deepStrictEqual(result, {
            ok: true,
            message: `canary ${instanceId}: managed through DHMC with no instance profile, and Run Command reached S3 (HTTP 200) after 75 s`,
        });
        assert.deepStrictEqual(run.lines, [
            `waiting for canary ${instanceId} to come Online (0 s, status: not registered)\n`,
            `waiting for canary ${instanceId} to come Online (15 s, status: ConnectionLost)\n`,
            `canary ${instanceId} is Online in Systems Manager after 30 s\n`,
        ]);
        assert.deepStrictEqual(ssm.sent[0].input, { Filters: [{ Key: "InstanceIds", Values: [instanceId] }] });
        const send = ssm.sent.find(s => s.name === "SendCommandCommand")!.input;
        assert.strictEqual(send.DocumentName, "AWS-RunShellScript");
        assert.deepStrictEqual(send.InstanceIds, [instanceId]);
        assert.deepStrictEqual(send.Parameters, { commands: [s3ReachabilityCommand("eu-west-1")] });
        // The manifest AWS-UpdateSSMAgent reads from the regional amazon-ssm bucket.
        assert.match(
            s3ReachabilityCommand("eu-west-1"),
            /https:\/\/s3\.eu-west-1\.amazonaws\.com\/amazon-ssm-eu-west-1\/ssm-agent-manifest\.json/,
        );
        assert.deepStrictEqual(
            ssm.sent.filter(s => s.name === "GetCommandInvocationCommand").map(s => s.input),
            Array(3).fill({ CommandId: "cmd-1", InstanceId: instanceId }),
        );
    });

    it("fails with advice when the canary never comes Online", async () => {
        const ssm = scripted({ DescribeInstanceInformationCommand: [ping("ConnectionLost")] });
        const result = await verifyCanary(options(ssm, ec2Answer(qualifying), 60_000));
        assert.strictEqual(result.ok, false);
        assert.match(
            result.message,
            /not Online after 60 s \(last status: ConnectionLost\)\. DHMC can take up to 30 minutes .* check the ssm and ssmmessages endpoints/,
        );
        assert.strictEqual(ssm.sent.filter(s => s.name === "SendCommandCommand").length, 0);
    });

    it("fails when Run Command cannot reach S3", async () => {
        const ssm = scripted({
            DescribeInstanceInformationCommand: [ping("Online")],
            SendCommandCommand: [{ Command: { CommandId: "cmd-2" } }],
            GetCommandInvocationCommand: [
                { Status: "Failed", StandardErrorContent: "curl: (28) Connection timed out\n" },
            ],
        });
        const result = await verifyCanary(options(ssm, ec2Answer(qualifying)));
        assert.strictEqual(result.ok, false);
        assert.match(
            result.message,
            /Run Command cmd-2 ended Failed: curl: \(28\) Connection timed out\. Check the S3 gateway endpoint/,
        );
    });

    it("refuses a canary that has an instance profile or allows IMDSv1, which would prove nothing about DHMC", async () => {
        const ssm = scripted({});
        const withProfile = await verifyCanary(
            options(
                ssm,
                ec2Answer({
                    ...qualifying,
                    IamInstanceProfile: { Arn: "arn:aws:iam::123456789012:instance-profile/app" },
                }),
            ),
        );
        assert.match(
            withProfile.message,
            /has the instance profile arn:aws:iam::123456789012:instance-profile\/app, so it does not prove DHMC/,
        );
        const imdsV1 = await verifyCanary(
            options(ssm, ec2Answer({ ...qualifying, MetadataOptions: { HttpTokens: "optional" } })),
        );
        assert.match(imdsV1.message, /does not require IMDSv2/);
        assert.deepStrictEqual(ssm.sent, []);
    });

    it("surfaces unexpected AWS errors instead of hiding them", async () => {
        const ssm = scripted({
            DescribeInstanceInformationCommand: [ping("Online")],
            SendCommandCommand: [{ Command: { CommandId: "cmd-3" } }],
            GetCommandInvocationCommand: [
                Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }),
            ],
        });
        await assert.rejects(verifyCanary(options(ssm, ec2Answer(qualifying))), /not authorized/);
    });
});
