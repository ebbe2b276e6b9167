import { expect, test } from 'vitest';
import { readCorpusBytes } from '@/lib/test-support/corpus';
import { withAppDatabase } from '@/lib/test-support/app-database';

withAppDatabase();

async function newOrg(slug: string): Promise<string> {
  const { createOrganization } = await import('@/lib/auth/accounts');
  return (await createOrganization({ slug })).id;
}

async function ingest(orgId: string, body: string, now = new Date('2024-06-01T00:00:00Z')): Promise<void> {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  async function* one(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(body);
  }
  const r = await ingestStream(one(), { organizationId: orgId, channel: 'api', format: 'auto', maxBytes: 1 << 24, now });
  expect(r.rejected).toBe(0);
}

const MS_MX = 'contoso-com.mail.protection.outlook.com';
const GMAIL_MX = 'gmail-smtp-in.l.google.com';
const S77714 = (ip: string) =>
  `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]`;
// Gmail's over-quota reply, a per-recipient temporary failure (lib/smtp rule google.over-quota).
const OVER_QUOTA = '452 4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp';

interface Ev {
  t: string;
  q: string;
  to: string;
  mx: string;
  ip: string;
  outcome: 'delivered' | 'deferred' | 'bounced' | 'expired';
  reply?: string;
}
const ndjson = (events: Ev[]) =>
  events
    .map((e) => JSON.stringify({ occurredAt: e.t, source: 'generic', sourceHost: 'mx1', queueId: e.q, recipient: e.to, mxHost: e.mx, sendingIp: e.ip, outcome: e.outcome, reply: e.reply ?? (e.outcome === 'delivered' ? '250 2.0.0 OK' : null) }))
    .join('\n');

const day = (hms: string) => `2024-03-04T${hms}Z`;
const FIXTURE: Ev[] = [
  { t: day('10:00:10'), q: 'Q1', to: 'a@contoso.com', mx: MS_MX, ip: '203.0.113.7', outcome: 'deferred', reply: S77714('203.0.113.7') },
  { t: day('10:00:40'), q: 'Q2', to: 'b@gmail.com', mx: GMAIL_MX, ip: '203.0.113.8', outcome: 'delivered' },
  { t: day('10:01:30'), q: 'Q3', to: 'c@gmail.com', mx: GMAIL_MX, ip: '203.0.113.8', outcome: 'deferred', reply: OVER_QUOTA },
  { t: day('10:02:00'), q: 'Q4', to: 'd@gmail.com', mx: GMAIL_MX, ip: '203.0.113.8', outcome: 'delivered' },
  { t: day('10:03:00'), q: 'Q5', to: 'e@contoso.com', mx: MS_MX, ip: '203.0.113.8', outcome: 'deferred', reply: S77714('203.0.113.8') },
  { t: day('10:07:00'), q: 'Q6', to: 'f@contoso.com', mx: MS_MX, ip: '203.0.113.7', outcome: 'bounced', reply: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup' },
  { t: day('10:07:30'), q: 'Q1', to: 'a@contoso.com', mx: MS_MX, ip: '203.0.113.7', outcome: 'delivered' },
];

let fixtureOrg: string;
const zero = { attempts: 0, delivered: 0, deferred: 0, bounced: 0, expired: 0, deferredPerRecipient: 0, deferralRate: null };

test('series by provider: exact counts per 5-minute bucket, empty buckets filled with zeros and a null rate, mailbox-full left out of the rate', async () => {
  fixtureOrg = await newOrg('fixture');
  await ingest(fixtureOrg, ndjson(FIXTURE));
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  const r = await getDeferralSeries(fixtureOrg, { groupBy: 'provider', from: new Date(day('10:00:00')), to: new Date(day('10:15:00')), bucket: '5m' });
  expect(r).toMatchObject({ bucket: '5m', tz: 'UTC', from: day('10:00:00.000'), to: day('10:15:00.000'), excludes: expect.stringMatching(/^per-recipient temporary failures/) });
  expect(r.series.map((s) => s.key)).toEqual(['microsoft-365', 'google']);
  expect(r.series[0]?.points).toEqual([
    { t: day('10:00:00.000'), attempts: 2, delivered: 0, deferred: 2, bounced: 0, expired: 0, deferredPerRecipient: 0, deferralRate: 1 },
    { t: day('10:05:00.000'), attempts: 2, delivered: 1, deferred: 0, bounced: 1, expired: 0, deferredPerRecipient: 0, deferralRate: 0 },
    { t: day('10:10:00.000'), ...zero },
  ]);
  // Gmail: one of three attempts deferred, but it is a 452 4.2.2 over-quota (per recipient): the rate stays 0.
  expect(r.series[1]?.points).toEqual([
    { t: day('10:00:00.000'), attempts: 3, delivered: 2, deferred: 1, bounced: 0, expired: 0, deferredPerRecipient: 1, deferralRate: 0 },
    { t: day('10:05:00.000'), ...zero },
    { t: day('10:10:00.000'), ...zero },
  ]);
  expect(r.series[0]?.totals).toEqual({ attempts: 4, delivered: 1, deferred: 2, bounced: 1, expired: 0, deferredPerRecipient: 0, deferralRate: 0.5 });
});

test('series by sending IP and by domain, filters, top-N folding into "(others)", and whole buckets around an unaligned range', async () => {
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  const range = { from: new Date(day('10:02:00')), to: new Date(day('10:08:00')), bucket: '5m' as const };
  const byIp = await getDeferralSeries(fixtureOrg, { groupBy: 'ip', ...range });
  expect([byIp.from, byIp.to]).toEqual([day('10:00:00.000'), day('10:10:00.000')]);
  expect(byIp.series.map((s) => [s.key, s.totals.attempts, s.totals.deferralRate])).toEqual([
    ['203.0.113.8', 4, 1 / 3],
    ['203.0.113.7', 3, 1 / 3],
  ]);
  const folded = await getDeferralSeries(fixtureOrg, { groupBy: 'ip', ...range, limitSeries: 1 });
  expect(folded.series.map((s) => [s.key, s.points.map((p) => p.attempts)])).toEqual([
    ['203.0.113.8', [4, 0]],
    ['(others)', [1, 2]],
  ]);
  const msFromSeven = await getDeferralSeries(fixtureOrg, { groupBy: 'domain', ...range, provider: 'microsoft-365', ip: '203.0.113.7' });
  expect(msFromSeven.series.map((s) => [s.key, s.points.map((p) => [p.attempts, p.deferred, p.deferralRate])])).toEqual([
    ['contoso.com', [[1, 1, 1], [2, 0, 0]]],
  ]);
  const none = await getDeferralSeries(fixtureOrg, { groupBy: 'provider', ...range, provider: 'yahoo' });
  expect(none).toMatchObject({ series: [], from: day('10:00:00.000') });
});

test('day buckets start at local midnight across the Europe/Berlin DST change (31 March 2024, a 23-hour day)', async () => {
  const org = await newOrg('berlin');
  const at = (t: string, q: string): Ev => ({ t, q, to: `${q}@gmail.com`, mx: GMAIL_MX, ip: '203.0.113.8', outcome: 'delivered' });
  // local times: 30 Mar 23:30 CET · 31 Mar 00:30 CET · 31 Mar 23:30 CEST · 1 Apr 00:30 CEST
  await ingest(org, ndjson([at('2024-03-30T22:30:00Z', 'a'), at('2024-03-30T23:30:00Z', 'b'), at('2024-03-31T21:30:00Z', 'c'), at('2024-03-31T22:30:00Z', 'd')]));
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  const range = { groupBy: 'provider' as const, from: new Date('2024-03-29T23:00:00Z'), to: new Date('2024-04-01T22:00:00Z'), bucket: '1d' as const };
  const berlin = await getDeferralSeries(org, { ...range, tz: 'Europe/Berlin' });
  expect(berlin.series[0]?.points.map((p) => [p.t, p.attempts])).toEqual([
    ['2024-03-29T23:00:00.000Z', 1],
    ['2024-03-30T23:00:00.000Z', 2],
    ['2024-03-31T22:00:00.000Z', 1],
  ]);
  expect([berlin.from, berlin.to]).toEqual(['2024-03-29T23:00:00.000Z', '2024-04-01T22:00:00.000Z']);
  const utc = await getDeferralSeries(org, range);
  expect(utc.series[0]?.points.map((p) => [p.t, p.attempts])).toEqual([
    ['2024-03-29T00:00:00.000Z', 0],
    ['2024-03-30T00:00:00.000Z', 2],
    ['2024-03-31T00:00:00.000Z', 2],
    ['2024-04-01T00:00:00.000Z', 0],
  ]);
});

test('GET /api/v1/metrics/deferrals answers the series for a read token and 422s a bucket too fine for the range', async () => {
  const { createApiToken } = await import('@/lib/auth/tokens');
  const { GET } = await import('@/app/api/v1/metrics/deferrals/route');
  const { token } = await createApiToken({ organizationId: fixtureOrg, name: 'grafana', scope: 'read' });
  const call = async (query: string) => {
    const res = await GET(new Request(`http://localhost/api/v1/metrics/deferrals?${query}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
    return { status: res.status, body: (await res.json()) as { series?: Array<{ key: string; points: Array<Record<string, unknown>> }>; error?: { message: string } } };
  };
  const ok = await call(`groupBy=provider&from=${day('10:00:00')}&to=${day('10:15:00')}&bucket=5m`);
  expect(ok.status).toBe(200);
  expect(ok.body.series?.[1]).toMatchObject({ key: 'google', points: [{ t: day('10:00:00.000'), attempts: 3, deferred: 1, bounced: 0, delivered: 2, deferralRate: 0 }, { deferralRate: null }, { deferralRate: null }] });
  const tooFine = await call(`from=2024-01-01T00:00:00Z&to=2024-03-01T00:00:00Z&bucket=1m`);
  expect(tooFine.status).toBe(422);
  expect(tooFine.body.error?.message).toMatch(/^bucket: 1m is too fine/);
  expect((await call('groupBy=queue')).status).toBe(422);
  expect((await call('tz=Nowhere/Land')).status).toBe(422);
});

test('breakdown by sending IP for Microsoft, sorted by a whitelisted column, with gap-filled sparklines', async () => {
  const { getBreakdown } = await import('./queries/get-breakdown');
  const range = { from: new Date(day('10:00:00')), to: new Date(day('10:15:00')) };
  const r = await getBreakdown(fixtureOrg, { by: 'ip', provider: 'microsoft-365', ...range, sort: 'deferralRate' });
  expect(r).toMatchObject({ sparklineBucket: '1m', sort: 'deferralRate', order: 'desc', from: day('10:00:00.000'), to: day('10:15:00.000') });
  expect(r.rows.map((x) => [x.key, x.attempts, x.deferred, x.bounced, x.deferralRate])).toEqual([
    ['203.0.113.8', 1, 1, 0, 1],
    ['203.0.113.7', 3, 1, 1, 1 / 3],
  ]);
  expect(r.rows[1]?.sparkline).toHaveLength(15);
  expect(r.rows[1]?.sparkline.filter((p) => p.attempts > 0).map((p) => [p.t, p.attempts, p.deferralRate])).toEqual([
    [day('10:00:00.000'), 1, 1],
    [day('10:07:00.000'), 2, 0],
  ]);
  expect(r.rows[1]?.sparkline[1]).toEqual({ t: day('10:01:00.000'), attempts: 0, deferralRate: null });
  const byDomain = await getBreakdown(fixtureOrg, { by: 'domain', ...range, sort: 'key', limit: 1 });
  expect(byDomain.rows.map((x) => [x.key, x.attempts, x.deferredPerRecipient])).toEqual([['contoso.com', 4, 0]]);
  const byDomainRate = await getBreakdown(fixtureOrg, { by: 'domain', ...range, sort: 'deferralRate', order: 'asc' });
  expect(byDomainRate.rows.map((x) => [x.key, x.deferralRate])).toEqual([['gmail.com', 0], ['contoso.com', 0.5]]);
});

test('top signatures with share and the knowledge-base meaning, from the rollup and (by IP) from raw events', async () => {
  const { getTopSignatures } = await import('./queries/get-top-signatures');
  const range = { from: new Date(day('10:00:00')), to: new Date(day('10:15:00')) };
  const all = await getTopSignatures(fixtureOrg, range);
  expect(all).toMatchObject({ source: 'signature_hour+signature_minute', total: 4 });
  expect(all.signatures.map((s) => [s.kbRule, s.count, s.share, s.deferred, s.bounced])).toEqual([
    ['microsoft.server-busy', 2, 0.5, 2, 0],
    // equal counts are ordered by signature text
    ['google.over-quota', 1, 0.25, 1, 0],
    ['generic.mailbox-unknown', 1, 0.25, 0, 1],
  ]);
  expect(all.signatures[0]).toMatchObject({
    signature: '451 4.7.500 Server busy. Please try again later from [<ip>]. (S77714) [<host> <ts> <hex>]',
    kb: { category: 'throttling', scope: 'ip', meaning: expect.stringMatching(/^Exchange Online Protection throttles this sending IP/) },
    sampleReply: S77714('203.0.113.7'),
  });
  const fromSeven = await getTopSignatures(fixtureOrg, { ...range, ip: '203.0.113.7', provider: 'microsoft-365' });
  expect(fromSeven).toMatchObject({ source: 'signature_hour+delivery_event', total: 2 });
  expect(fromSeven.signatures.map((s) => [s.count, s.share, s.deferred + s.bounced])).toEqual([[1, 0.5, 1], [1, 0.5, 1]]);
  expect((await getTopSignatures(fixtureOrg, { ...range, provider: 'google' })).signatures.map((s) => s.kb?.category)).toEqual(['recipient']);
});

test('provider summaries: 15-minute rate against the same-hour 7-day baseline, 24 h fallback, sparkline and top signature', async () => {
  const org = await newOrg('summaries');
  const now = new Date('2024-05-10T12:00:30Z');
  const events: Ev[] = [];
  // Microsoft: 4 attempts (1 deferred) in the same hour on each of the previous 7 days → baseline 7/28 = 0.25.
  for (let d = 1; d <= 7; d++) {
    for (let i = 0; i < 4; i++) {
      const t = new Date(Date.UTC(2024, 4, 10 - d, 11, 30 + i * 5));
      events.push({ t: t.toISOString(), q: `B${d}${i}`, to: `u${i}@contoso.com`, mx: MS_MX, ip: '203.0.113.7', outcome: i === 0 ? 'deferred' : 'delivered', ...(i === 0 ? { reply: S77714('203.0.113.7') } : {}) });
    }
  }
  // Now: 4 attempts in the window (11:46 – 12:01), 3 deferred → 0.75, +50 points.
  for (let i = 0; i < 4; i++) {
    events.push({ t: `2024-05-10T11:5${i}:00Z`, q: `N${i}`, to: `n${i}@contoso.com`, mx: MS_MX, ip: '203.0.113.7', outcome: i < 3 ? 'deferred' : 'delivered', ...(i < 3 ? { reply: S77714('203.0.113.7') } : {}) });
  }
  // Gmail is new: 2 attempts yesterday afternoon, 1 deferred; 1 delivery in the window.
  events.push({ t: '2024-05-09T15:00:00Z', q: 'G1', to: 'g1@gmail.com', mx: GMAIL_MX, ip: '203.0.113.8', outcome: 'deferred', reply: '421 4.7.0 Try again later, closing connection.' });
  events.push({ t: '2024-05-09T15:01:00Z', q: 'G2', to: 'g2@gmail.com', mx: GMAIL_MX, ip: '203.0.113.8', outcome: 'delivered' });
  events.push({ t: '2024-05-10T12:00:10Z', q: 'G3', to: 'g3@gmail.com', mx: GMAIL_MX, ip: '203.0.113.8', outcome: 'delivered' });
  await ingest(org, ndjson(events), now);
  const { getProviderSummaries } = await import('./queries/get-provider-summaries');
  const r = await getProviderSummaries(org, { now });
  expect(r.window).toEqual({ from: '2024-05-10T11:46:00.000Z', to: '2024-05-10T12:01:00.000Z', minutes: 15 });
  expect(r.providers.map((p) => p.provider)).toEqual(['microsoft-365', 'google']);
  const [ms, google] = r.providers;
  expect(ms).toMatchObject({ attempts: 4, deferred: 3, deferralRate: 0.75, baseline: { kind: 'same-hour-7d', attempts: 28, rate: 0.25 }, changePoints: 50 });
  expect(ms?.topSignature).toMatchObject({ kbRule: 'microsoft.server-busy', count: 3 });
  expect(ms?.sparkline).toHaveLength(24);
  expect(ms?.sparkline.at(-1)).toEqual({ t: '2024-05-10T11:46:00.000Z', attempts: 4, deferralRate: 0.75 });
  expect(ms?.sparkline.at(-2)).toEqual({ t: '2024-05-10T11:31:00.000Z', attempts: 0, deferralRate: null });
  expect(google).toMatchObject({ attempts: 1, deferralRate: 0, baseline: { kind: 'trailing-24h', attempts: 2, rate: 0.5, from: '2024-05-09T11:46:00.000Z' }, changePoints: -50, topSignature: null });
});

test('a real Postfix file (lightmeter 6_deferred_message_retry.log), hand-counted', async () => {
  const org = await newOrg('lightmeter');
  // 7 status= lines: 3 hand-offs to amavis on 127.0.0.1 are not attempts, leaving 13:28:02 sent to another.com (gandi),
  // 13:28:02 deferred (greylisted, recipient.com), 13:30:14 LMTP delivery to some.example.com (ingest counts a local
  // socket relay as an attempt), 13:35:08 sent (recipient.com).
  await ingest(org, readCorpusBytes('postfix/lightmeter/6_deferred_message_retry.log').toString('utf8'), new Date('2020-12-31T00:00:00Z'));
  const { getDeferralSeries } = await import('./queries/get-deferral-series');
  const r = await getDeferralSeries(org, { groupBy: 'domain', from: new Date('2020-12-07T13:25:00Z'), to: new Date('2020-12-07T13:40:00Z'), bucket: '5m' });
  expect(r.series.map((s) => [s.key, s.points.map((p) => [p.attempts, p.delivered, p.deferred, p.deferredPerRecipient, p.deferralRate])])).toEqual([
    ['recipient.com', [[1, 0, 1, 1, null], [0, 0, 0, 0, null], [1, 1, 0, 0, 0]]],
    ['another.com', [[1, 1, 0, 0, 0], [0, 0, 0, 0, null], [0, 0, 0, 0, null]]],
    ['some.example.com', [[0, 0, 0, 0, null], [1, 1, 0, 0, 0], [0, 0, 0, 0, null]]],
  ]);
  const { getRetryBehaviour } = await import('./queries/get-retry-behaviour');
  const retry = await getRetryBehaviour(org, { from: new Date('2020-12-07T00:00:00Z'), to: new Date('2020-12-08T00:00:00Z') });
  expect(retry.sample.messages).toBe(1);
  // A17F830001CA: deferred 13:28:02, delivered 13:35:08 → one interval of 426 s from the same IP.
  expect(retry.providers).toEqual([
    expect.objectContaining({ messages: 1, attemptsPerMessage: { avg: 2, max: 2 }, intervals: { count: 1, medianSeconds: 426, p90Seconds: 426 }, retryStorm: false, ipRotation: { flagged: false, messages: 0, examples: [] } }),
  ]);
});
