import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, serviceTrustPolicy, Statement } from "./policyDocuments";

/** Every handler's runtime: explicit, because CallbackFunction's default changes with provider releases. */
const handlerRuntime = "nodejs22.x";

export interface LeastPrivilegeFunctionArgs<E, R> {
    readonly description: string;
    /** Everything the handler may do besides writing its own logs. */
    readonly statements: pulumi.Input<Statement>[];
    /** Builds the handler once per container; SDK clients are required inside it. */
    readonly callbackFactory: aws.lambda.CallbackFactory<E, R>;
    readonly environment?: Record<string, pulumi.Input<string>>;
    readonly timeout: number;
    readonly memorySize: number;
    /** Lambda's retries of asynchronous invocations (0 to 2). */
    readonly maximumRetryAttempts: number;
    /** Where asynchronous invocations go when the retries are spent. */
    readonly onFailureDestinationArn?: pulumi.Input<string>;
    /** The KMS key that encrypts the function's log group (see LogEncryptionKey). */
    readonly logKeyArn: pulumi.Input<string>;
    /** At most this many instances at once (Lambda's reserved concurrency); unlimited when omitted. */
    readonly reservedConcurrentExecutions?: number;
}

/**
 * An inline CallbackFunction (serialized by Pulumi at deploy time) with its own role holding
 * exactly the given statements plus its log group's, never CallbackFunction's default
 * FullAccess policies; arm64, logs kept 90 days and encrypted with the given key, and explicit
 * asynchronous retry behaviour.
 */
export class LeastPrivilegeFunction<E, R> extends pulumi.ComponentResource {
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    /** The function's own role: what a resource policy names to admit exactly this function. */
    public readonly roleArn: pulumi.Output<string>;
    /** Where the function logs: the dashboard queries it. */
    public readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: LeastPrivilegeFunctionArgs<E, R>, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-fleet-baseline:index:LeastPrivilegeFunction", name, {}, opts);
        const child = { parent: this };

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: 90, kmsKeyId: args.logKeyArn },
            child,
        );
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: args.description,
                assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
            },
            child,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.name,
                policy: policyDocument([
                    ...args.statements,
                    {
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: pulumi.interpolate`${logGroup.arn}:*`,
                    },
                ]),
            },
            child,
        );
        const fn = new aws.lambda.CallbackFunction<E, R>(
            name,
            {
                description: args.description,
                role,
                runtime: handlerRuntime,
                architectures: ["arm64"],
                memorySize: args.memorySize,
                timeout: args.timeout,
                environment: args.environment ? { variables: args.environment } : undefined,
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
                callbackFactory: args.callbackFactory,
                reservedConcurrentExecutions: args.reservedConcurrentExecutions,
            },
            { parent: this, dependsOn: [rolePolicy] },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            `${name}-async`,
            {
                functionName: fn.name,
                maximumRetryAttempts: args.maximumRetryAttempts,
                ...(args.onFailureDestinationArn
                    ? {
                          maximumEventAgeInSeconds: 6 * 3600,
                          destinationConfig: { onFailure: { destination: args.onFailureDestinationArn } },
                      }
                    : {}),
            },
            child,
        );

        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.roleArn = role.arn;
        this.logGroupName = logGroup.name;
        this.registerOutputs({
            functionName: this.functionName,
            functionArn: this.functionArn,
            logGroupName: this.logGroupName,
        });
    }
}
