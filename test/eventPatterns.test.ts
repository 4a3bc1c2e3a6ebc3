import * as assert from "assert";
import { associationResultPattern, complianceChangePattern } from "../components/eventPatterns";
import { matchesPattern } from "./support/eventPattern";
import { associationSample, complianceChangeSample } from "./support/fixtures";

describe("event patterns", () => {
    describe("association results", () => {
        // The sample's association, document and status: 34fcb7e0-..., my-custom-document, Success.
        const sampleAssociation = "34fcb7e0-9a14-4984-9989-0e04e3f60bd8";

        it("match AWS's sample 'EC2 State Manager Instance Association State Change' event for that association", () => {
            assert.ok(matchesPattern(associationResultPattern(sampleAssociation), associationSample()));
        });

        it("match Failed results and ignore other statuses", () => {
            const failed = associationSample();
            failed.detail.status = "Failed";
            assert.ok(matchesPattern(associationResultPattern(sampleAssociation), failed));
            const pending = associationSample();
            pending.detail.status = "Pending";
            assert.ok(!matchesPattern(associationResultPattern(sampleAssociation), pending));
        });

        it("ignore another tool's association", () => {
            assert.ok(!matchesPattern(associationResultPattern("another-association-id"), associationSample()));
        });

        it("pin the source, detail-type and fields AWS documents", () => {
            assert.deepStrictEqual(associationResultPattern("a"), {
                source: ["aws.ssm"],
                "detail-type": ["EC2 State Manager Instance Association State Change"],
                detail: { "association-id": ["a"], status: ["Success", "Failed"] },
            });
        });
    });

    describe("compliance changes", () => {
        // The documented notification is a recovery (COMPLIANT, previously NON_COMPLIANT) of rule cloudtrail-enabled.
        const sampleRule = "cloudtrail-enabled";

        it("match a recovery of the rule, built from AWS's documented Config envelope and notification", () => {
            const event = complianceChangeSample();
            assert.deepStrictEqual(event.resources, []);
            assert.ok(matchesPattern(complianceChangePattern(sampleRule), event));
        });

        it("match every NON_COMPLIANT result", () => {
            const event = complianceChangeSample();
            event.detail.newEvaluationResult.complianceType = "NON_COMPLIANT";
            event.detail.oldEvaluationResult.complianceType = "COMPLIANT";
            assert.ok(matchesPattern(complianceChangePattern(sampleRule), event));
            delete event.detail.oldEvaluationResult;
            assert.ok(
                matchesPattern(complianceChangePattern(sampleRule), event),
                "a first evaluation that is NON_COMPLIANT",
            );
        });

        it("ignore a first COMPLIANT result, which is no news", () => {
            const event = complianceChangeSample();
            delete event.detail.oldEvaluationResult;
            assert.ok(!matchesPattern(complianceChangePattern(sampleRule), event));
        });

        it("ignore other rules, matching on the rule's name rather than its identifier", () => {
            assert.ok(
                !matchesPattern(
                    complianceChangePattern("ec2-instance-managed-by-systems-manager"),
                    complianceChangeSample(),
                ),
            );
            assert.ok(
                !matchesPattern(complianceChangePattern("EC2_INSTANCE_MANAGED_BY_SSM"), complianceChangeSample()),
            );
        });

        it("pin the Config source, detail-type and message type (aws-facts §2.4)", () => {
            const pattern = complianceChangePattern("r");
            assert.deepStrictEqual(pattern.source, ["aws.config"]);
            assert.deepStrictEqual(pattern["detail-type"], ["Config Rules Compliance Change"]);
            assert.deepStrictEqual(pattern.detail.messageType, ["ComplianceChangeNotification"]);
        });
    });
});
