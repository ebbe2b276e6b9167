/**
 * Queue reconstruction from message lifecycles. Each message (source + host + queue id or message id
 * + recipient) is queued from its arrival (first attempt time minus the MTA's reported delay) until
 * its final outcome, or until the maximal queue lifetime passes when its fate is never seen.
 * queue_delta_minute holds +1/-1 at those minutes (and the lifetime ends, aged_out); depth at t is the
 * running sum. queue_delta_hour and queue_delta_day hold the same sums per UTC hour and day.
 *
 * queue_oldest_minute holds, per minute in which messages leave the queue, the earliest arrival among them
 * (only messages queued at some minute boundary, the only ones a bucket end can see): the oldest message queued
 * at a minute-aligned T is the earliest arrival among rows from T on, when that arrival is at or before T.
 * A minimum cannot be updated by subtraction, so each minute a batch touches is recomputed: the stored
 * messages leaving in it, less those the batch changes, plus their new versions. queue_oldest_hour and
 * queue_oldest_day are the minima of their minutes and hours, recomputed the same way.
 *
 * The same statement serves the ingest transaction (source `ingest_inserted`, the rows just stored)
 * and the rebuild (source `delivery_event`). When a message's interval changes, its old interval is
 * taken out and the new one put in. Callers hold the organisation's queue lock so concurrent batches
 * fold one after the other. `source` is a trusted relation name, never input.
 */
type Source = 'ingest_inserted' | 'delivery_event';

export const QUEUE_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('queue-fold:' || $1::text, 0))`;

/** UTC-aligned origin of every bucket, as in lib/metrics (date_bin does not depend on the session time zone). */
const ORIGIN = `TIMESTAMPTZ '2000-01-01 00:00:00+00'`;
/** The minute b with b < ends_at <= b + 1 minute: a message leaving in it is still queued at b, and no longer at b + 1 minute. */
const LEAVES_MINUTE = `date_bin(interval '1 minute', ends_at - interval '1 microsecond', ${ORIGIN})`;

/**
 * A new message (of `lives`) that the queue never shows, so message_state keeps no row of it: final, never deferred, its
 * arrival and final outcome in the same minute and after that minute's start (queued at no minute boundary: its
 * +1 and -1 cancel in queue_delta_minute and no bucket end sees it in queue_oldest_*), and every attempt's delay
 * reported. A delay of a minute or less leaves no room for an earlier attempt arriving in a later batch; where the
 * delay is unknown (webhooks), arrival is the attempt itself and an earlier attempt could still come, so the row is
 * kept. Most messages are delivered at their first attempt within seconds: this keeps message_state to the messages
 * that were ever queued at a minute's start, deferred, or are still waiting (detection and the retry analysis read
 * only deferred ones), and halves the fold's time. A later attempt under the same key (a queue id reused for the same
 * recipient) then starts a message of its own, where a rebuild, folding every event of the key at once, merges them.
 */
const PASSED_UNSEEN = `final_at IS NOT NULL AND deferrals = 0 AND delays_known
  AND date_trunc('minute', first_seen) = date_trunc('minute', final_at)
  AND first_seen > date_bin(interval '1 minute', final_at - interval '1 microsecond', ${ORIGIN})`;

/** Adds the statement's minute_deltas, summed into `table`'s buckets, to `table`. */
function deltaUpsert(table: string, bucket: string): string {
  return `INSERT INTO ${table} AS q (organization_id, bucket, provider, sending_ip, delta, aged_out)
  SELECT $1::uuid, ${bucket}, provider, sending_ip, sum(d), sum(aged) FROM minute_deltas
  GROUP BY 2, 3, 4 HAVING sum(d) <> 0 OR sum(aged) <> 0 ORDER BY 2, 3, 4
  ON CONFLICT (organization_id, bucket, provider, sending_ip) DO UPDATE SET delta = q.delta + EXCLUDED.delta, aged_out = q.aged_out + EXCLUDED.aged_out`;
}

/**
 * New minima of the `width` buckets that hold a recomputed finer bucket: the finer table's stored rows of those buckets,
 * less the recomputed ones, plus their new values (NULL when no message is left in them).
 */
function oldestRollup(finerTable: string, finerNew: string, width: string): string {
  return `SELECT date_bin(interval '${width}', b, ${ORIGIN}) AS b, provider, sending_ip, min(oldest) AS oldest FROM (
    SELECT b, provider, sending_ip, oldest FROM ${finerNew}
    UNION ALL
    SELECT f.bucket, f.provider, f.sending_ip, f.oldest_first_seen_at
    FROM (SELECT DISTINCT date_bin(interval '${width}', b, ${ORIGIN}) AS c, provider, sending_ip FROM ${finerNew}) k
    CROSS JOIN LATERAL (
      -- one primary-key range per bucket, never a scan of the whole finer table
      SELECT * FROM ${finerTable} f
      WHERE f.organization_id = $1::uuid AND f.bucket >= k.c AND f.bucket < k.c + interval '${width}' AND f.provider = k.provider AND f.sending_ip = k.sending_ip
      OFFSET 0) f
    WHERE NOT EXISTS (SELECT 1 FROM ${finerNew} n WHERE n.b = f.bucket AND n.provider = f.provider AND n.sending_ip = f.sending_ip)
  ) x GROUP BY 1, 2, 3`;
}

/** Stores recomputed minima: a bucket left without a message loses its row. */
function oldestWrites(table: string, recomputed: string): string {
  return `${table}_write AS (
  INSERT INTO ${table} AS q (organization_id, bucket, provider, sending_ip, oldest_first_seen_at)
  SELECT $1::uuid, b, provider, sending_ip, oldest FROM ${recomputed} WHERE oldest IS NOT NULL ORDER BY 2, 3, 4
  ON CONFLICT (organization_id, bucket, provider, sending_ip) DO UPDATE SET oldest_first_seen_at = EXCLUDED.oldest_first_seen_at
), ${table}_clear AS (
  DELETE FROM ${table} q USING ${recomputed} n
  WHERE q.organization_id = $1::uuid AND q.bucket = n.b AND q.provider = n.provider AND q.sending_ip = n.sending_ip AND n.oldest IS NULL
)`;
}

/** Every table the fold writes besides message_state, which the rebuild empties before folding all events again. */
export const queueRollupTables = ['queue_delta_minute', 'queue_delta_hour', 'queue_delta_day', 'queue_oldest_minute', 'queue_oldest_hour', 'queue_oldest_day'] as const;

export function queueFoldSql(source: Source): string {
  const orgFilter = source === 'delivery_event' ? 'AND organization_id = $1::uuid' : '';
  // A batch's messages are few: NOT IN over their keys (never null) is one hashed subplan, where NOT EXISTS was planned
  // as a nested loop over every key per stored message. A rebuild's are all messages: NOT EXISTS, a hash anti join.
  const notInAgg = source === 'ingest_inserted' ? 'm.message_key NOT IN (SELECT k FROM agg)' : 'NOT EXISTS (SELECT 1 FROM agg WHERE agg.k = m.message_key)';
  // A batch's stored messages: one primary-key probe per message of the batch. Joined, a message_state whose statistics
  // lag behind its growth was read whole into a hash table every batch (223 580 rows for 21 matches, 100 ms, after a
  // million log lines). A rebuild folds into an empty message_state: the join.
  const stored =
    source === 'ingest_inserted'
      ? `lives CROSS JOIN LATERAL (SELECT * FROM message_state m WHERE m.organization_id = $1::uuid AND m.message_key = lives.k OFFSET 0) m`
      : `message_state m JOIN lives ON m.organization_id = $1::uuid AND m.message_key = lives.k`;
  return `
WITH ev AS (
  SELECT decode(md5(concat_ws('|', source, coalesce(source_host, ''), coalesce(queue_id, message_id), coalesce(recipient, recipient_domain, ''))), 'hex') AS k,
         occurred_at, occurred_at - make_interval(secs => greatest(coalesce(delay_seconds, 0), 0)) AS arrived,
         provider, coalesce(sending_ip, '') AS ip, recipient_domain, outcome, delay_seconds
  FROM ${source} WHERE coalesce(queue_id, message_id) IS NOT NULL ${orgFilter}
), lives AS (
  -- what tells the messages the queue never shows apart: cheap aggregates of every message
  SELECT k, min(arrived) AS first_seen, count(*) FILTER (WHERE outcome = 'deferred') AS deferrals,
         bool_and(delay_seconds IS NOT NULL) AS delays_known, min(occurred_at) FILTER (WHERE outcome <> 'deferred') AS final_at
  FROM ev GROUP BY k
), old AS (
  SELECT m.message_key AS k, m.provider, m.sending_ip, m.first_seen_at, m.ends_at, m.final_at
  FROM ${stored}
), agg AS (
  -- the messages message_state keeps, in full (ordered aggregates cost a sort per message: only for these)
  SELECT k, min(arrived) AS first_seen, max(occurred_at) AS last_attempt, count(*) AS attempts,
         count(*) FILTER (WHERE outcome = 'deferred') AS deferrals,
         coalesce(array_agg(DISTINCT ip) FILTER (WHERE ip <> ''), '{}') AS ips,
         min(occurred_at) FILTER (WHERE outcome <> 'deferred') AS final_at,
         (array_agg(outcome ORDER BY occurred_at) FILTER (WHERE outcome <> 'deferred'))[1] AS final_outcome,
         (array_agg(provider ORDER BY occurred_at DESC))[1] AS provider,
         coalesce((array_agg(ip ORDER BY occurred_at DESC) FILTER (WHERE ip <> ''))[1], '') AS ip,
         (array_agg(recipient_domain ORDER BY occurred_at DESC))[1] AS recipient_domain
  FROM ev WHERE k IN (SELECT k FROM lives WHERE NOT (${PASSED_UNSEEN}) UNION ALL SELECT k FROM old)
  GROUP BY k
), up AS (
  INSERT INTO message_state AS m (organization_id, message_key, provider, sending_ip, recipient_domain, first_seen_at, last_attempt_at,
                                  attempts, deferrals, sending_ips, final_at, final_outcome, ends_at)
  SELECT $1::uuid, k, provider, ip, recipient_domain, first_seen, last_attempt, attempts, deferrals, ips, final_at, final_outcome,
         coalesce(final_at, first_seen + make_interval(secs => $2::int))
  FROM agg ORDER BY k
  ON CONFLICT (organization_id, message_key) DO UPDATE SET
    first_seen_at = least(m.first_seen_at, EXCLUDED.first_seen_at),
    last_attempt_at = greatest(m.last_attempt_at, EXCLUDED.last_attempt_at),
    provider = CASE WHEN EXCLUDED.last_attempt_at >= m.last_attempt_at THEN EXCLUDED.provider ELSE m.provider END,
    sending_ip = CASE WHEN EXCLUDED.last_attempt_at >= m.last_attempt_at AND EXCLUDED.sending_ip <> '' THEN EXCLUDED.sending_ip ELSE m.sending_ip END,
    recipient_domain = coalesce(m.recipient_domain, EXCLUDED.recipient_domain),
    attempts = m.attempts + EXCLUDED.attempts,
    deferrals = m.deferrals + EXCLUDED.deferrals,
    sending_ips = ARRAY(SELECT DISTINCT x FROM unnest(coalesce(m.sending_ips, '{}') || coalesce(EXCLUDED.sending_ips, '{}')) AS x ORDER BY x),
    final_at = CASE WHEN m.final_at IS NULL OR (EXCLUDED.final_at IS NOT NULL AND EXCLUDED.final_at < m.final_at) THEN EXCLUDED.final_at ELSE m.final_at END,
    final_outcome = CASE WHEN m.final_at IS NULL OR (EXCLUDED.final_at IS NOT NULL AND EXCLUDED.final_at < m.final_at) THEN EXCLUDED.final_outcome ELSE m.final_outcome END,
    ends_at = coalesce(
      CASE WHEN m.final_at IS NULL OR (EXCLUDED.final_at IS NOT NULL AND EXCLUDED.final_at < m.final_at) THEN EXCLUDED.final_at ELSE m.final_at END,
      least(m.first_seen_at, EXCLUDED.first_seen_at) + make_interval(secs => $2::int))
  RETURNING provider, sending_ip, first_seen_at, ends_at, final_at
), deltas AS (
  SELECT provider, sending_ip, date_trunc('minute', first_seen_at) AS b, 1 AS d, 0 AS aged FROM up
  UNION ALL SELECT provider, sending_ip, date_trunc('minute', ends_at), -1, (final_at IS NULL)::int FROM up
  UNION ALL SELECT provider, sending_ip, date_trunc('minute', first_seen_at), -1, 0 FROM old
  UNION ALL SELECT provider, sending_ip, date_trunc('minute', ends_at), 1, -(final_at IS NULL)::int FROM old
), minute_deltas AS (
  SELECT b, provider, sending_ip, sum(d) AS d, sum(aged) AS aged FROM deltas GROUP BY b, provider, sending_ip HAVING sum(d) <> 0 OR sum(aged) <> 0
), delta_minute AS (
  ${deltaUpsert('queue_delta_minute', 'b')}
), delta_hour AS (
  ${deltaUpsert('queue_delta_hour', `date_bin(interval '1 hour', b, ${ORIGIN})`)}
), delta_day AS (
  ${deltaUpsert('queue_delta_day', `date_bin(interval '1 day', b, ${ORIGIN})`)}
), versions AS (
  SELECT provider, sending_ip, first_seen_at, ${LEAVES_MINUTE} AS b, true AS is_new FROM up
  UNION ALL SELECT provider, sending_ip, first_seen_at, ${LEAVES_MINUTE}, false FROM old
), touched_minute AS (
  SELECT DISTINCT b, provider, sending_ip FROM versions WHERE first_seen_at <= b
), leaving AS (
  SELECT t.b, m.provider, m.sending_ip, m.first_seen_at
  FROM (SELECT DISTINCT b FROM touched_minute) t
  CROSS JOIN LATERAL (
    -- one index range per minute: joined, a table whose statistics lag behind its growth (a new installation's
    -- first batches) was read whole and compared with every minute
    SELECT * FROM message_state m
    WHERE m.organization_id = $1::uuid AND m.ends_at > t.b AND m.ends_at <= t.b + interval '1 minute' AND m.first_seen_at <= t.b
    OFFSET 0) m
  WHERE ${notInAgg}
  UNION ALL SELECT b, provider, sending_ip, first_seen_at FROM versions WHERE is_new AND first_seen_at <= b
), oldest_minute AS (
  SELECT t.b, t.provider, t.sending_ip, min(l.first_seen_at) AS oldest
  FROM touched_minute t LEFT JOIN leaving l USING (b, provider, sending_ip) GROUP BY 1, 2, 3
), oldest_hour AS (
  ${oldestRollup('queue_oldest_minute', 'oldest_minute', '1 hour')}
), oldest_day AS (
  ${oldestRollup('queue_oldest_hour', 'oldest_hour', '1 day')}
), ${oldestWrites('queue_oldest_minute', 'oldest_minute')},
${oldestWrites('queue_oldest_hour', 'oldest_hour')},
${oldestWrites('queue_oldest_day', 'oldest_day')}
SELECT count(*) FROM up`;
}
