import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { fineCountersSql, rollupUpserts } from '@/lib/metrics/rollup-sql';
import { QUEUE_LOCK_SQL, queueFoldSql } from '@/lib/queue/queue-sql';
import { DEDUPE_KEY_BYTES, type NormalizedEvent } from './enrich';
import type { QueueKey } from './types';

/**
 * Batch writes: the events of each part of a batch are checked against the stored dedupe keys, and the new ones are
 * COPYed straight into delivery_event (PostgreSQL's bulk insert); a part that still meets a stored key (the same event
 * twice in the part, or a concurrent batch that stored it first) is written again through a staging table with
 * INSERT … ON CONFLICT DO NOTHING. At the end of the batch its rows are folded into the rollups and queue state, in
 * the same transaction. A re-sent batch counts nothing twice. Postfix events whose message started in an earlier
 * batch get Message-ID, sender and size from the context earlier batches kept (completeFromContext) before they are written.
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

/** One row of an event's columns in COPY text format, in the order of `columns`. */
export function copyRow(e: NormalizedEvent): string {
  return (
    `\\\\x${e.dedupeKey.toString('hex')}\t${e.occurredAt.toISOString()}\t${copyText(e.source)}\t${copyText(e.sourceHost)}\t${copyText(e.queueId)}\t` +
    `${copyText(e.messageId)}\t${copyText(e.sender)}\t${copyText(e.recipient)}\t${copyText(e.recipientDomain)}\t${copyText(e.provider)}\t${copyText(e.mxHost)}\t` +
    `${copyText(e.mxIp)}\t${copyText(e.sendingIp)}\t${e.outcome}\t${smallint(e.smtpCode)}\t${copyText(e.enhancedCode)}\t${copyText(e.reply)}\t` +
    `${copyText(e.providerToken)}\t${copyText(e.providerHost)}\t${copyText(e.providerRegion)}\t${copyText(e.correlationId)}\t${copyInt32(e.delaySeconds)}\t` +
    `${copyInt32(e.attempt)}\t${copyInt32(e.sizeBytes)}\t${copyText(e.kbRule)}\t${e.category}\t${copyText(e.scope)}\t${copyText(e.signature)}\t` +
    `${e.isPerRecipient ? 't' : 'f'}\n`
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

/** PostgreSQL's SQLSTATE for a unique key violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Rows in COPY text format collected as UTF-8 bytes, each written as soon as it is made: appending thousands of rows
 * to one string and encoding it at the end cost a third more CPU, most of it flattening the string.
 */
export class CopyRows {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  get isEmpty(): boolean {
    return this.length === 0;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  add(row: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    this.reserve(row.length * 3);
    this.length += this.buf.write(row, this.length, 'utf8');
  }

  addBytes(row: Buffer): void {
    this.reserve(row.length);
    this.length += row.copy(this.buf, this.length);
  }

  private reserve(room: number): void {
    if (this.length + room > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + room));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** Runs a COPY … FROM STDIN of rows in COPY text format; returns the rows copied. */
export async function copyInto(client: PoolClient, statement: string, rows: CopyRows): Promise<number> {
  const stream = client.query(copyFrom(statement));
  await pipeline(Readable.from([rows.bytes()]), stream);
  return stream.rowCount;
}

/** Which of `keys` (dedupe keys) the organisation's stored events have, as hex: one index probe per key. */
export async function readStoredKeys(client: PoolClient, organizationId: string, keys: readonly Buffer[]): Promise<Set<string>> {
  if (keys.some((k) => k.length !== DEDUPE_KEY_BYTES)) throw new Error(`a dedupe key is not ${DEDUPE_KEY_BYTES} bytes long`);
  return readStoredKeyBytes(client, organizationId, Buffer.concat(keys));
}

/** readStoredKeys of keys laid end to end, DEDUPE_KEY_BYTES each. */
async function readStoredKeyBytes(client: PoolClient, organizationId: string, keys: Buffer): Promise<Set<string>> {
  // The keys travel as one bytea cut up in SQL: half the time of a bytea[] parameter, which is sent as escaped text.
  const { rows } = await client.query<{ dedupe_key: Buffer }>(
    `SELECT dedupe_key FROM delivery_event WHERE organization_id = $1::uuid AND dedupe_key = ANY(ARRAY(
       SELECT substring($2::bytea FROM i * ${DEDUPE_KEY_BYTES} + 1 FOR ${DEDUPE_KEY_BYTES}) FROM generate_series(0, $3::int - 1) i))`,
    [organizationId, keys, keys.length / DEDUPE_KEY_BYTES],
  );
  return new Set(rows.map((r) => r.dedupe_key.toString('hex')));
}

/**
 * A part of a batch as COPY rows for delivery_event (organisation and batch first), each event rendered when it is added
 * so the event object dies young (held until its part was written, a part's events outlived several young-generation
 * collections and were copied at each), with the events' dedupe keys side by side.
 */
export class PartRows {
  readonly rows = new CopyRows();
  private readonly prefix: string;
  /** The events' dedupe keys end to end, in the order of their rows. */
  private readonly keys = new CopyRows();
  /** Byte offset of the end of each row in `rows`. */
  private readonly ends: number[] = [];

  constructor(readonly organizationId: string, readonly batchId: string) {
    this.prefix = `${organizationId}\t${batchId}\t`;
  }

  get count(): number {
    return this.ends.length;
  }

  add(e: NormalizedEvent): void {
    this.keys.addBytes(e.dedupeKey);
    this.rows.add(this.prefix + copyRow(e));
    this.ends.push(this.rows.size);
  }

  key(i: number): Buffer {
    return this.keys.bytes().subarray(i * DEDUPE_KEY_BYTES, (i + 1) * DEDUPE_KEY_BYTES);
  }

  /** Every key, end to end. */
  keyBytes(): Buffer {
    return this.keys.bytes();
  }

  /** The rows whose dedupe key is not in `stored` (hex), with or without their organisation and batch columns. */
  select(stored: ReadonlySet<string>, withOrganizationAndBatch: boolean): CopyRows {
    const out = new CopyRows();
    const bytes = this.rows.bytes();
    const skip = withOrganizationAndBatch ? 0 : Buffer.byteLength(this.prefix);
    let start = 0;
    this.ends.forEach((end, i) => {
      if (stored.size === 0 || !stored.has(this.key(i).toString('hex'))) out.addBytes(bytes.subarray(start + skip, end));
      start = end;
    });
    return out;
  }
}

/** Dedupe keys of a part looked up first, spread evenly over it; the rest only when one of them is stored. */
const SAMPLED_KEYS = 64;

/** The stored keys among the part's keys: all of them when a sample of them meets one, else none (see writeEvents). */
async function readStoredKeysOfPart(client: PoolClient, part: PartRows): Promise<Set<string>> {
  if (part.count > SAMPLED_KEYS) {
    const sample = Array.from({ length: SAMPLED_KEYS }, (_, i) => part.key(Math.floor((i * part.count) / SAMPLED_KEYS)));
    const met = await readStoredKeys(client, part.organizationId, sample);
    if (met.size === 0) return met;
  }
  return readStoredKeyBytes(client, part.organizationId, part.keyBytes());
}

/**
 * Writes a part's events into delivery_event, skipping duplicates of stored events: a sample of the part's dedupe keys
 * is looked up by index, and when it meets a stored key (a batch sent again) every key is, and the stored ones are
 * left out; the rest is COPYed in. When a stored key still turns up (one the sample missed, the same event twice in
 * the part, or a concurrent batch storing it first), the COPY is undone to a savepoint and the rows go through
 * ingest_staging and INSERT … ON CONFLICT DO NOTHING. Called several times per transaction, so the database writes one
 * part of a batch while the next is parsed. Returns how many rows were new.
 */
export async function writeEvents(client: PoolClient, part: PartRows): Promise<number> {
  if (part.count === 0) return 0;
  const storedKeys = await readStoredKeysOfPart(client, part);
  const rows = storedKeys.size === 0 ? part.rows : part.select(storedKeys, true);
  if (rows.isEmpty) return 0;
  await client.query('SAVEPOINT write_part');
  try {
    const copied = await copyInto(client, `COPY delivery_event (organization_id, batch_id, ${columns.join(', ')}) FROM STDIN`, rows);
    await client.query('RELEASE SAVEPOINT write_part');
    return copied;
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    await client.query('ROLLBACK TO SAVEPOINT write_part');
  }
  await copyInto(client, `COPY ingest_staging (${columns.join(', ')}) FROM STDIN`, part.select(new Set(), false));
  const { rowCount } = await client.query(
    `INSERT INTO delivery_event (organization_id, batch_id, ${columns.join(', ')})
     SELECT $1::uuid, $2::uuid, ${columns.join(', ')} FROM ingest_staging
     ON CONFLICT (organization_id, dedupe_key) DO NOTHING`,
    [part.organizationId, part.batchId],
  );
  await client.query('TRUNCATE ingest_staging');
  return rowCount ?? 0;
}

/** A Postfix event whose message did not start in its batch, with the queue id's place (lib/ingest/types.ts, QueueKey). */
export interface UnresolvedEvent {
  event: NormalizedEvent;
  key: QueueKey;
}

interface ContextRow {
  host: string;
  instance: string;
  queue_id: string;
  message_id: string | null;
  sender: string | null;
  size_bytes: number | null;
  first_seen_at: Date;
}

/**
 * Completes Message-ID, sender and size of Postfix events whose message started before their batch from the
 * postfix_context row of their queue id, read in one statement: only a row first seen no later than the delivery and
 * at most `maxAgeSeconds` before it (a queue id is reused once its message has left the queue). Fields the batch
 * itself read win. Sees the context of every batch committed before it; call before writePostfixContext adds this
 * batch's. Returns the events, completed in place.
 */
export async function completeFromContext(client: PoolClient, organizationId: string, waiting: readonly UnresolvedEvent[], maxAgeSeconds: number): Promise<NormalizedEvent[]> {
  if (waiting.length === 0) return [];
  const keyOf = (host: string, instance: string, queueId: string) => `${host}\u0000${instance}\u0000${queueId}`;
  const distinct = new Map<string, QueueKey>();
  for (const { key } of waiting) distinct.set(keyOf(key.host, key.instance, key.queueId), key);
  const keys = [...distinct.values()];
  const { rows } = await client.query<ContextRow>(
    `SELECT c.host, c.instance, c.queue_id, c.message_id, c.sender, c.size_bytes, c.first_seen_at
     FROM postfix_context c
     WHERE c.organization_id = $1::uuid AND (c.host, c.instance, c.queue_id) IN (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]))`,
    [organizationId, keys.map((k) => k.host), keys.map((k) => k.instance), keys.map((k) => k.queueId)],
  );
  const kept = new Map(rows.map((r) => [keyOf(r.host, r.instance, r.queue_id), r]));
  const maxAgeMs = maxAgeSeconds * 1000;
  return waiting.map(({ event, key }) => {
    const c = kept.get(keyOf(key.host, key.instance, key.queueId));
    const at = event.occurredAt.getTime();
    const seen = c?.first_seen_at.getTime();
    if (c && seen !== undefined && seen <= at && seen >= at - maxAgeMs) {
      event.messageId ??= c.message_id;
      event.sender ??= c.sender;
      event.sizeBytes ??= c.size_bytes;
    }
    return event;
  });
}

/**
 * Folds the rows the batch inserted (writeEvents) into the per-minute and per-hour rollups
 * (lib/metrics/rollup-sql.ts) in one statement, then the message lifecycles into queue state.
 * Once per batch, just before COMMIT: each rollup row is locked once, in key order, as in a single-statement batch.
 */
export async function foldInserted(client: PoolClient, organizationId: string, batchId: string, queueLifetimeSeconds: number): Promise<void> {
  await client.query(
    // The reply only of failures: the signature rollups' sample is all that reads it.
    `INSERT INTO ingest_inserted (${insertedColumns.join(', ')})
     SELECT ${insertedColumns.map((c) => (c === 'reply' ? `CASE WHEN outcome <> 'delivered' THEN reply END` : c)).join(', ')}
     FROM delivery_event WHERE organization_id = $1::uuid AND batch_id = $2::uuid`,
    [organizationId, batchId],
  );
  // One statement: every rollup row is locked once, in key order. The counter rollups sum the fine counters, the
  // signature rollups read the failures.
  const upserts = rollupUpserts('fine', 'ingest_inserted', '$1');
  await client.query(
    `WITH fine AS (
       ${fineCountersSql('ingest_inserted', '$1')}
     ), ${upserts.map((u) => `up_${u.table} AS (\n       ${u.sql}\n       RETURNING 1\n     )`).join(', ')}
     SELECT ${upserts.map((u) => `(SELECT count(*) FROM up_${u.table}) AS ${u.table}`).join(', ')}`,
    [organizationId],
  );
  await client.query(QUEUE_LOCK_SQL, [organizationId]);
  await client.query(queueFoldSql('ingest_inserted'), [organizationId, queueLifetimeSeconds]);
}
