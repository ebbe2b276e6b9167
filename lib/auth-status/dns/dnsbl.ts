import { describeFailure, type DnsResolver } from './resolver';
import { ipFamily, ipInNetwork, reversedIpLabels } from './ip';

export interface BlocklistDefinition {
  zone: string;
  kind: 'ip' | 'domain';
  name: string;
  /** Whether the zone answers IPv6 nibble queries; IPv6 targets are skipped otherwise. */
  supportsIpv6?: boolean;
  /** Meaning of each answer address; an answer not listed here reads "listed (code …)". */
  codes?: Record<string, string>;
  /** Answers that are the operator refusing the query, not a listing. */
  refusalCodes?: Record<string, string>;
}

export interface BlocklistResult {
  target: string;
  targetKind: 'ip' | 'domain';
  list: string;
  zone: string;
  query: string;
  status: 'listed' | 'not-listed' | 'refused' | 'error';
  codes: string[];
  meaning: string;
  /** The list's TXT explanation for a listing, usually with a removal link. */
  reason: string | null;
}

// docs.spamhaus.com "Using our public mirrors / check your return codes": these answers are errors, not listings.
const SPAMHAUS_REFUSALS: Record<string, string> = {
  '127.255.255.252': 'Spamhaus answered "typing error in DNSBL name": check the zone name; this is not a listing',
  '127.255.255.254': 'Spamhaus refused the query because it came through a public or unattributable resolver: query through your own resolver or a Spamhaus DQS key; this is not a listing',
  '127.255.255.255': 'Spamhaus refused the query because of excessive queries from this resolver: this is not a listing',
};

/** Default lists. Return codes per docs.spamhaus.com (Datasets › Available Zones), barracudacentral.org and spamcop.net. */
export const DEFAULT_BLOCKLISTS: BlocklistDefinition[] = [
  {
    zone: 'zen.spamhaus.org',
    kind: 'ip',
    name: 'Spamhaus ZEN',
    supportsIpv6: true,
    codes: {
      '127.0.0.2': 'SBL: Spamhaus Block List, a known spam source or spam operation',
      '127.0.0.3': 'SBL CSS: automated listing of a low-reputation (snowshoe) sending IP',
      '127.0.0.4': 'XBL: exploited or infected host (CBL data)',
      '127.0.0.5': 'XBL: exploited or infected host',
      '127.0.0.6': 'XBL: exploited or infected host',
      '127.0.0.7': 'XBL: exploited or infected host',
      '127.0.0.9': 'SBL DROP: hijacked or criminal network (always together with SBL)',
      '127.0.0.10': 'PBL: the ISP says this range should not send mail directly',
      '127.0.0.11': 'PBL: Spamhaus says this range should not send mail directly',
    },
    refusalCodes: SPAMHAUS_REFUSALS,
  },
  {
    zone: 'dbl.spamhaus.org',
    kind: 'domain',
    name: 'Spamhaus DBL',
    codes: {
      '127.0.1.2': 'DBL: low-reputation (spam) domain',
      '127.0.1.4': 'DBL: phishing domain',
      '127.0.1.5': 'DBL: malware domain',
      '127.0.1.6': 'DBL: botnet command-and-control domain',
      '127.0.1.102': 'DBL: abused legitimate domain (spam)',
      '127.0.1.103': 'DBL: abused legitimate redirector or URL shortener',
      '127.0.1.104': 'DBL: abused legitimate domain (phishing)',
      '127.0.1.105': 'DBL: abused legitimate domain (malware)',
      '127.0.1.106': 'DBL: abused legitimate domain (botnet C&C)',
    },
    refusalCodes: { ...SPAMHAUS_REFUSALS, '127.0.1.255': 'Spamhaus DBL answered "IP queries prohibited": an IP was queried against the domain list; this is not a listing' },
  },
  { zone: 'b.barracudacentral.org', kind: 'ip', name: 'Barracuda BRBL', codes: { '127.0.0.2': 'listed in the Barracuda Reputation Block List' } },
  { zone: 'bl.spamcop.net', kind: 'ip', name: 'SpamCop', codes: { '127.0.0.2': 'listed by SpamCop from recent spam reports' } },
];

async function query(target: string, targetKind: 'ip' | 'domain', list: BlocklistDefinition, resolver: DnsResolver): Promise<BlocklistResult> {
  const labels = targetKind === 'ip' ? reversedIpLabels(target) : target.toLowerCase().replace(/\.$/, '');
  const name = `${labels}.${list.zone}`;
  const base = { target, targetKind, list: list.name, zone: list.zone, query: name, reason: null };
  const answer = await resolver.resolveA(name);
  if (answer.status === 'nxdomain' || answer.status === 'nodata') return { ...base, status: 'not-listed', codes: [], meaning: 'not listed' };
  if (answer.status !== 'ok') return { ...base, status: 'error', codes: [], meaning: `lookup failed: ${describeFailure(answer)}` };
  const codes = answer.records;
  // RFC 5782 §2.1: listings are answered inside 127.0.0.0/8; anything else is a resolver rewriting NXDOMAIN.
  if (codes.some((code) => !ipInNetwork(code, '127.0.0.0', 8))) {
    return { ...base, status: 'error', codes, meaning: `answer ${codes.join(', ')} is outside 127.0.0.0/8: the resolver rewrites unknown names, so this result means nothing` };
  }
  const refusals = codes.map((code) => list.refusalCodes?.[code]).filter((r): r is string => r !== undefined);
  if (refusals.length === codes.length) return { ...base, status: 'refused', codes, meaning: refusals.join('; ') };
  const listed = codes.filter((code) => list.refusalCodes?.[code] === undefined);
  const meaning = listed.map((code) => list.codes?.[code] ?? `listed (code ${code})`).join('; ');
  const txt = await resolver.resolveTxt(name);
  return { ...base, status: 'listed', codes: listed, meaning, reason: txt.status === 'ok' ? txt.records.join(' ') : null };
}

/**
 * Looks up our sending IPs (reversed octets / IPv6 nibbles, RFC 5782 §2) and sending domains in
 * DNS blocklists, telling listings apart from refused queries and lookup failures. IPv6 targets
 * are skipped on lists without `supportsIpv6`; an invalid IP gives an 'error' row.
 */
export async function checkBlocklists(
  targets: { ips: string[]; domains: string[] },
  opts: { resolver: DnsResolver; lists?: BlocklistDefinition[] },
): Promise<BlocklistResult[]> {
  const lists = opts.lists ?? DEFAULT_BLOCKLISTS;
  const jobs: Array<Promise<BlocklistResult>> = [];
  for (const list of lists) {
    if (list.kind === 'ip') {
      for (const ip of targets.ips) {
        const family = ipFamily(ip);
        if (family === null) {
          jobs.push(Promise.resolve({ target: ip, targetKind: 'ip', list: list.name, zone: list.zone, query: '', status: 'error', codes: [], meaning: `"${ip}" is not an IP address`, reason: null }));
        } else if (family === 'ipv4' || list.supportsIpv6) {
          jobs.push(query(ip, 'ip', list, opts.resolver));
        }
      }
    } else {
      for (const domain of targets.domains) jobs.push(query(domain, 'domain', list, opts.resolver));
    }
  }
  return Promise.all(jobs);
}
