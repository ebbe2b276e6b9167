import type { CheckKind } from '../check-outcome';
import { domainSigns, isHealthy, type AuthSign, type DmarcTally } from '../signs';
import { getDmarcSeries, type DmarcSeriesPoint } from './get-dmarc-series';
import { getDmarcTally } from './get-dmarc-tally';
import { listDmarcReporters, type DmarcReporterRow } from './list-dmarc-reporters';
import { listDmarcSources, type DmarcSourceRow } from './list-dmarc-sources';
import { listLatestChecks, type AuthCheckDto } from './list-latest-checks';
import { listOurSendingIps } from './list-our-sending-ips';

export interface AuthVerdict {
  /** no bad sign (unknown signs do not count against) */
  healthy: boolean;
  signs: AuthSign[];
}

export interface AuthStatusDto {
  domain: string;
  spf: AuthCheckDto | null;
  dmarc: AuthCheckDto | null;
  dkim: AuthCheckDto | null;
  mx: AuthCheckDto | null;
  blocklists: AuthCheckDto | null;
  dmarcReports: {
    /** counted over our sending IPs when known (else all sources) */
    tally: DmarcTally;
    byReporter: DmarcReporterRow[];
    /** every source IP; `isOurs: false` marks unknown sources */
    sources: DmarcSourceRow[];
    unknownSources: DmarcSourceRow[];
    series: DmarcSeriesPoint[];
  };
  verdict: AuthVerdict;
  /** the newest DNS check of the domain; null before the first run */
  checkedAt: string | null;
}

export function latestOf(checks: AuthCheckDto[], kind: CheckKind): AuthCheckDto | null {
  return checks.find((c) => c.kind === kind) ?? null;
}

export function newestCheck(checks: AuthCheckDto[]): string | null {
  return checks.reduce<string | null>((newest, c) => (newest === null || c.checkedAt > newest ? c.checkedAt : newest), null);
}

/** SPF, DMARC, DKIM, MX and blocklist checks of a sending domain with its DMARC report results and the healthy/bad signs. */
export async function getAuthStatus(organizationId: string, domain: string, ourIpsKnown?: string[]): Promise<AuthStatusDto> {
  const name = domain.toLowerCase().replace(/\.$/, '');
  const ourIps = ourIpsKnown ?? (await listOurSendingIps(organizationId));
  const isOurIpsOnly = ourIps.length > 0;
  const [checks, tally, byReporter, sources, series] = await Promise.all([
    listLatestChecks(organizationId, [name]),
    getDmarcTally(organizationId, { domain: name, sourceIps: isOurIpsOnly ? ourIps : null, isOurIpsOnly }),
    listDmarcReporters(organizationId, { domain: name }),
    listDmarcSources(organizationId, { domain: name }, ourIps),
    getDmarcSeries(organizationId, { domain: name }),
  ]);
  const signs = domainSigns(checks, tally);
  return {
    domain: name,
    spf: latestOf(checks, 'spf'),
    dmarc: latestOf(checks, 'dmarc'),
    dkim: latestOf(checks, 'dkim'),
    mx: latestOf(checks, 'mx'),
    blocklists: latestOf(checks, 'dnsbl'),
    dmarcReports: { tally, byReporter, sources, unknownSources: sources.filter((s) => s.isOurs === false), series },
    verdict: { healthy: isHealthy(signs), signs },
    checkedAt: newestCheck(checks),
  };
}
