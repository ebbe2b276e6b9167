// Runs once when the Next.js server starts: the incident detection, alert delivery, DNS re-check and retention timers (Node runtime only).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startDetectionTimer } = await import('@/lib/incidents/scheduler');
  const { startAuthCheckTimer } = await import('@/lib/auth-status/scheduler');
  const { startAlertDelivery } = await import('@/lib/alerts/scheduler');
  startDetectionTimer();
  startAlertDelivery();
  startAuthCheckTimer();
  const { startRetentionTimer } = await import('@/lib/retention/scheduler');
  startRetentionTimer();
}
