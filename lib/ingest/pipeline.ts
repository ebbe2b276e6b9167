import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as turnOfEventLoop } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { ingestSlots, pool } from '@/lib/db/client';
import { env } from '@/lib/env';
import { encodeLiveMessage, LIVE_CHANNEL } from '@/lib/live/channel';
import { ApiError } from '@/lib/http/errors';
import { QUEUE_LOCK_SQL } from '@/lib/queue/queue-sql';
import { detectFormat } from './detect-format';
import { enrichEvent, isLocalHop, timeProblem } from './enrich';
import { splitLines, type LineItem } from './lines';
import { formats } from './registry';
import { formatNames, type Format, type FormatName, type ParseContext, type ParseOutput } from './types';
import { completeFromContext, createStaging, foldInserted, PartRows, writeEvents, type UnresolvedEvent } from './write-batch';
import { CONTEXT_SLACK_SECONDS, writePostfixContext, type KeptContext } from './write-postfix-context';

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
/** Events written per COPY and INSERT; the next ones are parsed meanwhile. */
const WRITE_EVERY = 5_000;
/**
 * Longest stretch of parsing before the event loop gets a turn. A body that is already read arrives through promises
 * alone, so without these turns the database's answers to the part being written (and every other request of the
 * process) waited until the next part was parsed: the COPY did not overlap the parsing it was meant to overlap.
 */
const MAX_PARSE_SLICE_MS = 4;

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

/** Reads lines until DETECT_BYTES are seen, so the format can be detected from content; `rest` is every line after them. */
async function peekLines(batches: AsyncGenerator<LineItem[]>): Promise<{ head: LineItem[]; sample: string; rest: AsyncGenerator<LineItem[]> }> {
  const head: LineItem[] = [];
  let left: LineItem[] = [];
  let size = 0;
  while (size < DETECT_BYTES) {
    const next = await batches.next();
    if (next.done) break;
    let taken = 0;
    while (taken < next.value.length && size < DETECT_BYTES) {
      const item = next.value[taken] as LineItem;
      head.push(item);
      size += item.kind === 'line' ? item.text.length + 1 : 1;
      taken += 1;
    }
    left = next.value.slice(taken);
  }
  async function* rest(): AsyncGenerator<LineItem[]> {
    if (left.length > 0) yield left;
    yield* batches;
  }
  return { head, sample: head.map((i) => (i.kind === 'line' ? i.text : '\u0000')).join('\n'), rest: rest() };
}

/** The head and the rest again, noting in `read.lines` the number of the last line read. */
async function* concatLines(head: LineItem[], rest: AsyncGenerator<LineItem[]>, read: { lines: number }): AsyncGenerator<LineItem[]> {
  if (head.length > 0) {
    read.lines = (head[head.length - 1] as LineItem).line;
    yield head;
  }
  for await (const batch of rest) {
    if (batch.length > 0) read.lines = (batch[batch.length - 1] as LineItem).line;
    yield batch;
  }
}

/** One line at a time, for the record formats that read a whole document or NDJSON. */
async function* eachLine(batches: AsyncGenerator<LineItem[]>): AsyncGenerator<LineItem> {
  for await (const batch of batches) yield* batch;
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
async function* recordOutputs(format: Extract<Format, { kind: 'records' }>, batches: AsyncGenerator<LineItem[]>, ctx: ParseContext): AsyncGenerator<ParseOutput[]> {
  const lines = eachLine(batches);
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
      for (let i = 0; i < records.length; i += 1) yield format.parseRecord(records[i], i + 1, ctx);
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
      yield [{ kind: 'reject', line: firstText.line, reason }];
      return;
    }
  }
  async function* bufferedThenRest(): AsyncGenerator<LineItem> {
    yield* buffered;
    yield* lines;
  }
  for await (const item of bufferedThenRest()) {
    if (item.kind === 'bad') {
      yield [{ kind: 'reject', line: item.line, reason: item.reason }];
      continue;
    }
    if (item.text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(item.text);
    } catch (error) {
      yield [{ kind: 'reject', line: item.line, reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }];
      continue;
    }
    yield format.parseRecord(record, item.line, ctx);
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

/** The outputs of the lines of each batch together; at the end, what the parser keeps for later batches goes into `kept`. */
async function* lineOutputs(format: Extract<Format, { kind: 'lines' }>, batches: AsyncGenerator<LineItem[]>, ctx: ParseContext, kept: { context?: KeptContext }): AsyncGenerator<ParseOutput[]> {
  const parser = format.createParser(ctx);
  for await (const batch of batches) {
    const outputs: ParseOutput[] = [];
    for (const item of batch) {
      if (item.kind === 'bad') outputs.push({ kind: 'reject', line: item.line, reason: item.reason });
      else for (const out of parser.push(item.text, item.line)) outputs.push(out);
    }
    yield outputs;
  }
  const last = parser.end();
  kept.context = parser.keptContext?.();
  yield last;
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
  const { head, sample, rest } = await peekLines(lines);
  if (head.length === 0 || sample.trim() === '') throw new ApiError('bad_request', 'The body is empty: nothing to ingest.');
  const { format, reason } = formatChoice(opts.format, sample);
  const read = { lines: 0 };
  const all = concatLines(head, rest, read);
  const kept: { context?: KeptContext } = {};
  const outputs = format.kind === 'lines' ? lineOutputs(format, all, ctx, kept) : recordOutputs(format, all, ctx);

  const batchId = randomUUID();
  const result: IngestResult = { batchId, format: format.name, formatReason: reason, accepted: 0, duplicates: 0, rejected: 0, errors: [], bytes: 0, lines: 0 };
  const releaseSlot = await ingestSlots().acquire();
  const client = await pool().connect().catch((error: unknown) => {
    releaseSlot();
    throw error;
  });
  let staged = 0;
  let maxLine = 0;
  const queueLifetimeSeconds = opts.queueLifetimeSeconds ?? env().QUEUE_MAX_LIFETIME_SECONDS;
  // The part of the batch the database is writing while the next part is parsed; at most one at a time.
  let writing: Promise<void> = Promise.resolve();
  // Postfix events whose message started before this batch (`waiting`) first get the context earlier batches kept.
  const write = async (part: PartRows, waiting: UnresolvedEvent[]) => {
    await writing;
    staged += part.count + waiting.length;
    writing = completeFromContext(client, opts.organizationId, waiting, queueLifetimeSeconds + CONTEXT_SLACK_SECONDS)
      .then((completed) => {
        for (const e of completed) part.add(e);
        return writeEvents(client, part);
      })
      .then((inserted) => {
        result.accepted += inserted;
      });
    // Awaited before the next part and before COMMIT or ROLLBACK; this only keeps a failure from counting as unhandled meanwhile.
    writing.catch(() => undefined);
  };
  try {
    await client.query('BEGIN');
    await createStaging(client);
    let part = new PartRows(opts.organizationId, batchId);
    let waiting: UnresolvedEvent[] = [];
    const lineOffset = opts.lineOffset ?? 0;
    const reject = (line: number, why: string) => {
      result.rejected += 1;
      if (result.errors.length < MAX_LISTED_ERRORS) result.errors.push({ line: line + lineOffset, reason: why });
    };
    let sliceStart = performance.now();
    for await (const batch of outputs) {
      for (const out of batch) {
        if (out.line > maxLine) maxLine = out.line;
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
        if (out.contextKey === undefined) part.add(enrichEvent(out.event));
        else waiting.push({ event: enrichEvent(out.event), key: out.contextKey });
      }
      if (performance.now() - sliceStart >= MAX_PARSE_SLICE_MS) {
        await turnOfEventLoop();
        sliceStart = performance.now();
      }
      if (part.count + waiting.length >= WRITE_EVERY) {
        await write(part, waiting);
        part = new PartRows(opts.organizationId, batchId);
        waiting = [];
      }
    }
    await write(part, waiting);
    await writing;
    if (kept.context && (kept.context.contexts.length > 0 || kept.context.removed.length > 0)) {
      // Under the organisation's queue lock (the fold below takes it too): batches merge their context one after another.
      await client.query(QUEUE_LOCK_SQL, [opts.organizationId]);
      await writePostfixContext(client, opts.organizationId, kept.context);
    }
    result.duplicates = staged - result.accepted;
    if (result.accepted > 0) await foldInserted(client, opts.organizationId, batchId, queueLifetimeSeconds);
    result.bytes = counter.bytes;
    // Lines read; for a JSON array, records (an output's `line` is its position in the array).
    result.lines = Math.max(maxLine, read.lines);
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
    // A part still being written must finish first: its next statement would otherwise run after the ROLLBACK.
    await writing.catch(() => undefined);
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
    releaseSlot();
  }
}
