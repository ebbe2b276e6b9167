import { db } from '@/lib/db/client';
import { queueDepthFromState } from './queue-source';
import { runDetection } from './run-detection';

/** After a batch, detection for that organisation runs once this many ms later, however many batches arrive meanwhile. */
const DEBOUNCE_MS = 2_000;
/** Detection also runs on a timer, so time passing alone escalates, recovers or resolves incidents. */
export const DETECTION_INTERVAL_MS = 60_000;

const globalForScheduler = globalThis as unknown as { ddDetectionTimers?: Map<string, ReturnType<typeof setTimeout>>; ddDetectionInterval?: ReturnType<typeof setInterval> };
const pending = (globalForScheduler.ddDetectionTimers ??= new Map());

async function runSafely(organizationId: string): Promise<void> {
  try {
    const run = await runDetection(organizationId, new Date(), { queueDepth: queueDepthFromState });
    // Back-dated data is evaluated a week per run: the rest follows right after, not a timer tick later.
    if (run.hasHistoryPending) scheduleDetection(organizationId);
  } catch (error) {
    // The timer runs again within a minute; rollups are the durable input, nothing is lost.
    console.error(`[incidents] detection failed for ${organizationId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Asks for a detection run for an organisation soon (coalesced). */
export function scheduleDetection(organizationId: string): void {
  if (pending.has(organizationId)) return;
  const timer = setTimeout(() => {
    pending.delete(organizationId);
    void runSafely(organizationId);
  }, DEBOUNCE_MS);
  timer.unref?.();
  pending.set(organizationId, timer);
}

/** Starts the per-process timer running detection for every organisation (idempotent). */
export function startDetectionTimer(): void {
  if (globalForScheduler.ddDetectionInterval) return;
  const tick = async () => {
    try {
      const orgs = await db().organization.findMany({ select: { id: true } });
      for (const org of orgs) await runSafely(org.id);
    } catch (error) {
      console.error(`[incidents] detection timer: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  globalForScheduler.ddDetectionInterval = setInterval(() => void tick(), DETECTION_INTERVAL_MS);
  globalForScheduler.ddDetectionInterval.unref?.();
}
