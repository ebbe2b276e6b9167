// POST /api/v1/queue-samples – queue depth as the MTA reports it (JSON samples, or `postqueue -j` output with ?format=postqueue)
import { z } from 'zod';
import { env } from '@/lib/env';
import { ApiError } from '@/lib/http/errors';
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { readBody } from '@/lib/http/read-body';
import { samplesFromJson, samplesFromPostqueue } from '@/lib/queue/parse-queue-samples';
import { writeQueueSamples } from '@/lib/queue/write-queue-samples';

export const dynamic = 'force-dynamic';

const query = z.object({
  format: z.enum(['json', 'postqueue']).default('json'),
  source: z.string().trim().min(1).max(128).optional(),
  t: z.coerce.date({ message: 'must be an ISO 8601 time' }).optional(),
});

export const POST = withApi('ingest', async ({ req, org }) => {
  const q = parseQuery(req, query);
  const text = (await readBody(req, env().MAX_BODY_BYTES)).toString('utf8');
  if (q.format === 'postqueue') {
    if (!q.source) throw new ApiError('unprocessable', 'source: name the MTA the queue listing comes from (?source=mx1)');
    const { samples, errors } = samplesFromPostqueue(text, q.source, q.t ?? new Date());
    const stored = await writeQueueSamples(org.id, samples);
    return Response.json({ stored, providers: samples.map((s) => ({ provider: s.provider, depth: s.depth, oldestAgeSeconds: s.oldestAgeSeconds })), rejected: errors.length, errors: errors.slice(0, 100) });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError('bad_request', 'The body must be JSON: {"source": "mx1", "samples": [{"t", "provider", "ip", "depth", "oldestAgeSeconds"}]}.');
  }
  const stored = await writeQueueSamples(org.id, samplesFromJson(body));
  return Response.json({ stored });
});
