// Whether each address of notificationEmails still has a confirmed e-mail subscription on the
// notification topic. Anyone holding one alert can unsubscribe its address through the link in its
// footer, and nothing else notices: the sweep's Lambda counts the missing ones as a metric (an
// alarm on it tells the watch topic), and `driver up --verify` prints the same status per address.
// Pure of @pulumi imports: serialized by value into the sweep Lambda.
/** Addresses of notificationEmails with no subscription on the topic, confirmed or pending. */
export const subscriptionsMissingMetricName = "NotificationSubscriptionsMissing";

/**
 * What ListSubscriptionsByTopic gives as SubscriptionArn for a subscription its endpoint has not
 * confirmed; a confirmed one has its ARN.
 * https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html
 * https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html
 */
export const pendingConfirmation = "PendingConfirmation";

export interface TopicSubscription {
    readonly SubscriptionArn?: string;
    readonly Protocol?: string;
    readonly Endpoint?: string;
}

/** The one read call: ListSubscriptionsByTopic, 100 subscriptions a page. */
export interface SubscriptionListing {
    listSubscriptionsByTopic(input: {
        TopicArn: string;
        NextToken?: string;
    }): Promise<{ Subscriptions?: TopicSubscription[]; NextToken?: string }>;
}

/** Each expected address, by what the topic has for it. */
export interface SubscriptionStatus {
    readonly confirmed: string[];
    /** Subscribed, but the confirmation link was never followed: no mail reaches it yet. */
    readonly pending: string[];
    /** No e-mail subscription at all: unsubscribed, or deleted. */
    readonly missing: string[];
}

/** Every subscription of the topic, page by page. */
export async function listSubscriptions(aws: SubscriptionListing, topicArn: string): Promise<TopicSubscription[]> {
    const all: TopicSubscription[] = [];
    let token: string | undefined;
    do {
        const page = await aws.listSubscriptionsByTopic({ TopicArn: topicArn, NextToken: token });
        all.push(...(page.Subscriptions ?? []));
        token = page.NextToken;
    } while (token);
    return all;
}

/** The expected addresses against the topic's e-mail subscriptions; a confirmed one wins over a pending duplicate. */
export function subscriptionStatus(
    expected: readonly string[],
    subscriptions: readonly TopicSubscription[],
): SubscriptionStatus {
    const email = subscriptions.filter(s => s?.Protocol === "email" && typeof s.Endpoint === "string");
    const confirmed = new Set(email.filter(s => s.SubscriptionArn?.startsWith("arn:")).map(s => s.Endpoint));
    const pending = new Set(email.filter(s => s.SubscriptionArn === pendingConfirmation).map(s => s.Endpoint));
    return {
        confirmed: expected.filter(address => confirmed.has(address)),
        pending: expected.filter(address => !confirmed.has(address) && pending.has(address)),
        missing: expected.filter(address => !confirmed.has(address) && !pending.has(address)),
    };
}

/** The expected addresses as the sweep's environment carries them: a JSON array of strings. */
export function parseExpectedEmails(text: string): string[] {
    const parsed: unknown = JSON.parse(text || "[]");
    if (!Array.isArray(parsed) || !parsed.every(item => typeof item === "string")) {
        throw new Error(`expected a JSON array of e-mail addresses, got ${text.slice(0, 200)}`);
    }
    return parsed;
}

/** The topic's subscriptions against the expected addresses. */
export async function checkSubscriptions(
    aws: SubscriptionListing,
    topicArn: string,
    expected: readonly string[],
): Promise<SubscriptionStatus> {
    return subscriptionStatus(expected, await listSubscriptions(aws, topicArn));
}

/** The datum the sweep puts (in its namespace, beside its node counts): the addresses missing. */
export function subscriptionMetric(status: SubscriptionStatus) {
    return { MetricName: subscriptionsMissingMetricName, Value: status.missing.length, Unit: "Count" };
}
