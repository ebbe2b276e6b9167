import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { metricDomain5mUpsert, metricDomainDayUpsert, metricDomainHourUpsert, metricDomainWeekUpsert, metricHourUpsert, metricIp5mUpsert, metricIpMinuteUpsert, metricMinuteUpsert, metricProviderHourUpsert, metricProviderMinuteUpsert, signatureHourUpsert, signatureMinuteUpsert } from '@/lib/metrics/rollup-sql';
import { QUEUE_LOCK_SQL, queueFoldSql } from '@/lib/queue/queue-sql';
import type { NormalizedEvent } from './enrich';

/**
 * Batch writes: events are COPYed into a temporary staging table, then moved into delivery_event with
 * ON CONFLICT DO NOTHING on the dedupe key; only the rows actually inserted are folded into the
 * rollups and queue state, in the same transaction. A re-sent batch counts nothing twice. Postfix events whose message
 * started in an earlier batch are staged apart and inserted at the end with the context earlier batches kept (writeUnresolved).
 */

const columns = [
  'dedupe_key', 'occurred_at', 'source', 'source_host', 'queue_id', 'message_id', 'sender', 'recipient', 'recipient_domain',
  'provider', 'mx_host', 'mx_ip', 'sending_ip', 'outcome', 'smtp_code', 'enhanced_code', 'reply', 'provider_token',
  'provider_host', 'provider_region', 'correlation_id', 'delay_seconds', 'attempt', 'size_bytes', 'kb_rule', 'category',
  'scope', 'signature', 'is_per_recipient',
] as const;

/** Longest reply text stored; longer replies are cut (the reply parser reads no further either). */
const MAX_TEXT = 16_384;

/** Characters COPY text format escapes; NUL cannot be stored in PostgreSQL text at all. */
const copySpecial = /[\\\t\n\r\u0000]/;
const copySpecialAll = new RegExp(copySpecial.source, 'g');
const copyEscape = (c: string) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\uFFFD');

/** A text value in COPY text format: escaped, cut to MAX_TEXT, `\\N` for null. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  const v = value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
  return copySpecial.test(v) ? v.replace(copySpecialAll, copyEscape) : v;
}

/** Integers outside PostgreSQL's int range are stored as unknown rather than failing the batch. */
export function copyInt32(value: number | null): string {
  return value === null || !Number.isInteger(value) || Math.abs(value) > 2_147_483_647 ? '\\N' : String(value);
}

function smallint(value: number | null): string {
  return value === null || !Number.isInteger(value) || value < 0 || value > 32_767 ? '\\N' : String(value);
}

/** One staging row in COPY text format, in the order of `columns`. */
export function copyRow(e: NormalizedEvent): string {
  return `${copyFields(e)}\n`;
}

/** The fields of a staging row in COPY text format, in the order of `columns`, without the line end. */
function copyFields(e: NormalizedEvent): string {
  return (
    `\\\\x${e.dedupeKey.toString('hex')}\t${e.occurredAt.toISOString()}\t${copyText(e.source)}\t${copyText(e.sourceHost)}\t${copyText(e.queueId)}\t` +
    `${copyText(e.messageId)}\t${copyText(e.sender)}\t${copyText(e.recipient)}\t${copyText(e.recipientDomain)}\t${copyText(e.provider)}\t${copyText(e.mxHost)}\t` +
    `${copyText(e.mxIp)}\t${copyText(e.sendingIp)}\t${e.outcome}\t${smallint(e.smtpCode)}\t${copyText(e.enhancedCode)}\t${copyText(e.reply)}\t` +
    `${copyText(e.providerToken)}\t${copyText(e.providerHost)}\t${copyText(e.providerRegion)}\t${copyText(e.correlationId)}\t${copyInt32(e.delaySeconds)}\t` +
    `${copyInt32(e.attempt)}\t${copyInt32(e.sizeBytes)}\t${copyText(e.kbRule)}\t${e.category}\t${copyText(e.scope)}\t${copyText(e.signature)}\t` +
    `${e.isPerRecipient ? 't' : 'f'}`
  );
}

/** The columns of the rows inserted that the rollups and the queue fold read. */
const insertedColumns = [
  'occurred_at', 'provider', 'sending_ip', 'recipient_domain', 'category', 'outcome', 'is_per_recipient', 'signature', 'kb_rule', 'reply',
  'source', 'source_host', 'queue_id', 'message_id', 'recipient', 'delay_seconds',
] as const;

/** Creates the transaction-local staging tables. Call inside BEGIN … COMMIT. */
export async function createStaging(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
      dedupe_key bytea NOT NULL, occurred_at timestamptz NOT NULL, source text NOT NULL, source_host text, queue_id text,
      message_id text, sender text, recipient text, recipient_domain text, provider text NOT NULL, mx_host text, mx_ip text,
      sending_ip text, outcome outcome NOT NULL, smtp_code smallint, enhanced_code text, reply text, provider_token text,
      provider_host text, provider_region text, correlation_id text, delay_seconds integer, attempt integer, size_bytes integer,
      kb_rule text, category reply_category NOT NULL, scope text, signature text, is_per_recipient boolean NOT NULL
    ) ON COMMIT DELETE ROWS`);
  // Postfix events that wait for the context earlier batches kept (writeUnresolved), with the instance of their queue id.
  await client.query('CREATE TEMP TABLE IF NOT EXISTS ingest_unresolved (LIKE ingest_staging, context_instance text NOT NULL) ON COMMIT DELETE ROWS');
  // The batch's Postfix context for later batches (write-postfix-context.ts): what to keep, or, with removed_at, what to drop.
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS ingest_context (
      host text NOT NULL, instance text NOT NULL, queue_id text NOT NULL, is_start boolean NOT NULL, message_id text, sender text,
      size_bytes integer, first_seen_at timestamptz, removed_at timestamptz
    ) ON COMMIT DELETE ROWS`);
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS ingest_inserted (
      occurred_at timestamptz, provider text, sending_ip text, recipient_domain text, category reply_category, outcome outcome,
      is_per_recipient boolean, signature text, kb_rule text, reply text, source text, source_host text, queue_id text,
      message_id text, recipient text, delay_seconds integer
    ) ON COMMIT DELETE ROWS`);
}

/**
 * Writes events into delivery_event, skipping duplicates of stored events: one COPY into the staging table, one
 * INSERT … ON CONFLICT DO NOTHING from it. The rows actually inserted are kept in ingest_inserted for foldInserted.
 * Called several times per transaction, so the database inserts one part of a batch while the next is parsed.
 * Returns how many rows were new.
 */
export async function writeEvents(client: PoolClient, organizationId: string, batchId: string, events: readonly NormalizedEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  let rows = '';
  for (const e of events) rows += copyRow(e);
  const stream = client.query(copyFrom(`COPY ingest_staging (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from([rows]), stream);
  const { rowCount } = await client.query(
    `WITH ins AS (
       INSERT INTO delivery_event (organization_id, batch_id, ${columns.join(', ')})
       SELECT $1::uuid, $2::uuid, ${columns.join(', ')} FROM ingest_staging
       ON CONFLICT (organization_id, dedupe_key) DO NOTHING
       RETURNING ${insertedColumns.join(', ')}
     )
     INSERT INTO ingest_inserted (${insertedColumns.join(', ')}) SELECT ${insertedColumns.join(', ')} FROM ins`,
    [organizationId, batchId],
  );
  await client.query('TRUNCATE ingest_staging');
  return rowCount ?? 0;
}

/** A Postfix event whose message did not start in its batch, with the instance of its queue id (lib/ingest/types.ts, QueueKey). */
export interface UnresolvedEvent {
  event: NormalizedEvent;
  instance: string;
}

/** COPYs events waiting for earlier batches' context into ingest_unresolved; writeUnresolved inserts them at the end of the batch. */
export async function stageUnresolved(client: PoolClient, events: readonly UnresolvedEvent[]): Promise<void> {
  if (events.length === 0) return;
  let rows = '';
  for (const { event, instance } of events) rows += `${copyFields(event)}\t${copyText(instance)}\n`;
  const stream = client.query(copyFrom(`COPY ingest_unresolved (${columns.join(', ')}, context_instance) FROM STDIN`));
  await pipeline(Readable.from([rows]), stream);
}

/** Columns completed from postfix_context where the event's own batch left them unknown. */
const contextColumns = new Set<string>(['message_id', 'sender', 'size_bytes']);

/**
 * Inserts the staged unresolved events into delivery_event like writeEvents, completing Message-ID, sender and size
 * from the postfix_context row of their queue id in one join: only a row first seen no later than the delivery and at
 * most `maxAgeSeconds` before it (a queue id is reused once its message has left the queue). Fields the batch itself
 * read win. Call before writePostfixContext adds this batch's context.
 */
export async function writeUnresolved(client: PoolClient, organizationId: string, batchId: string, maxAgeSeconds: number): Promise<number> {
  const selected = columns.map((c) => (contextColumns.has(c) ? `coalesce(u.${c}, c.${c})` : `u.${c}`));
  const { rowCount } = await client.query(
    `WITH ins AS (
       INSERT INTO delivery_event (organization_id, batch_id, ${columns.join(', ')})
       SELECT $1::uuid, $2::uuid, ${selected.join(', ')}
       FROM ingest_unresolved u
       LEFT JOIN postfix_context c
         ON c.organization_id = $1::uuid AND c.host = coalesce(u.source_host, '') AND c.instance = u.context_instance AND c.queue_id = u.queue_id
        AND c.first_seen_at <= u.occurred_at AND c.first_seen_at >= u.occurred_at - make_interval(secs => $3)
       ON CONFLICT (organization_id, dedupe_key) DO NOTHING
       RETURNING ${insertedColumns.join(', ')}
     )
     INSERT INTO ingest_inserted (${insertedColumns.join(', ')}) SELECT ${insertedColumns.join(', ')} FROM ins`,
    [organizationId, batchId, maxAgeSeconds],
  );
  return rowCount ?? 0;
}

/**
 * Folds the rows this transaction inserted (writeEvents) into the per-minute and per-hour rollups
 * (lib/metrics/rollup-sql.ts) in one statement, then the message lifecycles into queue state.
 * Once per batch, just before COMMIT: each rollup row is locked once, in key order, as in a single-statement batch.
 */
export async function foldInserted(client: PoolClient, organizationId: string, queueLifetimeSeconds: number): Promise<void> {
  await client.query(
    `WITH ins AS (
       SELECT ${insertedColumns.join(', ')} FROM ingest_inserted
     ), metrics AS (
       ${metricMinuteUpsert('ins', '$1')}
       RETURNING 1
     ), metrics_ip AS (
       ${metricIpMinuteUpsert('ins', '$1')}
       RETURNING 1
     ), metrics_provider AS (
       ${metricProviderMinuteUpsert('ins', '$1')}
       RETURNING 1
     ), signatures AS (
       ${signatureMinuteUpsert('ins', '$1')}
       RETURNING 1
     ), metrics_hour AS (
       ${metricHourUpsert('ins', '$1')}
       RETURNING 1
     ), providers_hour AS (
       ${metricProviderHourUpsert('ins', '$1')}
       RETURNING 1
     ), ips_5m AS (
       ${metricIp5mUpsert('ins', '$1')}
       RETURNING 1
     ), domains_5m AS (
       ${metricDomain5mUpsert('ins', '$1')}
       RETURNING 1
     ), domains_hour AS (
       ${metricDomainHourUpsert('ins', '$1')}
       RETURNING 1
     ), domains_day AS (
       ${metricDomainDayUpsert('ins', '$1')}
       RETURNING 1
     ), domains_week AS (
       ${metricDomainWeekUpsert('ins', '$1')}
       RETURNING 1
     ), signatures_hour AS (
       ${signatureHourUpsert('ins', '$1')}
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM metrics) AS m, (SELECT count(*) FROM signatures) AS s, (SELECT count(*) FROM metrics_hour) AS mh,
            (SELECT count(*) FROM domains_hour) AS dh, (SELECT count(*) FROM signatures_hour) AS sh`,
    [organizationId],
  );
  await client.query(QUEUE_LOCK_SQL, [organizationId]);
  await client.query(queueFoldSql('ingest_inserted'), [organizationId, queueLifetimeSeconds]);
}
