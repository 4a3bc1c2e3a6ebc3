// AWS identifiers that the program creates and the policy pack checks, defined once. Pure (no
// @pulumi imports), so the pack can load it from its own directory.

/** aws-facts §1.1: the DHMC service setting. */
export const dhmcSettingId = "/ssm/managed-instance/default-ec2-instance-management-role";
/** aws-facts §1.2: the path AWS gives the DHMC role. */
export const dhmcRolePath = "/service-role/";
/** aws-facts §1.2: the managed policy a DHMC role carries (its ARN has no service-role/ segment). */
export const dhmcManagedPolicyName = "AmazonSSMManagedEC2InstanceDefaultPolicy";

/** The setting value names the role by its path-qualified name, never its ARN: "service-role/<name>". */
export function dhmcSettingValue(roleName: string): string {
    return `${dhmcRolePath.slice(1)}${roleName}`;
}

/** aws-facts §4.1: the interface endpoints SSM uses; ec2messages only serves agents older than 3.3.40.0. */
export const ssmInterfaceEndpointServices = ["ssm", "ssmmessages", "ec2messages"] as const;

/** The VPC endpoint service name, e.g. com.amazonaws.eu-west-1.ssm. */
export function endpointServiceName(region: string, service: string): string {
    return `com.amazonaws.${region}.${service}`;
}
