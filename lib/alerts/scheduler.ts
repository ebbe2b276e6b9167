import { deliverPendingAlerts } from './deliver-pending-alerts';

/** How often the outbox is checked for due alerts. */
export const ALERT_DELIVERY_INTERVAL_MS = 15_000;

const globalForAlerts = globalThis as unknown as { ddAlertInterval?: ReturnType<typeof setInterval>; ddAlertRunning?: boolean };

/** Starts the per-process timer that delivers due alerts (idempotent; one run at a time per process). */
export function startAlertDelivery(): void {
  if (globalForAlerts.ddAlertInterval) return;
  const tick = async () => {
    if (globalForAlerts.ddAlertRunning) return;
    globalForAlerts.ddAlertRunning = true;
    try {
      // Keep going until nothing is due: each row taken is delivered, given up or pushed into the future.
      let report;
      do report = await deliverPendingAlerts();
      while (report.attempted > 0);
    } catch (error) {
      // The rows stay pending; the next tick retries them.
      console.error(`[alerts] delivery failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      globalForAlerts.ddAlertRunning = false;
    }
  };
  globalForAlerts.ddAlertInterval = setInterval(() => void tick(), ALERT_DELIVERY_INTERVAL_MS);
  globalForAlerts.ddAlertInterval.unref?.();
}
