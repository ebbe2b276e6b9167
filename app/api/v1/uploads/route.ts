// POST /api/v1/uploads – streaming upload of one file or one chunk of a large file; DMARC reports go to the DMARC store
// GET  /api/v1/uploads – past uploads with who uploaded what, when, and the totals
import { z } from 'zod';
import { ingestDmarcReport } from '@/lib/auth-status/write-dmarc-report';
import { env } from '@/lib/env';
import { ApiError } from '@/lib/http/errors';
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { bodyStream, checkBodyHeaders, ingestAnswer, ingestRequest, peekStream } from '@/lib/ingest/http';
import { listUploads } from '@/lib/ingest/queries/list-uploads';
import { looksLikeDmarcReport, SNIFF_BYTES } from '@/lib/ingest/sniff';
import { formatNames } from '@/lib/ingest/types';

export const dynamic = 'force-dynamic';

/** A DMARC report is read whole (it is parsed as one document); real reports are far smaller. */
const MAX_DMARC_BYTES = 50 * 1024 * 1024;

const uploadQuery = z.object({
  filename: z.string().trim().min(1, 'is required').max(255),
  format: z.enum(['auto', ...formatNames], { message: `must be auto or one of ${formatNames.join(', ')}` }).default('auto'),
  /** Client-chosen id shared by all chunks of one file; re-sending a chunk counts nothing twice. */
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, - or _').optional(),
  offset: z.coerce.number().int().min(0).default(0),
  lineOffset: z.coerce.number().int().min(0).default(0),
});

async function readAll(stream: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ApiError('payload_too_large', `A DMARC report larger than ${maxBytes} bytes is not accepted.`);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

export const POST = withApi('ingest', async ({ req, org, principal }) => {
  const q = parseQuery(req, uploadQuery);
  const maxBytes = env().MAX_UPLOAD_BYTES;
  checkBodyHeaders(req, maxBytes);
  const { prefix, stream } = await peekStream(bodyStream(req), SNIFF_BYTES);
  if (q.format === 'auto' && q.offset === 0 && looksLikeDmarcReport(prefix)) {
    const report = await ingestDmarcReport(org.id, await readAll(stream, MAX_DMARC_BYTES), q.filename);
    return Response.json({ kind: 'dmarc-report', format: 'dmarc', ...report, accepted: report.stored ? 1 : 0, duplicates: report.stored ? 0 : 1, rejected: 0, errors: [] });
  }
  const result = await ingestRequest(req, {
    organizationId: org.id,
    principal,
    channel: 'upload',
    format: q.format,
    filename: q.filename,
    uploadId: q.uploadId ?? null,
    offsetBytes: q.offset,
    lineOffset: q.lineOffset,
    maxBytes,
    body: stream,
  });
  return Response.json(ingestAnswer(result, { kind: 'events', bytes: result.bytes, lines: result.lines, uploadId: q.uploadId ?? null }));
});

export const GET = withApi('read', async ({ org }) => Response.json({ uploads: await listUploads(org.id) }));
