// Pure subnet arithmetic for the closed VPC (kept apart so it is tested without Pulumi).

/**
 * Splits an IPv4 network into `count` equal subnets, one per availability zone. It always cuts
 * at least four blocks so that a later zone can be added without renumbering the others.
 */
export function isolatedSubnetCidrs(vpcCidr: string, count: number): string[] {
    const [address, prefixText] = vpcCidr.split("/");
    const prefix = Number(prefixText);
    const extraBits = Math.max(2, Math.ceil(Math.log2(count)));
    const subnetPrefix = prefix + extraBits;
    if (subnetPrefix > 28) {
        throw new Error(`${vpcCidr} is too small for ${count} subnets of /28 or larger`);
    }
    const base = address
        .split(".")
        .map(Number)
        .reduce((acc, octet) => acc * 256 + octet, 0);
    const size = 2 ** (32 - subnetPrefix);
    return Array.from({ length: count }, (_, i) => {
        const start = base + i * size;
        const octets = [24, 16, 8, 0].map(shift => Math.floor(start / 2 ** shift) % 256);
        return `${octets.join(".")}/${subnetPrefix}`;
    });
}

/** The zone for subnet `index`, or a clear error when the region has fewer zones than configured. */
export function availabilityZoneAt(zoneNames: string[], index: number, configuredCount: number): string {
    if (zoneNames.length < configuredCount) {
        throw new Error(
            `ssm-fleet-baseline:availabilityZoneCount is ${configuredCount}, but the region has only ${zoneNames.length} available zones`,
        );
    }
    return zoneNames[index];
}
