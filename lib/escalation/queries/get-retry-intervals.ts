import { db } from '@/lib/db/client';

/** Messages sampled at most: the most recently deferred in the window (as getRetryBehaviour samples). */
export const RETRY_SAMPLE_MESSAGES = 1_000;
/** Attempts from this number on are counted together ("8+"). */
const LAST_ATTEMPT_GROUP = 8;

/** Seconds between attempt n−1 and attempt n of the same message: the retry schedule actually used. */
export interface RetryIntervalRow {
  /** 2 = first retry; LAST_ATTEMPT_GROUP stands for that attempt and later ones */
  attempt: number;
  intervals: number;
  minSeconds: number;
  medianSeconds: number;
  p90Seconds: number;
  maxSeconds: number;
}

export interface RetryIntervalsDto {
  sampledMessages: number;
  /** median of every interval in the sample; null without any retry */
  medianSeconds: number | null;
  /** sampled messages attempted from two or more sending IPs */
  rotatedMessages: number;
  maxMessages: number;
  lastAttemptGroup: number;
  rows: RetryIntervalRow[];
}

/**
 * The retry intervals towards a provider by attempt number, and how many messages moved to another sending IP, over a bounded sample: the RETRY_SAMPLE_MESSAGES most recently
 * deferred messages in [from, to) and all their attempts in that range.
 */
export async function getRetryIntervals(organizationId: string, q: { provider: string; from: Date; to: Date }): Promise<RetryIntervalsDto> {
  const org = organizationId;
  const rows = await db().$queryRaw<Array<{ attempt: number | null; n: number; min_s: number; median_s: number; p90_s: number; max_s: number; rotated: number }>>`
    WITH recent AS (
      SELECT source, coalesce(source_host, '') AS host, coalesce(queue_id, message_id) AS q, coalesce(recipient, recipient_domain, '') AS rcpt, occurred_at
      FROM delivery_event
      WHERE organization_id = ${org}::uuid AND provider = ${q.provider} AND occurred_at >= ${q.from} AND occurred_at < ${q.to}
        AND outcome = 'deferred' AND coalesce(queue_id, message_id) IS NOT NULL
      ORDER BY occurred_at DESC, id DESC LIMIT ${RETRY_SAMPLE_MESSAGES * 4}
    ), sample AS (
      SELECT source, host, q, rcpt FROM recent GROUP BY 1, 2, 3, 4 ORDER BY max(occurred_at) DESC, q, rcpt LIMIT ${RETRY_SAMPLE_MESSAGES}
    ), attempts AS (
      SELECT s.source, s.host, s.q, s.rcpt, e.sending_ip,
             least(row_number() OVER w, ${LAST_ATTEMPT_GROUP}) AS attempt,
             extract(epoch FROM e.occurred_at - lag(e.occurred_at) OVER w)::float8 AS gap
      FROM sample s JOIN delivery_event e
        ON e.organization_id = ${org}::uuid AND e.provider = ${q.provider} AND coalesce(e.queue_id, e.message_id) = s.q AND e.occurred_at >= ${q.from} AND e.occurred_at < ${q.to}
       AND e.source = s.source AND coalesce(e.source_host, '') = s.host AND coalesce(e.recipient, e.recipient_domain, '') = s.rcpt
      WINDOW w AS (PARTITION BY s.source, s.host, s.q, s.rcpt ORDER BY e.occurred_at, e.id)
    ), rotated AS (
      SELECT count(*)::int AS n FROM (SELECT 1 FROM attempts GROUP BY source, host, q, rcpt HAVING count(DISTINCT sending_ip) >= 2) r
    )
    SELECT attempt::int AS attempt, count(*)::int AS n, min(gap) AS min_s,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_s, percentile_cont(0.9) WITHIN GROUP (ORDER BY gap) AS p90_s, max(gap) AS max_s,
           (SELECT n FROM rotated) AS rotated
    FROM attempts WHERE gap IS NOT NULL GROUP BY ROLLUP (attempt) ORDER BY 1 NULLS FIRST`;
  const round = (n: number) => Math.round(n * 10) / 10;
  const overall = rows.find((r) => r.attempt === null);
  const perAttempt = rows.flatMap((r) => (r.attempt === null ? [] : [{ ...r, attempt: r.attempt }]));
  const sampled = await db().$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM (
        SELECT source, coalesce(source_host, '') AS host, coalesce(queue_id, message_id) AS q, coalesce(recipient, recipient_domain, '') AS rcpt, occurred_at
        FROM delivery_event
        WHERE organization_id = ${org}::uuid AND provider = ${q.provider} AND occurred_at >= ${q.from} AND occurred_at < ${q.to}
          AND outcome = 'deferred' AND coalesce(queue_id, message_id) IS NOT NULL
        ORDER BY occurred_at DESC, id DESC LIMIT ${RETRY_SAMPLE_MESSAGES * 4}
      ) r GROUP BY source, host, q, rcpt ORDER BY max(occurred_at) DESC, q, rcpt LIMIT ${RETRY_SAMPLE_MESSAGES}
    ) s`;
  return {
    sampledMessages: sampled[0]?.n ?? 0,
    medianSeconds: overall ? round(overall.median_s) : null,
    rotatedMessages: overall?.rotated ?? 0,
    maxMessages: RETRY_SAMPLE_MESSAGES,
    lastAttemptGroup: LAST_ATTEMPT_GROUP,
    rows: perAttempt.map((r) => ({
      attempt: r.attempt,
      intervals: r.n,
      minSeconds: round(r.min_s),
      medianSeconds: round(r.median_s),
      p90Seconds: round(r.p90_s),
      maxSeconds: round(r.max_s),
    })),
  };
}
