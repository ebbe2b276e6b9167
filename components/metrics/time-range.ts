/**
 * The time range of a dashboard view, kept in the URL so a view can be shared: `?range=24h` (a preset
 * relative to now) or `?range=custom&from=…&to=…` (absolute ISO 8601 times). Pure: `now` is passed in.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const rangePresets = {
  '1h': { label: 'Last hour', ms: HOUR_MS },
  '6h': { label: 'Last 6 hours', ms: 6 * HOUR_MS },
  '24h': { label: 'Last 24 hours', ms: DAY_MS },
  '7d': { label: 'Last 7 days', ms: 7 * DAY_MS },
  '30d': { label: 'Last 30 days', ms: 30 * DAY_MS },
} as const;
export type RangePreset = keyof typeof rangePresets;
export const rangePresetNames = Object.keys(rangePresets) as RangePreset[];
export const DEFAULT_RANGE: RangePreset = '24h';
/** A custom range may span at most this long (the day-bucket series stays well under the 1 440-point cap). */
export const MAX_CUSTOM_RANGE_MS = 366 * DAY_MS;

/** The search parameters a page receives from Next.js. */
export type SearchParams = Record<string, string | string[] | undefined>;

export interface TimeRange {
  /** A preset name, or 'custom'. */
  key: RangePreset | 'custom';
  from: Date;
  to: Date;
  /** "Last 24 hours", or the absolute span in UTC. */
  label: string;
  /** Why the requested range was not used (a malformed custom range falls back to the default). */
  warning: string | null;
}

/** The first value of a search parameter, or undefined when absent or empty. */
export function param(params: SearchParams, name: string): string | undefined {
  const v = params[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first === '' ? undefined : first;
}

function isPreset(value: string | undefined): value is RangePreset {
  return value !== undefined && Object.hasOwn(rangePresets, value);
}

function preset(key: RangePreset, now: Date, warning: string | null = null): TimeRange {
  return { key, from: new Date(now.getTime() - rangePresets[key].ms), to: now, label: rangePresets[key].label, warning };
}

/** "2023-10-11 02:17 UTC". */
export function formatUtcMinute(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Reads the range from the URL; anything unusable falls back to the last 24 hours with a warning saying why. */
export function parseTimeRange(params: SearchParams, now: Date): TimeRange {
  const range = param(params, 'range');
  const fromText = param(params, 'from');
  const toText = param(params, 'to');
  if (isPreset(range)) return preset(range, now);
  if (range === undefined && fromText === undefined && toText === undefined) return preset(DEFAULT_RANGE, now);
  if (range !== undefined && range !== 'custom') return preset(DEFAULT_RANGE, now, `Unknown range "${range}"; showing the last 24 hours.`);
  const from = new Date(fromText ?? '');
  const to = toText === undefined ? now : new Date(toText);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return preset(DEFAULT_RANGE, now, 'The custom range needs valid start and end times; showing the last 24 hours.');
  if (to.getTime() <= from.getTime()) return preset(DEFAULT_RANGE, now, 'The custom range ends before it starts; showing the last 24 hours.');
  if (to.getTime() - from.getTime() > MAX_CUSTOM_RANGE_MS) return preset(DEFAULT_RANGE, now, 'A custom range may span at most 366 days; showing the last 24 hours.');
  return { key: 'custom', from, to, label: `${formatUtcMinute(from)} – ${formatUtcMinute(to)}`, warning: null };
}

/**
 * A link to `pathname` with the current parameters changed: `null` removes one. Keeps every other
 * parameter (range, filters, the other table's sort) so links never lose the view's state.
 */
export function hrefWith(pathname: string, params: SearchParams, changes: Record<string, string | null>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (key in changes) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== '') out.set(key, first);
  }
  for (const [key, value] of Object.entries(changes)) if (value !== null && value !== '') out.set(key, value);
  const query = out.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/** The range part of the URL alone, to carry the time range into links to other pages. */
export function rangeParams(params: SearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['range', 'from', 'to']) {
    const v = param(params, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * A Suspense key for the range as the URL states it: a new range shows the skeleton, while a live
 * refresh of a preset (whose times move with now) keeps the panel on screen.
 */
export function rangeKey(params: SearchParams): string {
  return JSON.stringify(rangeParams(params));
}
