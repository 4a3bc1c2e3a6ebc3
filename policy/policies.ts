// The ssm-fleet-baseline CrossGuard policies. Only this array lives here; policy/index.ts turns it
// into a PolicyPack (whose constructor starts the analyzer server, so tests never construct one).
import * as aws from "@pulumi/aws";
import { Policies, validateResourceOfType } from "@pulumi/policy";

export const policies: Policies = [
    {
        name: "encrypted-topics-and-queues",
        description: "SNS topics and SQS queues must be encrypted at rest.",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.sns.Topic, (topic, args, reportViolation) => {
                if (!topic.kmsMasterKeyId) {
                    reportViolation(`SNS topic ${args.name} is not encrypted: set kmsMasterKeyId to a KMS key (a customer-managed key if AWS services publish to it).`);
                }
            }),
            validateResourceOfType(aws.sqs.Queue, (queue, args, reportViolation) => {
                if (!queue.kmsMasterKeyId && queue.sqsManagedSseEnabled !== true) {
                    reportViolation(`SQS queue ${args.name} is not encrypted: set kmsMasterKeyId or sqsManagedSseEnabled: true.`);
                }
            }),
        ],
    },
];
