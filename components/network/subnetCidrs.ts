// Pure subnet arithmetic for the closed VPC (kept apart so it is tested without Pulumi).
import { formatIpv4Cidr, parseIpv4Cidr } from "./ipv4";

/** The most zones the subnet plan grows into without renumbering the subnets it already has. */
export const zonesWithoutRenumbering = 4;

/**
 * Splits an IPv4 network into `count` equal subnets, one per availability zone. It cuts at least
 * four blocks, so zones can be added up to four without renumbering the others (the plan for n
 * zones is the start of the plan for up to four). A fifth zone halves every block, which would
 * replace every subnet; the algorithm is kept as it is because changing it would renumber
 * existing stacks.
 */
export function isolatedSubnetCidrs(vpcCidr: string, count: number): string[] {
    const vpc = parseIpv4Cidr(vpcCidr);
    if (!vpc) {
        throw new Error(`${vpcCidr} is not an IPv4 CIDR`);
    }
    const extraBits = Math.max(Math.log2(zonesWithoutRenumbering), Math.ceil(Math.log2(count)));
    const prefix = vpc.prefix + extraBits;
    if (prefix > 28) {
        throw new Error(`${vpcCidr} is too small for ${count} subnets of /28 or larger`);
    }
    const size = 2 ** (32 - prefix);
    return Array.from({ length: count }, (_, i) => formatIpv4Cidr({ address: vpc.address + i * size, prefix }));
}

/** The zone for subnet `index`, or a clear error when the region has fewer zones than configured. */
export function availabilityZoneAt(zoneNames: string[], index: number, configuredCount: number): string {
    if (zoneNames.length < configuredCount) {
        throw new Error(
            `ssm-fleet-baseline:availabilityZoneCount is ${configuredCount}, but the Region has only ${zoneNames.length} ` +
                `available zones (${zoneNames.join(", ")}): set availabilityZoneCount to ${zoneNames.length} or fewer`,
        );
    }
    return zoneNames[index];
}
