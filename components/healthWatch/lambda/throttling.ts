// Retries of throttled AWS calls, for the sweep's many paged reads and batched writes. Pure:
// serialized by value into the sweep Lambda.

const throttlingErrors = [
    "ThrottlingException",
    "Throttling",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestThrottledException",
    "ThrottledException",
    "SlowDown",
];

/** Whether an AWS SDK v3 error says the request was throttled, by name or by the SDK's own retry hint. */
export function isThrottling(error: unknown): boolean {
    const { name, $retryable } = (error ?? {}) as { name?: string; $retryable?: { throttling?: boolean } };
    return throttlingErrors.includes(name ?? "") || $retryable?.throttling === true;
}

/** Retries throttled calls with exponential backoff and jitter; any other error is thrown at once. */
export async function withThrottlingRetries<T>(
    call: () => Promise<T>,
    sleep: (ms: number) => Promise<void>,
    attempts = 8,
): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await call();
        } catch (error) {
            if (!isThrottling(error) || attempt >= attempts) {
                throw error;
            }
            await sleep(Math.min(20_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
        }
    }
}
