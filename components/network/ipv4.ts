// IPv4 addresses and CIDR blocks as numbers. Pure: used by config validation and the subnet plan.

export interface Ipv4Network {
    /** The first address, as an unsigned 32-bit number. */
    readonly address: number;
    readonly prefix: number;
}

/** Parses "10.42.0.0/16"; undefined unless it is four octets of 0 to 255 and a prefix of 0 to 32. */
export function parseIpv4Cidr(cidr: string): Ipv4Network | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!match) {
        return undefined;
    }
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some(octet => octet > 255) || prefix > 32) {
        return undefined;
    }
    return { address: octets.reduce((acc, octet) => acc * 256 + octet, 0), prefix };
}

/** Whether the host bits are zero, so the block names a network rather than a host in it. */
export const isNetworkAddress = ({ address, prefix }: Ipv4Network) => address % 2 ** (32 - prefix) === 0;

export function formatIpv4Cidr({ address, prefix }: Ipv4Network): string {
    const octets = [24, 16, 8, 0].map(shift => Math.floor(address / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}
