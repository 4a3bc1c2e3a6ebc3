// Hybrid activation facts: the service role trusts ssm.amazonaws.com with aws:SourceAccount and
// aws:SourceArn arn:aws:ssm:<region>:<account>:* and carries AmazonSSMManagedInstanceCore
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-service-role.html,
// https://docs.aws.amazon.com/systems-manager/latest/userguide/cross-service-confused-deputy-prevention.html);
// CreateActivation takes the role's name, 1 to 1000 registrations and an expiry at most 30 days
// ahead (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateActivation.html);
// the tier is the service setting /ssm/managed-instance/activation-tier, standard or advanced
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateServiceSetting.html).
import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { registrationCommands } from "../../aws/hybridRegistration";
import { activationExpiryProblem, HybridActivation, HybridActivationSettings } from "../../components/hybridActivation";
import { standInAccountId, standInActivationCode } from "../../harness/standIns";
import { SerializedRequestMocks } from "../support/plainValues";
import { underMocks, valueOf } from "../support/program";

const settings: HybridActivationSettings = {
    region: "eu-west-1",
    regionalSettingsProtection: "retain",
    expirationDate: "2026-12-20T00:00:00Z",
    registrationLimit: 25,
    instanceTier: "standard",
};

const build = (overrides: Partial<HybridActivationSettings> = {}, mocks = new SerializedRequestMocks()) =>
    underMocks(
        {},
        () => new HybridActivation("hybrid", { ...settings, ...overrides, accountId: standInAccountId }),
        "test",
        mocks,
    );

describe("hybrid activation", () => {
    it("creates a service role that only Systems Manager of this account and region may assume, with AmazonSSMManagedInstanceCore", async () => {
        const { mocks, result } = await build();
        const role = mocks.named("hybrid-role").inputs;
        assert.strictEqual(role.path, undefined, "at path /, as CreateActivation takes the role by name");
        assert.deepStrictEqual(JSON.parse(role.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "ssm.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": standInAccountId },
                        ArnEquals: { "aws:SourceArn": `arn:aws:ssm:eu-west-1:${standInAccountId}:*` },
                    },
                },
            ],
        });
        assert.deepStrictEqual(
            mocks
                .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .map(a => [a.inputs.role, a.inputs.policyArn]),
            [["hybrid-role-1234567", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]],
        );
        assert.strictEqual(await valueOf(result.roleName), "hybrid-role-1234567");
    });

    it("names the role in the activation, with the registration limit and the configured expiry, once its policy is attached", async () => {
        const { mocks, result } = await build();
        const activation = mocks.named("hybrid").inputs;
        assert.deepStrictEqual(
            [activation.iamRole, activation.registrationLimit, activation.expirationDate],
            ["hybrid-role-1234567", 25, "2026-12-20T00:00:00Z"],
        );
        assert.ok(mocks.optionsOf("hybrid").dependencies.some(urn => urn.endsWith("::hybrid-core-policy")));
        assert.strictEqual(await valueOf(result.activationId!), "hybrid-id");
    });

    it("gives the activation code and the registration commands only as secrets", async () => {
        const mocks = new SerializedRequestMocks();
        const { result } = await build({}, mocks);
        assert.deepStrictEqual(
            await Promise.all([
                pulumi.isSecret(result.activationCode!),
                pulumi.isSecret(result.registrationCommands!),
                pulumi.isSecret(result.activationId!),
            ]),
            [true, true, false],
        );
        assert.strictEqual(await valueOf(result.activationCode!), standInActivationCode);
        assert.deepStrictEqual(
            await valueOf(result.registrationCommands!),
            registrationCommands(standInActivationCode, "hybrid-id", "eu-west-1"),
        );
        // The plain activation id shows that the component's outputs are inspected.
        assert.deepStrictEqual(mocks.holdingInPlain("hybrid-id"), [
            "outputs of urn:pulumi:test::ssm-fleet-baseline::ssm-fleet-baseline:index:HybridActivation::hybrid",
        ]);
        assert.deepStrictEqual(mocks.holdingInPlain(standInActivationCode), []);
    });

    it("sets the region's instance tier, kept on destroy or protected", async () => {
        const { mocks, result } = await build({ instanceTier: "advanced" });
        assert.deepStrictEqual(mocks.named("hybrid-tier").inputs, {
            settingId: "/ssm/managed-instance/activation-tier",
            settingValue: "advanced",
        });
        assert.strictEqual(await valueOf(result.instanceTier), "advanced");
        assert.deepStrictEqual(
            [mocks.optionsOf("hybrid-tier").retainOnDelete, mocks.optionsOf("hybrid-tier").protect],
            [true, false],
        );
        const { mocks: guarded } = await build({ regionalSettingsProtection: "protect" });
        assert.deepStrictEqual(
            [guarded.optionsOf("hybrid-tier").retainOnDelete, guarded.optionsOf("hybrid-tier").protect],
            [false, true],
        );
    });

    it("creates no activation, and says so, until an expiry is set", async () => {
        const warnings: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as { warn: typeof warn }).warn = async (message: string) => {
            warnings.push(message);
        };
        try {
            const { mocks, result } = await build({ expirationDate: undefined });
            assert.deepStrictEqual(mocks.ofType("aws:ssm/activation:Activation"), []);
            assert.deepStrictEqual(
                [result.activationId, result.activationCode, result.registrationCommands],
                [undefined, undefined, undefined],
            );
            assert.ok(mocks.named("hybrid-role") && mocks.named("hybrid-tier"));
            assert.match(
                warnings.join("\n"),
                /no expiration date is set \(ssm-fleet-baseline:hybridActivationExpiry\)/,
            );
        } finally {
            (pulumi.log as { warn: typeof warn }).warn = warn;
        }
    });
});

describe("activation expiry", () => {
    const now = new Date("2026-12-01T20:30:00Z");

    it("accepts a whole-second UTC time in the future, up to 30 days ahead", () => {
        for (const value of ["2026-12-01T20:30:01Z", "2026-12-15T00:00:00Z", "2026-12-31T20:30:00Z"]) {
            assert.strictEqual(activationExpiryProblem(value, now), undefined, value);
        }
    });

    it("rejects other spellings of a time, which the provider would read back differently", () => {
        for (const value of [
            "2026-12-15",
            "2026-12-15T00:00:00+01:00",
            "2026-12-15T00:00:00.000Z",
            "2026-02-30T00:00:00Z",
            "soon",
        ]) {
            assert.strictEqual(
                activationExpiryProblem(value, now),
                "a UTC time in RFC 3339 form such as 2026-12-30T00:00:00Z",
                value,
            );
        }
    });

    it("says an expired date must be replaced by a new one, and the limit of one too far ahead", () => {
        assert.match(
            activationExpiryProblem("2026-12-01T20:30:00Z", now)!,
            /^a time in the future: this activation expired; set a new date up to 30 days ahead, such as 2026-12-30T00:00:00Z/,
        );
        assert.strictEqual(
            activationExpiryProblem("2026-12-31T20:30:01Z", now),
            "a time at most 30 days ahead, no later than 2026-12-31T20:30:00Z",
        );
    });
});
