import { db } from '@/lib/db/client';

/** Destination MX hosts listed at most, the busiest first. */
export const CONCURRENCY_MAX_HOSTS = 50;
/** Minutes examined: the provider's busiest in the window by the rollup; raw events are read for these minutes only. */
export const CONCURRENCY_MINUTES = 15;

/** Attempts per minute towards one destination MX: an estimate of concurrency (the logs carry no connection counts). */
export interface DestinationConcurrency {
  mxHost: string;
  /** the most attempts in one of the examined minutes */
  maxPerMinute: number;
  /** that minute's start, ISO (the first such minute) */
  busiestMinute: string;
  /** attempts to this MX in the examined minutes */
  attemptsExamined: number;
}

/**
 * The most attempts per minute per destination MX of a provider in [from, to), from delivery_event, over the provider's
 * CONCURRENCY_MINUTES busiest minutes (found in metric_minute): bounded however large the incident. An estimate of
 * concurrency: attempts per minute bound how many connections were busy, they do not count them.
 */
export async function getDestinationConcurrency(organizationId: string, q: { provider: string; from: Date; to: Date }): Promise<DestinationConcurrency[]> {
  const rows = await db().$queryRaw<Array<{ mx_host: string; attempts: number; max_per_minute: number; busiest: Date }>>`
    WITH busiest AS (
      SELECT bucket FROM metric_minute
      WHERE organization_id = ${organizationId}::uuid AND provider = ${q.provider} AND bucket >= ${q.from} AND bucket < ${q.to}
      GROUP BY bucket ORDER BY sum(attempts) DESC, bucket LIMIT ${CONCURRENCY_MINUTES}
    ), per_minute AS (
      SELECT coalesce(e.mx_host, '(unknown)') AS mx_host, b.bucket AS m, count(*) AS n
      FROM busiest b JOIN delivery_event e
        ON e.organization_id = ${organizationId}::uuid AND e.provider = ${q.provider} AND e.occurred_at >= b.bucket AND e.occurred_at < b.bucket + interval '1 minute'
      GROUP BY 1, 2
    ), ranked AS (
      SELECT mx_host, m, n, row_number() OVER (PARTITION BY mx_host ORDER BY n DESC, m) AS rank FROM per_minute
    )
    SELECT mx_host, sum(n)::int AS attempts, max(n)::int AS max_per_minute, min(m) FILTER (WHERE rank = 1) AS busiest
    FROM ranked GROUP BY mx_host ORDER BY max(n) DESC, mx_host LIMIT ${CONCURRENCY_MAX_HOSTS}`;
  return rows.map((r) => ({ mxHost: r.mx_host, maxPerMinute: r.max_per_minute, busiestMinute: r.busiest.toISOString(), attemptsExamined: r.attempts }));
}
