/** What every deferral rate leaves out, stated in each DTO that carries a rate. */
export const RATE_EXCLUDES = 'per-recipient temporary failures (mailbox full, 4.2.1 receiving too fast, greylisting)' as const;

/**
 * Deferral rate with per-recipient temporary failures left out of both sides: they say nothing about the
 * sender's standing with the provider. Null (a chart gap, not 0 %) when no attempt remains.
 */
export function deferralRate(attempts: number, deferred: number, deferredPerRecipient: number): number | null {
  const base = attempts - deferredPerRecipient;
  return base > 0 ? (deferred - deferredPerRecipient) / base : null;
}
