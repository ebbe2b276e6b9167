import { domainSigns, ipSigns, isHealthy, type AuthSign } from '../signs';
import { getDmarcTally } from './get-dmarc-tally';
import { listLatestChecks } from './list-latest-checks';
import { listOurSendingIps } from './list-our-sending-ips';
import { listStatusTargets } from './list-status-targets';

export interface AuthSummaryItem {
  target: string;
  healthy: boolean;
  signs: AuthSign[];
  checkedAt: string | null;
}

export interface AuthSummaryDto {
  healthy: boolean;
  domains: AuthSummaryItem[];
  ips: AuthSummaryItem[];
}

export interface AuthSummaryOptions {
  /** sending domains to judge (default: every known one) */
  domains?: string[];
  /** sending IPs to judge (default: every known one) */
  ips?: string[];
  /** the IPs that count as ours for DMARC report tallies (default: those of the latest 30 days of data) */
  ourIps?: string[];
}

/**
 * The healthy/bad signs of sending domains and IPs: SPF, DKIM and DMARC pass evidence, reverse DNS and
 * blocklists — the same signs as the Authentication page, without its report tables. The incident verdict
 * and the incident page use it.
 */
export async function getAuthSummary(organizationId: string, opts: AuthSummaryOptions = {}): Promise<AuthSummaryDto> {
  const ourIps = opts.ourIps ?? (await listOurSendingIps(organizationId));
  const known = opts.domains && opts.ips ? null : await listStatusTargets(organizationId, ourIps);
  const domainList = opts.domains ?? known?.domains ?? [];
  const ipList = opts.ips ?? known?.ips ?? [];
  const checks = await listLatestChecks(organizationId, [...domainList, ...ipList]);
  const checksOf = (target: string) => checks.filter((c) => c.target === target);
  const newest = (target: string) => checksOf(target).reduce<string | null>((n, c) => (n === null || c.checkedAt > n ? c.checkedAt : n), null);
  const isOurIpsOnly = ourIps.length > 0;
  const item = (target: string, signs: AuthSign[]): AuthSummaryItem => ({ target, healthy: isHealthy(signs), signs, checkedAt: newest(target) });
  const [domains, ips] = await Promise.all([
    Promise.all(
      domainList.map(async (domain) =>
        item(domain, domainSigns(checksOf(domain), await getDmarcTally(organizationId, { domain, sourceIps: isOurIpsOnly ? ourIps : null, isOurIpsOnly }))),
      ),
    ),
    Promise.all(ipList.map(async (ip) => item(ip, ipSigns(checksOf(ip), await getDmarcTally(organizationId, { ip, isOurIpsOnly: ourIps.includes(ip) }))))),
  ]);
  return { healthy: domains.every((d) => d.healthy) && ips.every((i) => i.healthy), domains, ips };
}
