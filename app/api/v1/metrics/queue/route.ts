// GET /api/v1/metrics/queue – queue depth and oldest-message age over time for a provider and/or sending IP
import { z } from 'zod';
import { env } from '@/lib/env';
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { bucketNames, bucketSeconds, resolveBuckets } from '@/lib/metrics/buckets';
import { getQueueSeries } from '@/lib/queue/queries/get-queue-series';

export const dynamic = 'force-dynamic';

const DEFAULT_RANGE_MS = 24 * 3600 * 1000;

const queueQuery = z.object({
  provider: z.string().max(64).optional(),
  ip: z.string().max(64).optional(),
  from: z.coerce.date({ message: 'must be an ISO 8601 time' }).optional(),
  to: z.coerce.date({ message: 'must be an ISO 8601 time' }).optional(),
  bucket: z.enum(bucketNames).optional(),
});

export const GET = withApi('read', async ({ req, org }) => {
  const q = parseQuery(req, queueQuery);
  const to = q.to ?? new Date();
  const spec = resolveBuckets({ from: q.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS), to, bucket: q.bucket });
  const series = await getQueueSeries(org.id, { from: spec.from, to: spec.to, bucketSeconds: bucketSeconds[spec.bucket], provider: q.provider, ip: q.ip }, env().QUEUE_MAX_LIFETIME_SECONDS);
  return Response.json({ bucket: spec.bucket, ...series });
});
