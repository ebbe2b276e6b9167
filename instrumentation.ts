// Runs once when the Next.js server starts: the incident detection timer (Node runtime only).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startDetectionTimer } = await import('@/lib/incidents/scheduler');
  startDetectionTimer();
}
