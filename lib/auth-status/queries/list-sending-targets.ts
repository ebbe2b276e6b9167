import { db } from '@/lib/db/client';
import { listOurSendingIps, RECENT_SENDING_DAYS } from './list-our-sending-ips';

export interface SendingTargets {
  /** Our sending domains: DMARC reports' header_from and policy domains, configured domains, and the domains of recent senders. */
  domains: string[];
  /** Our sending IPs: those our MTAs sent from in the latest 30 days of delivery data. */
  ips: string[];
  /** DKIM selectors per domain: seen in DMARC reports' DKIM results, and configured. */
  selectors: Record<string, string[]>;
}

// A host name: letters, digits and hyphens in dot-separated labels (RFC 1123 §2.1), at least two labels.
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isHostName(name: string): boolean {
  return HOST_NAME.test(name);
}

/** What runAuthChecks checks for an organisation: its sending domains with their DKIM selectors, and its sending IPs. */
export async function listSendingTargets(organizationId: string): Promise<SendingTargets> {
  const [domainRows, ipRows, selectorRows] = await Promise.all([
    db().$queryRaw<Array<{ domain: string }>>`
      SELECT DISTINCT header_from AS domain FROM dmarc_record WHERE organization_id = ${organizationId}::uuid
      UNION SELECT DISTINCT policy_domain FROM dmarc_report WHERE organization_id = ${organizationId}::uuid
      UNION SELECT domain FROM sending_domain WHERE organization_id = ${organizationId}::uuid
      UNION SELECT DISTINCT lower(substring(sender from '@([^@]+)$')) FROM delivery_event
        WHERE organization_id = ${organizationId}::uuid AND sender LIKE '%@%'
          AND occurred_at >= (SELECT max(occurred_at) FROM delivery_event WHERE organization_id = ${organizationId}::uuid) - make_interval(days => ${RECENT_SENDING_DAYS}::int)`,
    listOurSendingIps(organizationId),
    db().$queryRaw<Array<{ domain: string; selector: string }>>`
      SELECT DISTINCT lower(e->>'domain') AS domain, lower(e->>'selector') AS selector
      FROM dmarc_record r CROSS JOIN LATERAL jsonb_array_elements(r.dkim_results) AS e
      WHERE r.organization_id = ${organizationId}::uuid AND coalesce(e->>'selector', '') <> '' AND coalesce(e->>'domain', '') <> ''
      UNION SELECT domain, lower(unnest(dkim_selectors)) FROM sending_domain WHERE organization_id = ${organizationId}::uuid`,
  ]);
  const domains = [...new Set(domainRows.map((r) => r.domain.toLowerCase().replace(/\.$/, '')))].filter(isHostName).sort();
  const selectors: Record<string, string[]> = {};
  for (const { domain, selector } of selectorRows) {
    if (!domains.includes(domain) || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(selector)) continue;
    (selectors[domain] ??= []).push(selector);
  }
  for (const list of Object.values(selectors)) list.sort();
  return { domains, ips: ipRows, selectors };
}
