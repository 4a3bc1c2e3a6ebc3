// The AWS identifiers the pack checks. The program defines the same values in
// aws/identifiers.ts; they are copied here because the pack is installed, published and
// loaded from this folder alone.

/** The DHMC service setting, in its path form (the API also accepts its ARN). */
// https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html
export const dhmcSettingId = "/ssm/managed-instance/default-ec2-instance-management-role";

/** The managed policy a DHMC role carries (its ARN has no service-role/ segment). */
// https://docs.aws.amazon.com/systems-manager/latest/userguide/security-iam-awsmanpol.html
export const dhmcManagedPolicyName = "AmazonSSMManagedEC2InstanceDefaultPolicy";

/** The interface endpoints SSM Agent uses; ec2messages only serves agents older than 3.3.40.0. */
// https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
export const ssmInterfaceEndpointServices = ["ssm", "ssmmessages", "ec2messages"] as const;

/** The event source of this program's own events (the health watch's node transitions). */
export const healthEventSource = "ssm-fleet-baseline";
