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
 * The span of a `grid` CTE: [lo, hi), and whether every bucket boundary is a whole UTC hour. Only then does each
 * hourly rollup row fall inside one bucket, so summing hourly rows gives exactly what summing minute rows gives
 * (a 1d bucket in a zone offset by half an hour, Asia/Kolkata for one, does not).
 */
export const spanSql = Prisma.sql`SELECT min(t) AS lo, max(t_end) AS hi,
  coalesce(bool_and(t = date_bin(interval '1 hour', t, ${ORIGIN}) AND t_end = date_bin(interval '1 hour', t_end, ${ORIGIN})), false) AS is_hour_aligned
  FROM grid`;

/** Hourly counter rollups (lib/metrics/rollup-sql.ts): metric_hour has no recipient domain, metric_domain_hour no IP and no category. */
export type HourlyCounterTable = 'metric_hour' | 'metric_domain_hour';
const hourlyTables: Record<HourlyCounterTable, Prisma.Sql> = { metric_hour: Prisma.sql`metric_hour`, metric_domain_hour: Prisma.sql`metric_domain_hour` };

/**
 * The hourly rollup that can answer a query grouped by `groupBy` with these filters, or null for metric_minute: buckets
 * of whole hours, and a table with the grouping column and every filtered one (metric_hour lacks the domain,
 * metric_domain_hour the IP).
 */
export function hourlyTableFor(groupBy: 'provider' | 'ip' | 'domain', filters: { ip?: string | undefined; domain?: string | undefined }, bucket: BucketName): HourlyCounterTable | null {
  if (!isWholeHours(bucket)) return null;
  const needsDomain = groupBy === 'domain' || filters.domain !== undefined;
  const needsIp = groupBy === 'ip' || filters.ip !== undefined;
  if (needsDomain && needsIp) return null;
  return needsDomain ? 'metric_domain_hour' : 'metric_hour';
}

/**
 * Counter rows (bucket, key, attempts … deferred_per_recipient) of one organisation within the CTE `span`: from the
 * hourly table when one is given and the span is hour-aligned, else from metric_minute. The branch not taken is a
 * one-time filter that PostgreSQL does not run. `key` and `filters` refer to the rollup as `m` and may only name
 * columns both tables have; the caller picks `hourly` accordingly.
 */
export function counterRowsSql(organizationId: string, hourly: HourlyCounterTable | null, key: Prisma.Sql, filters: Prisma.Sql): Prisma.Sql {
  const rows = (table: Prisma.Sql, when: Prisma.Sql) => Prisma.sql`
    SELECT m.bucket, ${key} AS key, m.attempts, m.delivered, m.deferred, m.bounced, m.expired, m.deferred_per_recipient
    FROM ${table} m
    WHERE ${when} AND m.organization_id = ${organizationId}::uuid AND m.bucket >= (SELECT lo FROM span) AND m.bucket < (SELECT hi FROM span) ${filters}`;
  if (hourly === null) return rows(Prisma.sql`metric_minute`, Prisma.sql`true`);
  return Prisma.sql`${rows(hourlyTables[hourly], Prisma.sql`(SELECT is_hour_aligned FROM span)`)}
    UNION ALL ${rows(Prisma.sql`metric_minute`, Prisma.sql`NOT (SELECT is_hour_aligned FROM span)`)}`;
}

/** The bucket start a timestamp column falls in, matching gridSql's `t`. */
export function bucketOf(column: Prisma.Sql, spec: BucketSpec): Prisma.Sql {
  return spec.bucket === '1d' ? Prisma.sql`date_trunc('day', ${column}, ${spec.tz})` : Prisma.sql`date_bin(${width(spec)}, ${column}, ${ORIGIN})`;
}

/** The SQL twin of rates.ts deferralRate, over summed counter expressions. */
export function deferralRateSql(attempts: Prisma.Sql, deferred: Prisma.Sql, perRecipient: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${attempts} - ${perRecipient} > 0 THEN (${deferred} - ${perRecipient})::float8 / (${attempts} - ${perRecipient}) END`;
}
