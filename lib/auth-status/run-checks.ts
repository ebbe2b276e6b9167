import { dkimOutcome, dmarcOutcome, dnsblOutcome, mxOutcome, ptrOutcome, spfOutcome, type CheckOutcome } from './check-outcome';
import { checkDkim } from './dns/dkim';
import { checkDmarc } from './dns/dmarc';
import { checkBlocklists, DEFAULT_BLOCKLISTS, type BlocklistDefinition } from './dns/dnsbl';
import { checkMx } from './dns/mx';
import { checkPtr } from './dns/ptr';
import type { DnsResolver } from './dns/resolver';
import { checkSpf } from './dns/spf';
import { listSendingTargets } from './queries/list-sending-targets';
import type { AuthChangeDto } from './queries/list-auth-changes';
import { writeAuthChecks } from './write-auth-checks';

export interface RunAuthChecksOptions {
  resolver: DnsResolver;
  /** Blocklists to query; Spamhaus ZEN/DBL, Barracuda and SpamCop by default. */
  lists?: BlocklistDefinition[];
  now?: Date;
}

export interface AuthCheckRun {
  domains: string[];
  ips: string[];
  checks: number;
  changes: AuthChangeDto[];
}

/** Targets checked at once, so a large organisation does not flood its resolver. */
const CONCURRENCY = 8;

async function mapLimited<T, R>(items: T[], run: (item: T) => Promise<R[]>): Promise<R[]> {
  const results: R[][] = [];
  for (let i = 0; i < items.length; i += CONCURRENCY) results.push(...(await Promise.all(items.slice(i, i + CONCURRENCY).map(run))));
  return results.flat();
}

/**
 * Checks every sending domain (SPF with our sending IPs, DMARC, DKIM for the selectors in use, MX) and
 * every sending IP (PTR with forward confirmation), and both against the blocklists, with real DNS through
 * the given resolver; stores the results as history and returns what changed since the previous run.
 */
export async function runAuthChecks(organizationId: string, opts: RunAuthChecksOptions): Promise<AuthCheckRun> {
  const { resolver } = opts;
  const { domains, ips, selectors } = await listSendingTargets(organizationId);
  const domainOutcomes = await mapLimited(domains, async (domain): Promise<CheckOutcome[]> => {
    const [spf, dmarc, dkim, mx] = await Promise.all([
      checkSpf(domain, { resolver, ips }),
      checkDmarc(domain, { resolver }),
      checkDkim(domain, selectors[domain] ?? [], { resolver }),
      checkMx(domain, { resolver }),
    ]);
    return [spfOutcome(spf), dmarcOutcome(dmarc), dkimOutcome(domain, dkim), mxOutcome(mx)];
  });
  const ptrOutcomes = await mapLimited(ips, async (ip) => [ptrOutcome(await checkPtr(ip, { resolver }))]);
  const lists = opts.lists ?? DEFAULT_BLOCKLISTS;
  const listings = await checkBlocklists({ ips, domains }, { resolver, lists });
  const hasDomainList = lists.some((l) => l.kind === 'domain');
  const blocklistTargets = [...ips, ...(hasDomainList ? domains : [])];
  const blocklistOutcomes = blocklistTargets.map((target) => dnsblOutcome(target, listings.filter((r) => r.target === target)));
  const outcomes = [...domainOutcomes, ...ptrOutcomes, ...blocklistOutcomes];
  const changes = await writeAuthChecks(organizationId, outcomes, opts.now ?? new Date());
  return { domains, ips, checks: outcomes.length, changes };
}
