import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    kmsKeyAdministrationActions,
    logsEncryptionContextKey,
    logsKeyActions,
    logsServicePrincipal,
    sessionDocumentSchemaVersion,
    sessionDocumentType,
    sessionPreferencesDocument,
    sessionPreferencesSessionType,
} from "../aws/identifiers";
import { partitionOf } from "../aws/partition";
import { NodeRoles, nodeRolesMay, nodeSessionLogPolicy, sessionLogGroupName } from "./parts/nodeRoles";
import { policyDocument, Statement } from "./parts/policyDocuments";
import { AccessLogDestination, PrivateBucket } from "./parts/privateBucket";
import { RegionalSettingsProtection, regionWideOptions } from "./parts/regionWide";

/** The key prefix of session logs in the bucket. */
export const sessionLogPrefix = "sessions";

/** What reads an object's content or its versions' (GetObjectAttributes shows no content, but is kept to readers too). */
export const sessionLogReadActions = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectAttributes",
    "s3:GetObjectVersionAttributes",
];

/**
 * What reads the session log group's events, or copies them where other principals read them:
 * every CloudWatch Logs action that takes the group (or one of its streams) as its resource and
 * returns or hands on event content, per the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html).
 * Reads: GetLogEvents (log-stream), FilterLogEvents, StartQuery and GetQueryResults (Logs Insights),
 * GetLogRecord, StartLiveTail, Unmask (log-group). Copies: CreateExportTask (to S3),
 * PutSubscriptionFilter (to a stream or function), CreateLogAnomalyDetector (anomalies carry
 * logSamples) and IntegrateWithS3Table (to S3 Tables). Left out: calls without a log-group resource
 * (StopQuery, DescribeQueries, ...), which return no events, and metadata (DescribeLogStreams,
 * GetLogGroupFields).
 */
export const sessionLogGroupReadActions = [
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:GetQueryResults",
    "logs:GetLogRecord",
    "logs:StartLiveTail",
    "logs:Unmask",
    "logs:CreateExportTask",
    "logs:PutSubscriptionFilter",
    "logs:CreateLogAnomalyDetector",
    "logs:IntegrateWithS3Table",
] as const;

/** An SCP's most characters (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). */
export const scpMaxCharacters = 5120;

/**
 * A service control policy denying the session log group's reads to every principal but the audit
 * readers and the account root, the bucket's readers (aws:PrincipalArn with ArnNotLike:
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html).
 *
 * The stack cannot enforce this itself. CloudWatch Logs decrypts a log group's events for any caller
 * IAM admits, so the key does not gate reads; and a log group's resource policy (PutResourcePolicy
 * with resourceArn) "only supports logs:PutLogEvents and logs:CreateLogStream" and is "not enforced"
 * for IAM users and roles (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html).
 * What remains is IAM in the account, or this SCP, attached by the organization's administrators.
 * The group and its streams are named both bare and with ":*", the form the group's own ARN takes
 * in DescribeLogGroups; a Deny on an extra pattern costs nothing. The deployer needs no exemption:
 * Pulumi reads the group with DescribeLogGroups and ListTagsForResource only. config.ts refuses
 * auditReaders that would not fit (scpMaxCharacters), before anything is registered.
 */
export function sessionLogReadersScp(logGroupArn: string, accountRootArn: string, auditReaders: readonly string[]) {
    const scp = {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OnlyAuditReadersReadSessionLogs",
                Effect: "Deny",
                Action: [...sessionLogGroupReadActions],
                Resource: [logGroupArn, `${logGroupArn}:*`],
                Condition: { ArnNotLike: { "aws:PrincipalArn": [accountRootArn, ...auditReaders] } },
            },
        ],
    };
    return scp;
}

/** What stack configuration decides. */
export interface SessionManagerPreferencesSettings {
    readonly region: string;
    /** Take over an SSM-SessionManagerRunShell that already exists (the console creates one) instead of creating it. */
    readonly adoptExisting: boolean;
    /** The document is region-wide: kept on destroy ("retain") or guarded by Pulumi ("protect"), as DHMC is. */
    readonly regionalSettingsProtection: RegionalSettingsProtection;
    /** Upload each session's log to a private bucket of the stack when the session ends. */
    readonly s3Logging: boolean;
    /**
     * IAM role ARNs that may read session logs from the bucket (and decrypt them with the session
     * key); the account root may too. Empty: nobody else.
     */
    readonly auditReaders: readonly string[];
    /** Days the bucket keeps session logs. */
    readonly logRetentionDays: number;
    /** Stream session logs to a KMS-encrypted log group while the session runs. */
    readonly cloudWatchLogging: boolean;
    /** Days the log group keeps session logs: a retention period CloudWatch Logs accepts. */
    readonly logGroupRetentionDays: number;
    /** Encrypt session data between client and node with a customer-managed key, on top of TLS. */
    readonly encryption: boolean;
    readonly idleSessionTimeoutMinutes: number;
    /** Omitted: sessions have no maximum duration. */
    readonly maxSessionDurationMinutes?: number;
    /** Linux sessions run as this OS user instead of ssm-user; omitted: Run As is off. */
    readonly runAsUser?: string;
    /** Commands each session runs first; empty runs none. */
    readonly shellProfile: { readonly linux: string; readonly windows: string };
}

export interface SessionManagerPreferencesArgs extends SessionManagerPreferencesSettings {
    readonly accountId: pulumi.Input<string>;
    /**
     * The roles nodes run with (the DHMC role; a hybrid activation's role), keyed by a short name
     * for their policies. The agent writes session logs with the node's own credentials, so each
     * gets exactly the permissions the logging and encryption that are on need.
     */
    readonly nodeRoles: NodeRoles;
    /** Where the bucket's server access logs go (Security Hub S3.9). */
    readonly accessLogs: AccessLogDestination;
}

/** Where the sessions' logs and key are; each is undefined when its feature is off. */
interface SessionStores {
    readonly bucket?: PrivateBucket;
    readonly logGroup?: aws.cloudwatch.LogGroup;
    readonly logGroupArn?: pulumi.Output<string>;
    /** The key of session data (encryption on) and of the log group (CloudWatch logging on). */
    readonly key?: aws.kms.Key;
}

/**
 * The account's and region's Session Manager preferences (the document SSM-SessionManagerRunShell
 * that every console and CLI session uses): session logs to a private bucket and to a
 * KMS-encrypted log group, session data encrypted with a customer-managed key, timeouts, Run As
 * and shell profile. The nodes' roles get exactly the permissions AWS lists for what is on.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
 */
export class SessionManagerPreferences extends pulumi.ComponentResource {
    public readonly documentName: pulumi.Output<string>;
    public readonly logBucketName?: pulumi.Output<string>;
    /** Nodes upload session logs here: a restricted S3 endpoint policy must let them through. */
    public readonly logBucketArn?: pulumi.Output<string>;
    public readonly logGroupName?: pulumi.Output<string>;
    public readonly keyArn?: pulumi.Output<string>;
    /** With CloudWatch logging: the SCP (JSON) an organization attaches to keep the log group to the audit readers. */
    public readonly logReadersScp?: pulumi.Output<string>;

    constructor(name: string, args: SessionManagerPreferencesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:SessionManagerPreferences", name, {}, opts);
        const logGroupArn = args.cloudWatchLogging ? this.logGroupArn(args) : undefined;
        const key = args.encryption || logGroupArn || args.s3Logging ? this.key(name, args, logGroupArn) : undefined;
        const stores: SessionStores = {
            bucket: args.s3Logging && key ? this.logBucket(name, args, key) : undefined,
            logGroup: logGroupArn && key ? this.logGroup(name, args, key) : undefined,
            logGroupArn,
            key,
        };
        const nodeAccess = this.nodeAccess(name, args, stores);
        // Sessions log from the start: the nodes' grants first (the bucket's policy is one of them).
        const document = this.document(name, args, stores, [...nodeAccess, ...(stores.bucket ? [stores.bucket] : [])]);

        this.documentName = document.name;
        this.logBucketName = stores.bucket?.bucketName;
        this.logBucketArn = stores.bucket?.bucketArn;
        this.logGroupName = stores.logGroup?.name;
        this.keyArn = key?.arn;
        this.logReadersScp = logGroupArn ? this.logReadersScpOf(args, logGroupArn) : undefined;
        this.registerOutputs({
            documentName: this.documentName,
            logBucketName: this.logBucketName,
            logGroupName: this.logGroupName,
            keyArn: this.keyArn,
            logReadersScp: this.logReadersScp,
        });
    }

    private logReadersScpOf(args: SessionManagerPreferencesArgs, logGroupArn: pulumi.Output<string>) {
        return pulumi
            .all([logGroupArn, args.accountId])
            .apply(([groupArn, accountId]) =>
                JSON.stringify(
                    sessionLogReadersScp(
                        groupArn,
                        `arn:${partitionOf(args.region)}:iam::${accountId}:root`,
                        args.auditReaders,
                    ),
                ),
            );
    }

    /**
     * The log group's name is fixed rather than generated, because the key policy must name the
     * group before the group can be created with the key.
     */
    private logGroupArn(args: SessionManagerPreferencesArgs): pulumi.Output<string> {
        return pulumi.interpolate`arn:${partitionOf(args.region)}:logs:${args.region}:${args.accountId}:log-group:${sessionLogGroupName(pulumi.getProject(), pulumi.getStack())}`;
    }

    /**
     * The account administers the key but cannot use it through the key policy alone: session data
     * is decrypted only by the nodes' roles, session logs in the bucket only by the audit readers
     * (and the account root), and the log group's data only by CloudWatch Logs of this region for
     * this log group. The people who start sessions need kms:GenerateDataKey on the key (AWS: "Both
     * the users who start sessions and the managed nodes that they connect to must have permission
     * to use the key"), which their IAM policies grant.
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-preferences-enable-encryption.html
     *
     * CloudWatch Logs decrypts a log group's events itself whenever they are requested ("This
     * enables CloudWatch Logs to decrypt this data whenever it is requested",
     * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html),
     * so this key does not gate logs:GetLogEvents: IAM does, or the SCP of sessionLogReadersScp.
     *
     * With S3 logging the key encrypts objects that outlive a destroy, so it is kept like them.
     */
    private key(name: string, args: SessionManagerPreferencesArgs, logGroupArn?: pulumi.Output<string>): aws.kms.Key {
        const account = pulumi.interpolate`arn:${partitionOf(args.region)}:iam::${args.accountId}:root`;
        const statements: pulumi.Input<Statement>[] = [
            {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: { AWS: account },
                Action: kmsKeyAdministrationActions,
                Resource: "*",
            },
        ];
        if (args.encryption) {
            statements.push(
                {
                    Sid: "SessionStartersThroughIam",
                    Effect: "Allow",
                    Principal: { AWS: account },
                    Action: "kms:GenerateDataKey",
                    Resource: "*",
                },
                {
                    Sid: "NodesDecryptSessionData",
                    Effect: "Allow",
                    Principal: { AWS: Object.values(args.nodeRoles).map(role => role.arn) },
                    Action: "kms:Decrypt",
                    Resource: "*",
                },
            );
        }
        if (args.s3Logging) {
            statements.push(
                {
                    // The agent's upload takes the bucket's default encryption: S3 asks KMS for a data key
                    // (and, for a multipart upload, decrypts it) on the node's behalf.
                    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
                    Sid: "NodesEncryptSessionLogsThroughS3",
                    Effect: "Allow",
                    Principal: { AWS: Object.values(args.nodeRoles).map(role => role.arn) },
                    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                    Resource: "*",
                    Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
                },
                {
                    // Through IAM as well: a reader's own policy must also allow kms:Decrypt on the key.
                    Sid: "AuditReadersDecryptSessionLogs",
                    Effect: "Allow",
                    Principal: { AWS: account },
                    Action: "kms:Decrypt",
                    Resource: "*",
                    Condition: { ArnEquals: { "aws:PrincipalArn": [account, ...args.auditReaders] } },
                },
            );
        }
        if (logGroupArn) {
            statements.push({
                Sid: "CloudWatchLogsEncryptSessionLogs",
                Effect: "Allow",
                Principal: { Service: logsServicePrincipal(args.region) },
                Action: logsKeyActions,
                Resource: "*",
                Condition: { ArnEquals: { [logsEncryptionContextKey]: logGroupArn } },
            });
        }
        return new aws.kms.Key(
            `${name}-key`,
            {
                description: "Encrypts Session Manager session data and session logs",
                enableKeyRotation: true,
                policy: policyDocument(statements),
            },
            args.s3Logging ? regionWideOptions(args.regionalSettingsProtection, this) : { parent: this },
        );
    }

    /**
     * The private bucket of session logs, SSE-KMS with the session key, whose policy lets only the
     * audit readers read, and the nodes add logs under `sessions/` and do nothing else.
     *
     * Nodes never replace a log: the bucket is versioned, and the nodes may not delete an object or
     * a version, nor change the versioning, lifecycle, policy or encryption, so a PutObject on an
     * existing key only adds a version and the earlier one stays, readable, for logRetentionDays.
     * Not a conditional write: S3 can refuse a PutObject without If-None-Match (the s3:if-none-match
     * condition key, https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html),
     * but the agent's upload sends only bucket, key, body and content type
     * (aws/amazon-ssm-agent agent/s3util/s3util.go, S3Upload), so every session log would be refused.
     * Not Object Lock: uploads into a bucket with default retention must carry Content-MD5 or a
     * checksum, which that uploader is not known to send.
     */
    private logBucket(name: string, args: SessionManagerPreferencesArgs, key: aws.kms.Key): PrivateBucket {
        const account = pulumi.interpolate`arn:${partitionOf(args.region)}:iam::${args.accountId}:root`;
        const nodeRoleArns = Object.values(args.nodeRoles).map(role => role.arn);
        return new PrivateBucket(
            `${name}-logs`,
            {
                expirationDays: args.logRetentionDays,
                accessLogs: args.accessLogs,
                protection: args.regionalSettingsProtection,
                kmsKeyArn: key.arn,
                policyStatements: bucketArn => [
                    nodeRolesMay(
                        args.nodeRoles,
                        "s3:PutObject",
                        pulumi.interpolate`${bucketArn}/${sessionLogPrefix}/*`,
                    ),
                    // The agent checks the bucket is encrypted before it uploads (s3EncryptionEnabled).
                    nodeRolesMay(args.nodeRoles, "s3:GetEncryptionConfiguration", bucketArn),
                    {
                        Sid: "OnlyAuditReadersRead",
                        Effect: "Deny",
                        Principal: "*",
                        Action: sessionLogReadActions,
                        Resource: pulumi.interpolate`${bucketArn}/*`,
                        Condition: { StringNotEquals: { "aws:PrincipalArn": [account, ...args.auditReaders] } },
                    },
                    {
                        Sid: "NodesOnlyAddSessionLogs",
                        Effect: "Deny",
                        Principal: "*",
                        NotAction: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:GetEncryptionConfiguration"],
                        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
                        Condition: { ArnEquals: { "aws:PrincipalArn": nodeRoleArns } },
                    },
                    {
                        Sid: "NodesWriteOnlyUnderSessions",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:PutObject",
                        NotResource: pulumi.interpolate`${bucketArn}/${sessionLogPrefix}/*`,
                        Condition: { ArnEquals: { "aws:PrincipalArn": nodeRoleArns } },
                    },
                ],
            },
            { parent: this },
        );
    }

    private logGroup(name: string, args: SessionManagerPreferencesArgs, key: aws.kms.Key): aws.cloudwatch.LogGroup {
        return new aws.cloudwatch.LogGroup(
            `${name}-log-group`,
            {
                name: sessionLogGroupName(pulumi.getProject(), pulumi.getStack()),
                retentionInDays: args.logGroupRetentionDays,
                kmsKeyId: key.arn,
            },
            { parent: this },
        );
    }

    /**
     * The log-group grant of each node role that belongs to this stack (a hybrid activation's): the
     * one permission a resource policy cannot give (parts/nodeRoles.ts). The account-wide DHMC role
     * has it from its owner, for every Region at once; the bucket's and the key's policies admit
     * every node role.
     */
    private nodeAccess(name: string, args: SessionManagerPreferencesArgs, stores: SessionStores): aws.iam.RolePolicy[] {
        if (!stores.logGroupArn) {
            return [];
        }
        const policy = pulumi
            .output(args.accountId)
            .apply(accountId =>
                nodeSessionLogPolicy(
                    partitionOf(args.region),
                    accountId,
                    pulumi.getProject(),
                    pulumi.getStack(),
                    args.region,
                ),
            );
        return Object.entries(args.nodeRoles)
            .filter(([, role]) => !role.accountWide)
            .map(
                ([roleKey, role]) =>
                    new aws.iam.RolePolicy(`${name}-${roleKey}-access`, { role: role.name, policy }, { parent: this }),
            );
    }

    /**
     * The preferences document, written as AWS's schema has it: booleans as JSON booleans, the
     * timeouts as strings of minutes, and an empty string for what is not used (as AWS's own
     * template does). It has a fixed name and applies to the whole region, so it takes the
     * regional-settings protection; adopting imports the one the console created.
     */
    private document(
        name: string,
        args: SessionManagerPreferencesArgs,
        stores: SessionStores,
        nodeAccess: pulumi.Resource[],
    ): aws.ssm.Document {
        const content = {
            schemaVersion: sessionDocumentSchemaVersion,
            description: "Session Manager preferences of this account and region, managed by ssm-fleet-baseline",
            sessionType: sessionPreferencesSessionType,
            inputs: {
                s3BucketName: stores.bucket?.bucketName ?? "",
                s3KeyPrefix: stores.bucket ? sessionLogPrefix : "",
                s3EncryptionEnabled: true,
                cloudWatchLogGroupName: stores.logGroup?.name ?? "",
                cloudWatchEncryptionEnabled: true,
                // Streamed logs reach the log group as the session runs, so a node that dies keeps its log.
                cloudWatchStreamingEnabled: stores.logGroup !== undefined,
                kmsKeyId: args.encryption && stores.key ? stores.key.arn : "",
                runAsEnabled: args.runAsUser !== undefined,
                runAsDefaultUser: args.runAsUser ?? "",
                idleSessionTimeout: String(args.idleSessionTimeoutMinutes),
                maxSessionDuration:
                    args.maxSessionDurationMinutes === undefined ? "" : String(args.maxSessionDurationMinutes),
                shellProfile: { linux: args.shellProfile.linux, windows: args.shellProfile.windows },
            },
        };
        return new aws.ssm.Document(
            `${name}-preferences`,
            {
                name: sessionPreferencesDocument,
                documentType: sessionDocumentType,
                documentFormat: "JSON",
                content: pulumi.jsonStringify(content),
            },
            {
                ...regionWideOptions(args.regionalSettingsProtection, this),
                ...(args.adoptExisting ? { import: sessionPreferencesDocument } : {}),
                dependsOn: nodeAccess,
            },
        );
    }
}
