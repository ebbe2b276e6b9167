import { queueDepthFromState } from '@/lib/incidents/queue-source';
import { listIncidents } from '@/lib/incidents/queries/list-incidents';
import { writeIncidentAnnotation } from '@/lib/incidents/queries/write-incident-annotation';
import { runDetection } from '@/lib/incidents/run-detection';
import { ingestStream } from '@/lib/ingest/pipeline';
import { demoFilename } from './demo-batch';
import { getDemoAnchor } from './queries/get-demo-anchor';
import { DEFAULT_DEMO_SEED, demoScenario, demoTimeline, type DemoNote, type DemoTimeline } from './scenario';

/** Events per ingest batch: one transaction each, like a busy MTA shipping its log every few seconds. */
const EVENTS_PER_BATCH = 5_000;

export interface DemoLoadResult {
  /** The time the demo day ends at (its "now"). */
  anchor: Date;
  seed: number;
  timeline: DemoTimeline;
  notes: DemoNote[];
  batches: number;
  events: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line: number; reason: string }>;
}

async function* oneChunk(body: Buffer): AsyncGenerator<Uint8Array> {
  yield body;
}

/**
 * Loads the demo day (lib/demo/scenario.ts) into an organisation through the normal ingest pipeline, as NDJSON
 * batches of 5 000 events. Idempotent: without `now`, a second load reuses the first load's anchor time and
 * seed, so every event is a duplicate and nothing is stored twice.
 */
export async function loadDemo(organizationId: string, options: { now?: Date; seed?: number } = {}): Promise<DemoLoadResult> {
  const previous = options.now ? null : await getDemoAnchor(organizationId);
  const timeline = demoTimeline(options.now ?? previous?.anchor ?? new Date());
  const seed = options.seed ?? previous?.seed ?? DEFAULT_DEMO_SEED;
  const { events, notes } = demoScenario({ now: timeline.now, seed });
  const filename = demoFilename(timeline.now, seed);
  const result: DemoLoadResult = { anchor: timeline.now, seed, timeline, notes, batches: 0, events: events.length, accepted: 0, duplicates: 0, rejected: 0, errors: [] };
  for (let i = 0; i < events.length; i += EVENTS_PER_BATCH) {
    const body = Buffer.from(events.slice(i, i + EVENTS_PER_BATCH).map((e) => JSON.stringify(e)).join('\n') + '\n');
    const batch = await ingestStream(oneChunk(body), { organizationId, channel: 'api', format: 'ndjson', filename, maxBytes: body.length, lineOffset: i });
    result.batches += 1;
    result.accepted += batch.accepted;
    result.duplicates += batch.duplicates;
    result.rejected += batch.rejected;
    result.errors.push(...batch.errors);
  }
  if (result.accepted > 0) await annotateDemoIncident(organizationId, timeline.now, notes);
  return result;
}

/**
 * Runs detection over the demo day at its end time, then writes the team's notes (allow-listing,
 * failed first fix, reversion) on the Microsoft 365 incident it opened, as a team would have.
 */
async function annotateDemoIncident(organizationId: string, now: Date, notes: DemoNote[]): Promise<void> {
  await runDetection(organizationId, now, { queueDepth: queueDepthFromState });
  const { incidents } = await listIncidents(organizationId, { limit: 50 });
  const incident = incidents.find((i) => i.kbRule === 'microsoft.server-busy');
  if (!incident) return;
  for (const note of notes) {
    await writeIncidentAnnotation(
      organizationId,
      incident.id,
      'demo data',
      { action: 'note', text: note.text, at: note.at.toISOString(), ...(note.providerReference ? { providerReference: note.providerReference } : {}) },
      now,
    );
  }
}
