import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { deferralRateSql } from '../bucket-sql';
import { RATE_EXCLUDES, deferralRate } from '../rates';

/** The "current" window of a card. */
export const WINDOW_MINUTES = 15;
/** Sparkline: the last 6 hours in 24 points of 15 minutes. */
export const SPARKLINE_HOURS = 6;
export const SPARKLINE_POINTS = 24;
/** Same-hour baseline: the hour ending at the same time of day on each of the previous 7 days. */
export const BASELINE_DAYS = 7;
/** With fewer of those 7 hours carrying attempts, history is too short and the trailing 24 h before the window is used. */
export const MIN_BASELINE_DAYS = 3;

export type BaselineKind = 'same-hour-7d' | 'trailing-24h';

export interface ProviderSummaryDto {
  provider: string;
  attempts: number;
  deferred: number;
  deferredPerRecipient: number;
  /** Deferral rate in the window; null without attempts. */
  deferralRate: number | null;
  baseline: {
    kind: BaselineKind;
    /** Which span the baseline pools, in words. */
    description: string;
    from: string;
    to: string;
    attempts: number;
    rate: number | null;
  };
  /** (deferralRate − baseline.rate) × 100, in percentage points; null when either is null. */
  changePoints: number | null;
  sparkline: Array<{ t: string; attempts: number; deferralRate: number | null }>;
  /** Most frequent non-delivery reply signature of the sparkline span (6 h). */
  topSignature: { signature: string; count: number; kbRule: string | null; sampleReply: string | null } | null;
}

export interface ProviderSummariesDto {
  window: { from: string; to: string; minutes: number };
  sparkline: { from: string; to: string; bucket: '15m'; points: number };
  excludes: typeof RATE_EXCLUDES;
  providers: ProviderSummaryDto[];
}

interface Row {
  kind: 'window' | 'base' | 'spark';
  provider: string;
  slot: Date;
  attempts: number;
  deferred: number;
  dpr: number;
  rate: number | null;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Overview cards: per provider seen in the last 7 days, the deferral rate of the last 15 minutes against its
 * same-hour 7-day baseline (trailing 24 h when history is short), a 6 h sparkline and the top reply signature.
 */
export async function getProviderSummaries(organizationId: string, options: { now?: Date } = {}): Promise<ProviderSummariesDto> {
  const now = options.now ?? new Date();
  // The window ends with the current (partial) minute.
  const windowEnd = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  const windowStart = new Date(windowEnd.getTime() - WINDOW_MINUTES * MINUTE_MS);
  const sparkStart = new Date(windowEnd.getTime() - SPARKLINE_HOURS * 3600 * 1000);
  const sparkStep = (SPARKLINE_HOURS * 3600) / SPARKLINE_POINTS;
  const rows = await db().$queryRaw<Row[]>(Prisma.sql`
    WITH ranges AS (
      SELECT 'window' AS kind, ${windowStart}::timestamptz AS lo, ${windowEnd}::timestamptz AS hi
      UNION ALL SELECT 'spark', ${sparkStart}::timestamptz, ${windowEnd}::timestamptz
      UNION ALL SELECT 'base', ${windowEnd}::timestamptz - interval '1 hour' - d * interval '1 day', ${windowEnd}::timestamptz - d * interval '1 day'
        FROM generate_series(1, ${BASELINE_DAYS}::int) AS d),
    agg AS (
      SELECT r.kind, m.provider,
             CASE WHEN r.kind = 'spark' THEN date_bin(${sparkStep}::int * interval '1 second', m.bucket, ${sparkStart}::timestamptz) ELSE r.lo END AS slot,
             sum(m.attempts) AS attempts, sum(m.deferred) AS deferred, sum(m.deferred_per_recipient) AS dpr
      FROM ranges r CROSS JOIN LATERAL (
        -- LATERAL: one index range scan per span instead of a join over the organisation's whole rollup
        SELECT provider, bucket, attempts, deferred, deferred_per_recipient FROM metric_provider_minute
        WHERE organization_id = ${organizationId}::uuid AND bucket >= r.lo AND bucket < r.hi OFFSET 0) m
      GROUP BY 1, 2, 3),
    providers AS (SELECT DISTINCT provider FROM agg),
    grid AS (SELECT generate_series(${sparkStart}::timestamptz, ${windowEnd}::timestamptz - interval '1 second', ${sparkStep}::int * interval '1 second') AS t),
    spark AS (
      SELECT 'spark' AS kind, p.provider, g.t AS slot, coalesce(a.attempts, 0) AS attempts, coalesce(a.deferred, 0) AS deferred, coalesce(a.dpr, 0) AS dpr
      FROM providers p CROSS JOIN grid g LEFT JOIN agg a ON a.kind = 'spark' AND a.provider = p.provider AND a.slot = g.t)
    SELECT kind, provider, slot, attempts::int, deferred::int, dpr::int, ${deferralRateSql(Prisma.sql`attempts`, Prisma.sql`deferred`, Prisma.sql`dpr`)} AS rate
    FROM (SELECT kind, provider, slot, attempts, deferred, dpr FROM agg WHERE kind <> 'spark' UNION ALL SELECT * FROM spark) u
    ORDER BY provider, kind, slot`);

  const byProvider = new Map<string, Row[]>();
  for (const r of rows) byProvider.set(r.provider, [...(byProvider.get(r.provider) ?? []), r]);
  const shortHistory = [...byProvider].filter(([, rs]) => rs.filter((r) => r.kind === 'base' && r.attempts > 0).length < MIN_BASELINE_DAYS).map(([p]) => p);
  const dayFrom = new Date(windowStart.getTime() - DAY_MS);
  const trailing = new Map<string, { attempts: number; deferred: number; dpr: number }>();
  if (shortHistory.length > 0) {
    const dayRows = await db().$queryRaw<Array<{ provider: string; attempts: number; deferred: number; dpr: number }>>`
      SELECT provider, sum(attempts)::int AS attempts, sum(deferred)::int AS deferred, sum(deferred_per_recipient)::int AS dpr
      FROM metric_provider_minute
      WHERE organization_id = ${organizationId}::uuid AND provider IN (${Prisma.join(shortHistory)}) AND bucket >= ${dayFrom} AND bucket < ${windowStart}
      GROUP BY provider`;
    for (const r of dayRows) trailing.set(r.provider, r);
  }
  const signatures = await db().$queryRaw<Array<{ provider: string; signature: string; count: number; kb_rule: string | null; sample_reply: string | null }>>`
    SELECT DISTINCT ON (provider) provider, signature, sum(count)::int AS count, min(kb_rule) AS kb_rule, min(sample_reply) AS sample_reply
    FROM signature_minute
    WHERE organization_id = ${organizationId}::uuid AND bucket >= ${sparkStart} AND bucket < ${windowEnd}
    GROUP BY provider, signature
    ORDER BY provider, sum(count) DESC, signature`;
  const topSignature = new Map(signatures.map((s) => [s.provider, s]));

  const providers = [...byProvider].map(([provider, rs]): ProviderSummaryDto => {
    const current = rs.find((r) => r.kind === 'window');
    const isShort = shortHistory.includes(provider);
    const base = isShort
      ? (trailing.get(provider) ?? { attempts: 0, deferred: 0, dpr: 0 })
      : rs.filter((r) => r.kind === 'base').reduce((s, r) => ({ attempts: s.attempts + r.attempts, deferred: s.deferred + r.deferred, dpr: s.dpr + r.dpr }), { attempts: 0, deferred: 0, dpr: 0 });
    const baseRate = deferralRate(base.attempts, base.deferred, base.dpr);
    const rate = current?.rate ?? null;
    const sig = topSignature.get(provider);
    return {
      provider,
      attempts: current?.attempts ?? 0,
      deferred: current?.deferred ?? 0,
      deferredPerRecipient: current?.dpr ?? 0,
      deferralRate: rate,
      baseline: isShort
        ? { kind: 'trailing-24h', description: `the 24 hours before the window (fewer than ${MIN_BASELINE_DAYS} of the previous ${BASELINE_DAYS} days had attempts in the same hour)`, from: dayFrom.toISOString(), to: windowStart.toISOString(), attempts: base.attempts, rate: baseRate }
        : { kind: 'same-hour-7d', description: `the hour ending at the same time of day on each of the previous ${BASELINE_DAYS} days, pooled`, from: new Date(windowEnd.getTime() - BASELINE_DAYS * DAY_MS - 3600 * 1000).toISOString(), to: new Date(windowEnd.getTime() - DAY_MS).toISOString(), attempts: base.attempts, rate: baseRate },
      changePoints: rate !== null && baseRate !== null ? (rate - baseRate) * 100 : null,
      sparkline: rs.filter((r) => r.kind === 'spark').map((r) => ({ t: r.slot.toISOString(), attempts: r.attempts, deferralRate: r.rate })),
      topSignature: sig ? { signature: sig.signature, count: sig.count, kbRule: sig.kb_rule, sampleReply: sig.sample_reply } : null,
    };
  });
  providers.sort((a, b) => b.attempts - a.attempts || a.provider.localeCompare(b.provider));
  return {
    window: { from: windowStart.toISOString(), to: windowEnd.toISOString(), minutes: WINDOW_MINUTES },
    sparkline: { from: sparkStart.toISOString(), to: windowEnd.toISOString(), bucket: '15m', points: SPARKLINE_POINTS },
    excludes: RATE_EXCLUDES,
    providers,
  };
}
