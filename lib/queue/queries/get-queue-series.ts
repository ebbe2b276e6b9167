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
  /** A whole number of minutes: the reconstruction keeps minute, hour and day rollups. */
  bucketSeconds: number;
  provider?: string;
  ip?: string;
  /** Callers that only need depth skip the oldest-message age. */
  withOldestAge?: boolean;
}

function dims(provider?: string, ip?: string): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (provider) parts.push(Prisma.sql`AND provider = ${provider}`);
  if (ip) parts.push(Prisma.sql`AND sending_ip = ${ip}`);
  return parts.length ? Prisma.join(parts, ' ') : Prisma.empty;
}

interface Level {
  seconds: number;
  delta: Prisma.Sql;
  oldest: Prisma.Sql;
}

// Closed map, finest first: the rollups lib/queue/queue-sql.ts keeps.
const levels: Level[] = [
  { seconds: 60, delta: Prisma.sql`queue_delta_minute`, oldest: Prisma.sql`queue_oldest_minute` },
  { seconds: 3_600, delta: Prisma.sql`queue_delta_hour`, oldest: Prisma.sql`queue_oldest_hour` },
  { seconds: 86_400, delta: Prisma.sql`queue_delta_day`, oldest: Prisma.sql`queue_oldest_day` },
];

interface Piece {
  level: Level;
  /** Bucket range [lo, hi) of the level's rows, in epoch ms; null is unbounded. */
  lo: number | null;
  hi: number | null;
}

/**
 * [lo, hi) cut into pieces of whole buckets of the coarsest usable level, finer levels at the edges. lo is minute-aligned;
 * hi need not be (the minute piece then ends with the minute holding hi, as `bucket < hi` reads it).
 */
function levelPieces(lo: number | null, hi: number | null, usable: readonly Level[] = levels): Piece[] {
  const coarse = usable.at(-1);
  if (!coarse) return [];
  if (lo !== null && hi !== null && lo >= hi) return [];
  const finer = usable.slice(0, -1);
  if (finer.length === 0) return [{ level: coarse, lo, hi }];
  const widthMs = coarse.seconds * 1000;
  const a = lo === null ? null : Math.ceil(lo / widthMs) * widthMs;
  const b = hi === null ? null : Math.floor(hi / widthMs) * widthMs;
  if (a !== null && b !== null && a >= b) return levelPieces(lo, hi, finer);
  return [...(lo === null ? [] : levelPieces(lo, a, finer)), { level: coarse, lo: a, hi: b }, ...(b === null ? [] : levelPieces(b, hi, finer))];
}

function pieceRows(organizationId: string, ps: Piece[], table: 'delta' | 'oldest', columns: Prisma.Sql, filter: Prisma.Sql): Prisma.Sql {
  if (ps.length === 0) return Prisma.sql`SELECT NULL::timestamptz AS bucket, ${table === 'delta' ? Prisma.sql`0 AS delta, 0 AS aged_out` : Prisma.sql`NULL::timestamptz AS oldest_first_seen_at`} WHERE false`;
  return Prisma.join(
    ps.map((p) => {
      const lo = p.lo === null ? Prisma.empty : Prisma.sql`AND bucket >= ${new Date(p.lo)}`;
      const hi = p.hi === null ? Prisma.empty : Prisma.sql`AND bucket < ${new Date(p.hi)}`;
      return Prisma.sql`SELECT bucket, ${columns} FROM ${p.level[table]} WHERE organization_id = ${organizationId}::uuid ${lo} ${hi} ${filter}`;
    }),
    ' UNION ALL ',
  );
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
  if (f.bucketSeconds % 60 !== 0) throw new Error(`queue buckets are whole minutes, not ${f.bucketSeconds} s`);
  const widthMs = f.bucketSeconds * 1000;
  const first = Math.floor(f.from.getTime() / widthMs) * widthMs;
  const last = Math.ceil(f.to.getTime() / widthMs) * widthMs - widthMs;
  const fitting = levels.filter((l) => f.bucketSeconds % l.seconds === 0);
  const deltas = Prisma.sql`delta, aged_out`;
  const oldest = Prisma.sql`oldest_first_seen_at`;
  // Depth at a bucket's end: every change before the range (days, then hours and minutes), plus the changes of the
  // buckets up to it. The oldest queued message at a bucket end T is the earliest arrival among those leaving after T:
  // rows of the buckets after it, and of everything after the last bucket end. Both read rollups, never message_state.
  const rows = await db().$queryRaw<Array<{ t: Date; depth: bigint; oldest: Date | null }>>(Prisma.sql`
    WITH buckets AS (
      SELECT generate_series(${new Date(first)}::timestamptz, ${new Date(last)}::timestamptz, ${interval}::interval) AS t
    ), base AS (
      SELECT coalesce(sum(delta), 0)::bigint AS v FROM (${pieceRows(organizationId, levelPieces(null, first), 'delta', deltas, filter)}) x
    ), d AS (
      SELECT date_bin(${interval}::interval, bucket, 'epoch'::timestamptz) AS t, sum(delta)::bigint AS delta
      FROM (${pieceRows(organizationId, levelPieces(first, f.to.getTime(), fitting), 'delta', deltas, filter)}) x GROUP BY 1
    ), leaving AS (
      ${f.withOldestAge === false ? Prisma.sql`SELECT NULL::timestamptz AS t, NULL::timestamptz AS oldest WHERE false` : Prisma.sql`
      SELECT date_bin(${interval}::interval, bucket, 'epoch'::timestamptz) - ${interval}::interval AS t, min(oldest_first_seen_at) AS oldest
      FROM (${pieceRows(organizationId, levelPieces(first + widthMs, last + widthMs, fitting), 'oldest', oldest, filter)}) x GROUP BY 1
      UNION ALL
      SELECT ${new Date(last)}::timestamptz, min(oldest_first_seen_at) FROM (${pieceRows(organizationId, levelPieces(last + widthMs, null), 'oldest', oldest, filter)}) x`}
    ), per AS (
      SELECT t, min(oldest) AS oldest FROM leaving GROUP BY t
    )
    SELECT b.t, ((SELECT v FROM base) + sum(coalesce(d.delta, 0)) OVER (ORDER BY b.t))::bigint AS depth,
           min(p.oldest) OVER (ORDER BY b.t DESC) AS oldest
    FROM buckets b LEFT JOIN d ON d.t = b.t LEFT JOIN per p ON p.t = b.t ORDER BY b.t`);
  const aged = await countAgedOut(organizationId, f.from, f.to, filter);
  return {
    source: 'reconstructed',
    bucketSeconds: f.bucketSeconds,
    lifetimeSeconds,
    agedOutInRange: aged,
    points: rows.map((r) => {
      const end = r.t.getTime() + widthMs;
      // An earliest arrival after the bucket end means nothing was queued at it.
      const isQueued = r.oldest !== null && r.oldest.getTime() <= end;
      return { t: r.t.toISOString(), depth: Number(r.depth), oldestAgeSeconds: isQueued ? Math.max(0, Math.round((end - r.oldest!.getTime()) / 1000)) : null };
    }),
  };
}

const MINUTE_MS = 60_000;

/** Messages whose lifetime ran out in [from, to): whole minutes from the rollups, the partial minutes at the ends from message_state. */
async function countAgedOut(organizationId: string, from: Date, to: Date, filter: Prisma.Sql): Promise<number> {
  const lo = Math.ceil(from.getTime() / MINUTE_MS) * MINUTE_MS;
  const hi = Math.floor(to.getTime() / MINUTE_MS) * MINUTE_MS;
  const exact = (a: Date, b: Date) => Prisma.sql`SELECT count(*)::bigint AS n FROM message_state
    WHERE organization_id = ${organizationId}::uuid AND final_at IS NULL AND ends_at >= ${a} AND ends_at < ${b} ${filter}`;
  const parts =
    lo < hi
      ? Prisma.sql`${exact(from, new Date(lo))} UNION ALL ${exact(new Date(hi), to)}
          UNION ALL SELECT coalesce(sum(aged_out), 0)::bigint FROM (${pieceRows(organizationId, levelPieces(lo, hi), 'delta', Prisma.sql`delta, aged_out`, filter)}) x`
      : exact(from, to);
  const rows = await db().$queryRaw<Array<{ n: bigint }>>`SELECT coalesce(sum(n), 0)::bigint AS n FROM (${parts}) x`;
  return Number(rows[0]?.n ?? 0);
}
