import { db } from '@/lib/db/client';

/** The domains and IPs the status views show: everything checked so far, every domain in DMARC reports, and our sending IPs. */
export async function listStatusTargets(organizationId: string, ourIps: string[]): Promise<{ domains: string[]; ips: string[] }> {
  const rows = await db().$queryRaw<Array<{ target: string; is_ip: boolean }>>`
    SELECT DISTINCT target, kind = 'ptr' AS is_ip FROM auth_check WHERE organization_id = ${organizationId}::uuid AND kind IN ('spf', 'ptr')
    UNION SELECT DISTINCT header_from, false FROM dmarc_record WHERE organization_id = ${organizationId}::uuid
    UNION SELECT domain, false FROM sending_domain WHERE organization_id = ${organizationId}::uuid
    ORDER BY 1`;
  const domains = rows.filter((r) => !r.is_ip).map((r) => r.target);
  const ips = [...new Set([...ourIps, ...rows.filter((r) => r.is_ip).map((r) => r.target)])].sort();
  return { domains: [...new Set(domains)], ips };
}
