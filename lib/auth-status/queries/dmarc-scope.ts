import { Prisma } from '@/lib/generated/prisma/client';

/** Days of DMARC reports the status views count, back from the organisation's newest report. */
export const DMARC_WINDOW_DAYS = 30;

export interface DmarcScope {
  /** header_from domain */
  domain?: string;
  /** source IP */
  ip?: string;
  /** only rows from these IPs (our sending IPs); null: all sources */
  sourceIps?: string[] | null;
}

/**
 * The WHERE conditions on dmarc_record (alias r) for a scope: the organisation, the latest
 * DMARC_WINDOW_DAYS of its reports, and the domain, IP or IP set asked for.
 */
export function dmarcScopeSql(organizationId: string, scope: DmarcScope): Prisma.Sql {
  const conditions = [
    Prisma.sql`r.organization_id = ${organizationId}::uuid`,
    Prisma.sql`r.begin_at >= (SELECT max(begin_at) FROM dmarc_record WHERE organization_id = ${organizationId}::uuid) - make_interval(days => ${DMARC_WINDOW_DAYS}::int)`,
  ];
  if (scope.domain !== undefined) conditions.push(Prisma.sql`r.header_from = ${scope.domain.toLowerCase()}`);
  if (scope.ip !== undefined) conditions.push(Prisma.sql`r.source_ip = ${scope.ip.toLowerCase()}`);
  if (scope.sourceIps) conditions.push(Prisma.sql`r.source_ip = ANY(${scope.sourceIps}::text[])`);
  return Prisma.join(conditions, ' AND ');
}
