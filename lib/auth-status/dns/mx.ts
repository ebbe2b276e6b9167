import { isIP } from 'node:net';
import { describeFailure, type DnsResolver } from './resolver';

export interface MxHost {
  exchange: string;
  priority: number;
  addresses: string[];
}

export interface MxCheck {
  domain: string;
  /** Sorted by priority, lowest (preferred) first. */
  records: MxHost[];
  /** RFC 7505 "MX 0 .": the domain declares it accepts no mail. */
  isNullMx: boolean;
  status: 'pass' | 'warn' | 'fail' | 'none';
  problems: string[];
}

/** Looks up the MX hosts of a domain with their addresses, and explains what is wrong with them. */
export async function checkMx(domain: string, opts: { resolver: DnsResolver }): Promise<MxCheck> {
  const base = { domain, records: [], isNullMx: false };
  const mx = await opts.resolver.resolveMx(domain);
  if (mx.status === 'temperror') return { ...base, status: 'fail', problems: [`could not look up the MX of ${domain}: ${describeFailure(mx)}; try again`] };
  if (mx.status !== 'ok') {
    // RFC 5321 §5.1: without MX, senders use the domain's own A/AAAA record.
    return { ...base, status: 'none', problems: [`${domain} has no MX record: mail to it goes to its A/AAAA address, and bounces to it may be lost`] };
  }
  const sorted = [...mx.records].sort((a, b) => a.priority - b.priority);
  if (sorted.some((r) => r.exchange === '' || r.exchange === '.')) {
    // RFC 7505 §4.2: receivers may reject mail whose sender domain publishes a null MX.
    return { ...base, isNullMx: true, status: 'fail', problems: [`${domain} publishes a null MX (RFC 7505): it accepts no mail, and receivers may reject mail sent from it`] };
  }
  const problems: string[] = [];
  let hasError = false;
  const records = await Promise.all(
    sorted.map(async ({ exchange, priority }) => {
      if (isIP(exchange) !== 0) {
        hasError = true;
        problems.push(`MX ${exchange} is an IP address: an MX must name a host (RFC 5321 §5.1)`);
        return { exchange, priority, addresses: [] };
      }
      const [a, aaaa] = await Promise.all([opts.resolver.resolveA(exchange), opts.resolver.resolveAaaa(exchange)]);
      const addresses = [...(a.status === 'ok' ? a.records : []), ...(aaaa.status === 'ok' ? aaaa.records : [])];
      if (addresses.length === 0) problems.push(`MX host ${exchange} has no A or AAAA address`);
      return { exchange, priority, addresses };
    }),
  );
  const status = hasError || records.every((r) => r.addresses.length === 0) ? 'fail' : problems.length > 0 ? 'warn' : 'pass';
  return { ...base, records, status, problems };
}
