import { z } from 'zod';
import { providerFor } from '@/lib/smtp';

/** One queue measurement as an MTA reports it. */
export interface QueueSampleInput {
  sampledAt: Date;
  source: string;
  provider: string;
  sendingIp: string;
  depth: number;
  oldestAgeSeconds: number | null;
}

const sampleSchema = z.object({
  t: z.coerce.date({ message: 'must be an ISO 8601 time' }),
  provider: z.string().max(64).default('all'),
  ip: z.string().max(64).default(''),
  depth: z.number().int().min(0),
  oldestAgeSeconds: z.number().int().min(0).nullable().default(null),
});

export const samplesBodySchema = z.object({
  source: z.string().trim().min(1).max(128),
  samples: z.array(sampleSchema).min(1).max(10_000),
});

/** The generic JSON body: `{source, samples: [{t, provider?, ip?, depth, oldestAgeSeconds?}]}`. */
export function samplesFromJson(body: unknown): QueueSampleInput[] {
  const parsed = samplesBodySchema.parse(body);
  return parsed.samples.map((s) => ({ sampledAt: s.t, source: parsed.source, provider: s.provider, sendingIp: s.ip, depth: s.depth, oldestAgeSeconds: s.oldestAgeSeconds }));
}

const postqueueMessage = z.object({
  queue_name: z.string().optional(),
  arrival_time: z.number(),
  recipients: z.array(z.object({ address: z.string() })).default([]),
});

/**
 * Postfix `postqueue -j` output (one JSON object per queued message) turned into one sample per
 * provider at `sampledAt`: depth = queued recipients, oldest age = sampledAt − earliest arrival.
 * Held and active messages count as queued, as they are not delivered yet.
 */
export function samplesFromPostqueue(text: string, source: string, sampledAt: Date): { samples: QueueSampleInput[]; errors: Array<{ line: number; reason: string }> } {
  const byProvider = new Map<string, { depth: number; oldestArrival: number }>();
  const errors: Array<{ line: number; reason: string }> = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      errors.push({ line: index + 1, reason: 'not valid JSON (expected `postqueue -j` output)' });
      return;
    }
    const m = postqueueMessage.safeParse(json);
    if (!m.success) {
      errors.push({ line: index + 1, reason: m.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return;
    }
    for (const r of m.data.recipients) {
      const domain = r.address.split('@')[1]?.toLowerCase() ?? null;
      const provider = providerFor(null, domain);
      const entry = byProvider.get(provider) ?? { depth: 0, oldestArrival: Number.POSITIVE_INFINITY };
      entry.depth += 1;
      entry.oldestArrival = Math.min(entry.oldestArrival, m.data.arrival_time);
      byProvider.set(provider, entry);
    }
  });
  const samples = [...byProvider.entries()].map(([provider, e]) => ({
    sampledAt,
    source,
    provider,
    sendingIp: '',
    depth: e.depth,
    oldestAgeSeconds: Number.isFinite(e.oldestArrival) ? Math.max(0, Math.round(sampledAt.getTime() / 1000 - e.oldestArrival)) : null,
  }));
  return { samples, errors };
}
