import { z } from 'zod';
import { env } from '@/lib/env';
import { ApiError } from '@/lib/http/errors';
import type { Principal } from '@/lib/http/guard';
import { formatNames, type FormatName } from './types';
import { scheduleDetection } from '@/lib/incidents/scheduler';
import { ingestStream, type Channel, type IngestResult } from './pipeline';

/** Content types an ingest body may declare (or none at all). */
const acceptedTypes = [
  'text/plain', 'text/csv', 'text/x-log', 'application/json', 'application/x-ndjson', 'application/ndjson', 'application/jsonl',
  'application/x-jsonlines', 'application/gzip', 'application/x-gzip', 'application/octet-stream',
];

export const formatQuery = z.object({
  format: z.enum(['auto', ...formatNames], { message: `must be auto or one of ${formatNames.join(', ')}` }).default('auto'),
});

/** Checks size and type before the body is read: 413 and 415 cost nothing. */
export function checkBodyHeaders(req: Request, maxBytes: number): void {
  const length = req.headers.get('content-length');
  if (length !== null && Number(length) > maxBytes) {
    throw new ApiError('payload_too_large', `The body (${length} bytes) is larger than the limit of ${maxBytes} bytes; upload large files through /api/v1/uploads.`);
  }
  const type = req.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type && !acceptedTypes.includes(type)) {
    throw new ApiError('unsupported_media_type', `Content-Type ${type} is not accepted. Send logs as text/plain, JSON, NDJSON, CSV or gzip (${acceptedTypes.join(', ')}).`);
  }
  const encoding = req.headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'gzip' && encoding !== 'identity') {
    throw new ApiError('unsupported_media_type', `Content-Encoding ${encoding} is not supported; use gzip or none.`);
  }
}

export function bodyStream(req: Request): AsyncIterable<Uint8Array> {
  if (!req.body) return (async function* () {})();
  return req.body as unknown as AsyncIterable<Uint8Array>;
}

/**
 * Reads the first `bytes` of a stream and hands back that prefix plus a stream that replays it
 * followed by the rest, so a body can be sniffed and still streamed whole.
 */
export async function peekStream(source: AsyncIterable<Uint8Array>, bytes: number): Promise<{ prefix: Buffer; stream: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    parts.push(Buffer.from(next.value));
    size += next.value.byteLength;
  }
  const prefix = Buffer.concat(parts);
  async function* replay(): AsyncGenerator<Uint8Array> {
    if (prefix.length) yield prefix;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { prefix, stream: replay() };
}

export interface IngestRequestOptions {
  organizationId: string;
  principal: Principal;
  channel: Channel;
  format: FormatName | 'auto';
  filename?: string | null;
  uploadId?: string | null;
  offsetBytes?: number;
  lineOffset?: number;
  maxBytes?: number;
  /** The body, when the caller has already started reading it (see peekStream). */
  body?: AsyncIterable<Uint8Array>;
}

/** Reads a request body into one ingest batch. */
export async function ingestRequest(req: Request, o: IngestRequestOptions): Promise<IngestResult> {
  const maxBytes = o.maxBytes ?? env().MAX_BODY_BYTES;
  checkBodyHeaders(req, maxBytes);
  const result = await ingestStream(o.body ?? bodyStream(req), {
    organizationId: o.organizationId,
    channel: o.channel,
    format: o.format,
    filename: o.filename,
    uploadId: o.uploadId,
    offsetBytes: o.offsetBytes,
    lineOffset: o.lineOffset,
    maxBytes,
    createdByUserId: o.principal.kind === 'user' ? o.principal.userId : null,
    createdByTokenId: o.principal.kind === 'token' ? o.principal.tokenId : null,
  });
  if (result.accepted > 0) scheduleDetection(o.organizationId);
  return result;
}

/** The answer of DESIGN.md: batchId, format, accepted, duplicates, rejected, errors (first 100). */
export function ingestAnswer(r: IngestResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { batchId: r.batchId, format: r.format, formatReason: r.formatReason, accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected, errors: r.errors, ...extra };
}
