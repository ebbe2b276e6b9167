import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import type { BucketName } from './buckets';
import type { DeferralSeriesDto, SeriesCounts } from './queries/get-deferral-series';
import type { TopSignaturesDto } from './queries/get-top-signatures';

// The hourly rollups must answer exactly what the per-minute ones answer. Each test reads the same fixture through
// the hourly path (buckets of whole hours, hour-aligned spans) and through the minute path (15-minute buckets, or
// pieces of ranges inside one hour), and compares.

withAppDatabase();
let orgId: string;

const MS_MX = 'contoso-com.mail.protection.outlook.com';
const GMAIL_MX = 'gmail-smtp-in.l.google.com';
const YAHOO_MX = 'mta5.am0.yahoodns.net';
const OTHER_MX = 'mx.example.net';
// Real replies, as quoted in DESIGN.md and lib/metrics/series.int.test.ts.
const S77714 = (ip: string) =>
  `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]`;
const OVER_QUOTA = '452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp';
const GMAIL_BUSY = '421 4.7.0 Try again later, closing connection.';
const NOT_FOUND = '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup';

const FROM = new Date('2024-03-03T00:00:00Z');
const TO = new Date('2024-03-06T00:00:00Z');
const IPS = ['203.0.113.7', '203.0.113.8', '203.0.113.9', null];
const DESTINATIONS: Array<[mx: string, domains: string[]]> = [
  [MS_MX, ['contoso.com', 'fabrikam.com']],
  [GMAIL_MX, ['gmail.com']],
  [YAHOO_MX, ['yahoo.com']],
  [OTHER_MX, ['example.net', 'example.org']],
];

/** mulberry32: a tiny seeded PRNG, so the fixture is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fixture(): string[] {
  const r = rng(7);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const span = TO.getTime() - FROM.getTime();
  const lines: string[] = [];
  for (let i = 0; i < 1500; i++) {
    // Every 50th event sits exactly on an hour boundary, every 50th + 1 on the last millisecond before one.
    const hourStart = FROM.getTime() + Math.floor(r() * 72) * 3_600_000;
    const t = i % 50 === 0 ? hourStart : i % 50 === 1 ? hourStart + 3_599_999 : FROM.getTime() + Math.floor(r() * span);
    const [mx, domains] = pick(DESTINATIONS);
    const ip = pick(IPS);
    const roll = r();
    const [outcome, reply] =
      roll < 0.6 ? (['delivered', '250 2.0.0 OK'] as const)
      : roll < 0.75 ? (['deferred', mx === MS_MX ? S77714(ip ?? '203.0.113.1') : GMAIL_BUSY] as const)
      : roll < 0.85 ? (['deferred', OVER_QUOTA] as const)
      : roll < 0.95 ? (['bounced', NOT_FOUND] as const)
      : (['expired', GMAIL_BUSY] as const);
    lines.push(JSON.stringify({ occurredAt: new Date(t).toISOString(), source: 'generic', sourceHost: 'mx1', queueId: `Q${i}`, recipient: `u${i}@${pick(domains)}`, mxHost: mx, ...(ip ? { sendingIp: ip } : {}), outcome, reply }));
  }
  return lines;
}

async function ingest(org: string, lines: string[]): Promise<void> {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  async function* one(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(lines.join('\n'));
  }
  const res = await ingestStream(one(), { organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 1 << 24, now: new Date('2024-03-07T00:00:00Z') });
  expect(res.rejected).toBe(0);
}

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'hourly' })).id;
  const lines = fixture();
  // Three batches, not in time order, the last one overlapping (its duplicates must count nothing).
  await ingest(orgId, lines.filter((_, i) => i % 3 === 2));
  await ingest(orgId, lines.filter((_, i) => i % 3 === 0));
  await ingest(orgId, lines.filter((_, i) => i % 3 !== 2));
  // Another tenant with the same events must not leak into this one's hours.
  await ingest((await createOrganization({ slug: 'hourly-other' })).id, lines.slice(0, 300));
});

async function rows(sql: string): Promise<unknown[]> {
  const { pool } = await import('@/lib/db/client');
  return (await pool().query(sql, [orgId])).rows;
}

const COUNTERS = 'sum(attempts)::int AS a, sum(delivered)::int AS dl, sum(deferred)::int AS df, sum(bounced)::int AS b, sum(expired)::int AS x, sum(deferred_per_recipient)::int AS p';
const HOUR = `date_bin(interval '1 hour', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
const DAY = `date_bin(interval '1 day', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
const WEEK = `date_bin(interval '7 days', bucket, TIMESTAMPTZ '2000-01-03 00:00:00+00')`;
const snapshots = {
  metricHour: `SELECT bucket, provider, sending_ip, category::text, ${COUNTERS} FROM metric_hour WHERE organization_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  metricHourFromMinutes: `SELECT ${HOUR} AS bucket, provider, sending_ip, category::text, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  domainHour: `SELECT bucket, provider, recipient_domain, ${COUNTERS} FROM metric_domain_hour WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  domainHourFromMinutes: `SELECT ${HOUR} AS bucket, provider, recipient_domain, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  domainDay: `SELECT bucket, provider, recipient_domain, ${COUNTERS} FROM metric_domain_day WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  domainDayFromMinutes: `SELECT ${DAY} AS bucket, provider, recipient_domain, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  domainWeek: `SELECT bucket, provider, recipient_domain, ${COUNTERS} FROM metric_domain_week WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  domainWeekFromMinutes: `SELECT ${WEEK} AS bucket, provider, recipient_domain, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  ipMinute: `SELECT bucket, provider, sending_ip, ${COUNTERS} FROM metric_ip_minute WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  ipMinuteFromMinutes: `SELECT bucket, provider, sending_ip, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  ip5m: `SELECT bucket, provider, sending_ip, ${COUNTERS} FROM metric_ip_5m WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  ip5mFromMinutes: `SELECT date_bin(interval '5 minutes', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, provider, sending_ip, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  domain5m: `SELECT bucket, provider, recipient_domain, ${COUNTERS} FROM metric_domain_5m WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  domain5mFromMinutes: `SELECT date_bin(interval '5 minutes', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, provider, recipient_domain, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  providerHour: `SELECT bucket, provider, ${COUNTERS} FROM metric_provider_hour WHERE organization_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
  providerHourFromMinutes: `SELECT ${HOUR} AS bucket, provider, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
  providerMinute: `SELECT bucket, provider, ${COUNTERS} FROM metric_provider_minute WHERE organization_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
  providerMinuteFromMinutes: `SELECT bucket, provider, ${COUNTERS} FROM metric_minute WHERE organization_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
  signatureHour: `SELECT bucket, provider, sending_ip, signature, outcome::text, kb_rule, count, sample_reply FROM signature_hour WHERE organization_id = $1 ORDER BY 1, 2, 3, 4, 5`,
  signatureHourAllIps: `SELECT bucket, provider, signature, outcome::text, min(kb_rule) AS kb_rule, sum(count)::int AS count, min(sample_reply) AS sample_reply FROM signature_hour WHERE organization_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  signatureHourFromMinutes: `SELECT ${HOUR} AS bucket, provider, signature, outcome::text, min(kb_rule) AS kb_rule, sum(count)::int AS count, min(sample_reply) AS sample_reply FROM signature_minute WHERE organization_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  signatureMinute: `SELECT bucket, provider, signature, outcome::text, kb_rule, count, sample_reply FROM signature_minute WHERE organization_id = $1 ORDER BY 1, 2, 3, 4`,
};

test('hourly rollups kept during ingestion are the hourly sums of the minute rollups and equal a rebuild from raw events', async () => {
  const live = Object.fromEntries(await Promise.all(Object.entries(snapshots).map(async ([k, sql]) => [k, await rows(sql)] as const)));
  expect(live.metricHour).toEqual(live.metricHourFromMinutes);
  expect(live.domainHour).toEqual(live.domainHourFromMinutes);
  expect(live.domainDay).toEqual(live.domainDayFromMinutes);
  expect(live.domainWeek).toEqual(live.domainWeekFromMinutes);
  expect(live.ipMinute).toEqual(live.ipMinuteFromMinutes);
  expect(live.providerMinute).toEqual(live.providerMinuteFromMinutes);
  expect(live.providerHour).toEqual(live.providerHourFromMinutes);
  expect(live.domain5m).toEqual(live.domain5mFromMinutes);
  expect(live.ip5m).toEqual(live.ip5mFromMinutes);
  expect(live.signatureHourAllIps).toEqual(live.signatureHourFromMinutes);
  // 1500 events, one in three stored twice: each counted once.
  expect(await rows(`SELECT ${COUNTERS} FROM metric_hour WHERE organization_id = $1`)).toEqual([expect.objectContaining({ a: 1500 })]);
  const { writeRebuildRollups } = await import('./write-rebuild-rollups');
  const rebuilt = await writeRebuildRollups(orgId);
  expect(rebuilt.rowsByTable.metric_hour).toBe(live.metricHour?.length);
  for (const [k, sql] of Object.entries(snapshots)) expect([k, await rows(sql)]).toEqual([k, live[k]]);
});

/** The rows of `snapshot` after emptying `table` and running the backfill part of a migration (from its "-- Backfill" comment), rolled back after. */
async function backfilledRows(migration: string, table: string, snapshot: string): Promise<unknown[]> {
  const sql = await readFile(path.join(process.cwd(), 'prisma', 'migrations', migration, 'migration.sql'), 'utf8');
  const start = sql.indexOf('-- Backfill');
  const end = sql.indexOf('-- CreateIndex', start);
  const backfill = sql.slice(start, end < 0 ? undefined : end);
  expect(backfill).toMatch(new RegExp(`INSERT INTO "${table}"`));
  const { pool } = await import('@/lib/db/client');
  const client = await pool().connect();
  try {
    await client.query('BEGIN');
    await client.query(`DELETE FROM ${table}`);
    await client.query(backfill);
    return (await client.query(snapshot, [orgId])).rows;
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

test('the migration adding metric_provider_minute backfills it with what ingestion keeps', async () => {
  const live = await rows(snapshots.providerMinute);
  expect(live.length).toBeGreaterThan(1000);
  expect(await backfilledRows('20261129052001_provider_minute_rollup', 'metric_provider_minute', snapshots.providerMinute)).toEqual(live);
});

test('the migration adding metric_provider_hour backfills it with what ingestion keeps', async () => {
  const live = await rows(snapshots.providerHour);
  expect(live.length).toBeGreaterThan(200);
  expect(await backfilledRows('20261129052003_provider_hour_rollup', 'metric_provider_hour', snapshots.providerHour)).toEqual(live);
});

test('the migration adding metric_ip_5m backfills it with what ingestion keeps', async () => {
  const live = await rows(snapshots.ip5m);
  expect(live.length).toBeGreaterThan(1000);
  expect(await backfilledRows('20261129052004_ip_5m_rollup', 'metric_ip_5m', snapshots.ip5m)).toEqual(live);
});

test('the migration adding metric_domain_5m backfills it with what ingestion keeps', async () => {
  const live = await rows(snapshots.domain5m);
  expect(live.length).toBeGreaterThan(1000);
  expect(await backfilledRows('20261129052002_domain_5m_rollup', 'metric_domain_5m', snapshots.domain5m)).toEqual(live);
});

const sumCounts = (a: SeriesCounts, b: SeriesCounts): SeriesCounts => {
  const attempts = a.attempts + b.attempts;
  const deferred = a.deferred + b.deferred;
  const deferredPerRecipient = a.deferredPerRecipient + b.deferredPerRecipient;
  return {
    attempts,
    delivered: a.delivered + b.delivered,
    deferred,
    bounced: a.bounced + b.bounced,
    expired: a.expired + b.expired,
    deferredPerRecipient,
    deferralRate: attempts - deferredPerRecipient > 0 ? (deferred - deferredPerRecipient) / (attempts - deferredPerRecipient) : null,
  };
};

/** Sums fine (minute-path) points into the coarse result's buckets: each fine point goes to the last coarse t at or before it. */
function regroup(fine: DeferralSeriesDto, coarse: DeferralSeriesDto): Array<{ key: string; points: Array<{ t: string } & SeriesCounts> }> {
  return fine.series.map((s) => {
    const starts = coarse.series[0]?.points.map((p) => p.t) ?? [];
    const points = starts.map((t) => ({ t, attempts: 0, delivered: 0, deferred: 0, bounced: 0, expired: 0, deferredPerRecipient: 0, deferralRate: null as number | null }));
    for (const p of s.points) {
      const i = starts.findLastIndex((t) => t <= p.t);
      const target = points[i];
      if (target) Object.assign(target, sumCounts(target, p));
    }
    return { key: s.key, points };
  });
}

test('series of 1 h, 6 h and 1 d buckets (hourly rollups) equal 15-minute series (minute rollup) summed, for every grouping and filter', async () => {
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  const cases: Array<{ groupBy: 'provider' | 'ip' | 'domain'; provider?: string; ip?: string; domain?: string }> = [
    { groupBy: 'provider' },
    { groupBy: 'ip' },
    { groupBy: 'domain' },
    { groupBy: 'provider', domain: 'contoso.com' },
    { groupBy: 'ip', provider: 'microsoft-365' },
    { groupBy: 'domain', provider: 'microsoft-365' },
    // no hourly table has both the IP and the domain: these stay on metric_minute and must still agree
    { groupBy: 'domain', ip: '203.0.113.7' },
    { groupBy: 'ip', domain: 'gmail.com' },
  ];
  for (const c of cases) {
    const fine = await getDeferralSeries(orgId, { ...c, from: FROM, to: TO, bucket: '15m', limitSeries: 50 });
    expect(fine.series.length).toBeGreaterThan(0);
    for (const [bucket, tz] of [['1h', 'UTC'], ['6h', 'UTC'], ['1d', 'UTC'], ['1d', 'Europe/Berlin']] as Array<[BucketName, string]>) {
      const coarse = await getDeferralSeries(orgId, { ...c, from: FROM, to: TO, bucket, tz, limitSeries: 50 });
      // Berlin days start at 23:00 UTC, a span wider than the fine one: the extra hour holds no event, so sums still agree.
      expect({ c, bucket, tz, series: coarse.series.map((s) => ({ key: s.key, points: s.points })) }).toEqual({
        c, bucket, tz, series: regroup(fine, coarse),
      });
    }
  }
});

test('series by domain with "(others)" (top domains by the weekly, daily and hourly rollups, the rest from metric_provider_hour) equal 15-minute series summed', async () => {
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  // Spans with a whole week (from Monday 2024-03-04) between whole days and hours, two whole weeks, whole days and hours at
  // both ends, only hours, and day buckets in Berlin (23:00 UTC boundaries).
  const ranges = [
    { from: new Date('2024-03-01T07:00:00Z'), to: new Date('2024-03-12T13:00:00Z') },
    { from: new Date('2024-02-26T00:00:00Z'), to: new Date('2024-03-11T00:00:00Z') },
    { from: new Date('2024-03-03T05:00:00Z'), to: new Date('2024-03-05T19:00:00Z') },
    { from: new Date('2024-03-04T02:00:00Z'), to: new Date('2024-03-04T21:00:00Z') },
    { from: FROM, to: TO },
  ];
  for (const range of ranges) {
    for (const c of [{ limitSeries: 2 }, { limitSeries: 1, provider: 'microsoft-365' }, { limitSeries: 1, provider: 'other' }]) {
      const fine = await getDeferralSeries(orgId, { groupBy: 'domain', ...range, ...c, bucket: '15m' });
      expect(fine.series.at(-1)?.key).toBe('(others)');
      for (const [bucket, tz] of [['1h', 'UTC'], ['6h', 'UTC'], ['1d', 'UTC'], ['1d', 'Europe/Berlin']] as Array<[BucketName, string]>) {
        const coarse = await getDeferralSeries(orgId, { groupBy: 'domain', ...range, ...c, bucket, tz });
        if (coarse.from !== fine.from || coarse.to !== fine.to) continue;
        expect({ c, bucket, tz, series: coarse.series.map((s) => ({ key: s.key, points: s.points })) }).toEqual({ c, bucket, tz, series: regroup(fine, coarse) });
      }
    }
  }
});

interface RawEvent {
  t: number;
  key: string;
  provider: string;
  outcome: string;
  isPerRecipient: boolean;
}

/**
 * What a series by domain must hold, counted from the raw events: every event of [from, to) of the result in the bucket
 * of the last point at or before it, the top `limitSeries` domains by attempts (then key, by code point), the rest summed
 * into "(others)" listed last.
 */
async function domainSeriesFromEvents(result: DeferralSeriesDto, input: { limitSeries: number; provider?: string }, org = orgId): Promise<Array<{ key: string; points: Array<{ t: string } & SeriesCounts> }>> {
  const { pool } = await import('@/lib/db/client');
  const { rows: events } = await pool().query<RawEvent>(
    `SELECT (extract(epoch FROM occurred_at) * 1000)::float8 AS t, coalesce(recipient_domain, '(unknown)') AS key, provider, outcome::text, is_per_recipient AS "isPerRecipient"
     FROM delivery_event WHERE organization_id = $1 AND occurred_at >= $2 AND occurred_at < $3`,
    [org, result.from, result.to],
  );
  const starts = result.series[0]?.points.map((p) => p.t) ?? [];
  const inFilter = events.filter((e) => input.provider === undefined || e.provider === input.provider);
  const totals = new Map<string, number>();
  for (const e of inFilter) totals.set(e.key, (totals.get(e.key) ?? 0) + 1);
  const ranked = [...totals].sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1)).map(([k]) => k);
  const top = ranked.slice(0, input.limitSeries);
  const keys = ranked.length > input.limitSeries ? [...top, '(others)'] : top;
  const zero = { attempts: 0, delivered: 0, deferred: 0, bounced: 0, expired: 0, deferredPerRecipient: 0, deferralRate: null as number | null };
  const series = keys.map((key) => ({ key, points: starts.map((t) => ({ t, ...zero })) }));
  for (const e of inFilter) {
    const s = series.find((x) => x.key === (top.includes(e.key) ? e.key : '(others)'));
    const p = s?.points[starts.findLastIndex((t) => Date.parse(t) <= e.t)];
    if (!p) throw new Error(`event at ${new Date(e.t).toISOString()} outside the grid`);
    Object.assign(p, sumCounts(p, {
      attempts: 1, delivered: e.outcome === 'delivered' ? 1 : 0, deferred: e.outcome === 'deferred' ? 1 : 0, bounced: e.outcome === 'bounced' ? 1 : 0,
      expired: e.outcome === 'expired' ? 1 : 0, deferredPerRecipient: e.outcome === 'deferred' && e.isPerRecipient ? 1 : 0, deferralRate: null,
    }));
  }
  return series;
}

test('series by domain in 1-, 5- and 15-minute buckets and local days equal the raw events counted, ranked and folded, over ranges with uneven ends', async () => {
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  // Minute ends around 5-minute and hour pieces; 5-minute ends around hours and a whole UTC day; a whole week (from Monday
  // 2024-03-04) inside days and hours; fewer than 5 minutes; Kolkata days (18:30 UTC boundaries: 5-minute, not hour-aligned).
  const cases: Array<{ from: string; to: string; bucket: BucketName; tz?: string }> = [
    { from: '2024-03-04T10:17:00Z', to: '2024-03-04T14:43:00Z', bucket: '1m' },
    { from: '2024-03-03T22:35:00Z', to: '2024-03-05T03:10:00Z', bucket: '5m' },
    { from: '2024-02-29T13:25:00Z', to: '2024-03-11T09:50:00Z', bucket: '15m' },
    { from: '2024-03-04T10:21:00Z', to: '2024-03-04T10:24:00Z', bucket: '1m' },
    { from: '2024-03-02T18:30:00Z', to: '2024-03-05T18:30:00Z', bucket: '1d', tz: 'Asia/Kolkata' },
  ];
  let withOthers = 0;
  for (const c of cases) {
    for (const filter of [{ limitSeries: 2 }, { limitSeries: 1, provider: 'microsoft-365' }, { limitSeries: 50 }]) {
      const r = await getDeferralSeries(orgId, { groupBy: 'domain', from: new Date(c.from), to: new Date(c.to), bucket: c.bucket, tz: c.tz, ...filter });
      if (r.series.at(-1)?.key === '(others)') withOthers++;
      expect({ c, filter, series: r.series.map((s) => ({ key: s.key, points: s.points })) }).toEqual({ c, filter, series: await domainSeriesFromEvents(r, filter) });
    }
  }
  expect(withOthers).toBeGreaterThanOrEqual(8);
});

test('24 h series by domain among 110 domains: ranked on candidates by their whole days when that settles the top, else on every domain', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  const org = (await createOrganization({ slug: 'many-domains' })).id;
  const event = (t: string, domain: string, i: number) =>
    JSON.stringify({ occurredAt: t, source: 'generic', sourceHost: 'mx1', queueId: `M${domain}-${i}-${t}`, recipient: `u${i}@${domain}`, mxHost: OTHER_MX, outcome: i % 4 === 0 ? 'deferred' : 'delivered', reply: i % 4 === 0 ? GMAIL_BUSY : '250 2.0.0 OK' });
  const lines: string[] = [];
  // 1 March: d001 … d110 with 30 down to 3 attempts inside 1 March 06:00 – 2 March 06:00, so the 10th domain counts
  // more than the 101st could (the candidates settle the top).
  for (let d = 1; d <= 110; d++) {
    const domain = `d${String(d).padStart(3, '0')}.example`;
    for (let i = 0; i < 30 - Math.floor(d / 4); i++) lines.push(event(`2024-03-01T${String(8 + (i % 12)).padStart(2, '0')}:${String(d % 60).padStart(2, '0')}:00Z`, domain, i));
  }
  // 4 March: 120 domains with 50 attempts each before 06:00 (outside the range, inside its first day) and 1 inside, and
  // 10 domains with 20 inside: the whole days favour the 120, whose exact counts lose (the candidates do not settle it).
  for (let d = 1; d <= 120; d++) {
    const domain = `f${String(d).padStart(3, '0')}.example`;
    for (let i = 0; i < 50; i++) lines.push(event(`2024-03-04T0${i % 5}:${String(d % 60).padStart(2, '0')}:00Z`, domain, i));
    lines.push(event(`2024-03-04T12:${String(d % 60).padStart(2, '0')}:00Z`, domain, 50));
  }
  for (let d = 1; d <= 10; d++) {
    for (let i = 0; i < 20; i++) lines.push(event(`2024-03-04T${String(7 + (i % 16)).padStart(2, '0')}:${String(i).padStart(2, '0')}:00Z`, `a${String(d).padStart(2, '0')}.example`, i));
  }
  await ingest(org, lines);
  for (const from of ['2024-03-01T06:00:00Z', '2024-03-04T06:00:00Z']) {
    const to = new Date(Date.parse(from) + 24 * 3_600_000);
    for (const limitSeries of [10, 3]) {
      const r = await getDeferralSeries(org, { groupBy: 'domain', from: new Date(from), to, limitSeries });
      expect(r.series.at(-1)?.key).toBe('(others)');
      expect({ from, limitSeries, series: r.series.map((x) => ({ key: x.key, points: x.points })) }).toEqual({ from, limitSeries, series: await domainSeriesFromEvents(r, { limitSeries }, org) });
    }
  }
});

test('day buckets in a zone offset by half an hour (Asia/Kolkata) read the 5-minute rollup and match 15-minute series summed', async () => {
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  // Kolkata midnight is 18:30 UTC: 2024-03-02T18:30Z … 2024-03-05T18:30Z are three whole local days, all 15-minute aligned.
  const range = { from: new Date('2024-03-02T18:30:00Z'), to: new Date('2024-03-05T18:30:00Z') };
  const fine = await getDeferralSeries(orgId, { groupBy: 'ip', ...range, bucket: '15m', limitSeries: 50 });
  const days = await getDeferralSeries(orgId, { groupBy: 'ip', ...range, bucket: '1d', tz: 'Asia/Kolkata', limitSeries: 50 });
  expect(days.series[0]?.points.map((p) => p.t)).toEqual(['2024-03-02T18:30:00.000Z', '2024-03-03T18:30:00.000Z', '2024-03-04T18:30:00.000Z']);
  expect(days.series.map((s) => ({ key: s.key, points: s.points }))).toEqual(regroup(fine, days));
});

test('breakdowns over 3.5 and 11.5 h, 24 h, 3, 11 and 14 days (5-minute, hourly, daily and weekly rollups) equal totals and sparklines from finer series', async () => {
  const { getBreakdown } = await import('./queries/get-breakdown');
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  const cases = [
    { by: 'ip' as const, provider: 'microsoft-365' },
    { by: 'ip' as const },
    { by: 'domain' as const, provider: 'other' },
    { by: 'domain' as const },
    { by: 'domain' as const, ip: '203.0.113.8' },
  ];
  // 3.5 and 11.5 h with uneven ends (5- and 15-minute sparklines, domains ranked on minutes, 5 minutes and hours), 24 h and 3
  // days (hourly and 6-hourly sparklines), 11 days from 07:00 (6-hourly, domains ranked on a week, days and hours), two whole
  // weeks (daily sparklines from metric_domain_day).
  const ranges: Array<[from: Date, to: Date]> = [
    [new Date('2024-03-04T10:17:00Z'), new Date('2024-03-04T13:52:00Z')],
    [new Date('2024-03-04T09:07:00Z'), new Date('2024-03-04T20:41:00Z')],
    [new Date('2024-03-04T00:00:00Z'), new Date('2024-03-05T00:00:00Z')],
    [FROM, TO],
    [new Date('2024-03-01T07:00:00Z'), new Date('2024-03-12T07:00:00Z')],
    [new Date('2024-02-26T00:00:00Z'), new Date('2024-03-11T00:00:00Z')],
  ];
  for (const [from, to] of ranges) {
    for (const c of cases) {
      const b = await getBreakdown(orgId, { ...c, from, to, sort: 'key' });
      expect(b.rows.length).toBeGreaterThan(0);
      // Over the breakdown's span (whole sparkline buckets), in minutes where its sparkline is finer than 15 minutes.
      const span = { from: new Date(b.from), to: new Date(b.to) };
      const fineBucket = b.sparklineBucket === '5m' || b.sparklineBucket === '15m' ? '1m' : '15m';
      const fine = await getDeferralSeries(orgId, { groupBy: c.by, provider: c.provider, ip: c.ip, ...span, bucket: fineBucket, limitSeries: 50 });
      const spark = await getDeferralSeries(orgId, { groupBy: c.by, provider: c.provider, ip: c.ip, ...span, bucket: b.sparklineBucket, limitSeries: 50 });
      const expected = regroup(fine, spark)
        .map((s) => {
          const t = s.points.reduce<SeriesCounts>(sumCounts, { attempts: 0, delivered: 0, deferred: 0, bounced: 0, expired: 0, deferredPerRecipient: 0, deferralRate: null });
          return {
            key: s.key, attempts: t.attempts, delivered: t.delivered, deferred: t.deferred, bounced: t.bounced, deferredPerRecipient: t.deferredPerRecipient, deferralRate: t.deferralRate,
            sparkline: s.points.map((p) => ({ t: p.t, attempts: p.attempts, deferralRate: p.deferralRate })),
          };
        })
        .sort((x, y) => (x.key < y.key ? -1 : 1));
      // Sorted here by code point on both sides: the database's collation may order "(unknown)" elsewhere.
      expect({ c, from, rows: [...b.rows].sort((x, y) => (x.key < y.key ? -1 : 1)) }).toEqual({ c, from, rows: expected });
    }
  }
});

/** Top signatures over [from, to) cut into pieces that never hold a whole hour (each read from minutes or raw events), merged. */
async function topSignaturesInPieces(input: { from: Date; to: Date; ip?: string; provider?: string }): Promise<TopSignaturesDto['signatures']> {
  const { getTopSignatures } = await import('./queries/get-top-signatures');
  const cuts = [input.from.getTime()];
  for (let t = Math.floor(input.from.getTime() / 1_800_000 + 1) * 1_800_000; t < input.to.getTime(); t += 1_800_000) cuts.push(t);
  cuts.push(input.to.getTime());
  const merged = new Map<string, TopSignaturesDto['signatures'][number]>();
  for (let i = 0; i + 1 < cuts.length; i++) {
    const piece = await getTopSignatures(orgId, { ...input, from: new Date(cuts[i] ?? 0), to: new Date(cuts[i + 1] ?? 0), limit: 100 });
    for (const s of piece.signatures) {
      const m = merged.get(s.signature);
      if (!m) merged.set(s.signature, { ...s });
      else {
        m.count += s.count;
        m.deferred += s.deferred;
        m.bounced += s.bounced;
        m.expired += s.expired;
        m.sampleReply = [m.sampleReply, s.sampleReply].filter((x) => x !== null).sort()[0] ?? null;
        m.kbRule = [m.kbRule, s.kbRule].filter((x) => x !== null).sort()[0] ?? null;
      }
    }
  }
  const total = [...merged.values()].reduce((n, s) => n + s.count, 0);
  return [...merged.values()].map((s) => ({ ...s, share: s.count / total }));
}

/** Count first, then signature by code point (equal counts are ordered by the database's collation in the query). */
const byCount = (xs: TopSignaturesDto['signatures']) => [...xs].sort((a, b) => b.count - a.count || (a.signature < b.signature ? -1 : 1));

test('top signatures over an unaligned range (whole hours from signature_hour, edges finer) equal the same range read in sub-hour pieces', async () => {
  const { getTopSignatures } = await import('./queries/get-top-signatures');
  const from = new Date('2024-03-04T10:17:23.500Z');
  const to = new Date('2024-03-05T13:42:10Z');
  for (const filter of [{}, { provider: 'microsoft-365' }, { ip: '203.0.113.9' }, { ip: '203.0.113.7', provider: 'google' }]) {
    const whole = await getTopSignatures(orgId, { ...filter, from, to, limit: 100 });
    expect(whole.signatures.length).toBeGreaterThan(1);
    const pieces = await topSignaturesInPieces({ ...filter, from, to });
    expect({ filter, signatures: byCount(whole.signatures) }).toEqual({ filter, signatures: byCount(pieces) });
  }
});

test('top signatures by IP count exactly the raw events in [from, to), to the millisecond at both ends', async () => {
  const { getTopSignatures } = await import('./queries/get-top-signatures');
  const { pool } = await import('@/lib/db/client');
  const from = new Date('2024-03-03T05:00:00Z');
  const to = new Date('2024-03-04T07:59:59.999Z');
  const r = await getTopSignatures(orgId, { ip: '203.0.113.8', from, to, limit: 100 });
  const raw = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM delivery_event WHERE organization_id = $1 AND sending_ip = '203.0.113.8' AND occurred_at >= $2 AND occurred_at < $3 AND signature IS NOT NULL AND outcome <> 'delivered'`,
    [orgId, from, to],
  );
  expect(r.total).toBeGreaterThan(0);
  expect(r.total).toBe(raw.rows[0]?.n);
});
