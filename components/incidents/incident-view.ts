import { z } from 'zod';
import type { ChartMarker, ShadedRange } from '@/components/charts/time-series-chart';
import type { Tone } from '@/components/ui/badge';
import type { EscalationLevel, IncidentScope, IncidentStatus } from '@/lib/incidents/types';
import { incidentScopes, incidentStatuses } from '@/lib/incidents/types';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** The incident chart shows this much before the first failure and after the last phase. */
export const CHART_MARGIN_MS = HOUR_MS;

const providerNames: Record<string, string> = {
  'microsoft-365': 'Microsoft 365',
  'microsoft-consumer': 'Microsoft Outlook.com',
  google: 'Google Gmail',
  yahoo: 'Yahoo / AOL',
  apple: 'Apple iCloud',
  comcast: 'Comcast',
  att: 'AT&T',
  'gmx-webde': 'GMX / WEB.DE',
  mailru: 'Mail.ru',
  yandex: 'Yandex',
  zoho: 'Zoho',
  fastmail: 'Fastmail',
  proofpoint: 'Proofpoint',
  mimecast: 'Mimecast',
  barracuda: 'Barracuda',
  other: 'Other providers',
};

/** A provider group as people name it ("microsoft-365" → "Microsoft 365"); unknown groups as they are. */
export function providerLabel(provider: string): string {
  return providerNames[provider] ?? provider;
}

export const statusTone: Record<IncidentStatus, Tone> = { open: 'danger', mitigating: 'warning', recovered: 'info', resolved: 'success' };
export const escalationTone: Record<EscalationLevel, Tone> = { monitor: 'neutral', tune: 'warning', escalate: 'danger' };
export const scopeTone: Record<IncidentScope, Tone> = { receiver: 'info', sender: 'warning', unknown: 'neutral' };

export const scopeLabel: Record<IncidentScope, string> = { receiver: 'Receiver-side', sender: 'Sender-side', unknown: 'Scope unknown' };
export const escalationLabel: Record<EscalationLevel, string> = { monitor: 'Monitor', tune: 'Tune retries', escalate: 'Escalate' };

/** "45 min", "1 h 32 min", "2 d 3 h"; under a minute is "< 1 min". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / MINUTE_MS);
  if (minutes < 1) return '< 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** Times in UTC, as mail logs and provider replies give them: "2023-10-11 02:17 UTC". */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A rate 0..1 as a percentage with at most one decimal ("37.5 %"); "—" for no rate. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  const pct = Math.round(rate * 1000) / 10;
  return `${pct} %`;
}

/** How long the failures lasted: to their end, or to `now` while they go on. */
export function incidentDurationMs(inc: { startedAt: string; endedAt: string | null }, now: Date): number {
  return (inc.endedAt ? Date.parse(inc.endedAt) : now.getTime()) - Date.parse(inc.startedAt);
}

export interface PhaseTimes {
  startedAt: string;
  mitigatingAt: string | null;
  recoveredAt: string | null;
  resolvedAt: string | null;
}

/**
 * The window an incident's chart shows: an hour before the first failure to an hour after its last
 * phase change (resolution, else recovery), never past `now`; at least a minute wide.
 */
export function chartWindow(inc: PhaseTimes, now: Date): { from: Date; to: Date } {
  const from = Date.parse(inc.startedAt) - CHART_MARGIN_MS;
  const last = inc.resolvedAt ?? inc.recoveredAt;
  const to = Math.min(now.getTime(), last === null ? now.getTime() : Date.parse(last) + CHART_MARGIN_MS);
  return { from: new Date(from), to: new Date(Math.max(to, from + MINUTE_MS)) };
}

/**
 * The phases as shaded ranges: open (first failure → mitigating or later), mitigating, recovered
 * (the queue drains), resolved (to the window's end). A phase that was skipped has no range.
 */
export function phaseRanges(inc: PhaseTimes, windowEnd: Date): ShadedRange[] {
  const phases: Array<{ at: string | null; label: string; tone: ShadedRange['tone'] }> = [
    { at: inc.startedAt, label: 'Open', tone: 'danger' },
    { at: inc.mitigatingAt, label: 'Mitigating', tone: 'warning' },
    { at: inc.recoveredAt, label: 'Recovered', tone: 'info' },
    { at: inc.resolvedAt, label: 'Resolved', tone: 'ok' },
  ];
  // A reopen clears later phase times, and a manual resolution skips phases: each phase starts no
  // earlier than the one before it, and nothing runs past the window's end.
  const endMs = windowEnd.getTime();
  let floor = -Infinity;
  const present = phases.flatMap((p) => {
    if (p.at === null) return [];
    floor = Math.max(floor, Date.parse(p.at));
    return [{ ...p, fromMs: floor }];
  });
  return present.flatMap((p, i) => {
    const toMs = Math.min(present[i + 1]?.fromMs ?? endMs, endMs);
    return toMs > p.fromMs ? [{ from: new Date(p.fromMs).toISOString(), to: new Date(toMs).toISOString(), label: p.label, tone: p.tone }] : [];
  });
}

/**
 * Timeline kinds worth a marker on the chart. Phase changes are left out (the shaded ranges show them)
 * and so is the peak (the line shows it): a marker each would bury escalations and what people did.
 */
const markerKinds: Record<string, string> = {
  escalation_changed: 'Escalation',
  worsened: 'Worsened',
  reopened: 'Reopened',
  note: 'Note',
  acknowledged: 'Ack',
  assigned: 'Assigned',
  resolved: 'Resolved',
  auth_change: 'DNS change',
};

/** Chart markers from timeline entries inside the window, oldest first; entries of the same minute share one marker. */
export function timelineMarkers(timeline: Array<{ at: string; kind: string }>, window: { from: Date; to: Date }): ChartMarker[] {
  const byMinute = new Map<number, string[]>();
  for (const e of timeline) {
    const label = markerKinds[e.kind];
    const t = Date.parse(e.at);
    if (label === undefined || t < window.from.getTime() || t > window.to.getTime()) continue;
    const minute = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    const labels = byMinute.get(minute) ?? [];
    if (!labels.includes(label)) labels.push(label);
    byMinute.set(minute, labels);
  }
  return [...byMinute.entries()].sort((a, b) => a[0] - b[0]).map(([t, labels]) => ({ t: new Date(t).toISOString(), label: labels.join(' · ') }));
}

export type ChartRow = {
  t: string;
  /** deferral rate 0..1, null where nothing was attempted */
  deferralRate: number | null;
  /** messages queued to the provider, null where unknown */
  queueDepth: number | null;
};

/** Joins the deferral and queue series on their bucket start; a bucket missing from one side is a gap there (null). */
export function chartRows(deferral: Array<{ t: string; deferralRate: number | null }>, queue: Array<{ t: string; depth: number | null }>): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const p of deferral) {
    const t = Date.parse(p.t);
    rows.set(t, { t: new Date(t).toISOString(), deferralRate: p.deferralRate, queueDepth: null });
  }
  for (const p of queue) {
    const t = Date.parse(p.t);
    const row = rows.get(t) ?? { t: new Date(t).toISOString(), deferralRate: null, queueDepth: null };
    row.queueDepth = p.depth;
    rows.set(t, row);
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

const firstValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(firstValue, schema.optional().catch(undefined));

const filterSchema = z.object({
  status: optional(z.enum(incidentStatuses)),
  provider: optional(z.string().trim().min(1).max(64)),
  scope: optional(z.enum(incidentScopes)),
});
export type IncidentFilters = z.infer<typeof filterSchema>;

/** The list filters from the page's searchParams; unknown or malformed values are ignored, never an error. */
export function parseIncidentFilters(searchParams: Record<string, string | string[] | undefined>): IncidentFilters {
  return filterSchema.parse(searchParams);
}

/** The list URL for a set of filters (empty ones left out), so every filter state has its own link. */
export function incidentsHref(filters: IncidentFilters): string {
  const params = new URLSearchParams();
  for (const key of ['status', 'provider', 'scope'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `/incidents?${query}` : '/incidents';
}

