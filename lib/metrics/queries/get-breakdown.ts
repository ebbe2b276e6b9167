import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { bucketOf, counterRowsSql, counterTablesFor, deferralRateSql, domainCutsSql, domainSpanRowsSql, gridSql, spanSql } from '../bucket-sql';
import { bucketNames, bucketSeconds, isWholeHours, pointCount, resolveBuckets, type BucketName } from '../buckets';
import { RATE_EXCLUDES } from '../rates';
import { UNKNOWN_KEY } from './get-deferral-series';

export const breakdownSortColumns = ['attempts', 'deferred', 'bounced', 'deferralRate', 'key'] as const;
export type BreakdownSort = (typeof breakdownSortColumns)[number];
/** A sparkline has at most this many points; its bucket is the finest in the closed map that fits. */
export const SPARKLINE_MAX_POINTS = 48;

export interface BreakdownInput {
  by: 'ip' | 'domain';
  provider?: string | undefined;
  ip?: string | undefined;
  from: Date;
  to: Date;
  sort?: BreakdownSort | undefined;
  order?: 'asc' | 'desc' | undefined;
  limit?: number | undefined;
}

export interface BreakdownRowDto {
  key: string;
  attempts: number;
  delivered: number;
  deferred: number;
  bounced: number;
  deferredPerRecipient: number;
  deferralRate: number | null;
  sparkline: Array<{ t: string; attempts: number; deferralRate: number | null }>;
}

export interface BreakdownDto {
  by: 'ip' | 'domain';
  /** The counted span: whole sparkline buckets covering the requested range (the requested range when no row matched). */
  from: string;
  to: string;
  sparklineBucket: BucketName;
  sort: BreakdownSort;
  order: 'asc' | 'desc';
  excludes: typeof RATE_EXCLUDES;
  rows: BreakdownRowDto[];
}

// Closed maps: column and sort expressions come from here, never from input text.
const keyColumn = {
  ip: Prisma.sql`coalesce(nullif(m.sending_ip, ''), ${UNKNOWN_KEY})`,
  domain: Prisma.sql`coalesce(nullif(m.recipient_domain, ''), ${UNKNOWN_KEY})`,
};
const sortColumn: Record<BreakdownSort, Prisma.Sql> = {
  attempts: Prisma.sql`attempts`,
  deferred: Prisma.sql`deferred`,
  bounced: Prisma.sql`bounced`,
  deferralRate: Prisma.sql`rate`,
  key: Prisma.sql`key`,
};

interface Row {
  key: string;
  attempts: number;
  delivered: number;
  deferred: number;
  bounced: number;
  dpr: number;
  rate: number | null;
  t: Date;
  span_from: Date;
  span_to: Date;
  p_attempts: number;
  p_rate: number | null;
}

/**
 * Rows by sending IP or recipient domain for one provider (or IP) over a range, sorted by a whitelisted column, each with a
 * gap-filled sparkline. Sparklines of whole days by domain (ranges over 12 days) read metric_domain_day, of whole hours (ranges
 * over 12 h) the hourly rollups, of 5 or 15 minutes by domain metric_domain_5m, shorter ones the minute rollups.
 */
export async function getBreakdown(organizationId: string, input: BreakdownInput): Promise<BreakdownDto> {
  const sparkBucket = bucketNames.find((b) => pointCount(input.from, input.to, b) <= SPARKLINE_MAX_POINTS) ?? '1d';
  const spec = resolveBuckets({ from: input.from, to: input.to, bucket: sparkBucket });
  const sort = input.sort ?? 'attempts';
  const order = input.order ?? (sort === 'key' ? 'asc' : 'desc');
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  const direction = order === 'asc' ? Prisma.sql`ASC NULLS FIRST` : Prisma.sql`DESC NULLS LAST`;
  const filters: Prisma.Sql[] = [];
  if (input.provider) filters.push(Prisma.sql`AND m.provider = ${input.provider}`);
  if (input.ip !== undefined) filters.push(Prisma.sql`AND m.sending_ip = ${input.ip}`);
  const filter = filters.length > 0 ? Prisma.join(filters, ' ') : Prisma.empty;
  const totals = deferralRateSql(Prisma.sql`sum(attempts)`, Prisma.sql`sum(deferred)`, Prisma.sql`sum(dpr)`);
  // Domains are many: they are ranked on the weeks, days, hours, 5 minutes and minutes of the span, and only the listed ones
  // are read per sparkline bucket, from the domain rollup of the bucket's grain (buckets are UTC-aligned here). IPs are few:
  // every row of the span is read once.
  const isTopDomains = input.by === 'domain' && input.ip === undefined && bucketSeconds[sparkBucket] % 300 === 0;
  const sparkTable = sparkBucket === '1d' ? Prisma.sql`metric_domain_day` : isWholeHours(sparkBucket) ? Prisma.sql`metric_domain_hour` : Prisma.sql`metric_domain_5m`;
  const ranked = isTopDomains
    ? Prisma.sql`cuts AS (${domainCutsSql}),
    totals AS (
      SELECT m.recipient_domain AS domain, ${keyColumn.domain} AS key, sum(m.attempts) AS attempts, sum(m.delivered) AS delivered, sum(m.deferred) AS deferred,
             sum(m.bounced) AS bounced, sum(m.deferred_per_recipient) AS dpr,
             ${deferralRateSql(Prisma.sql`sum(m.attempts)`, Prisma.sql`sum(m.deferred)`, Prisma.sql`sum(m.deferred_per_recipient)`)} AS rate
      FROM (${domainSpanRowsSql(organizationId, filter)}) m GROUP BY m.recipient_domain),
    top AS (SELECT *, row_number() OVER (ORDER BY ${sortColumn[sort]} ${direction}, key) AS rank FROM totals ORDER BY rank LIMIT ${limit}),
    agg AS (
      SELECT top.key, ${bucketOf(Prisma.sql`m.bucket`, spec)} AS t, sum(m.attempts) AS attempts, sum(m.deferred) AS deferred, sum(m.deferred_per_recipient) AS dpr
      FROM top JOIN ${sparkTable} m
        ON m.organization_id = ${organizationId}::uuid AND m.recipient_domain = top.domain AND m.bucket >= (SELECT lo FROM span) AND m.bucket < (SELECT hi FROM span) ${filter}
      GROUP BY 1, 2)`
    : Prisma.sql`agg AS (
      SELECT m.key, ${bucketOf(Prisma.sql`m.bucket`, spec)} AS t,
             sum(m.attempts) AS attempts, sum(m.delivered) AS delivered, sum(m.deferred) AS deferred, sum(m.bounced) AS bounced, sum(m.deferred_per_recipient) AS dpr
      FROM (${counterRowsSql(organizationId, counterTablesFor(input.by, input, sparkBucket), keyColumn[input.by], filter)}) m
      GROUP BY 1, 2),
    totals AS (
      SELECT key, sum(attempts) AS attempts, sum(delivered) AS delivered, sum(deferred) AS deferred, sum(bounced) AS bounced, sum(dpr) AS dpr, ${totals} AS rate
      FROM agg GROUP BY key),
    top AS (SELECT *, row_number() OVER (ORDER BY ${sortColumn[sort]} ${direction}, key) AS rank FROM totals ORDER BY rank LIMIT ${limit})`;
  const rows = await db().$queryRaw<Row[]>(Prisma.sql`
    WITH grid AS (${gridSql(spec)}),
    span AS (${spanSql}),
    ${ranked}
    SELECT s.lo AS span_from, s.hi AS span_to, top.key, top.attempts::int, top.delivered::int, top.deferred::int, top.bounced::int, top.dpr::int AS dpr, top.rate,
           g.t, coalesce(a.attempts, 0)::int AS p_attempts, ${deferralRateSql(Prisma.sql`a.attempts`, Prisma.sql`a.deferred`, Prisma.sql`a.dpr`)} AS p_rate
    FROM span s CROSS JOIN top CROSS JOIN grid g LEFT JOIN agg a ON a.key = top.key AND a.t = g.t
    ORDER BY top.rank, g.t`);
  const out: BreakdownRowDto[] = [];
  for (const r of rows) {
    let row = out.at(-1);
    if (row?.key !== r.key) {
      row = { key: r.key, attempts: r.attempts, delivered: r.delivered, deferred: r.deferred, bounced: r.bounced, deferredPerRecipient: r.dpr, deferralRate: r.rate, sparkline: [] };
      out.push(row);
    }
    row.sparkline.push({ t: r.t.toISOString(), attempts: r.p_attempts, deferralRate: r.p_rate });
  }
  return {
    by: input.by,
    from: (rows[0]?.span_from ?? input.from).toISOString(),
    to: (rows[0]?.span_to ?? input.to).toISOString(),
    sparklineBucket: sparkBucket,
    sort,
    order,
    excludes: RATE_EXCLUDES,
    rows: out,
  };
}
