// IAM policy JSON helpers shared by the components.
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../aws/partition";

export interface Statement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: unknown;
    readonly Action?: string | string[];
    /** Every action but these (in a Deny: everything else is refused). */
    readonly NotAction?: string | string[];
    readonly Resource?: pulumi.Input<string> | pulumi.Input<string>[];
    readonly NotResource?: pulumi.Input<string> | pulumi.Input<string>[];
    readonly Condition?: unknown;
}

/** A policy document as a JSON string; statements may hold Outputs. */
export function policyDocument(statements: pulumi.Input<Statement>[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * The statement of AWS's default key policy: the account holds every permission on the key, so its
 * IAM policies decide who may use it. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export function accountAdministersKey(region: string, accountId: pulumi.Input<string>): Statement {
    return {
        Sid: "AccountAdministers",
        Effect: "Allow",
        Principal: { AWS: pulumi.interpolate`arn:${partitionOf(region)}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
    };
}

/**
 * A trust policy that lets one AWS service principal assume the role, under the confused-deputy
 * condition AWS documents for that service (aws:SourceAccount, aws:SourceArn) where it has one.
 */
export function serviceTrustPolicy(service: string, condition?: pulumi.Input<unknown>): pulumi.Output<string> {
    return policyDocument([
        {
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            ...(condition === undefined ? {} : { Condition: condition }),
        },
    ]);
}

/** Denies every request that does not use TLS (aws:SecureTransport false) on the given resources. */
export function denyInsecureTransport(action: string, resources: pulumi.Input<string>[]): Statement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: action,
        Resource: resources,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/**
 * A trust policy that lets one AWS service principal assume the role only on behalf of this
 * account and of sources matching `sourceArn`: the confused-deputy conditions AWS documents.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function scopedServiceTrustPolicy(
    service: string,
    sourceAccount: pulumi.Input<string>,
    sourceArn: pulumi.Input<string>,
): pulumi.Output<string> {
    return policyDocument([
        {
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            Condition: {
                StringEquals: { "aws:SourceAccount": sourceAccount },
                ArnLike: { "aws:SourceArn": sourceArn },
            },
        },
    ]);
}
