import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { throttledIps } from './catalog';
import type { DemoLoadResult } from './load-demo';
import { demoTimeline } from './scenario';

const NOW = new Date('2025-06-03T12:00:00Z');
const tl = demoTimeline(NOW);
const MINUTE_MS = 60_000;
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * MINUTE_MS);

withAppDatabase();
let orgId: string;
let first: DemoLoadResult;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'demo' })).id;
  const { loadDemo } = await import('./load-demo');
  first = await loadDemo(orgId, { now: NOW });
});

async function rows<T>(sql: string, params: unknown[]): Promise<T[]> {
  const { pool } = await import('@/lib/db/client');
  return (await pool().query(sql, params)).rows as T[];
}

interface Sums {
  attempts: number;
  delivered: number;
  failed: number;
}

/** metric_minute summed over a window: failures as detection counts them (per-recipient deferrals left out). */
async function sums(from: Date, to: Date, where: { provider?: string; notProvider?: string; ips?: readonly string[] }): Promise<Sums> {
  const [r] = await rows<{ attempts: string | null; delivered: string | null; failed: string | null }>(
    `SELECT sum(attempts) AS attempts, sum(delivered) AS delivered, sum(deferred - deferred_per_recipient + bounced) FILTER (WHERE category <> 'recipient') AS failed
     FROM metric_minute
     WHERE organization_id = $1 AND bucket >= $2 AND bucket < $3
       AND ($4::text IS NULL OR provider = $4) AND ($5::text IS NULL OR provider <> $5) AND ($6::text[] IS NULL OR sending_ip = ANY($6))`,
    [orgId, from, to, where.provider ?? null, where.notProvider ?? null, where.ips ?? null],
  );
  return { attempts: Number(r?.attempts ?? 0), delivered: Number(r?.delivered ?? 0), failed: Number(r?.failed ?? 0) };
}

const rate = (s: Sums) => (s.attempts === 0 ? Number.NaN : s.failed / s.attempts);

test('the demo day loads whole, and loading it again stores nothing new', async () => {
  expect(first.events).toBeGreaterThanOrEqual(30_000);
  expect(first.events).toBeLessThanOrEqual(60_000);
  expect(first).toMatchObject({ accepted: first.events, duplicates: 0, rejected: 0, errors: [], batches: Math.ceil(first.events / 5000) });
  const [stored] = await rows<{ events: string; attempts: string }>(
    'SELECT (SELECT count(*) FROM delivery_event WHERE organization_id = $1) AS events, (SELECT sum(attempts) FROM metric_minute WHERE organization_id = $1) AS attempts',
    [orgId],
  );
  expect(Number(stored?.events)).toBe(first.events);
  expect(Number(stored?.attempts)).toBe(first.events);

  // No `now` the second time: the anchor recorded with the first load is reused.
  const { loadDemo } = await import('./load-demo');
  const again = await loadDemo(orgId);
  expect(again.anchor.toISOString()).toBe(first.anchor.toISOString());
  expect(again).toMatchObject({ events: first.events, accepted: 0, duplicates: first.events, rejected: 0 });
  const [after] = await rows<{ n: string }>('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', [orgId]);
  expect(Number(after?.n)).toBe(first.events);
});

test('the S77714 deferrals are understood as Microsoft 365 server-busy throttling on exactly the 2 IPs, in 4 regions', async () => {
  const s77714 = await rows<{ kb_rule: string | null; provider: string; category: string; sending_ip: string; provider_region: string | null; n: string }>(
    `SELECT kb_rule, provider, category::text AS category, sending_ip, provider_region, count(*) AS n FROM delivery_event
     WHERE organization_id = $1 AND provider_token = 'S77714' GROUP BY 1, 2, 3, 4, 5`,
    [orgId],
  );
  expect(s77714.reduce((n, r) => n + Number(r.n), 0)).toBeGreaterThan(1000);
  expect(new Set(s77714.map((r) => `${r.kb_rule} ${r.provider} ${r.category}`))).toEqual(new Set(['microsoft.server-busy microsoft-365 throttling']));
  expect(new Set(s77714.map((r) => r.sending_ip))).toEqual(new Set([throttledIps.reported, throttledIps.other]));
  expect(new Set(s77714.map((r) => r.provider_region))).toEqual(new Set(['NAM', 'EUR', 'APC', 'AUS']));
  const [outside] = await rows<{ n: string }>(
    `SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1 AND provider_token = 'S77714' AND (occurred_at < $2 OR occurred_at >= $3)`,
    [orgId, tl.incidentStart, tl.reversion],
  );
  expect(Number(outside?.n)).toBe(0);
});

test('per IP, the deferral rate follows the stages: throttled, relief on the reported IP, failed fix, reversion', async () => {
  const ms365 = 'microsoft-365';
  const windows = {
    before: [tl.dayStart, tl.incidentStart],
    throttled: [at(tl.incidentStart, 10), tl.allowListed],
    allowListed: [at(tl.allowListed, 15), tl.firstFixFailed],
    firstFixFailed: [at(tl.firstFixFailed, 20), tl.reversion],
    drain: [tl.reversion, tl.drainEnd],
  } as const;
  const reported = async (w: readonly [Date, Date]) => rate(await sums(w[0], w[1], { provider: ms365, ips: [throttledIps.reported] }));
  const other = async (w: readonly [Date, Date]) => rate(await sums(w[0], w[1], { provider: ms365, ips: [throttledIps.other] }));

  expect(await reported(windows.before)).toBeLessThan(0.03);
  expect(await reported(windows.throttled)).toBeGreaterThan(0.75);
  expect(await reported(windows.allowListed)).toBeLessThan(0.1);
  expect(await reported(windows.firstFixFailed)).toBeGreaterThan(0.5);
  expect(await reported(windows.drain)).toBeLessThan(0.03);

  expect(await other(windows.before)).toBeLessThan(0.03);
  for (const w of [windows.throttled, windows.allowListed, windows.firstFixFailed]) expect(await other(w)).toBeGreaterThan(0.75);
  expect(await other(windows.drain)).toBeLessThan(0.03);

  // The drain: the backlog is delivered after the reversion, well above the usual hourly volume, with hours of delay.
  const drained = await sums(tl.reversion, tl.drainEnd, { provider: ms365, ips: [throttledIps.reported, throttledIps.other] });
  const usualHour = await sums(at(tl.incidentStart, -60), tl.incidentStart, { provider: ms365, ips: [throttledIps.reported, throttledIps.other] });
  expect(drained.delivered).toBeGreaterThan(2 * usualHour.delivered);
  const [delay] = await rows<{ max: number }>(
    `SELECT max(delay_seconds) AS max FROM delivery_event WHERE organization_id = $1 AND outcome = 'delivered' AND provider = 'microsoft-365' AND occurred_at >= $2 AND occurred_at < $3`,
    [orgId, tl.reversion, tl.drainEnd],
  );
  expect(delay?.max).toBeGreaterThan(2 * 3600);
});

test('per 10 minutes, the episode rises, falls with the allow-list, climbs after the failed fix and stops at the reversion', async () => {
  const buckets = await rows<{ t: Date; attempts: string; failed: string }>(
    `SELECT date_bin('10 minutes', bucket, $2::timestamptz) AS t, sum(attempts) AS attempts, sum(deferred - deferred_per_recipient) AS failed
     FROM metric_minute WHERE organization_id = $1 AND provider = 'microsoft-365' AND sending_ip = ANY($3) AND bucket >= $2 AND bucket < $4
     GROUP BY 1 ORDER BY 1`,
    [orgId, tl.incidentStart, [throttledIps.reported, throttledIps.other], tl.drainEnd],
  );
  // Whole 10-minute buckets inside each stage.
  const ratesIn = (from: Date, to: Date) =>
    buckets.filter((b) => b.t >= from && b.t.getTime() + 10 * MINUTE_MS <= to.getTime()).map((b) => Number(b.failed) / Number(b.attempts));
  const throttled = ratesIn(at(tl.incidentStart, 10), tl.allowListed);
  const relieved = ratesIn(at(tl.allowListed, 5), tl.firstFixFailed);
  const worse = ratesIn(at(tl.firstFixFailed, 20), tl.reversion);
  const drain = ratesIn(tl.reversion, tl.drainEnd);
  expect(throttled).toHaveLength(6);
  expect(Math.min(...throttled)).toBeGreaterThan(0.7);
  expect(relieved).toHaveLength(4);
  expect(Math.max(...relieved)).toBeLessThan(Math.min(...throttled));
  expect(worse).toHaveLength(4);
  expect(Math.min(...worse)).toBeGreaterThan(Math.max(...relieved));
  expect(drain).toHaveLength(6);
  expect(Math.max(...drain)).toBe(0);
});

test('other providers and the other Microsoft 365 IPs stay healthy through the incident', async () => {
  const [from, to] = [tl.incidentStart, tl.drainEnd];
  const providers = await rows<{ provider: string }>('SELECT DISTINCT provider FROM metric_minute WHERE organization_id = $1 ORDER BY 1', [orgId]);
  expect(providers.map((p) => p.provider)).toEqual(expect.arrayContaining(['google', 'microsoft-consumer', 'yahoo', 'apple']));
  for (const { provider } of providers.filter((p) => p.provider !== 'microsoft-365')) {
    const s = await sums(from, to, { provider });
    expect({ provider, healthy: s.attempts > 0 && rate(s) < 0.05 }).toEqual({ provider, healthy: true });
  }
  const otherIps = ['203.0.113.8', '203.0.113.9', '198.51.100.20', '198.51.100.22'];
  expect(rate(await sums(from, to, { provider: 'microsoft-365', ips: otherIps }))).toBeLessThan(0.05);
});

test('the demo opens one receiver-side Microsoft 365 incident carrying the team notes', async () => {
  const { listIncidents } = await import('@/lib/incidents/queries/list-incidents');
  const { incidents } = await listIncidents(orgId, { limit: 50 });
  const s77714 = incidents.filter((i) => i.kbRule === 'microsoft.server-busy');
  expect(s77714).toHaveLength(1);
  const incident = s77714[0]!;
  expect(incident).toMatchObject({ providers: ['microsoft-365'], scope: 'receiver', escalation: 'escalate' });
  expect([...incident.affectedIps].sort()).toEqual([throttledIps.other, throttledIps.reported].sort());
  const { getIncidentOrThrow } = await import('@/lib/incidents/queries/get-incident-or-throw');
  const full = await getIncidentOrThrow(orgId, incident.id);
  const notes = full.timeline.filter((e) => e.kind === 'note');
  expect(notes.map((n) => n.message)).toEqual(first.notes.map((n) => n.text));
});
