import { z } from 'zod';
import type { BlocklistResult } from '../dns/dnsbl';
import { ipSigns, isHealthy, type DmarcTally } from '../signs';
import { latestOf, newestCheck, type AuthVerdict } from './get-auth-status';
import { getDmarcSeries, type DmarcSeriesPoint } from './get-dmarc-series';
import { getDmarcTally } from './get-dmarc-tally';
import { listDmarcReporters, type DmarcReporterRow } from './list-dmarc-reporters';
import { listLatestChecks, type AuthCheckDto } from './list-latest-checks';
import { listOurSendingIps } from './list-our-sending-ips';

export interface ReputationDto {
  ip: string;
  /** whether our MTAs sent from this IP; null when no sending IP is known yet */
  isOurs: boolean | null;
  ptr: AuthCheckDto | null;
  /** one row per list: listed, not-listed, refused (query refused / rate limited: not a listing) or error */
  blocklists: BlocklistResult[];
  blocklistCheck: AuthCheckDto | null;
  dmarcVolume: { tally: DmarcTally; byReporter: DmarcReporterRow[]; series: DmarcSeriesPoint[] };
  verdict: AuthVerdict;
  checkedAt: string | null;
}

// The stored evidence of a dnsbl check is { results: BlocklistResult[] } (check-outcome.ts dnsblOutcome).
const blocklistEvidence = z.object({
  results: z.array(
    z.object({
      target: z.string(),
      targetKind: z.enum(['ip', 'domain']),
      list: z.string(),
      zone: z.string(),
      query: z.string(),
      status: z.enum(['listed', 'not-listed', 'refused', 'error']),
      codes: z.array(z.string()),
      meaning: z.string(),
      reason: z.string().nullable(),
    }),
  ),
});

/** The blocklist rows of a stored dnsbl check (empty when there is none). */
export function blocklistResultsOf(check: AuthCheckDto | null): BlocklistResult[] {
  const parsed = blocklistEvidence.safeParse(check?.evidence);
  return parsed.success ? parsed.data.results : [];
}

/** Reverse DNS, blocklist status and DMARC results of one sending IP, with the healthy/bad signs. */
export async function getReputation(organizationId: string, ip: string, ourIpsKnown?: string[]): Promise<ReputationDto> {
  const address = ip.trim().toLowerCase();
  const ourIps = ourIpsKnown ?? (await listOurSendingIps(organizationId));
  const isOurs = ourIps.length === 0 ? null : ourIps.includes(address);
  const [checks, tally, byReporter, series] = await Promise.all([
    listLatestChecks(organizationId, [address]),
    getDmarcTally(organizationId, { ip: address, isOurIpsOnly: isOurs === true }),
    listDmarcReporters(organizationId, { ip: address }),
    getDmarcSeries(organizationId, { ip: address }),
  ]);
  const signs = ipSigns(checks, tally);
  const blocklistCheck = latestOf(checks, 'dnsbl');
  return {
    ip: address,
    isOurs,
    ptr: latestOf(checks, 'ptr'),
    blocklists: blocklistResultsOf(blocklistCheck),
    blocklistCheck,
    dmarcVolume: { tally, byReporter, series },
    verdict: { healthy: isHealthy(signs), signs },
    checkedAt: newestCheck(checks),
  };
}
