/**
 * Queue reconstruction from message lifecycles. Each message (source + host + queue id or message id
 * + recipient) is queued from its arrival (first attempt time minus the MTA's reported delay) until
 * its final outcome, or until the maximal queue lifetime passes when its fate is never seen.
 * queue_delta_minute holds +1/-1 at those minutes; depth at t is the running sum.
 *
 * The same statement serves the ingest transaction (source `ingest_inserted`, the rows just stored)
 * and the rebuild (source `delivery_event`). When a message's interval changes, its old interval is
 * taken out and the new one put in. Callers hold the organisation's queue lock so concurrent batches
 * fold one after the other. `source` is a trusted relation name, never input.
 */
type Source = 'ingest_inserted' | 'delivery_event';

export const QUEUE_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('queue-fold:' || $1::text, 0))`;

export function queueFoldSql(source: Source): string {
  const orgFilter = source === 'delivery_event' ? 'AND organization_id = $1::uuid' : '';
  return `
WITH ev AS (
  SELECT decode(md5(concat_ws('|', source, coalesce(source_host, ''), coalesce(queue_id, message_id), coalesce(recipient, recipient_domain, ''))), 'hex') AS k,
         occurred_at, occurred_at - make_interval(secs => greatest(coalesce(delay_seconds, 0), 0)) AS arrived,
         provider, coalesce(sending_ip, '') AS ip, recipient_domain, outcome
  FROM ${source} WHERE coalesce(queue_id, message_id) IS NOT NULL ${orgFilter}
), agg AS (
  SELECT k, min(arrived) AS first_seen, max(occurred_at) AS last_attempt, count(*) AS attempts,
         count(*) FILTER (WHERE outcome = 'deferred') AS deferrals,
         coalesce(array_agg(DISTINCT ip) FILTER (WHERE ip <> ''), '{}') AS ips,
         min(occurred_at) FILTER (WHERE outcome <> 'deferred') AS final_at,
         (array_agg(outcome ORDER BY occurred_at) FILTER (WHERE outcome <> 'deferred'))[1] AS final_outcome,
         (array_agg(provider ORDER BY occurred_at DESC))[1] AS provider,
         coalesce((array_agg(ip ORDER BY occurred_at DESC) FILTER (WHERE ip <> ''))[1], '') AS ip,
         (array_agg(recipient_domain ORDER BY occurred_at DESC))[1] AS recipient_domain
  FROM ev GROUP BY k
), old AS (
  SELECT m.provider, m.sending_ip, m.first_seen_at, m.ends_at
  FROM message_state m JOIN agg ON m.organization_id = $1::uuid AND m.message_key = agg.k
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
  RETURNING provider, sending_ip, first_seen_at, ends_at
), deltas AS (
  SELECT provider, sending_ip, date_trunc('minute', first_seen_at) AS b, 1 AS d FROM up
  UNION ALL SELECT provider, sending_ip, date_trunc('minute', ends_at), -1 FROM up
  UNION ALL SELECT provider, sending_ip, date_trunc('minute', first_seen_at), -1 FROM old
  UNION ALL SELECT provider, sending_ip, date_trunc('minute', ends_at), 1 FROM old
)
INSERT INTO queue_delta_minute AS q (organization_id, bucket, provider, sending_ip, delta)
SELECT $1::uuid, b, provider, sending_ip, sum(d) FROM deltas GROUP BY b, provider, sending_ip HAVING sum(d) <> 0 ORDER BY 2, 3, 4
ON CONFLICT (organization_id, bucket, provider, sending_ip) DO UPDATE SET delta = q.delta + EXCLUDED.delta`;
}
