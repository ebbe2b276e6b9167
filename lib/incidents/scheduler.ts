import { db } from '@/lib/db/client';
import { Coalescer } from './coalesce';
import { queueDepthFromState } from './queue-source';
import { runDetection } from './run-detection';

/**
 * After a batch, detection for that organisation runs once no batch has come for QUIET_MS, and at the latest MAX_WAIT_MS
 * after the first batch: a burst of batches (a log sent in parts, a shipper catching up) is evaluated once, not again
 * every 2 s while it lasts; a steady stream still gets a run every 10 s.
 */
const QUIET_MS = 2_000;
const MAX_WAIT_MS = 10_000;
/** Detection also runs on a timer, so time passing alone escalates, recovers or resolves incidents. */
export const DETECTION_INTERVAL_MS = 60_000;

const globalForScheduler = globalThis as unknown as {
  ddDetectionRequests?: Coalescer;
  ddDetectionInterval?: ReturnType<typeof setInterval>;
  ddDetectionRunning?: Set<string>;
  ddDetectionAgain?: Set<string>;
};
/** Organisations whose detection is running in this process, and those asked for again meanwhile. */
const running = (globalForScheduler.ddDetectionRunning ??= new Set());
const again = (globalForScheduler.ddDetectionAgain ??= new Set());

/**
 * One detection run per organisation at a time in a process: a run asked for while one is going runs once after it.
 * Overlapping runs would each hold a pooled connection while waiting for the organisation's advisory lock.
 */
export async function runDetectionSafely(organizationId: string): Promise<void> {
  if (running.has(organizationId)) {
    again.add(organizationId);
    return;
  }
  running.add(organizationId);
  try {
    const run = await runDetection(organizationId, new Date(), { queueDepth: queueDepthFromState });
    // Back-dated data is evaluated a week per run: the rest follows right after, not a timer tick later.
    if (run.hasHistoryPending) scheduleDetection(organizationId);
  } catch (error) {
    // The timer runs again within a minute; rollups are the durable input, nothing is lost.
    console.error(`[incidents] detection failed for ${organizationId}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    running.delete(organizationId);
    if (again.delete(organizationId)) scheduleDetection(organizationId);
  }
}

const requests = (globalForScheduler.ddDetectionRequests ??= new Coalescer(QUIET_MS, MAX_WAIT_MS, (organizationId) => void runDetectionSafely(organizationId)));

/** Asks for a detection run for an organisation soon (coalesced). */
export function scheduleDetection(organizationId: string): void {
  requests.request(organizationId);
}

/** Starts the per-process timer running detection for every organisation (idempotent). */
export function startDetectionTimer(): void {
  if (globalForScheduler.ddDetectionInterval) return;
  const tick = async () => {
    try {
      const orgs = await db().organization.findMany({ select: { id: true } });
      for (const org of orgs) await runDetectionSafely(org.id);
    } catch (error) {
      console.error(`[incidents] detection timer: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  globalForScheduler.ddDetectionInterval = setInterval(() => void tick(), DETECTION_INTERVAL_MS);
  globalForScheduler.ddDetectionInterval.unref?.();
}
