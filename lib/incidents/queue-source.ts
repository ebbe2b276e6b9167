import { env } from '@/lib/env';
import { getQueueSeries } from '@/lib/queue/queries/get-queue-series';
import type { QueueDepthSource } from './run-detection';
import type { QueueInput } from './types';

const MINUTE_S = 60;
const BASELINE_HOURS = 24;

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

/**
 * Queue depth per provider for detection: the reported or reconstructed series at one-minute
 * resolution over the evaluated period, and as baseline the median hourly depth over the day before.
 */
export const queueDepthFromState: QueueDepthSource = async (_tx, { organizationId, providers, from, to }) => {
  const lifetime = env().QUEUE_MAX_LIFETIME_SECONDS;
  const out: Record<string, QueueInput> = {};
  for (const provider of providers) {
    const series = await getQueueSeries(organizationId, { from, to, bucketSeconds: MINUTE_S, provider, withOldestAge: false }, lifetime);
    const before = await getQueueSeries(
      organizationId,
      { from: new Date(from.getTime() - BASELINE_HOURS * 3600_000), to: from, bucketSeconds: 3600, provider, withOldestAge: false },
      lifetime,
    );
    out[provider] = {
      // Depth is as at the end of each minute bucket.
      points: series.points.filter((p) => p.depth !== null).map((p) => ({ t: Date.parse(p.t) + MINUTE_S * 1000, depth: p.depth as number })),
      baselineDepth: median(before.points.flatMap((p) => (p.depth === null ? [] : [p.depth]))),
    };
  }
  return out;
};
