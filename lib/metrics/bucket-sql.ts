import { Prisma } from '@/lib/generated/prisma/client';
import { bucketSeconds, type BucketSpec } from './buckets';

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

/** The bucket start a timestamp column falls in, matching gridSql's `t`. */
export function bucketOf(column: Prisma.Sql, spec: BucketSpec): Prisma.Sql {
  return spec.bucket === '1d' ? Prisma.sql`date_trunc('day', ${column}, ${spec.tz})` : Prisma.sql`date_bin(${width(spec)}, ${column}, ${ORIGIN})`;
}

/** The SQL twin of rates.ts deferralRate, over summed counter expressions. */
export function deferralRateSql(attempts: Prisma.Sql, deferred: Prisma.Sql, perRecipient: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${attempts} - ${perRecipient} > 0 THEN (${deferred} - ${perRecipient})::float8 / (${attempts} - ${perRecipient}) END`;
}
