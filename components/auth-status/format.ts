import type { ChartMarker } from '@/components/charts/time-series-chart';
import { KIND_LABEL, type CheckStatus } from '@/lib/auth-status/check-outcome';
import type { AuthChangeDto } from '@/lib/auth-status/queries/list-auth-changes';
import type { Tone } from '@/components/ui/badge';

export const checkTone: Record<CheckStatus, Tone> = { good: 'success', warn: 'warning', bad: 'danger', unknown: 'neutral' };

/** "97.5 %", or "—" when there is nothing to divide. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)} %`;
}

export function formatShare(part: number, whole: number): string {
  return formatRate(whole > 0 ? part / whole : null);
}

/** "2024-03-02 18:00 UTC" */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** The problems a stored check explains (its own, or each DKIM selector's, prefixed with the selector). */
export function problemsOf(evidence: unknown): string[] {
  if (!isRecord(evidence)) return [];
  const own = strings(evidence.problems);
  const selectors = Array.isArray(evidence.selectors) ? evidence.selectors.filter(isRecord) : [];
  return [...own, ...selectors.flatMap((s) => strings(s.problems).map((p) => `${String(s.selector)}: ${p}`))];
}

/**
 * DNS changes as markers on the SMTP charts' time axis, oldest first: "SPF acme.test good → bad". Changes of the
 * same minute share one marker; more than two are counted (the Authentication page lists each).
 */
export function authChangeMarkers(changes: AuthChangeDto[]): ChartMarker[] {
  const byMinute = new Map<number, string[]>();
  for (const c of changes) {
    const minute = Math.floor(Date.parse(c.at) / 60_000) * 60_000;
    byMinute.set(minute, [...(byMinute.get(minute) ?? []), `${KIND_LABEL[c.kind]} ${c.target} ${c.fromStatus} → ${c.toStatus}`]);
  }
  return [...byMinute.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, labels]) => ({ t: new Date(t).toISOString(), label: labels.length > 2 ? `${labels.length} DNS changes` : labels.join(' · ') }));
}
