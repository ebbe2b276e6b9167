import { runRetention } from './run-retention';

/** Retention runs this often per process; the first run is a minute after start, off the boot path. */
export const RETENTION_INTERVAL_MS = 6 * 3600 * 1000;
const FIRST_RUN_MS = 60_000;

const globalForRetention = globalThis as unknown as { ddRetentionTimer?: ReturnType<typeof setTimeout>; ddRetentionRunning?: boolean };

async function runSafely(): Promise<void> {
  // Several replicas may run it at once: each DELETE batch is idempotent, so they only share the work.
  if (globalForRetention.ddRetentionRunning) return;
  globalForRetention.ddRetentionRunning = true;
  try {
    const r = await runRetention();
    if (r.deletedEvents > 0 || r.deletedBatches > 0 || r.deletedContexts > 0) {
      console.log(`[retention] deleted ${r.deletedEvents} events and ${r.deletedBatches} batch records before ${r.cutoff}, ${r.deletedContexts} stale Postfix context rows`);
    }
  } catch (error) {
    console.error(`[retention] failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    globalForRetention.ddRetentionRunning = false;
  }
}

/** Starts the per-process retention timer (idempotent): RETENTION_DAYS, batches of 5 000 rows. */
export function startRetentionTimer(): void {
  if (globalForRetention.ddRetentionTimer) return;
  const schedule = (ms: number) => {
    globalForRetention.ddRetentionTimer = setTimeout(() => {
      void runSafely().finally(() => schedule(RETENTION_INTERVAL_MS));
    }, ms);
    globalForRetention.ddRetentionTimer.unref?.();
  };
  schedule(FIRST_RUN_MS);
}
