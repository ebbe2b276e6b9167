import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { pool } from '@/lib/db/client';
import { env } from '@/lib/env';
import { encodeLiveMessage, LIVE_CHANNEL } from '@/lib/live/channel';
import { ApiError } from '@/lib/http/errors';
import { detectFormat } from './detect-format';
import { enrichEvent, isLocalHop, timeProblem, type NormalizedEvent } from './enrich';
import { splitLines, type LineItem } from './lines';
import { formats } from './registry';
import { formatNames, type Format, type FormatName, type ParseContext, type ParseOutput } from './types';
import { commitStaged, createStaging, stageEvents } from './write-batch';

export type Channel = 'api' | 'webhook' | 'upload';

export interface IngestOptions {
  organizationId: string;
  channel: Channel;
  format: FormatName | 'auto';
  filename?: string | null;
  uploadId?: string | null;
  offsetBytes?: number;
  /** Lines before this body in the file it comes from (chunked uploads), added to reported line numbers. */
  lineOffset?: number;
  createdByUserId?: string | null;
  createdByTokenId?: string | null;
  /** Largest body accepted, in bytes as sent (compressed or not). */
  maxBytes: number;
  /** Largest body after gzip decompression: the gzip-bomb guard. */
  maxDecompressedBytes?: number;
  now?: Date;
  utcOffsetMinutes?: number;
  /** Seconds a message of unknown fate stays queued (default QUEUE_MAX_LIFETIME_SECONDS). */
  queueLifetimeSeconds?: number;
}

export interface IngestResult {
  batchId: string;
  format: FormatName;
  formatReason: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line: number; reason: string }>;
  bytes: number;
  lines: number;
}

/** Rejected lines listed in an answer; all are counted. */
export const MAX_LISTED_ERRORS = 100;
/** Bytes of the body read before the format is detected. */
const DETECT_BYTES = 64 * 1024;
/** JSON bodies up to this size are tried as one document (a JSON array or object); larger ones are read as NDJSON. */
const MAX_JSON_DOCUMENT_BYTES = 32 * 1024 * 1024;
/** Events staged per COPY. */
const STAGE_EVERY = 5_000;

const GZIP_MAGIC = [0x1f, 0x8b];

/** Counts bytes, enforces the limit, and gunzips when the body starts with the gzip magic bytes. */
async function* decodeBody(source: AsyncIterable<Uint8Array>, maxBytes: number, maxDecompressed: number, counter: { bytes: number }): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = Buffer.from(first.value);
  async function* raw(): AsyncGenerator<Buffer> {
    counter.bytes += head.length;
    if (counter.bytes > maxBytes) throw new ApiError('payload_too_large', `The body is larger than the limit of ${maxBytes} bytes.`);
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      counter.bytes += next.value.byteLength;
      if (counter.bytes > maxBytes) throw new ApiError('payload_too_large', `The body is larger than the limit of ${maxBytes} bytes.`);
      yield Buffer.from(next.value);
    }
  }
  if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    yield* raw();
    return;
  }
  const gunzip = createGunzip();
  const input = Readable.from(raw());
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  let out = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      out += chunk.length;
      if (out > maxDecompressed) throw new ApiError('payload_too_large', `The gzip body expands beyond ${maxDecompressed} bytes; split it into smaller files.`);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError('bad_request', `The gzip data is truncated or corrupt (${message}); nothing was stored.`);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

/** Reads lines until DETECT_BYTES are seen, so the format can be detected from content. */
async function peekLines(lines: AsyncGenerator<LineItem>): Promise<{ head: LineItem[]; sample: string; done: boolean }> {
  const head: LineItem[] = [];
  let size = 0;
  while (size < DETECT_BYTES) {
    const next = await lines.next();
    if (next.done) return { head, sample: sampleOf(head), done: true };
    head.push(next.value);
    size += next.value.kind === 'line' ? next.value.text.length + 1 : 1;
  }
  return { head, sample: sampleOf(head), done: false };
}

function sampleOf(items: LineItem[]): string {
  return items.map((i) => (i.kind === 'line' ? i.text : '\u0000')).join('\n');
}

async function* concatLines(head: LineItem[], rest: AsyncGenerator<LineItem>): AsyncGenerator<LineItem> {
  yield* head;
  yield* rest;
}

function formatChoice(requested: FormatName | 'auto', sample: string): { format: Format; reason: string } {
  if (requested !== 'auto') return { format: formats[requested], reason: 'declared by the caller' };
  const detected = detectFormat(sample);
  if (!detected) {
    throw new ApiError('unprocessable', `Could not detect the format of this data. Accepted formats: ${formatNames.join(', ')}; name one with ?format=.`, {
      accepted: formatNames,
    });
  }
  return { format: formats[detected.format], reason: detected.reason };
}

/** Parses JSON records: a whole JSON document (array or object) when it is one, else one record per line (NDJSON). */
async function* recordOutputs(format: Extract<Format, { kind: 'records' }>, lines: AsyncGenerator<LineItem>, ctx: ParseContext): AsyncGenerator<ParseOutput> {
  const buffered: LineItem[] = [];
  let size = 0;
  let exhausted = false;
  while (size <= MAX_JSON_DOCUMENT_BYTES) {
    const next = await lines.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    buffered.push(next.value);
    size += next.value.kind === 'line' ? next.value.text.length + 1 : 1;
  }
  const firstText = buffered.find((i) => i.kind === 'line' && i.text.trim() !== '');
  const startsJson = firstText?.kind === 'line' && /^\s*[[{]/.test(firstText.text);
  if (exhausted && startsJson && buffered.every((i) => i.kind === 'line')) {
    const whole = buffered.map((i) => (i.kind === 'line' ? i.text : '')).join('\n');
    let document: unknown;
    let parsed = true;
    try {
      document = JSON.parse(whole);
    } catch {
      parsed = false;
    }
    if (parsed) {
      // A JSON array: `line` is the record's position in the array (1-based).
      const records = Array.isArray(document) ? document : [document];
      for (let i = 0; i < records.length; i += 1) yield* format.parseRecord(records[i], i + 1, ctx);
      return;
    }
    // One JSON document spread over several lines that does not parse: one clear error, not one per line.
    if (firstText.kind === 'line' && !isJsonLine(firstText.text)) {
      let reason = 'the body is not valid JSON';
      try {
        JSON.parse(whole);
      } catch (error) {
        reason = `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
      }
      yield { kind: 'reject', line: firstText.line, reason };
      return;
    }
  }
  for await (const item of concatLines(buffered, lines)) {
    if (item.kind === 'bad') {
      yield { kind: 'reject', line: item.line, reason: item.reason };
      continue;
    }
    if (item.text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(item.text);
    } catch (error) {
      yield { kind: 'reject', line: item.line, reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
      continue;
    }
    yield* format.parseRecord(record, item.line, ctx);
  }
}

function isJsonLine(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function* lineOutputs(format: Extract<Format, { kind: 'lines' }>, lines: AsyncGenerator<LineItem>, ctx: ParseContext): AsyncGenerator<ParseOutput> {
  const parser = format.createParser(ctx);
  for await (const item of lines) {
    if (item.kind === 'bad') yield { kind: 'reject', line: item.line, reason: item.reason };
    else yield* parser.push(item.text, item.line);
  }
  yield* parser.end();
}

/**
 * Ingests one batch from a byte stream: detects or applies the format, parses, normalizes, and writes
 * everything in ONE transaction (the batch lands whole or not at all). Duplicates of events already
 * stored are counted, not stored; rejected lines are counted and the first 100 listed.
 */
export async function ingestStream(source: AsyncIterable<Uint8Array>, opts: IngestOptions): Promise<IngestResult> {
  const counter = { bytes: 0 };
  const now = opts.now ?? new Date();
  const ctx: ParseContext = { now, utcOffsetMinutes: opts.utcOffsetMinutes ?? 0 };
  const lines = splitLines(decodeBody(source, opts.maxBytes, opts.maxDecompressedBytes ?? opts.maxBytes * 20, counter));
  const { head, sample } = await peekLines(lines);
  if (head.length === 0 || sample.trim() === '') throw new ApiError('bad_request', 'The body is empty: nothing to ingest.');
  const { format, reason } = formatChoice(opts.format, sample);
  const all = concatLines(head, lines);
  const outputs = format.kind === 'lines' ? lineOutputs(format, all, ctx) : recordOutputs(format, all, ctx);

  const batchId = randomUUID();
  const result: IngestResult = { batchId, format: format.name, formatReason: reason, accepted: 0, duplicates: 0, rejected: 0, errors: [], bytes: 0, lines: 0 };
  const client = await pool().connect();
  let staged = 0;
  let maxLine = 0;
  try {
    await client.query('BEGIN');
    await createStaging(client);
    let pending: NormalizedEvent[] = [];
    const lineOffset = opts.lineOffset ?? 0;
    const reject = (line: number, why: string) => {
      result.rejected += 1;
      if (result.errors.length < MAX_LISTED_ERRORS) result.errors.push({ line: line + lineOffset, reason: why });
    };
    for await (const out of outputs) {
      maxLine = Math.max(maxLine, out.line);
      if (out.kind === 'reject') {
        reject(out.line, out.reason);
        continue;
      }
      if (isLocalHop(out.event)) continue;
      const problem = timeProblem(out.event.occurredAt, now);
      if (problem) {
        reject(out.line, problem);
        continue;
      }
      pending.push(enrichEvent(out.event));
      if (pending.length >= STAGE_EVERY) {
        await stageEvents(client, pending);
        staged += pending.length;
        pending = [];
      }
    }
    await stageEvents(client, pending);
    staged += pending.length;
    const inserted = await commitStaged(client, opts.organizationId, batchId, opts.queueLifetimeSeconds ?? env().QUEUE_MAX_LIFETIME_SECONDS);
    result.accepted = inserted;
    result.duplicates = staged - inserted;
    result.bytes = counter.bytes;
    result.lines = maxLine;
    await client.query(
      `INSERT INTO ingest_batch (id, organization_id, channel, format, format_reason, filename, upload_id, offset_bytes, bytes, lines,
                                 accepted, duplicates, rejected, errors, created_by_user_id, created_by_token_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [batchId, opts.organizationId, opts.channel, format.name, reason, opts.filename ?? null, opts.uploadId ?? null, opts.offsetBytes ?? 0,
        result.bytes, result.lines, result.accepted, result.duplicates, result.rejected, JSON.stringify(result.errors), opts.createdByUserId ?? null, opts.createdByTokenId ?? null],
    );
    // Delivered at commit, to every app process listening (live dashboards).
    if (result.accepted > 0) {
      await client.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, encodeLiveMessage({ type: 'batch', org: opts.organizationId, batchId, accepted: result.accepted, format: format.name })]);
    }
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
