import { Prisma } from '@/lib/generated/prisma/client';
import { bucketSeconds, isWholeHours, type BucketName, type BucketSpec } from './buckets';

// Sub-day buckets are aligned on UTC epochs (origin 2000-01-01 00:00 UTC, a multiple of every width);
// day buckets start at local midnight in the spec's time zone, computed by PostgreSQL's tz database
// with AT TIME ZONE, so a 23 h or 25 h DST day stays one bucket.
const ORIGIN = Prisma.sql`TIMESTAMPTZ '2000-01-01 00:00:00+00'`;

function width(spec: BucketSpec): Prisma.Sql {
  return Prisma.sql`(${bucketSeconds[spec.bucket]}::int * interval '1 second')`;
}

/** A query returning one row (t, t_end) per bucket overlapping [from, to), in order: the gap-filling grid. */
export function gridSql(spec: BucketSpec): Prisma.Sql {
  if (spec.bucket === '1d') {
    return Prisma.sql`SELECT (d AT TIME ZONE ${spec.tz}) AS t, ((d + interval '1 day') AT TIME ZONE ${spec.tz}) AS t_end
      FROM generate_series(date_trunc('day', ${spec.from}::timestamptz AT TIME ZONE ${spec.tz}),
                           (${spec.to}::timestamptz - interval '1 millisecond') AT TIME ZONE ${spec.tz}, interval '1 day') AS d`;
  }
  return Prisma.sql`SELECT t, t + ${width(spec)} AS t_end
    FROM generate_series(date_bin(${width(spec)}, ${spec.from}::timestamptz, ${ORIGIN}),
                         ${spec.to}::timestamptz - interval '1 millisecond', ${width(spec)}) AS t`;
}

/**
 * The span of a `grid` CTE: [lo, hi), and whether every bucket boundary is a whole 5 minutes (UTC hour, day). Only then
 * does each 5-minute (hourly, daily) rollup row fall inside one bucket, so summing those rows gives exactly what summing
 * minute rows gives (a 1d bucket in a zone offset by half an hour, Asia/Kolkata for one, is 5-minute but not hour-aligned).
 */
export const spanSql = Prisma.sql`SELECT min(t) AS lo, max(t_end) AS hi,
  coalesce(bool_and(t = date_bin(interval '5 minutes', t, ${ORIGIN}) AND t_end = date_bin(interval '5 minutes', t_end, ${ORIGIN})), false) AS is_5m_aligned,
  coalesce(bool_and(t = date_bin(interval '1 hour', t, ${ORIGIN}) AND t_end = date_bin(interval '1 hour', t_end, ${ORIGIN})), false) AS is_hour_aligned,
  coalesce(bool_and(t = date_bin(interval '1 day', t, ${ORIGIN}) AND t_end = date_bin(interval '1 day', t_end, ${ORIGIN})), false) AS is_day_aligned
  FROM grid`;

/**
 * Hourly counter rollups (lib/metrics/rollup-sql.ts): metric_provider_hour has the provider only, metric_hour no recipient
 * domain, metric_domain_hour no IP and no category.
 */
export type HourlyCounterTable = 'metric_provider_hour' | 'metric_hour' | 'metric_domain_hour';

/**
 * The smallest hourly rollup that can answer a query grouped by `groupBy` with these filters, or null for the minute
 * rollups: buckets of whole hours, and a table with the grouping column and every filtered one (metric_hour lacks the
 * domain, metric_domain_hour the IP, metric_provider_hour both).
 */
export function hourlyTableFor(groupBy: 'provider' | 'ip' | 'domain', filters: { ip?: string | undefined; domain?: string | undefined }, bucket: BucketName): HourlyCounterTable | null {
  if (!isWholeHours(bucket)) return null;
  const needsDomain = groupBy === 'domain' || filters.domain !== undefined;
  const needsIp = groupBy === 'ip' || filters.ip !== undefined;
  if (needsDomain && needsIp) return null;
  return needsDomain ? 'metric_domain_hour' : needsIp ? 'metric_hour' : 'metric_provider_hour';
}

/** Daily counter rollups: metric_domain_day, the daily sums of metric_domain_hour. */
export type DailyCounterTable = 'metric_domain_day';

/** The daily rollup that can answer a query of day buckets, or null: one exists only beside metric_domain_hour. */
export function dailyTableFor(groupBy: 'provider' | 'ip' | 'domain', filters: { ip?: string | undefined; domain?: string | undefined }, bucket: BucketName): DailyCounterTable | null {
  return bucket === '1d' && hourlyTableFor(groupBy, filters, bucket) === 'metric_domain_hour' ? 'metric_domain_day' : null;
}

/**
 * Per-minute counter rollups: metric_provider_minute has the provider only (one row a minute per provider), metric_ip_minute
 * no recipient domain (a few rows a minute), metric_minute every dimension.
 */
export type MinuteCounterTable = 'metric_minute' | 'metric_ip_minute' | 'metric_provider_minute';

/** 5-minute counter rollups: metric_ip_5m has no recipient domain, metric_domain_5m no IP. */
export type FiveMinuteCounterTable = 'metric_ip_5m' | 'metric_domain_5m';

/**
 * The 5-minute rollup that can answer a query grouped by `groupBy` with these filters, or null: buckets of whole 5 minutes,
 * and a table with the grouping column and every filtered one; by provider alone metric_provider_minute is as small.
 */
export function fiveMinuteTableFor(groupBy: 'provider' | 'ip' | 'domain', filters: { ip?: string | undefined; domain?: string | undefined }, bucket: BucketName): FiveMinuteCounterTable | null {
  if (bucketSeconds[bucket] % 300 !== 0) return null;
  const needsDomain = groupBy === 'domain' || filters.domain !== undefined;
  const needsIp = groupBy === 'ip' || filters.ip !== undefined;
  if (needsDomain === needsIp) return null;
  return needsDomain ? 'metric_domain_5m' : 'metric_ip_5m';
}

/** The rollups a query grouped by `groupBy` with these filters reads, finest first. */
export interface CounterTables {
  minute: MinuteCounterTable;
  fiveMinute: FiveMinuteCounterTable | null;
  hourly: HourlyCounterTable | null;
  daily: DailyCounterTable | null;
}

/** The smallest rollup of each grain that has the grouping column and every filtered one. */
export function counterTablesFor(groupBy: 'provider' | 'ip' | 'domain', filters: { ip?: string | undefined; domain?: string | undefined }, bucket: BucketName): CounterTables {
  const needsDomain = groupBy === 'domain' || filters.domain !== undefined;
  const needsIp = groupBy === 'ip' || filters.ip !== undefined;
  const minute = needsDomain ? 'metric_minute' : needsIp ? 'metric_ip_minute' : 'metric_provider_minute';
  return { minute, fiveMinute: fiveMinuteTableFor(groupBy, filters, bucket), hourly: hourlyTableFor(groupBy, filters, bucket), daily: dailyTableFor(groupBy, filters, bucket) };
}

/**
 * Counter rows (bucket, key, attempts … deferred_per_recipient) of one organisation within the CTE `span`, from the
 * coarsest of the tables whose rows each fall inside one bucket: the daily table when the span is day-aligned, else the
 * hourly one when hour-aligned, else the 5-minute one when 5-minute-aligned, else the minute table. The branches not taken
 * are one-time filters that PostgreSQL does not run. `key` and `filters` refer to the rollup as `m` and may only name
 * columns all the tables have; counterTablesFor picks them accordingly.
 */
export function counterRowsSql(organizationId: string, tables: CounterTables, key: Prisma.Sql, filters: Prisma.Sql): Prisma.Sql {
  const rows = (table: string, when: Prisma.Sql) => Prisma.sql`
    SELECT m.bucket, ${key} AS key, m.attempts, m.delivered, m.deferred, m.bounced, m.expired, m.deferred_per_recipient
    FROM ${Prisma.raw(table)} m
    WHERE ${when} AND m.organization_id = ${organizationId}::uuid AND m.bucket >= (SELECT lo FROM span) AND m.bucket < (SELECT hi FROM span) ${filters}`;
  // Coarsest first, each with the span flag under which its rows fit the buckets (each flag implies the finer ones).
  const tiers: Array<[table: string, flag: string]> = [];
  if (tables.daily !== null) tiers.push([tables.daily, 'is_day_aligned']);
  if (tables.hourly !== null) tiers.push([tables.hourly, 'is_hour_aligned']);
  if (tables.fiveMinute !== null) tiers.push([tables.fiveMinute, 'is_5m_aligned']);
  const branches = tiers.map(([table, flag], i) => {
    const coarser = tiers[i - 1];
    return rows(table, Prisma.raw(`(SELECT ${flag}${coarser ? ` AND NOT ${coarser[1]}` : ''} FROM span)`));
  });
  const finest = tiers.at(-1);
  branches.push(rows(tables.minute, finest ? Prisma.raw(`NOT (SELECT ${finest[1]} FROM span)`) : Prisma.sql`true`));
  return Prisma.join(branches, ' UNION ALL ');
}

/** Start of metric_domain_week's weeks: a Monday 00:00 UTC. */
const WEEK_ORIGIN = Prisma.sql`TIMESTAMPTZ '2000-01-03 00:00:00+00'`;

/** The grains of the recipient-domain rollups coarser than a minute, finest first: cut columns, width, origin. */
const domainGrains: ReadonlyArray<[first: string, last: string, width: string, origin: Prisma.Sql]> = [
  ['f1', 'f2', '5 minutes', ORIGIN],
  ['h1', 'h2', '1 hour', ORIGIN],
  ['d1', 'd2', '1 day', ORIGIN],
  ['w1', 'w2', '7 days', WEEK_ORIGIN],
];

/**
 * The CTE `cuts` of a `span` for the recipient-domain rollups, nested: [f1, f2) is the whole 5 minutes inside [lo, hi),
 * [h1, h2) the whole UTC hours inside [f1, f2), [d1, d2) the whole UTC days inside that and [w1, w2) the whole weeks from
 * Monday 00:00 UTC inside that. Where no unit of a grain fits, both its cuts are the end of the grain outside it, so the
 * finer grain covers the whole piece. [lo, f1), [f1, h1), [h1, d1), [d1, w1), [w1, w2), [w2, d2), [d2, h2), [h2, f2) and
 * [f2, hi) are then disjoint and cover [lo, hi).
 */
export const domainCutsSql = (() => {
  let outer: [string, string] = ['s.lo', 's.hi'];
  const joins: Prisma.Sql[] = [];
  for (const [first, last, width, origin] of domainGrains) {
    const [a, b] = outer;
    const g = Prisma.raw(`interval '${width}'`);
    const ceil = Prisma.sql`date_bin(${g}, ${Prisma.raw(a)} - interval '1 microsecond', ${origin}) + ${g}`;
    const floor = Prisma.sql`date_bin(${g}, ${Prisma.raw(b)}, ${origin})`;
    joins.push(Prisma.sql`CROSS JOIN LATERAL (SELECT CASE WHEN ${ceil} < ${floor} THEN ${ceil} ELSE ${Prisma.raw(b)} END AS ${Prisma.raw(first)},
      CASE WHEN ${ceil} < ${floor} THEN ${floor} ELSE ${Prisma.raw(b)} END AS ${Prisma.raw(last)}) ${Prisma.raw(first[0] ?? '')}`);
    outer = [`${first[0]}.${first}`, `${first[0]}.${last}`];
  }
  return Prisma.sql`SELECT s.lo, s.hi, f.f1, f.f2, h.h1, h.h2, d.d1, d.d2, w.w1, w.w2 FROM span s ${Prisma.join(joins, ' ')}`;
})();

/**
 * Counter rows (recipient_domain, attempts … deferred_per_recipient) of one organisation covering the span of the CTE
 * `cuts` exactly, each cut from the coarsest rollup it fits: a few rows per domain where metric_minute has one per
 * minute, IP and category. `filters` refer to the rollup as `m` and may only name the provider or the recipient domain.
 */
export function domainSpanRowsSql(organizationId: string, filters: Prisma.Sql): Prisma.Sql {
  const rows = (table: string, lo: string, hi: string) => Prisma.sql`
    SELECT m.recipient_domain, m.attempts, m.delivered, m.deferred, m.bounced, m.expired, m.deferred_per_recipient FROM ${Prisma.raw(table)} m
    WHERE m.organization_id = ${organizationId}::uuid AND m.bucket >= (SELECT ${Prisma.raw(lo)} FROM cuts) AND m.bucket < (SELECT ${Prisma.raw(hi)} FROM cuts) ${filters}`;
  return Prisma.sql`${rows('metric_domain_week', 'w1', 'w2')}
    UNION ALL ${rows('metric_domain_day', 'd1', 'w1')} UNION ALL ${rows('metric_domain_day', 'w2', 'd2')}
    UNION ALL ${rows('metric_domain_hour', 'h1', 'd1')} UNION ALL ${rows('metric_domain_hour', 'd2', 'h2')}
    UNION ALL ${rows('metric_domain_5m', 'f1', 'h1')} UNION ALL ${rows('metric_domain_5m', 'h2', 'f2')}
    UNION ALL ${rows('metric_minute', 'lo', 'f1')} UNION ALL ${rows('metric_minute', 'f2', 'hi')}`;
}

/** The bucket start a timestamp column falls in, matching gridSql's `t`. */
export function bucketOf(column: Prisma.Sql, spec: BucketSpec): Prisma.Sql {
  return spec.bucket === '1d' ? Prisma.sql`date_trunc('day', ${column}, ${spec.tz})` : Prisma.sql`date_bin(${width(spec)}, ${column}, ${ORIGIN})`;
}

/** The SQL twin of rates.ts deferralRate, over summed counter expressions. */
export function deferralRateSql(attempts: Prisma.Sql, deferred: Prisma.Sql, perRecipient: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${attempts} - ${perRecipient} > 0 THEN (${deferred} - ${perRecipient})::float8 / (${attempts} - ${perRecipient}) END`;
}
