import { pool } from '@/lib/db/client';
import type { QueueSampleInput } from './parse-queue-samples';

/** Stores queue samples; a sample sent again (same time, source, provider, IP) replaces the earlier value. */
export async function writeQueueSamples(organizationId: string, samples: readonly QueueSampleInput[]): Promise<number> {
  if (samples.length === 0) return 0;
  const result = await pool().query(
    `INSERT INTO queue_sample (organization_id, sampled_at, source, provider, sending_ip, depth, oldest_age_seconds)
     SELECT $1::uuid, * FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
     ON CONFLICT (organization_id, sampled_at, source, provider, sending_ip) DO UPDATE SET depth = EXCLUDED.depth, oldest_age_seconds = EXCLUDED.oldest_age_seconds`,
    [
      organizationId,
      samples.map((s) => s.sampledAt.toISOString()),
      samples.map((s) => s.source),
      samples.map((s) => s.provider),
      samples.map((s) => s.sendingIp),
      samples.map((s) => s.depth),
      samples.map((s) => s.oldestAgeSeconds),
    ],
  );
  return result.rowCount ?? 0;
}
