import { db } from '@/lib/db/client';
import { z } from 'zod';
import { Prisma } from '@/lib/generated/prisma/client';
import { bucketOf, counterRowsSql, counterTablesFor, deferralRateSql, domainCutsSql, domainSpanRowsSql, gridSql, spanSql } from '../bucket-sql';
import { bucketNames, resolveBuckets, type BucketName, type BucketSpec } from '../buckets';
import { RATE_EXCLUDES, deferralRate } from '../rates';

export const groupByValues = ['provider', 'ip', 'domain'] as const;
export type SeriesGroupBy = (typeof groupByValues)[number];

/** The key of the series that folds every key beyond the top `limitSeries` by attempts. */
export const OTHERS_KEY = '(others)';
/** The key of rows whose sending IP or recipient domain is unknown. */
export const UNKNOWN_KEY = '(unknown)';
export const DEFAULT_LIMIT_SERIES = 10;

export interface SeriesCounts {
  attempts: number;
  delivered: number;
  deferred: number;
  bounced: number;
  expired: number;
  deferredPerRecipient: number;
  /** (deferred − deferredPerRecipient) / (attempts − deferredPerRecipient); null when that base is 0. */
  deferralRate: number | null;
}

export interface DeferralSeriesDto {
  bucket: BucketName;
  tz: string;
  /** Start of the first bucket: the counted span is whole buckets covering the requested range. */
  from: string;
  /** End of the last bucket. */
  to: string;
  excludes: typeof RATE_EXCLUDES;
  /** Series beyond the top limitSeries keys by attempts are summed into one series keyed "(others)", listed last. */
  limitSeries: number;
  series: Array<{ key: string; totals: SeriesCounts; points: Array<{ t: string } & SeriesCounts> }>;
}

/** Query-string shape of GET /api/v1/metrics/deferrals (defaults: the last 24 h, bucket chosen from the range). */
export const deferralSeriesQuery = z.object({
  groupBy: z.enum(groupByValues).default('provider'),
  from: z.coerce.date({ message: 'must be an ISO 8601 time' }).optional(),
  to: z.coerce.date({ message: 'must be an ISO 8601 time' }).optional(),
  bucket: z.enum(bucketNames).optional(),
  tz: z.string().max(64).optional(),
  provider: z.string().max(64).optional(),
  ip: z.string().max(64).optional(),
  domain: z.string().max(255).optional(),
  limitSeries: z.coerce.number().int().min(1).max(50).optional(),
});

export interface DeferralSeriesInput {
  groupBy: SeriesGroupBy;
  from: Date;
  to: Date;
  bucket?: BucketName | undefined;
  tz?: string | undefined;
  provider?: string | undefined;
  ip?: string | undefined;
  domain?: string | undefined;
  limitSeries?: number | undefined;
}

// Closed map: the grouping column is chosen here, never from input text.
const keyColumn: Record<SeriesGroupBy, Prisma.Sql> = {
  provider: Prisma.sql`m.provider`,
  ip: Prisma.sql`coalesce(nullif(m.sending_ip, ''), ${UNKNOWN_KEY})`,
  domain: Prisma.sql`coalesce(nullif(m.recipient_domain, ''), ${UNKNOWN_KEY})`,
};

interface Row {
  span_from: Date;
  span_to: Date;
  key: string | null;
  t: Date | null;
  attempts: number;
  delivered: number;
  deferred: number;
  bounced: number;
  expired: number;
  deferred_per_recipient: number;
  deferral_rate: number | null;
}

/**
 * Deferral time series, one per provider, sending IP or recipient domain, gap-filled in SQL (zero counts, null rates)
 * over whole buckets of the requested range: from the daily or hourly rollups when the buckets are whole days or hours,
 * else per minute.
 */
export async function getDeferralSeries(organizationId: string, input: DeferralSeriesInput): Promise<DeferralSeriesDto> {
  const spec = resolveBuckets(input);
  const limitSeries = input.limitSeries ?? DEFAULT_LIMIT_SERIES;
  const filters: Prisma.Sql[] = [];
  if (input.provider) filters.push(Prisma.sql`AND m.provider = ${input.provider}`);
  if (input.ip !== undefined) filters.push(Prisma.sql`AND m.sending_ip = ${input.ip}`);
  if (input.domain !== undefined) filters.push(Prisma.sql`AND m.recipient_domain = ${input.domain.toLowerCase()}`);
  const filter = filters.length > 0 ? Prisma.join(filters, ' ') : Prisma.empty;
  const folded =
    input.groupBy === 'domain' && input.domain === undefined && counterTablesFor('domain', input, spec.bucket).hourly === 'metric_domain_hour'
      ? foldedTopDomainsSql(organizationId, input, filter, spec, limitSeries)
      : foldedSql(organizationId, input.groupBy, input, filter, spec, limitSeries);
  const rows = await db().$queryRaw<Row[]>(Prisma.sql`
    WITH grid AS (${gridSql(spec)}),
    span AS (${spanSql}),
    ${folded},
    keys AS (SELECT key, sum(attempts) AS total FROM folded GROUP BY key)
    SELECT s.lo AS span_from, s.hi AS span_to, x.key, x.t,
           coalesce(x.attempts, 0)::int AS attempts, coalesce(x.delivered, 0)::int AS delivered, coalesce(x.deferred, 0)::int AS deferred,
           coalesce(x.bounced, 0)::int AS bounced, coalesce(x.expired, 0)::int AS expired, coalesce(x.dpr, 0)::int AS deferred_per_recipient,
           ${deferralRateSql(Prisma.sql`x.attempts`, Prisma.sql`x.deferred`, Prisma.sql`x.dpr`)} AS deferral_rate
    FROM span s LEFT JOIN (
      SELECT k.key, k.total, g.t, f.attempts, f.delivered, f.deferred, f.bounced, f.expired, f.dpr
      FROM keys k CROSS JOIN grid g LEFT JOIN folded f ON f.key = k.key AND f.t = g.t
    ) x ON true
    ORDER BY x.key = ${OTHERS_KEY}, x.total DESC, x.key, x.t`);

  const first = rows[0];
  if (!first) throw new Error('the series query returned no span');
  const series: DeferralSeriesDto['series'] = [];
  for (const r of rows) {
    if (r.key === null || r.t === null) continue;
    let current = series.at(-1);
    if (current?.key !== r.key) {
      current = { key: r.key, totals: emptyCounts(), points: [] };
      series.push(current);
    }
    const counts = {
      attempts: r.attempts,
      delivered: r.delivered,
      deferred: r.deferred,
      bounced: r.bounced,
      expired: r.expired,
      deferredPerRecipient: r.deferred_per_recipient,
      deferralRate: r.deferral_rate,
    };
    current.points.push({ t: r.t.toISOString(), ...counts });
    addCounts(current.totals, counts);
  }
  return {
    bucket: spec.bucket,
    tz: spec.tz,
    from: first.span_from.toISOString(),
    to: first.span_to.toISOString(),
    excludes: RATE_EXCLUDES,
    limitSeries,
    series,
  };
}

const SUMS = Prisma.sql`sum(m.attempts) AS attempts, sum(m.delivered) AS delivered, sum(m.deferred) AS deferred, sum(m.bounced) AS bounced,
  sum(m.expired) AS expired, sum(m.deferred_per_recipient) AS dpr`;

/**
 * CTEs `<prefix>agg`, `<prefix>ranked` and `<prefix>folded` (t, key, counters): the top `limitSeries` keys by attempts
 * over the span, every other key summed into OTHERS_KEY; from the rollup that fits the buckets, or from the minute rollup
 * alone when `isMinutesOnly`.
 */
function foldedSql(
  organizationId: string, groupBy: SeriesGroupBy, input: DeferralSeriesInput, filter: Prisma.Sql, spec: BucketSpec, limitSeries: number, prefix = '', isMinutesOnly = false,
): Prisma.Sql {
  const [agg, ranked, folded] = ['agg', 'ranked', 'folded'].map((name) => Prisma.raw(`${prefix}${name}`)) as [Prisma.Sql, Prisma.Sql, Prisma.Sql];
  // Providers and IPs are few: summing per (bucket, key) first shrinks the rows to rank and fold. Domains are many (10 000
  // in the benchmark): that grouping barely shrinks them and spills to disk, so their rows are ranked and folded as read.
  const isFewKeys = groupBy !== 'domain';
  const counters = isFewKeys ? SUMS : Prisma.sql`m.attempts, m.delivered, m.deferred, m.bounced, m.expired, m.deferred_per_recipient AS dpr`;
  const tables = counterTablesFor(groupBy, input, spec.bucket);
  const rows = counterRowsSql(organizationId, isMinutesOnly ? { ...tables, hourly: null, daily: null } : tables, keyColumn[groupBy], filter);
  return Prisma.sql`${agg} AS (
      SELECT ${bucketOf(Prisma.sql`m.bucket`, spec)} AS t, m.key, ${counters}
      FROM (${rows}) m
      ${isFewKeys ? Prisma.sql`GROUP BY 1, 2` : Prisma.empty}),
    ${ranked} AS (SELECT key, row_number() OVER (ORDER BY sum(attempts) DESC, key) AS rank FROM ${agg} GROUP BY key),
    ${folded} AS (
      SELECT a.t, CASE WHEN r.rank <= ${limitSeries} THEN a.key ELSE ${OTHERS_KEY} END AS key,
             sum(a.attempts) AS attempts, sum(a.delivered) AS delivered, sum(a.deferred) AS deferred,
             sum(a.bounced) AS bounced, sum(a.expired) AS expired, sum(a.dpr) AS dpr
      FROM ${agg} a JOIN ${ranked} r USING (key) GROUP BY 1, 2)`;
}

/**
 * `folded` for series by recipient domain over hour-aligned spans, without reading every domain's every hour: domains are
 * ranked on the weeks, days and hours of the span (domainSpanRowsSql); the top ones are read by domain from
 * metric_domain_hour; "(others)" is each bucket's total from metric_hour less the top ones. Spans that are not hour-aligned take foldedSql's minute path (a one-time filter decides, as in counterRowsSql).
 */
function foldedTopDomainsSql(organizationId: string, input: DeferralSeriesInput, filter: Prisma.Sql, spec: BucketSpec, limitSeries: number): Prisma.Sql {
  const org = Prisma.sql`${organizationId}::uuid`;
  const aligned = Prisma.sql`(SELECT is_hour_aligned FROM span)`;
  const domainKey = Prisma.sql`coalesce(nullif(recipient_domain, ''), ${UNKNOWN_KEY})`;
  const inSpan = Prisma.sql`m.bucket >= (SELECT lo FROM span) AND m.bucket < (SELECT hi FROM span)`;
  const t = bucketOf(Prisma.sql`m.bucket`, spec);
  return Prisma.sql`cuts AS (${domainCutsSql}),
    ranked_domains AS (
      SELECT recipient_domain, ${domainKey} AS key, row_number() OVER (ORDER BY sum(attempts) DESC, ${domainKey}) AS rank, count(*) OVER () AS keys
      FROM (${domainSpanRowsSql(organizationId, filter, aligned)}) m
      GROUP BY recipient_domain),
    top_domains AS (
      SELECT ${t} AS t, r.key, ${SUMS}
      FROM ranked_domains r JOIN metric_domain_hour m ON m.organization_id = ${org} AND m.recipient_domain = r.recipient_domain AND ${inSpan} ${filter}
      WHERE r.rank <= ${limitSeries} GROUP BY 1, 2),
    other_domains AS (
      SELECT a.t, ${OTHERS_KEY} AS key, a.attempts - coalesce(b.attempts, 0) AS attempts, a.delivered - coalesce(b.delivered, 0) AS delivered,
             a.deferred - coalesce(b.deferred, 0) AS deferred, a.bounced - coalesce(b.bounced, 0) AS bounced,
             a.expired - coalesce(b.expired, 0) AS expired, a.dpr - coalesce(b.dpr, 0) AS dpr
      FROM (SELECT ${t} AS t, ${SUMS} FROM metric_hour m WHERE ${aligned} AND m.organization_id = ${org} AND ${inSpan} ${filter} GROUP BY 1) a
      LEFT JOIN (SELECT t, sum(attempts) AS attempts, sum(delivered) AS delivered, sum(deferred) AS deferred, sum(bounced) AS bounced,
                        sum(expired) AS expired, sum(dpr) AS dpr FROM top_domains GROUP BY t) b USING (t)
      WHERE (SELECT max(keys) FROM ranked_domains) > ${limitSeries}),
    ${foldedSql(organizationId, 'domain', input, filter, spec, limitSeries, 'minute_', true)},
    folded AS (
      SELECT * FROM top_domains UNION ALL SELECT * FROM other_domains
      UNION ALL SELECT * FROM minute_folded WHERE NOT ${aligned})`;
}

function emptyCounts(): SeriesCounts {
  return { attempts: 0, delivered: 0, deferred: 0, bounced: 0, expired: 0, deferredPerRecipient: 0, deferralRate: null };
}

function addCounts(total: SeriesCounts, c: SeriesCounts): void {
  total.attempts += c.attempts;
  total.delivered += c.delivered;
  total.deferred += c.deferred;
  total.bounced += c.bounced;
  total.expired += c.expired;
  total.deferredPerRecipient += c.deferredPerRecipient;
  total.deferralRate = deferralRate(total.attempts, total.deferred, total.deferredPerRecipient);
}
