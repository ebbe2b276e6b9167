/** Number formatting of the metric panels: fixed locale so the server render is stable and matches tests. */

const LOCALE = 'en-US';
const countFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** 12,345. */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

/** A rate 0..1 as a percentage with one decimal ("37.5%"), or "—" when there is no rate (no attempts). */
export function formatPercent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** A change in percentage points with its sign ("+12.3 pp", "−0.4 pp", "±0 pp"), "—" when unknown. */
export function formatPoints(points: number | null): string {
  if (points === null || !Number.isFinite(points)) return '—';
  const rounded = Math.round(points * 10) / 10;
  if (rounded === 0) return '±0 pp';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(1)} pp`;
}

/** How far above its baseline a change in points is worth a colour: 5 pp is the alerting floor used by the cards. */
export const NOTABLE_CHANGE_POINTS = 5;

/** The tone of a change against the baseline: worse (up) is a warning, far worse a danger. */
export function changeTone(points: number | null): 'danger' | 'warning' | 'success' | 'neutral' {
  if (points === null) return 'neutral';
  if (points >= 4 * NOTABLE_CHANGE_POINTS) return 'danger';
  if (points >= NOTABLE_CHANGE_POINTS) return 'warning';
  if (points <= -NOTABLE_CHANGE_POINTS) return 'success';
  return 'neutral';
}

/** The tone of a deferral rate: under 5 % healthy, 5–20 % worth a look, above 20 % a throttle or block. */
export function rateTone(rate: number | null): 'danger' | 'warning' | 'success' | 'neutral' {
  if (rate === null) return 'neutral';
  if (rate > 0.2) return 'danger';
  if (rate >= 0.05) return 'warning';
  return 'success';
}
