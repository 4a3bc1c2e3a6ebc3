// The tamper watch's event pattern: the write calls that break a managed fleet, matched broadly
// by source and eventName (the notifier decides whether the resource is the stack's and who acted),
// or the dead-man's switch's own write, so that the heartbeat proves this rule works.
import { cloudTrailApiCallDetailType } from "../../aws/events";
import { iamEventsRegion, tamperWatchedCalls } from "../../aws/identifiers";

export type WatchedService = keyof typeof tamperWatchedCalls;

/** Services whose CloudTrail event names carry the API version as a suffix: matched by prefix. */
const versionSuffixed: ReadonlySet<WatchedService> = new Set<WatchedService>(["lambda"]);

/** The call the dead-man's switch makes on a schedule, and that must come back through CloudTrail. */
export const heartbeatCall = "AddTagsToResource";

/** The services watched in a Region: IAM's events reach EventBridge only in us-east-1. */
export function watchedServices(region: string): WatchedService[] {
    return (Object.keys(tamperWatchedCalls) as WatchedService[]).filter(
        service => service !== "iam" || region === iamEventsRegion,
    );
}

/**
 * The tamper rule's pattern: a watched call, or the heartbeat parameter tagged ("$or",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 * EventBridge's source is aws.<service> for CloudTrail's eventSource <service>.amazonaws.com
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html), so the
 * watched calls' branch does not repeat eventSource: the pattern must fit EventBridge's default
 * event pattern size, 2,048 characters (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html).
 * The heartbeat rides this rule rather than one of its own: a disabled or narrowed tamper rule
 * then silences the heartbeat too, and the blind detector fires.
 */
export function tamperPattern(region: string, heartbeatParameter: string) {
    const services = watchedServices(region);
    return {
        "detail-type": [cloudTrailApiCallDetailType],
        source: services.map(service => `aws.${service}`),
        detail: {
            $or: [
                {
                    eventName: services.flatMap(service =>
                        tamperWatchedCalls[service].map(name =>
                            versionSuffixed.has(service) ? { prefix: name } : name,
                        ),
                    ),
                },
                {
                    eventSource: ["ssm.amazonaws.com"],
                    eventName: [heartbeatCall],
                    requestParameters: { resourceId: [heartbeatParameter] },
                },
            ],
        },
    };
}
