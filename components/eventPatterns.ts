// EventBridge patterns for the notification routes. Pure, so tests match them against AWS's sample events.
import { associationStateChangeDetailType, complianceChangeDetailType } from "../handlers/notification";

/** Success and Failed results of one State Manager association (other tools run their own AWS-UpdateSSMAgent). */
export function associationResultPattern(associationId: string) {
    return {
        source: ["aws.ssm"],
        "detail-type": [associationStateChangeDetailType],
        detail: { "association-id": [associationId], status: ["Success", "Failed"] },
    };
}

/**
 * Compliance changes of one Config rule, matched on the rule's name (not its identifier): every
 * NON_COMPLIANT result, and COMPLIANT only when it follows NON_COMPLIANT, which is a recovery;
 * a new instance's first COMPLIANT result is no news.
 */
export function complianceChangePattern(ruleName: string) {
    return {
        source: ["aws.config"],
        "detail-type": [complianceChangeDetailType],
        detail: {
            messageType: ["ComplianceChangeNotification"],
            configRuleName: [ruleName],
            $or: [
                { newEvaluationResult: { complianceType: ["NON_COMPLIANT"] } },
                {
                    newEvaluationResult: { complianceType: ["COMPLIANT"] },
                    oldEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
                },
            ],
        },
    };
}
