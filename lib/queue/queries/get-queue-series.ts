import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';

export interface QueuePoint {
  /** Start of the bucket; depth and age are as at its end. */
  t: string;
  /** null where the MTA sent no sample for the bucket (a gap, not an empty queue). */
  depth: number | null;
  oldestAgeSeconds: number | null;
}

export interface QueueSeriesDto {
  /** `reported` when the MTA sent queue samples for this range (preferred), else `reconstructed` from message lifecycles. */
  source: 'reported' | 'reconstructed';
  bucketSeconds: number;
  /** Messages whose fate was never seen stop counting this long after they arrived. */
  lifetimeSeconds: number;
  /** Messages that left the queue in this range only because their lifetime ran out. */
  agedOutInRange: number;
  points: QueuePoint[];
}

export interface QueueFilter {
  from: Date;
  to: Date;
  bucketSeconds: number;
  provider?: string;
  ip?: string;
  /** Oldest-message age costs one index probe per bucket; callers that only need depth skip it. */
  withOldestAge?: boolean;
}

function dims(provider?: string, ip?: string): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (provider) parts.push(Prisma.sql`AND provider = ${provider}`);
  if (ip) parts.push(Prisma.sql`AND sending_ip = ${ip}`);
  return parts.length ? Prisma.join(parts, ' ') : Prisma.empty;
}

/**
 * Queue depth and oldest-message age over time for a provider and/or sending IP. Buckets are
 * gap-filled in SQL; gauges are never summed across time, they are read at each bucket's end.
 */
export async function getQueueSeries(organizationId: string, f: QueueFilter, lifetimeSeconds: number): Promise<QueueSeriesDto> {
  const interval = `${f.bucketSeconds} seconds`;
  const filter = dims(f.provider, f.ip);
  const reported = await db().$queryRaw<Array<{ t: Date; depth: number | null; oldest: number | null }>>`
    WITH buckets AS (
      SELECT generate_series(date_bin(${interval}::interval, ${f.from}::timestamptz, 'epoch'::timestamptz), ${f.to}::timestamptz - interval '1 microsecond', ${interval}::interval) AS t
    ), binned AS (
      SELECT date_bin(${interval}::interval, sampled_at, 'epoch'::timestamptz) AS t, sampled_at, source, provider, sending_ip, depth, oldest_age_seconds
      FROM queue_sample
      WHERE organization_id = ${organizationId}::uuid AND sampled_at >= ${f.from} AND sampled_at < ${f.to} ${filter}
    ), latest AS (
      SELECT DISTINCT ON (t, source, provider, sending_ip) t, depth, oldest_age_seconds
      FROM binned ORDER BY t, source, provider, sending_ip, sampled_at DESC
    )
    SELECT b.t, sum(l.depth)::int AS depth, max(l.oldest_age_seconds)::int AS oldest
    FROM buckets b LEFT JOIN latest l ON l.t = b.t GROUP BY b.t ORDER BY b.t`;
  if (reported.some((r) => r.depth !== null)) {
    return {
      source: 'reported',
      bucketSeconds: f.bucketSeconds,
      lifetimeSeconds,
      agedOutInRange: 0,
      points: reported.map((r) => ({ t: r.t.toISOString(), depth: r.depth, oldestAgeSeconds: r.oldest })),
    };
  }
  const rows = await db().$queryRaw<Array<{ t: Date; depth: bigint; oldest: Date | null }>>`
    WITH buckets AS (
      SELECT generate_series(date_bin(${interval}::interval, ${f.from}::timestamptz, 'epoch'::timestamptz), ${f.to}::timestamptz - interval '1 microsecond', ${interval}::interval) AS t
    ), base AS (
      SELECT coalesce(sum(delta), 0)::bigint AS v FROM queue_delta_minute
      WHERE organization_id = ${organizationId}::uuid AND bucket < (SELECT min(t) FROM buckets) ${filter}
    ), d AS (
      SELECT date_bin(${interval}::interval, bucket, 'epoch'::timestamptz) AS t, sum(delta)::bigint AS delta FROM queue_delta_minute
      WHERE organization_id = ${organizationId}::uuid AND bucket >= (SELECT min(t) FROM buckets) AND bucket < ${f.to} ${filter}
      GROUP BY 1
    )
    SELECT b.t, ((SELECT v FROM base) + sum(coalesce(d.delta, 0)) OVER (ORDER BY b.t))::bigint AS depth,
           ${f.withOldestAge === false ? Prisma.sql`NULL::timestamptz` : Prisma.sql`(SELECT min(m.first_seen_at) FROM message_state m
             WHERE m.organization_id = ${organizationId}::uuid AND m.ends_at > b.t + ${interval}::interval
               AND m.first_seen_at <= b.t + ${interval}::interval ${filter})`} AS oldest
    FROM buckets b LEFT JOIN d ON d.t = b.t ORDER BY b.t`;
  const aged = await db().$queryRaw<Array<{ n: bigint }>>`
    SELECT count(*)::bigint AS n FROM message_state
    WHERE organization_id = ${organizationId}::uuid AND final_at IS NULL AND ends_at >= ${f.from} AND ends_at < ${f.to} ${filter}`;
  return {
    source: 'reconstructed',
    bucketSeconds: f.bucketSeconds,
    lifetimeSeconds,
    agedOutInRange: Number(aged[0]?.n ?? 0),
    points: rows.map((r) => {
      const end = r.t.getTime() + f.bucketSeconds * 1000;
      return { t: r.t.toISOString(), depth: Number(r.depth), oldestAgeSeconds: r.oldest ? Math.max(0, Math.round((end - r.oldest.getTime()) / 1000)) : null };
    }),
  };
}
