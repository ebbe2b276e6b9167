import type { PoolClient } from 'pg';
import type { LineParser } from './types';

/**
 * Postfix context kept between batches (postfix_context): what cleanup and qmgr lines said about messages still
 * queued at the end of a batch, so delivery lines in later batches get their Message-ID, sender and size
 * (write-batch.ts, writeUnresolved).
 */

/**
 * Slack on top of the queue lifetime for using kept context: Postfix logs the expiry of a message when the queue
 * manager next scans it after maximal_queue_lifetime, up to one maximal_backoff_time (4000 s by default) later.
 */
export const CONTEXT_SLACK_SECONDS = 2 * 3600;

export type KeptContext = ReturnType<NonNullable<LineParser['keptContext']>>;

/** PostgreSQL integer; larger sizes are kept as unknown, as in delivery_event. */
const MAX_INT = 2_147_483_647;

/**
 * Writes a batch's context in one statement: a message that started in the batch replaces what was kept for its
 * queue id (unless what was kept is a later message: an older file re-sent), other context completes it, and queue
 * ids whose message left the queue are dropped. Call under the organisation's queue lock, after writeUnresolved.
 */
export async function writePostfixContext(client: PoolClient, organizationId: string, kept: KeptContext): Promise<void> {
  if (kept.contexts.length === 0 && kept.removed.length === 0) return;
  const c = kept.contexts;
  const r = kept.removed;
  await client.query(
    `WITH incoming AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::integer[], $9::timestamptz[])
         AS t(host, instance, queue_id, is_start, message_id, sender, size_bytes, first_seen_at)
     ), started AS (
       INSERT INTO postfix_context AS k (organization_id, host, instance, queue_id, message_id, sender, size_bytes, first_seen_at)
       SELECT $1::uuid, host, instance, queue_id, message_id, sender, size_bytes, first_seen_at FROM incoming WHERE is_start
       ON CONFLICT (organization_id, host, instance, queue_id) DO UPDATE
         SET message_id = excluded.message_id, sender = excluded.sender, size_bytes = excluded.size_bytes,
             first_seen_at = excluded.first_seen_at, updated_at = now()
         WHERE excluded.first_seen_at >= k.first_seen_at
       RETURNING 1
     ), continued AS (
       INSERT INTO postfix_context AS k (organization_id, host, instance, queue_id, message_id, sender, size_bytes, first_seen_at)
       SELECT $1::uuid, host, instance, queue_id, message_id, sender, size_bytes, first_seen_at FROM incoming WHERE NOT is_start
       ON CONFLICT (organization_id, host, instance, queue_id) DO UPDATE
         SET sender = coalesce(excluded.sender, k.sender), size_bytes = coalesce(excluded.size_bytes, k.size_bytes),
             first_seen_at = least(k.first_seen_at, excluded.first_seen_at), updated_at = now()
       RETURNING 1
     ), gone AS (
       DELETE FROM postfix_context k
       USING unnest($10::text[], $11::text[], $12::text[], $13::timestamptz[]) AS g(host, instance, queue_id, removed_at)
       WHERE k.organization_id = $1::uuid AND k.host = g.host AND k.instance = g.instance AND k.queue_id = g.queue_id AND k.first_seen_at <= g.removed_at
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM started) AS started, (SELECT count(*) FROM continued) AS continued, (SELECT count(*) FROM gone) AS gone`,
    [
      organizationId,
      c.map((x) => x.host),
      c.map((x) => x.instance),
      c.map((x) => x.queueId),
      c.map((x) => x.isStart),
      c.map((x) => x.messageId),
      c.map((x) => x.sender),
      c.map((x) => (x.sizeBytes !== null && Number.isInteger(x.sizeBytes) && x.sizeBytes >= 0 && x.sizeBytes <= MAX_INT ? x.sizeBytes : null)),
      c.map((x) => x.firstSeenAt),
      r.map((x) => x.host),
      r.map((x) => x.instance),
      r.map((x) => x.queueId),
      r.map((x) => x.removedAt),
    ],
  );
}
