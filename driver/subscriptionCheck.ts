// What `up --verify` says of the notification topic's e-mail subscriptions: per address of
// notificationEmails, confirmed, pending (its confirmation link not yet followed) or missing. The
// same comparison the health sweep's Lambda alarms on (subscriptionWatch.ts). Pure.
import { subscriptionStatus, TopicSubscription } from "../components/healthWatch/lambda/subscriptionWatch";

export interface SubscriptionCheck {
    /** False when an address has no subscription at all: it gets no alert, pending or not. */
    readonly ok: boolean;
    /** One line per address. */
    readonly lines: string[];
}

export function subscriptionCheck(
    expected: readonly string[],
    subscriptions: readonly TopicSubscription[],
): SubscriptionCheck {
    const status = subscriptionStatus(expected, subscriptions);
    const lines = [
        ...status.confirmed.map(address => `${address}: confirmed`),
        ...status.pending.map(
            address =>
                `${address}: pending confirmation (no alert reaches it until the link in the "AWS Notification - Subscription Confirmation" e-mail is followed)`,
        ),
        ...status.missing.map(
            address =>
                `${address}: missing (no subscription on the topic: unsubscribed or deleted; up subscribes it anew, to be confirmed)`,
        ),
    ];
    return { ok: status.missing.length === 0, lines };
}
