// The subscription watch against a stand-in topic. ListSubscriptionsByTopic pages 100 at a time,
// and an e-mail subscription its endpoint has not confirmed is listed with SubscriptionArn
// "PendingConfirmation" instead of its ARN:
// https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html
// https://docs.aws.amazon.com/sns/latest/api/API_Subscription.html
import * as assert from "assert";
import {
    checkSubscriptions,
    parseExpectedEmails,
    subscriptionMetric,
    subscriptionStatus,
    TopicSubscription,
} from "../../../../components/healthWatch/lambda/subscriptionWatch";
import { SimulatedFleet } from "../../../../harness/simulatedFleet";

const topicArn = "arn:aws:sns:eu-west-1:123456789012:notify";
const confirmed = (address: string): TopicSubscription => ({
    SubscriptionArn: `${topicArn}:0b1e5c2a-${address.length}`,
    Protocol: "email",
    Endpoint: address,
});
const pending = (address: string): TopicSubscription => ({
    SubscriptionArn: "PendingConfirmation",
    Protocol: "email",
    Endpoint: address,
});

describe("subscription watch", () => {
    it("counts an address of notificationEmails that lost its subscription as missing, in the metric the alarm reads", async () => {
        const fleet = new SimulatedFleet();
        fleet.subscriptions = [confirmed("ops@example.com")];
        const status = await checkSubscriptions(fleet, topicArn, ["ops@example.com", "oncall@example.com"]);
        assert.deepStrictEqual(status, {
            confirmed: ["ops@example.com"],
            pending: [],
            missing: ["oncall@example.com"],
        });
        assert.deepStrictEqual(subscriptionMetric(status), {
            MetricName: "NotificationSubscriptionsMissing",
            Value: 1,
            Unit: "Count",
        });
    });

    it("reports an unconfirmed subscription as pending, not missing", () => {
        assert.deepStrictEqual(
            subscriptionStatus(
                ["ops@example.com", "oncall@example.com"],
                [confirmed("ops@example.com"), pending("oncall@example.com")],
            ),
            { confirmed: ["ops@example.com"], pending: ["oncall@example.com"], missing: [] },
        );
    });

    it("lets a confirmed subscription win over a pending duplicate, and counts only e-mail subscriptions", () => {
        const status = subscriptionStatus(
            ["ops@example.com", "oncall@example.com"],
            [
                pending("ops@example.com"),
                confirmed("ops@example.com"),
                { ...confirmed("oncall@example.com"), Protocol: "https" },
                { ...confirmed("oncall@example.com"), SubscriptionArn: "Deleted" },
            ],
        );
        assert.deepStrictEqual(status, {
            confirmed: ["ops@example.com"],
            pending: [],
            missing: ["oncall@example.com"],
        });
    });

    it("reads every page of a topic with more than 100 subscriptions", async () => {
        const fleet = new SimulatedFleet();
        fleet.subscriptions = Array.from({ length: 250 }, (_, i) => confirmed(`user${i}@example.com`));
        const status = await checkSubscriptions(fleet, topicArn, ["user249@example.com"]);
        assert.deepStrictEqual(status.missing, []);
        assert.strictEqual(fleet.calls.ListSubscriptionsByTopic, 3);
    });

    it("reads the expected addresses from the environment as a JSON array, and refuses anything else", () => {
        assert.deepStrictEqual(parseExpectedEmails('["ops@example.com"]'), ["ops@example.com"]);
        assert.deepStrictEqual(parseExpectedEmails(""), []);
        assert.throws(() => parseExpectedEmails('{"ops":1}'), /expected a JSON array of e-mail addresses/);
    });
});
