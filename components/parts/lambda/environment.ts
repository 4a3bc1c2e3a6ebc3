// Lambda environment variables as one typed table per handler: the component sets them from the
// table and the handler reads them from the same table, so a name cannot drift between the two.

/** Each setting of a handler, mapped to the name of its environment variable. */
export type EnvironmentNames = Readonly<Record<string, string>>;

/** The variables to set: every setting of the table, by its variable name. */
export function environmentVariables<N extends EnvironmentNames, V>(
    names: N,
    values: { readonly [K in keyof N]: V },
): Record<string, V> {
    return Object.fromEntries(Object.entries(names).map(([setting, variable]) => [variable, values[setting]]));
}

/** Every setting of the table as the handler reads it; an unset variable reads as "". */
export function readEnvironment<N extends EnvironmentNames>(
    names: N,
    env: Record<string, string | undefined>,
): { readonly [K in keyof N]: string } {
    return Object.fromEntries(Object.entries(names).map(([setting, variable]) => [setting, env[variable] ?? ""])) as {
        [K in keyof N]: string;
    };
}
