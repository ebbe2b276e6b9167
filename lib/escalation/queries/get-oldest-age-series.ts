import { db } from '@/lib/db/client';

/**
 * Age in seconds of the oldest queued message to a provider at the end of each bucket (bucket starts as given, ISO), from
 * message lifecycles: one grouped pass over message_state instead of one probe per bucket. At a bucket's end T the oldest
 * message is the earliest arrival among messages whose queue time ends after T; null when none had arrived by T.
 */
export async function getOldestAgeSeries(organizationId: string, q: { provider: string; from: Date; to: Date; bucketSeconds: number; bucketStarts: string[] }): Promise<Array<number | null>> {
  const interval = `${q.bucketSeconds} seconds`;
  // k: the start of the bucket whose end is the last bucket end before ends_at (k < ends_at <= k + width), so
  // "ends after the end of bucket t" is exactly k > t.
  const rows = await db().$queryRaw<Array<{ k: Date; first: Date }>>`
    SELECT date_bin(${interval}::interval, ends_at - interval '1 microsecond', 'epoch'::timestamptz) AS k, min(first_seen_at) AS first
    FROM message_state
    WHERE organization_id = ${organizationId}::uuid AND provider = ${q.provider} AND ends_at > ${q.from} AND first_seen_at < ${q.to}
    GROUP BY 1 ORDER BY 1`;
  const suffixMin: number[] = new Array<number>(rows.length);
  let min = Number.POSITIVE_INFINITY;
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    min = Math.min(min, rows[i]!.first.getTime());
    suffixMin[i] = min;
  }
  const widthMs = q.bucketSeconds * 1000;
  let i = 0;
  return q.bucketStarts.map((start) => {
    const t = Date.parse(start);
    while (i < rows.length && rows[i]!.k.getTime() <= t) i += 1;
    const oldest = suffixMin[i];
    const end = t + widthMs;
    return oldest !== undefined && oldest <= end ? Math.max(0, Math.round((end - oldest) / 1000)) : null;
  });
}
