import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { deferralRateSql } from '@/lib/metrics/bucket-sql';

/** At most this many sending IPs and this many recipient domains, the busiest first. */
export const BREAKDOWN_LIMIT = 50;

export interface BreakdownItem {
  /** the sending IP or recipient domain; '' when the rollup did not know it */
  key: string;
  attempts: number;
  delivered: number;
  deferred: number;
  bounced: number;
  /** per-recipient temporary failures left out, as in every deferral rate; null without attempts */
  deferralRate: number | null;
}

export interface IncidentBreakdownDto {
  from: string;
  to: string;
  ips: BreakdownItem[];
  domains: BreakdownItem[];
}

interface Row {
  dim: 'ip' | 'domain';
  key: string;
  attempts: number;
  delivered: number;
  deferred: number;
  bounced: number;
  deferral_rate: number | null;
}

/**
 * Attempts and failures towards one provider in [from, to), per sending IP and per recipient domain,
 * read from the minute rollups (never the raw events); the busiest BREAKDOWN_LIMIT of each.
 */
export async function getIncidentBreakdown(organizationId: string, q: { provider: string; from: Date; to: Date }): Promise<IncidentBreakdownDto> {
  const rows = await db().$queryRaw<Row[]>`
    WITH agg AS (
      SELECT CASE WHEN GROUPING(sending_ip) = 0 THEN 'ip' ELSE 'domain' END AS dim,
             coalesce(CASE WHEN GROUPING(sending_ip) = 0 THEN sending_ip ELSE recipient_domain END, '') AS key,
             sum(attempts)::int AS attempts, sum(delivered)::int AS delivered, sum(deferred)::int AS deferred,
             sum(bounced)::int AS bounced, sum(deferred_per_recipient)::int AS dpr
      FROM metric_minute
      WHERE organization_id = ${organizationId}::uuid AND provider = ${q.provider} AND bucket >= ${q.from} AND bucket < ${q.to}
      GROUP BY GROUPING SETS ((sending_ip), (recipient_domain))
    ), ranked AS (
      SELECT *, row_number() OVER (PARTITION BY dim ORDER BY attempts DESC, key) AS rank FROM agg
    )
    SELECT dim, key, attempts, delivered, deferred, bounced,
           ${deferralRateSql(Prisma.sql`attempts`, Prisma.sql`deferred`, Prisma.sql`dpr`)} AS deferral_rate
    FROM ranked WHERE rank <= ${BREAKDOWN_LIMIT} ORDER BY dim, rank`;
  const item = (r: Row): BreakdownItem => ({ key: r.key, attempts: r.attempts, delivered: r.delivered, deferred: r.deferred, bounced: r.bounced, deferralRate: r.deferral_rate });
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    ips: rows.filter((r) => r.dim === 'ip').map(item),
    domains: rows.filter((r) => r.dim === 'domain').map(item),
  };
}
