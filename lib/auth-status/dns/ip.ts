import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** The 32 lowercase hex nibbles of an IPv6 address (embedded IPv4 tails included), or null if invalid. */
export function ipv6Nibbles(ip: string): string | null {
  if (!isIPv6(ip)) return null;
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail?.[1]) {
    const octets = v4Tail[1].split('.').map(Number);
    const hex = octets.map((o) => o.toString(16).padStart(2, '0')).join('');
    text = `${text.slice(0, -v4Tail[1].length)}${hex.slice(0, 4)}:${hex.slice(4)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.map((g) => g.padStart(4, '0')).join('');
}

/** IPv4 or IPv6 (null when neither), per node:net. */
export function ipFamily(ip: string): 'ipv4' | 'ipv6' | null {
  if (isIPv4(ip)) return 'ipv4';
  if (isIPv6(ip)) return 'ipv6';
  return null;
}

/** The reversed labels of an IP for PTR and DNSBL names: `4.3.2.1` for IPv4, 32 dotted nibbles for IPv6 (RFC 5782 §2.4). */
export function reversedIpLabels(ip: string): string | null {
  if (isIPv4(ip)) return ip.split('.').reverse().join('.');
  const nibbles = ipv6Nibbles(ip);
  return nibbles === null ? null : nibbles.split('').reverse().join('.');
}

/** `d.c.b.a.in-addr.arpa` or the `ip6.arpa` nibble name (RFC 3596 §2.5) of an IP, or null if invalid. */
export function reverseDnsName(ip: string): string | null {
  const labels = reversedIpLabels(ip);
  if (labels === null) return null;
  return `${labels}.${isIPv4(ip) ? 'in-addr.arpa' : 'ip6.arpa'}`;
}

/** Whether two textual IPs are the same address (IPv6 compared in full form). */
export function sameIp(a: string, b: string): boolean {
  if (isIPv4(a) && isIPv4(b)) return a === b;
  const na = ipv6Nibbles(a);
  return na !== null && na === ipv6Nibbles(b);
}

/** Whether `ip` lies in `network/prefixLength`; false when the families differ or an input is invalid. */
export function ipInNetwork(ip: string, network: string, prefixLength: number): boolean {
  const family = ipFamily(ip);
  if (family === null || family !== ipFamily(network)) return false;
  const list = new BlockList();
  try {
    list.addSubnet(network, prefixLength, family);
  } catch {
    return false;
  }
  return list.check(ip, family);
}
