// POST /api/v1/uploads – streaming upload of one file or of one chunk of a large file (browser uploads)
// GET  /api/v1/uploads – past uploads with who uploaded what, when, and the totals
import { z } from 'zod';
import { env } from '@/lib/env';
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { ingestAnswer, ingestRequest } from '@/lib/ingest/http';
import { listUploads } from '@/lib/ingest/queries/list-uploads';
import { formatNames } from '@/lib/ingest/types';

export const dynamic = 'force-dynamic';

const uploadQuery = z.object({
  filename: z.string().trim().min(1, 'is required').max(255),
  format: z.enum(['auto', ...formatNames], { message: `must be auto or one of ${formatNames.join(', ')}` }).default('auto'),
  /** Client-chosen id shared by all chunks of one file; re-sending a chunk counts nothing twice. */
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, - or _').optional(),
  offset: z.coerce.number().int().min(0).default(0),
  lineOffset: z.coerce.number().int().min(0).default(0),
});

export const POST = withApi('ingest', async ({ req, org, principal }) => {
  const q = parseQuery(req, uploadQuery);
  const result = await ingestRequest(req, {
    organizationId: org.id,
    principal,
    channel: 'upload',
    format: q.format,
    filename: q.filename,
    uploadId: q.uploadId ?? null,
    offsetBytes: q.offset,
    lineOffset: q.lineOffset,
    maxBytes: env().MAX_UPLOAD_BYTES,
  });
  return Response.json(ingestAnswer(result, { bytes: result.bytes, lines: result.lines, uploadId: q.uploadId ?? null }));
});

export const GET = withApi('read', async ({ org }) => Response.json({ uploads: await listUploads(org.id) }));
