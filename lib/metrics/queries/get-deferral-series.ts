import { db, queryRows } from '@/lib/db/client';
import { z } from 'zod';
import { Prisma } from '@/lib/generated/prisma/client';
import { bucketOf, counterRowsSql, counterTablesFor, deferralRateSql, domainCutsSql, domainSpanRowsSql, gridSql, spanSql } from '../bucket-sql';
import { bucketNames, bucketSeconds, isWholeHours, resolveBuckets, type BucketName, type BucketSpec } from '../buckets';
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
 * else per 5 minutes or per minute. By domain, the top domains are ranked first and only theirs are read per bucket.
 */
export async function getDeferralSeries(organizationId: string, input: DeferralSeriesInput): Promise<DeferralSeriesDto> {
  const spec = resolveBuckets(input);
  const limitSeries = input.limitSeries ?? DEFAULT_LIMIT_SERIES;
  const filters: Prisma.Sql[] = [];
  if (input.provider) filters.push(Prisma.sql`AND m.provider = ${input.provider}`);
  if (input.ip !== undefined) filters.push(Prisma.sql`AND m.sending_ip = ${input.ip}`);
  if (input.domain !== undefined) filters.push(Prisma.sql`AND m.recipient_domain = ${input.domain.toLowerCase()}`);
  const filter = filters.length > 0 ? Prisma.join(filters, ' ') : Prisma.empty;
  // Domains are many: rank them first, then read the top ones. With an IP filter only metric_minute has the columns.
  const folded =
    input.groupBy === 'domain' && input.domain === undefined && input.ip === undefined
      ? foldedTopDomainsSql(organizationId, await rankDomains(organizationId, filter, spec, limitSeries), filter, spec)
      : foldedSql(organizationId, input.groupBy, input, filter, spec, limitSeries);
  const rows = await queryRows<Row>(Prisma.sql`
    WITH grid AS (${gridSql(spec)}),
    span AS (${spanSql}),
    ${folded},
    keys AS (SELECT key, sum(attempts) AS total FROM folded GROUP BY key),
    -- Gap filling by grouping: a zero row for every key and bucket, summed with the rows there are. (A join of the grid with
    -- the rows, on key and bucket, was planned as a merge join on the key alone: every bucket against every row of its key.)
    filled AS (
      SELECT key, t, sum(attempts) AS attempts, sum(delivered) AS delivered, sum(deferred) AS deferred, sum(bounced) AS bounced,
             sum(expired) AS expired, sum(dpr) AS dpr
      FROM (SELECT key, t, attempts, delivered, deferred, bounced, expired, dpr FROM folded
            UNION ALL SELECT k.key, g.t, 0, 0, 0, 0, 0, 0 FROM keys k CROSS JOIN grid g) u
      GROUP BY key, t)
    SELECT s.lo AS span_from, s.hi AS span_to, x.key, x.t,
           x.attempts::int AS attempts, x.delivered::int AS delivered, x.deferred::int AS deferred,
           x.bounced::int AS bounced, x.expired::int AS expired, x.dpr::int AS deferred_per_recipient,
           ${deferralRateSql(Prisma.sql`x.attempts`, Prisma.sql`x.deferred`, Prisma.sql`x.dpr`)} AS deferral_rate
    FROM span s LEFT JOIN (SELECT f.*, k.total FROM filled f JOIN keys k USING (key)) x ON true
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
 * CTEs `agg`, `ranked` and `folded` (t, key, counters): the top `limitSeries` keys by attempts over the span, every other
 * key summed into OTHERS_KEY; from the rollup that fits the buckets.
 */
function foldedSql(organizationId: string, groupBy: SeriesGroupBy, input: DeferralSeriesInput, filter: Prisma.Sql, spec: BucketSpec, limitSeries: number): Prisma.Sql {
  // Providers and IPs are few: summing per (bucket, key) first shrinks the rows to rank and fold. Domains are many (10 000
  // in the benchmark): that grouping barely shrinks them and spills to disk, so their rows are ranked and folded as read.
  const isFewKeys = groupBy !== 'domain';
  const counters = isFewKeys ? SUMS : Prisma.sql`m.attempts, m.delivered, m.deferred, m.bounced, m.expired, m.deferred_per_recipient AS dpr`;
  const rows = counterRowsSql(organizationId, counterTablesFor(groupBy, input, spec.bucket), keyColumn[groupBy], filter);
  return Prisma.sql`agg AS (
      SELECT ${bucketOf(Prisma.sql`m.bucket`, spec)} AS t, m.key, ${counters}
      FROM (${rows}) m
      ${isFewKeys ? Prisma.sql`GROUP BY 1, 2` : Prisma.empty}),
    ranked AS (SELECT key, row_number() OVER (ORDER BY sum(attempts) DESC, key) AS rank FROM agg GROUP BY key),
    folded AS (
      SELECT a.t, CASE WHEN r.rank <= ${limitSeries} THEN a.key ELSE ${OTHERS_KEY} END AS key,
             sum(a.attempts) AS attempts, sum(a.delivered) AS delivered, sum(a.deferred) AS deferred,
             sum(a.bounced) AS bounced, sum(a.expired) AS expired, sum(a.dpr) AS dpr
      FROM agg a JOIN ranked r USING (key) GROUP BY 1, 2)`;
}

/** Ranges from 6 hours to 8 days rank domains on candidates first (rankDomainsByCandidates); shorter and longer ones read every domain. */
const CANDIDATE_RANKING_MS: readonly [number, number] = [6 * 3_600_000, 8 * 86_400_000];

interface DomainRanking {
  /** The top domains, best first, as stored (raw recipient_domain values). */
  domains: string[];
  /** Whether more domains than these had attempts in the span. */
  hasOthers: boolean;
}

/**
 * The top `limitSeries` recipient domains by attempts over the span of the grid (then by key), and whether more domains
 * had attempts. Statements of their own, so the series statement reads the rollups for these few domains only.
 */
async function rankDomains(organizationId: string, filter: Prisma.Sql, spec: BucketSpec, limitSeries: number): Promise<DomainRanking> {
  const rangeMs = spec.to.getTime() - spec.from.getTime();
  const isCandidateRange = rangeMs > CANDIDATE_RANKING_MS[0] && rangeMs < CANDIDATE_RANKING_MS[1];
  return (isCandidateRange ? await rankDomainsByCandidates(organizationId, filter, spec, limitSeries) : null) ?? rankAllDomains(organizationId, filter, spec, limitSeries);
}

const domainKey = Prisma.sql`coalesce(nullif(m.recipient_domain, ''), ${UNKNOWN_KEY})`;

/** Totals (recipient_domain, total, keys: domains with attempts) over the span, best first, from the coarsest domain rollups that fit its pieces (domainSpanRowsSql). */
async function domainTotals(organizationId: string, filter: Prisma.Sql, spec: BucketSpec, limit: number): Promise<Array<{ recipient_domain: string; total: number; keys: number }>> {
  return db().$queryRaw(Prisma.sql`
    WITH grid AS (${gridSql(spec)}),
    span AS (${spanSql}),
    cuts AS (${domainCutsSql})
    SELECT m.recipient_domain, sum(m.attempts)::int AS total, (count(*) OVER ())::int AS keys
    FROM (${domainSpanRowsSql(organizationId, filter)}) m
    GROUP BY m.recipient_domain
    ORDER BY sum(m.attempts) DESC, ${domainKey} LIMIT ${limit}`);
}

async function rankAllDomains(organizationId: string, filter: Prisma.Sql, spec: BucketSpec, limitSeries: number): Promise<DomainRanking> {
  const rows = await domainTotals(organizationId, filter, spec, limitSeries);
  return { domains: rows.map((r) => r.recipient_domain), hasOthers: (rows[0]?.keys ?? 0) > limitSeries };
}

/**
 * Top-k pruning, exact: a domain's attempts over the whole UTC days the span touches (metric_domain_day) bound its attempts
 * in the span from above. The candidates are the domains with the highest bounds; when the last of the top domains among
 * them counts more than the highest bound left out, no other domain can reach the top, and only the candidates are counted
 * exactly. Null when that does not settle the ranking (the caller ranks every domain then).
 */
async function rankDomainsByCandidates(organizationId: string, filter: Prisma.Sql, spec: BucketSpec, limitSeries: number): Promise<DomainRanking | null> {
  const candidates = Math.max(100, 4 * limitSeries);
  const bounds = await db().$queryRaw<Array<{ recipient_domain: string; upper: number }>>(Prisma.sql`
    WITH grid AS (${gridSql(spec)}),
    span AS (${spanSql})
    SELECT m.recipient_domain, sum(m.attempts)::int AS upper FROM metric_domain_day m
    WHERE m.organization_id = ${organizationId}::uuid AND m.bucket >= date_bin(interval '1 day', (SELECT lo FROM span), TIMESTAMPTZ '2000-01-01 00:00:00+00')
      AND m.bucket < (SELECT hi FROM span) ${filter}
    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${candidates + 1}`);
  const leftOut = bounds.length > candidates ? (bounds[candidates]?.upper ?? null) : null;
  const names = bounds.slice(0, candidates).map((b) => b.recipient_domain);
  const rows = await domainTotals(organizationId, Prisma.sql`${filter} AND m.recipient_domain IN (SELECT unnest(${names}::text[]))`, spec, limitSeries);
  const keys = rows[0]?.keys ?? 0;
  const domains = rows.map((r) => r.recipient_domain);
  if (leftOut === null) return { domains, hasOthers: keys > limitSeries };
  const last = rows[limitSeries - 1];
  return last && last.total > leftOut && keys > limitSeries ? { domains, hasOthers: true } : null;
}

/**
 * `folded` for series by recipient domain without reading every domain's every bucket: the top domains (rankDomains) are
 * read by domain from the finest domain rollup whose rows each fall in one bucket (metric_domain_hour for hour-aligned
 * buckets, metric_domain_5m for 5-minute-aligned ones, else metric_minute); "(others)" is each bucket's total from
 * metric_provider_hour or metric_provider_minute less the top ones. One-time filters on the span pick the branch, as in counterRowsSql.
 */
function foldedTopDomainsSql(
  organizationId: string, ranking: { domains: string[]; hasOthers: boolean }, filter: Prisma.Sql, spec: BucketSpec,
): Prisma.Sql {
  const org = Prisma.sql`${organizationId}::uuid`;
  const inSpan = Prisma.sql`m.bucket >= (SELECT lo FROM span) AND m.bucket < (SELECT hi FROM span)`;
  const t = bucketOf(Prisma.sql`m.bucket`, spec);
  const isHourly = isWholeHours(spec.bucket);
  const is5m = bucketSeconds[spec.bucket] % 300 === 0;
  // Each grain reads when the span fits it and no coarser grain was read.
  const hourWhen = Prisma.sql`(SELECT is_hour_aligned FROM span)`;
  const fiveWhen = isHourly ? Prisma.sql`(SELECT is_5m_aligned AND NOT is_hour_aligned FROM span)` : Prisma.sql`(SELECT is_5m_aligned FROM span)`;
  const minuteWhen = is5m ? Prisma.sql`NOT (SELECT is_5m_aligned FROM span)` : Prisma.sql`true`;
  const topRows = (table: Prisma.Sql, when: Prisma.Sql) => Prisma.sql`
    SELECT m.bucket, coalesce(nullif(m.recipient_domain, ''), ${UNKNOWN_KEY}) AS key, m.attempts, m.delivered, m.deferred, m.bounced, m.expired, m.deferred_per_recipient
    FROM ${table} m WHERE ${when} AND m.organization_id = ${org} AND m.recipient_domain = ANY(${ranking.domains}::text[]) AND ${inSpan} ${filter}`;
  const totalRows = (table: Prisma.Sql, when: Prisma.Sql) => Prisma.sql`
    SELECT m.bucket, m.attempts, m.delivered, m.deferred, m.bounced, m.expired, m.deferred_per_recipient
    FROM ${table} m WHERE ${when} AND m.organization_id = ${org} AND ${inSpan} ${filter}`;
  const top: Prisma.Sql[] = [];
  const totals: Prisma.Sql[] = [];
  if (isHourly) {
    top.push(topRows(Prisma.sql`metric_domain_hour`, hourWhen));
    totals.push(totalRows(Prisma.sql`metric_provider_hour`, hourWhen));
  }
  if (is5m) {
    top.push(topRows(Prisma.sql`metric_domain_5m`, fiveWhen));
    totals.push(totalRows(Prisma.sql`metric_provider_minute`, fiveWhen));
  }
  top.push(topRows(Prisma.sql`metric_minute`, minuteWhen));
  totals.push(totalRows(Prisma.sql`metric_provider_minute`, minuteWhen));
  const topDomains = Prisma.sql`top_domains AS (SELECT ${t} AS t, m.key, ${SUMS} FROM (${Prisma.join(top, ' UNION ALL ')}) m GROUP BY 1, 2)`;
  if (!ranking.hasOthers) return Prisma.sql`${topDomains}, folded AS (SELECT * FROM top_domains)`;
  return Prisma.sql`${topDomains},
    other_domains AS (
      SELECT a.t, ${OTHERS_KEY} AS key, a.attempts - coalesce(b.attempts, 0) AS attempts, a.delivered - coalesce(b.delivered, 0) AS delivered,
             a.deferred - coalesce(b.deferred, 0) AS deferred, a.bounced - coalesce(b.bounced, 0) AS bounced,
             a.expired - coalesce(b.expired, 0) AS expired, a.dpr - coalesce(b.dpr, 0) AS dpr
      FROM (SELECT ${t} AS t, ${SUMS} FROM (${Prisma.join(totals, ' UNION ALL ')}) m GROUP BY 1) a
      LEFT JOIN (SELECT t, sum(attempts) AS attempts, sum(delivered) AS delivered, sum(deferred) AS deferred, sum(bounced) AS bounced,
                        sum(expired) AS expired, sum(dpr) AS dpr FROM top_domains GROUP BY t) b USING (t)),
    folded AS (SELECT * FROM top_domains UNION ALL SELECT * FROM other_domains)`;
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
