/**
 * Pure helpers shared by the chart components: value and time formatting, colours, and the text
 * alternatives (aria-label summaries) that describe a chart to people who cannot see it.
 */

export type ChartUnit = '%' | 'count' | 's';
export type ChartTone = 'warning' | 'danger' | 'ok' | 'info';

/** Where formatting happens: the browser's locale and zone, or a fixed one for the server render (no hydration mismatch). */
export interface FormatPlace {
  locale?: string;
  timeZone?: string;
}

/** What the server renders before the browser takes over with its own locale and time zone. */
export const SERVER_PLACE: FormatPlace = { locale: 'en-GB', timeZone: 'UTC' };

const MINUTE_S = 60;
const HOUR_S = 3600;
const DAY_S = 86_400;

/** A duration for people: "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < MINUTE_S) return `${s} s`;
  if (s < HOUR_S) return `${Math.round(s / MINUTE_S)} min`;
  if (s < DAY_S) {
    const h = Math.floor(s / HOUR_S);
    const min = Math.round((s % HOUR_S) / MINUTE_S);
    return min === 0 || min === 60 ? `${min === 60 ? h + 1 : h} h` : `${h} h ${min} min`;
  }
  const d = Math.floor(s / DAY_S);
  const h = Math.round((s % DAY_S) / HOUR_S);
  return h === 0 || h === 24 ? `${h === 24 ? d + 1 : d} d` : `${d} d ${h} h`;
}

/**
 * One value with its unit. Rates ('%') are fractions, as lib/metrics/rates.ts returns them (0.125 → 12.5 %);
 * null is "no data", never 0.
 */
export function formatValue(value: number | null | undefined, unit: ChartUnit | undefined, place: FormatPlace = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'no data';
  switch (unit) {
    case '%':
      return new Intl.NumberFormat(place.locale, { style: 'percent', maximumFractionDigits: Math.abs(value) < 0.1 && value !== 0 ? 1 : 0 }).format(value);
    case 's':
      return formatDuration(value);
    default:
      return new Intl.NumberFormat(place.locale, { maximumFractionDigits: Number.isInteger(value) ? 0 : 1 }).format(value);
  }
}

/** A short axis label for a tick, fitted to how much time the chart spans. */
export function formatTimeTick(ms: number, spanMs: number, place: FormatPlace = {}): string {
  const options: Intl.DateTimeFormatOptions =
    spanMs <= 2 * DAY_S * 1000 ? { hour: '2-digit', minute: '2-digit' } : spanMs <= 90 * DAY_S * 1000 ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(place.locale, { ...options, timeZone: place.timeZone }).format(ms);
}

/** A full timestamp for tooltips and text alternatives. */
export function formatTimeFull(ms: number, place: FormatPlace = {}): string {
  return new Intl.DateTimeFormat(place.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: place.timeZone }).format(ms);
}

/** "Deferral rate: from 0 % to 89 %, latest 2 %" — or "no data" when every value is missing. */
export function summarizeSeries(label: string, values: ReadonlyArray<number | null>, unit: ChartUnit | undefined, place: FormatPlace = {}): string {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return `${label}: no data`;
  const latest = present[present.length - 1] ?? null;
  const min = Math.min(...present);
  const max = Math.max(...present);
  const range = min === max ? `${formatValue(min, unit, place)} throughout` : `from ${formatValue(min, unit, place)} to ${formatValue(max, unit, place)}`;
  return `${label}: ${range}, latest ${formatValue(latest, unit, place)}`;
}

/** A numeric chart value from a data cell: anything else is a gap. */
export function numericOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Status tones, from the theme tokens in app/globals.css (they switch with the colour scheme). */
export function toneColor(tone: ChartTone): string {
  return tone === 'ok' ? 'var(--dd-success)' : `var(--dd-${tone})`;
}

// Series colours: a darker shade on light backgrounds, a lighter one on dark, each ≥ 3:1 against the
// surface (WCAG 1.4.11 non-text contrast). CSS light-dark() follows `color-scheme: light dark` on :root.
const seriesPalette: readonly string[] = [
  'light-dark(#2563eb, #60a5fa)',
  'light-dark(#b45309, #fbbf24)',
  'light-dark(#0f766e, #2dd4bf)',
  'light-dark(#7c3aed, #a78bfa)',
  'light-dark(#be123c, #fb7185)',
  'light-dark(#475569, #94a3b8)',
  'light-dark(#15803d, #4ade80)',
  'light-dark(#0e7490, #22d3ee)',
];

/** The colour of the n-th series unless one is given; the palette repeats after eight. */
export function seriesColor(index: number, explicit?: string): string {
  return explicit ?? seriesPalette[index % seriesPalette.length] ?? 'currentColor';
}
