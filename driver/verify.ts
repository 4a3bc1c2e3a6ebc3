// Proves, after a deploy, that a fresh instance really becomes a managed node through the closed
// VPC and DHMC: it has no instance profile, it comes Online in Systems Manager, and a Run Command
// on it reaches S3 through the gateway endpoint.
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import {
    DescribeInstanceInformationCommand,
    GetCommandInvocationCommand,
    SendCommandCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";

import { listSubscriptions, TopicSubscription } from "../components/healthWatch/lambda/subscriptionWatch";

export interface VerifyResult {
    readonly ok: boolean;
    readonly message: string;
}

/** The one method of an SDK v3 client the verifier uses. */
export interface Sender {
    send(command: any): Promise<any>;
}

export interface VerifyOptions {
    readonly ssm: Sender;
    readonly ec2: Sender;
    readonly instanceId: string;
    readonly region: string;
    readonly timeoutMs: number;
    readonly pollMs: number;
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => number;
    readonly progress: (line: string) => void;
}

const terminalCommandStatuses = ["Success", "Failed", "Cancelled", "TimedOut", "Cancelling"];

/** The check run on the canary: fetch the agent manifest from the regional AWS-owned bucket through the S3 gateway. */
export function s3ReachabilityCommand(region: string): string {
    return `curl -sS --fail --max-time 20 -o /dev/null -w '%{http_code}\\n' https://s3.${region}.amazonaws.com/amazon-ssm-${region}/ssm-agent-manifest.json`;
}

export async function verifyCanary(options: VerifyOptions): Promise<VerifyResult> {
    const { ssm, ec2, instanceId, region, progress } = options;
    const started = options.now();
    const elapsed = () => Math.round((options.now() - started) / 1000);
    const fail = (message: string): VerifyResult => ({ ok: false, message: `canary ${instanceId}: ${message}` });

    const reservations =
        (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations ?? [];
    const instance = reservations.flatMap((r: { Instances?: unknown[] }) => r.Instances ?? [])[0] as
        { IamInstanceProfile?: { Arn?: string }; MetadataOptions?: { HttpTokens?: string } } | undefined;
    if (!instance) {
        return fail("EC2 does not know this instance");
    }
    if (instance.IamInstanceProfile) {
        return fail(
            `it has the instance profile ${instance.IamInstanceProfile.Arn ?? "(unnamed)"}, so it does not prove DHMC`,
        );
    }
    if (instance.MetadataOptions?.HttpTokens !== "required") {
        return fail("it does not require IMDSv2, which DHMC needs");
    }

    for (;;) {
        const list =
            (
                await ssm.send(
                    new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: [instanceId] }] }),
                )
            ).InstanceInformationList ?? [];
        const status: string = list[0]?.PingStatus ?? "not registered";
        if (status === "Online") {
            progress(`canary ${instanceId} is Online in Systems Manager after ${elapsed()} s\n`);
            break;
        }
        if (options.now() - started >= options.timeoutMs) {
            return fail(
                `not Online after ${elapsed()} s (last status: ${status}). DHMC can take up to 30 minutes after it is first turned on; ` +
                    "otherwise check the ssm and ssmmessages endpoints, their security group and the managed-node security group",
            );
        }
        progress(`waiting for canary ${instanceId} to come Online (${elapsed()} s, status: ${status})\n`);
        await options.sleep(options.pollMs);
    }

    const sent = await ssm.send(
        new SendCommandCommand({
            DocumentName: "AWS-RunShellScript",
            InstanceIds: [instanceId],
            Parameters: { commands: [s3ReachabilityCommand(region)] },
            TimeoutSeconds: 60,
            Comment: "ssm-fleet-baseline canary: reach S3 through the gateway endpoint",
        }),
    );
    const commandId: string = sent.Command?.CommandId;
    for (;;) {
        await options.sleep(options.pollMs);
        let invocation: { Status?: string; StandardOutputContent?: string; StandardErrorContent?: string };
        try {
            invocation = await ssm.send(
                new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
            );
        } catch (error) {
            // The invocation appears a moment after SendCommand returns.
            if ((error as { name?: string }).name !== "InvocationDoesNotExist") {
                throw error;
            }
            invocation = { Status: "Pending" };
        }
        if (invocation.Status === "Success") {
            return {
                ok: true,
                message: `canary ${instanceId}: managed through DHMC with no instance profile, and Run Command reached S3 (HTTP ${invocation.StandardOutputContent?.trim()}) after ${elapsed()} s`,
            };
        }
        if (terminalCommandStatuses.includes(invocation.Status ?? "")) {
            return fail(
                `Run Command ${commandId} ended ${invocation.Status}: ${invocation.StandardErrorContent?.trim() || "no error output"}. ` +
                    "Check the S3 gateway endpoint on the subnet's route table and the managed-node security group's egress to the S3 prefix list",
            );
        }
        if (options.now() - started >= options.timeoutMs) {
            return fail(`Run Command ${commandId} still ${invocation.Status} after ${elapsed()} s`);
        }
    }
}

/** The verifier with real SDK clients for the stack's region (default credentials unless given). */
export async function verifyCanaryWithAws(
    instanceId: string,
    region: string,
    timeoutMs: number,
    progress: (line: string) => void,
    credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string },
): Promise<VerifyResult> {
    const options = { region, ...(credentials ? { credentials } : {}) };
    const ssm = new SSMClient(options);
    const ec2 = new EC2Client(options);
    try {
        return await verifyCanary({
            ssm,
            ec2,
            instanceId,
            region,
            timeoutMs,
            progress,
            pollMs: 15_000,
            sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
            now: () => Date.now(),
        });
    } finally {
        ssm.destroy();
        ec2.destroy();
    }
}

/** The notification topic's subscriptions, read with ListSubscriptionsByTopic (default credentials). */
export async function listSubscriptionsWithAws(topicArn: string, region: string): Promise<TopicSubscription[]> {
    const sns = new SNSClient({ region });
    try {
        return await listSubscriptions(
            { listSubscriptionsByTopic: input => sns.send(new ListSubscriptionsByTopicCommand(input)) },
            topicArn,
        );
    } finally {
        sns.destroy();
    }
}
