import { describeFailure, type DnsResolver } from './resolver';
import { ipFamily, reverseDnsName, sameIp } from './ip';

export interface PtrCheck {
  ip: string;
  /** The forward-confirmed PTR name if there is one, else the first PTR name. */
  ptr: string | null;
  names: string[];
  forwardConfirmed: boolean;
  problems: string[];
}

/**
 * Reverse DNS of a sending IP (in-addr.arpa / ip6.arpa) with forward confirmation: the PTR name's
 * A/AAAA must contain the IP. Google's sender guidelines require both for bulk senders.
 */
export async function checkPtr(ip: string, opts: { resolver: DnsResolver }): Promise<PtrCheck> {
  const family = ipFamily(ip);
  const reverse = reverseDnsName(ip);
  const empty = { ip, ptr: null, names: [], forwardConfirmed: false };
  if (family === null || reverse === null) return { ...empty, problems: [`"${ip}" is not an IP address`] };
  const ptr = await opts.resolver.resolvePtr(reverse);
  if (ptr.status === 'temperror') return { ...empty, problems: [`could not look up ${reverse}: ${describeFailure(ptr)}; try again`] };
  if (ptr.status !== 'ok') return { ...empty, problems: [`${ip} has no PTR record: many receivers throttle or reject mail from IPs without reverse DNS`] };
  const names = ptr.records.map((n) => n.replace(/\.$/, ''));
  const forward = await Promise.all(names.map((name) => (family === 'ipv6' ? opts.resolver.resolveAaaa(name) : opts.resolver.resolveA(name))));
  const confirmed = names.find((_, i) => {
    const result = forward[i];
    return result?.status === 'ok' && result.records.some((address) => sameIp(address, ip));
  });
  const problems: string[] = [];
  if (names.length > 1) problems.push(`${ip} has ${names.length} PTR records (${names.join(', ')}): receivers may check any one; keep one`);
  if (confirmed === undefined) {
    problems.push(`the PTR name ${names[0]} does not resolve back to ${ip}: forward-confirmed reverse DNS fails; add ${family === 'ipv6' ? 'an AAAA' : 'an A'} record for it`);
  }
  return { ip, ptr: confirmed ?? names[0] ?? null, names, forwardConfirmed: confirmed !== undefined, problems };
}
