import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { metricDomainHourUpsert, metricHourUpsert, metricMinuteUpsert, signatureHourUpsert, signatureMinuteUpsert } from '@/lib/metrics/rollup-sql';
import { QUEUE_LOCK_SQL, queueFoldSql } from '@/lib/queue/queue-sql';
import type { NormalizedEvent } from './enrich';

/**
 * Batch writes: events are COPYed into a temporary staging table, then moved into delivery_event with
 * ON CONFLICT DO NOTHING on the dedupe key; only the rows actually inserted are folded into the
 * per-minute rollups, in the same statement and transaction. A re-sent batch counts nothing twice.
 */

const columns = [
  'dedupe_key', 'occurred_at', 'source', 'source_host', 'queue_id', 'message_id', 'sender', 'recipient', 'recipient_domain',
  'provider', 'mx_host', 'mx_ip', 'sending_ip', 'outcome', 'smtp_code', 'enhanced_code', 'reply', 'provider_token',
  'provider_host', 'provider_region', 'correlation_id', 'delay_seconds', 'attempt', 'size_bytes', 'kb_rule', 'category',
  'scope', 'signature', 'is_per_recipient',
] as const;

/** Longest reply text stored; longer replies are cut (the reply parser reads no further either). */
const MAX_TEXT = 16_384;

function text(value: string | null): string {
  if (value === null) return '\\N';
  const v = value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
  // COPY text format escapes; NUL cannot be stored in PostgreSQL text at all.
  return v.replace(/[\\\t\n\r\u0000]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\uFFFD'));
}

/** Integers outside PostgreSQL's int range are stored as unknown rather than failing the batch. */
function int32(value: number | null): string {
  return value === null || !Number.isInteger(value) || Math.abs(value) > 2_147_483_647 ? '\\N' : String(value);
}

function smallint(value: number | null): string {
  return value === null || !Number.isInteger(value) || value < 0 || value > 32_767 ? '\\N' : String(value);
}

/** One staging row in COPY text format. */
export function copyRow(e: NormalizedEvent): string {
  return [
    `\\\\x${e.dedupeKey.toString('hex')}`,
    e.occurredAt.toISOString(),
    text(e.source),
    text(e.sourceHost),
    text(e.queueId),
    text(e.messageId),
    text(e.sender),
    text(e.recipient),
    text(e.recipientDomain),
    text(e.provider),
    text(e.mxHost),
    text(e.mxIp),
    text(e.sendingIp),
    e.outcome,
    smallint(e.smtpCode),
    text(e.enhancedCode),
    text(e.reply),
    text(e.providerToken),
    text(e.providerHost),
    text(e.providerRegion),
    text(e.correlationId),
    int32(e.delaySeconds),
    int32(e.attempt),
    int32(e.sizeBytes),
    text(e.kbRule),
    e.category,
    text(e.scope),
    text(e.signature),
    e.isPerRecipient ? 't' : 'f',
  ].join('\t') + '\n';
}

/** Creates the transaction-local staging table. Call inside BEGIN … COMMIT. */
export async function createStaging(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS ingest_staging (
      dedupe_key bytea NOT NULL, occurred_at timestamptz NOT NULL, source text NOT NULL, source_host text, queue_id text,
      message_id text, sender text, recipient text, recipient_domain text, provider text NOT NULL, mx_host text, mx_ip text,
      sending_ip text, outcome outcome NOT NULL, smtp_code smallint, enhanced_code text, reply text, provider_token text,
      provider_host text, provider_region text, correlation_id text, delay_seconds integer, attempt integer, size_bytes integer,
      kb_rule text, category reply_category NOT NULL, scope text, signature text, is_per_recipient boolean NOT NULL
    ) ON COMMIT DELETE ROWS`);
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS ingest_inserted (
      source text, source_host text, queue_id text, message_id text, recipient text, recipient_domain text, provider text,
      sending_ip text, outcome outcome, occurred_at timestamptz, delay_seconds integer
    ) ON COMMIT DELETE ROWS`);
}

/** Streams events into the staging table with COPY. */
export async function stageEvents(client: PoolClient, events: readonly NormalizedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const stream = client.query(copyFrom(`COPY ingest_staging (${columns.join(', ')}) FROM STDIN`));
  const chunkRows = 2_000;
  async function* rows() {
    for (let i = 0; i < events.length; i += chunkRows) {
      let chunk = '';
      for (const e of events.slice(i, i + chunkRows)) chunk += copyRow(e);
      yield chunk;
    }
  }
  await pipeline(Readable.from(rows()), stream);
}

/**
 * Moves staged rows into delivery_event (skipping duplicates) and folds the inserted ones into the per-minute and
 * per-hour rollups (lib/metrics/rollup-sql.ts), then the message lifecycles into queue state. Returns how many rows were new.
 */
export async function commitStaged(client: PoolClient, organizationId: string, batchId: string, queueLifetimeSeconds: number): Promise<number> {
  const { rows } = await client.query<{ inserted: string }>(
    `WITH ins AS (
       INSERT INTO delivery_event (organization_id, batch_id, ${columns.join(', ')})
       SELECT $1::uuid, $2::uuid, ${columns.join(', ')} FROM ingest_staging
       ON CONFLICT (organization_id, dedupe_key) DO NOTHING
       RETURNING occurred_at, provider, sending_ip, recipient_domain, category, outcome, is_per_recipient, signature, kb_rule, reply,
                 source, source_host, queue_id, message_id, recipient, delay_seconds
     ), kept AS (
       INSERT INTO ingest_inserted (source, source_host, queue_id, message_id, recipient, recipient_domain, provider, sending_ip, outcome, occurred_at, delay_seconds)
       SELECT source, source_host, queue_id, message_id, recipient, recipient_domain, provider, sending_ip, outcome, occurred_at, delay_seconds FROM ins
       RETURNING 1
     ), metrics AS (
       ${metricMinuteUpsert('ins', '$1')}
       RETURNING 1
     ), signatures AS (
       ${signatureMinuteUpsert('ins', '$1')}
       RETURNING 1
     ), metrics_hour AS (
       ${metricHourUpsert('ins', '$1')}
       RETURNING 1
     ), domains_hour AS (
       ${metricDomainHourUpsert('ins', '$1')}
       RETURNING 1
     ), signatures_hour AS (
       ${signatureHourUpsert('ins', '$1')}
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM kept) AS k, (SELECT count(*) FROM metrics) AS m, (SELECT count(*) FROM signatures) AS s,
            (SELECT count(*) FROM metrics_hour) AS mh, (SELECT count(*) FROM domains_hour) AS dh, (SELECT count(*) FROM signatures_hour) AS sh`,
    [organizationId, batchId],
  );
  const inserted = Number(rows[0]?.inserted ?? 0);
  if (inserted > 0) {
    await client.query(QUEUE_LOCK_SQL, [organizationId]);
    await client.query(queueFoldSql('ingest_inserted'), [organizationId, queueLifetimeSeconds]);
  }
  return inserted;
}
