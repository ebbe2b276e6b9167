import type { AuthSign } from '../signs';
import { getAuthStatus } from './get-auth-status';
import { getReputation } from './get-reputation';
import { listOurSendingIps } from './list-our-sending-ips';
import { listStatusTargets } from './list-status-targets';

export interface AuthSummaryDto {
  healthy: boolean;
  domains: Array<{ domain: string; healthy: boolean; signs: AuthSign[]; checkedAt: string | null }>;
  ips: Array<{ ip: string; healthy: boolean; signs: AuthSign[]; checkedAt: string | null }>;
}

/**
 * The healthy/bad signs of the given sending domains and IPs (default: all known), for an incident's
 * verdict and the escalation package: SPF, DKIM and DMARC pass evidence, reverse DNS and blocklists.
 */
export async function getAuthSummary(organizationId: string, opts: { domains?: string[]; ips?: string[] } = {}): Promise<AuthSummaryDto> {
  const ourIps = await listOurSendingIps(organizationId);
  const known = opts.domains && opts.ips ? null : await listStatusTargets(organizationId, ourIps);
  const domainList = opts.domains ?? known?.domains ?? [];
  const ipList = opts.ips ?? known?.ips ?? [];
  const domains = await Promise.all(
    domainList.map(async (d) => {
      const s = await getAuthStatus(organizationId, d, ourIps);
      return { domain: s.domain, healthy: s.verdict.healthy, signs: s.verdict.signs, checkedAt: s.checkedAt };
    }),
  );
  const ips = await Promise.all(
    ipList.map(async (ip) => {
      const r = await getReputation(organizationId, ip, ourIps);
      return { ip: r.ip, healthy: r.verdict.healthy, signs: r.verdict.signs, checkedAt: r.checkedAt };
    }),
  );
  return { healthy: domains.every((d) => d.healthy) && ips.every((i) => i.healthy), domains, ips };
}
