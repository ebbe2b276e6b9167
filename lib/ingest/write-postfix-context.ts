import type { PoolClient } from 'pg';
import type { LineParser } from './types';
import { copyInt32, copyInto, CopyRows, copyText } from './write-batch';

/**
 * Postfix context kept between batches (postfix_context): what cleanup and qmgr lines said about messages still
 * queued at the end of a batch, so delivery lines in later batches get their Message-ID, sender and size
 * (write-batch.ts, completeFromContext).
 */

/**
 * Slack on top of the queue lifetime for using kept context: Postfix logs the expiry of a message when the queue
 * manager next scans it after maximal_queue_lifetime, up to one maximal_backoff_time (4000 s by default) later.
 */
export const CONTEXT_SLACK_SECONDS = 2 * 3600;

export type KeptContext = ReturnType<NonNullable<LineParser['keptContext']>>;

/**
 * Writes a batch's context: one COPY into the ingest_context staging table, then one statement in which a message
 * that started in the batch replaces what was kept for its queue id (unless what was kept is a later message: an
 * older file re-sent), other context completes it, and queue ids whose message left the queue are dropped.
 * Call under the organisation's queue lock, after the batch's events are written (completeFromContext).
 */
export async function writePostfixContext(client: PoolClient, organizationId: string, kept: KeptContext): Promise<void> {
  if (kept.contexts.length === 0 && kept.removed.length === 0) return;
  const rows = new CopyRows();
  for (const c of kept.contexts) {
    rows.add(
      `${copyText(c.host)}\t${copyText(c.instance)}\t${copyText(c.queueId)}\t${c.isStart ? 't' : 'f'}\t${copyText(c.messageId)}\t` +
      `${copyText(c.sender)}\t${copyInt32(c.sizeBytes)}\t${c.firstSeenAt.toISOString()}\t\\N\n`,
    );
  }
  for (const r of kept.removed) rows.add(`${copyText(r.host)}\t${copyText(r.instance)}\t${copyText(r.queueId)}\tf\t\\N\t\\N\t\\N\t\\N\t${r.removedAt.toISOString()}\n`);
  await copyInto(client, 'COPY ingest_context (host, instance, queue_id, is_start, message_id, sender, size_bytes, first_seen_at, removed_at) FROM STDIN', rows);
  await client.query(
    `WITH started AS (
       INSERT INTO postfix_context AS k (organization_id, host, instance, queue_id, message_id, sender, size_bytes, first_seen_at)
       SELECT $1::uuid, host, instance, queue_id, message_id, sender, size_bytes, first_seen_at FROM ingest_context WHERE removed_at IS NULL AND is_start
       ON CONFLICT (organization_id, host, instance, queue_id) DO UPDATE
         SET message_id = excluded.message_id, sender = excluded.sender, size_bytes = excluded.size_bytes,
             first_seen_at = excluded.first_seen_at, updated_at = now()
         WHERE excluded.first_seen_at >= k.first_seen_at
       RETURNING 1
     ), continued AS (
       INSERT INTO postfix_context AS k (organization_id, host, instance, queue_id, message_id, sender, size_bytes, first_seen_at)
       SELECT $1::uuid, host, instance, queue_id, message_id, sender, size_bytes, first_seen_at FROM ingest_context WHERE removed_at IS NULL AND NOT is_start
       ON CONFLICT (organization_id, host, instance, queue_id) DO UPDATE
         SET sender = coalesce(excluded.sender, k.sender), size_bytes = coalesce(excluded.size_bytes, k.size_bytes),
             first_seen_at = least(k.first_seen_at, excluded.first_seen_at), updated_at = now()
       RETURNING 1
     ), gone AS (
       DELETE FROM postfix_context k USING ingest_context g
       WHERE k.organization_id = $1::uuid AND g.removed_at IS NOT NULL
         AND k.host = g.host AND k.instance = g.instance AND k.queue_id = g.queue_id AND k.first_seen_at <= g.removed_at
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM started) AS started, (SELECT count(*) FROM continued) AS continued, (SELECT count(*) FROM gone) AS gone`,
    [organizationId],
  );
}
