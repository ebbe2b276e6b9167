// Runs once when the Next.js server starts: the incident detection and DNS re-check timers (Node runtime only).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startDetectionTimer } = await import('@/lib/incidents/scheduler');
  const { startAuthCheckTimer } = await import('@/lib/auth-status/scheduler');
  startDetectionTimer();
  startAuthCheckTimer();
}
