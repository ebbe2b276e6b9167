import type { DeferralSeriesDto, SeriesCounts } from '@/lib/metrics/queries/get-deferral-series';
import { deferralRate } from '@/lib/metrics/rates';

/**
 * The four lines of the overview's comparison chart: is it one provider or everyone? Microsoft's two
 * groups (Microsoft 365 and Outlook.com) are one line because a Microsoft-side throttle usually hits
 * both; every other provider, and the series the query folded into "(others)", is "Everyone else".
 */
export const comparisonGroups = [
  { key: 'microsoft', label: 'Microsoft', providers: ['microsoft-365', 'microsoft-consumer'] },
  { key: 'google', label: 'Google', providers: ['google'] },
  { key: 'yahoo', label: 'Yahoo / AOL', providers: ['yahoo'] },
  { key: 'rest', label: 'Everyone else', providers: [] },
] as const;
export type ComparisonGroupKey = (typeof comparisonGroups)[number]['key'];

function groupOf(provider: string): ComparisonGroupKey {
  return comparisonGroups.find((g) => (g.providers as readonly string[]).includes(provider))?.key ?? 'rest';
}

interface Sums {
  attempts: number;
  deferred: number;
  dpr: number;
}

export interface ComparisonDto {
  /** One row per bucket: the deferral rate of each group, null where the group had no attempts. */
  points: Array<{ t: string } & Record<ComparisonGroupKey, number | null>>;
  totals: Array<{ key: ComparisonGroupKey; label: string; attempts: number; deferralRate: number | null }>;
}

/**
 * Folds per-provider series into the comparison groups. Counts are summed and the rate recomputed
 * from the sums (never averaged), with per-recipient temporary failures left out as everywhere else.
 */
export function compareProviderGroups(series: DeferralSeriesDto['series']): ComparisonDto {
  const byTime = new Map<string, Record<ComparisonGroupKey, Sums>>();
  const totals: Record<ComparisonGroupKey, Sums> = { microsoft: zero(), google: zero(), yahoo: zero(), rest: zero() };
  for (const s of series) {
    const g = groupOf(s.key);
    for (const p of s.points) {
      let row = byTime.get(p.t);
      if (!row) {
        row = { microsoft: zero(), google: zero(), yahoo: zero(), rest: zero() };
        byTime.set(p.t, row);
      }
      add(row[g], p);
      add(totals[g], p);
    }
  }
  const rate = (s: Sums) => deferralRate(s.attempts, s.deferred, s.dpr);
  return {
    points: [...byTime.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([t, row]) => ({ t, microsoft: rate(row.microsoft), google: rate(row.google), yahoo: rate(row.yahoo), rest: rate(row.rest) })),
    totals: comparisonGroups.map((g) => ({ key: g.key, label: g.label, attempts: totals[g.key].attempts, deferralRate: rate(totals[g.key]) })),
  };
}

function zero(): Sums {
  return { attempts: 0, deferred: 0, dpr: 0 };
}

function add(s: Sums, c: Pick<SeriesCounts, 'attempts' | 'deferred' | 'deferredPerRecipient'>): void {
  s.attempts += c.attempts;
  s.deferred += c.deferred;
  s.dpr += c.deferredPerRecipient;
}

export interface OutcomePoint {
  t: string;
  attempts: number;
  deferredPerRecipient: number;
  /** Recomputed from the summed counts. */
  deferralRate: number | null;
  delivered: number;
  deferred: number;
  bounced: number;
  expired: number;
}

/** Attempts by outcome per bucket, summed over every series, with the rate of the sums (volume and rate charts of a filtered view). */
export function sumOutcomes(series: DeferralSeriesDto['series']): OutcomePoint[] {
  const byTime = new Map<string, OutcomePoint>();
  for (const s of series) {
    for (const p of s.points) {
      const row = byTime.get(p.t) ?? { t: p.t, attempts: 0, deferredPerRecipient: 0, deferralRate: null, delivered: 0, deferred: 0, bounced: 0, expired: 0 };
      row.attempts += p.attempts;
      row.deferredPerRecipient += p.deferredPerRecipient;
      row.delivered += p.delivered;
      row.deferred += p.deferred;
      row.bounced += p.bounced;
      row.expired += p.expired;
      row.deferralRate = deferralRate(row.attempts, row.deferred, row.deferredPerRecipient);
      byTime.set(p.t, row);
    }
  }
  return [...byTime.values()].sort((a, b) => a.t.localeCompare(b.t));
}

/** Providers with fewer attempts than this say nothing either way about an IP. */
export const MIN_VERDICT_ATTEMPTS = 20;
/** A deferral rate at or above this counts as elevated (the same 5 % that tones a rate amber). */
export const ELEVATED_RATE = 0.05;

export type IpVerdict =
  | { kind: 'no-data' }
  | { kind: 'healthy' }
  | { kind: 'everywhere'; providers: string[] }
  | { kind: 'some'; elevated: string[]; healthy: string[] };

/**
 * Is this sending IP the problem everywhere or only at one provider? Elevated at every provider with
 * enough attempts points at the IP (sender-side); elevated at one while others accept it points at that
 * provider's view of the IP, or at the provider itself.
 */
export function ipVerdict(rows: ReadonlyArray<{ key: string; attempts: number; deferralRate: number | null }>): IpVerdict {
  const judged = rows.filter((r) => r.attempts >= MIN_VERDICT_ATTEMPTS && r.deferralRate !== null && r.key !== '(others)');
  if (judged.length === 0) return { kind: 'no-data' };
  const elevated = judged.filter((r) => (r.deferralRate ?? 0) >= ELEVATED_RATE).map((r) => r.key);
  if (elevated.length === 0) return { kind: 'healthy' };
  if (elevated.length === judged.length && judged.length > 1) return { kind: 'everywhere', providers: elevated };
  return { kind: 'some', elevated, healthy: judged.filter((r) => !elevated.includes(r.key)).map((r) => r.key) };
}
