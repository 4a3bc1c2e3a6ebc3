// Exit codes of the project's tools (the CI driver and the offline plan): one per outcome a CI job branches on.
export const ExitCode = {
    success: 0,
    failure: 1,
    configurationError: 2,
    changesPending: 3,
    policyViolation: 4,
    stackLocked: 5,
    verificationFailed: 6,
    /** The redrive saw messages held by another reader (a killed run): run it again once they are visible. */
    messagesInFlight: 7,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
