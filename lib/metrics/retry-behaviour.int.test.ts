import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

withAppDatabase();
let orgId: string;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'retry' })).id;
  const other = (await createOrganization({ slug: 'other-tenant' })).id;
  await ingest(orgId, microsoftStorm());
  await ingest(orgId, googleBackoff());
  // Another tenant's identical queue ids must not leak into this one's messages.
  await ingest(other, microsoftStorm());
});

async function ingest(org: string, body: string): Promise<void> {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  async function* one(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(body);
  }
  const r = await ingestStream(one(), { organizationId: org, channel: 'api', format: 'auto', maxBytes: 1 << 24, now: new Date('2024-03-05T00:00:00Z') });
  expect(r.rejected).toBe(0);
}

const RELAY = 'relay=contoso-com.mail.protection.outlook.com[104.47.2.33]:25';
const deferredLine = (time: string, q: string, rcpt: string, ip: string) =>
  `Mar  4 ${time} mx1 postfix/smtp[2120]: ${q}: to=<${rcpt}>, ${RELAY}, delay=1, delays=0/0/0.5/0.5, dsn=4.7.500, status=deferred (host contoso-com.mail.protection.outlook.com[104.47.2.33] said: 451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2024-03-04T${time}.557Z 08DBC41AE3EEAC91] (in reply to RCPT TO command))`;
const sentLine = (time: string, q: string, rcpt: string) =>
  `Mar  4 ${time} mx1 postfix/smtp[2120]: ${q}: to=<${rcpt}>, ${RELAY}, delay=181, delays=180/0/0.5/0.5, dsn=2.6.0, status=sent (250 2.6.0 <m@example.org> [InternalId=1] Queued mail for delivery)`;

const IPS = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];
const QUEUE_IDS = ['4B1A2C0001', '4B1A2C0002', '4B1A2C0003'];

/** Three messages retried every 60 s against Microsoft S77714, each deferral from the next sending IP, delivered on the 4th try. */
function microsoftStorm(): string {
  const lines: string[] = [];
  QUEUE_IDS.forEach((q, m) => {
    const rcpt = `user${m}@contoso.com`;
    for (let i = 0; i < 3; i++) lines.push(deferredLine(`10:0${i}:0${m}`, q, rcpt, IPS[(m + i) % 3] ?? ''));
    lines.push(sentLine(`10:03:0${m}`, q, rcpt));
  });
  return lines.join('\n') + '\n';
}

/** One Gmail message backing off properly from one IP: deferred 10:00, deferred 10:30, delivered 11:30. */
function googleBackoff(): string {
  const base = { source: 'generic', sourceHost: 'mx1', queueId: 'G0001', recipient: 'g@gmail.com', mxHost: 'gmail-smtp-in.l.google.com', sendingIp: '198.51.100.4' };
  const busy = '421 4.7.0 Try again later, closing connection.';
  return [
    { ...base, occurredAt: '2024-03-04T10:00:00Z', outcome: 'deferred', reply: busy },
    { ...base, occurredAt: '2024-03-04T10:30:00Z', outcome: 'deferred', reply: busy },
    { ...base, occurredAt: '2024-03-04T11:30:00Z', outcome: 'delivered', reply: '250 2.0.0 OK' },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n');
}

const range = { from: new Date('2024-03-04T00:00:00Z'), to: new Date('2024-03-05T00:00:00Z') };

test('a retry storm with IP rotation against Microsoft S77714 is flagged; Gmail backing off from one IP is not', async () => {
  const { getRetryBehaviour } = await import('./queries/get-retry-behaviour');
  const r = await getRetryBehaviour(orgId, range);
  expect(r.sample).toMatchObject({ messages: 4, maxMessages: 1000, description: expect.stringMatching(/^sampled 4 messages/) });
  expect(r.providers).toEqual([
    {
      provider: 'microsoft-365',
      messages: 3,
      attemptsPerMessage: { avg: 4, max: 4 },
      intervals: { count: 9, medianSeconds: 60, p90Seconds: 60 },
      deferrals: 9,
      throttlingDeferrals: 9,
      retryStorm: true,
      ipRotation: {
        flagged: true,
        messages: 3,
        examples: QUEUE_IDS.map((q, m) => ({ queueId: q, recipient: `user${m}@contoso.com`, sendingIps: IPS })),
      },
    },
    {
      provider: 'google',
      messages: 1,
      attemptsPerMessage: { avg: 3, max: 3 },
      // intervals 1800 s and 3600 s: median 2700, p90 1800 + 0.9 × 1800 (linear interpolation)
      intervals: { count: 2, medianSeconds: 2700, p90Seconds: 3420 },
      deferrals: 2,
      throttlingDeferrals: expect.any(Number),
      retryStorm: false,
      ipRotation: { flagged: false, messages: 0, examples: [] },
    },
  ]);
});

test('the analysis is bounded: at most maxMessages messages, the most recently deferred, and only the range', async () => {
  const { getRetryBehaviour } = await import('./queries/get-retry-behaviour');
  const two = await getRetryBehaviour(orgId, { ...range, maxMessages: 2 });
  expect(two.sample).toMatchObject({ messages: 2, maxMessages: 2, description: expect.stringMatching(/^sampled 2 messages/) });
  // Gmail's last deferral (10:30) is the most recent; then the first Microsoft queue id by order.
  expect(two.providers.map((p) => [p.provider, p.messages])).toEqual([['google', 1], ['microsoft-365', 1]]);
  // A range ending at 10:01:30 sees two attempts per Microsoft message: one interval each, still rotating IPs.
  const early = await getRetryBehaviour(orgId, { from: range.from, to: new Date('2024-03-04T10:01:30Z'), provider: 'microsoft-365' });
  expect(early.providers).toEqual([expect.objectContaining({ messages: 3, attemptsPerMessage: { avg: 2, max: 2 }, intervals: { count: 3, medianSeconds: 60, p90Seconds: 60 }, retryStorm: true, ipRotation: expect.objectContaining({ messages: 3 }) })]);
  const googleOnly = await getRetryBehaviour(orgId, { ...range, provider: 'google' });
  expect(googleOnly.providers.map((p) => p.provider)).toEqual(['google']);
  const nothing = await getRetryBehaviour(orgId, { from: new Date('2024-03-03T00:00:00Z'), to: new Date('2024-03-04T00:00:00Z') });
  expect(nothing).toMatchObject({ sample: { messages: 0 }, providers: [] });
});

test('attempts are read from the earliest arrival of the sampled messages: a message deferred 21 hours before its latest deferral keeps every attempt in the range', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const org = (await createOrganization({ slug: 'retry-long' })).id;
  const base = { source: 'generic', sourceHost: 'mx1', mxHost: 'gmail-smtp-in.l.google.com', sendingIp: '198.51.100.4' };
  const busy = '421 4.7.0 Try again later, closing connection.';
  const events = [
    // L: queued 10 minutes before the range starts (delay 900 s at 00:05), deferred again at 22:00, delivered at 23:00.
    { ...base, queueId: 'L0001', recipient: 'l@gmail.com', occurredAt: '2024-03-04T00:05:00Z', outcome: 'deferred', reply: busy, delaySeconds: 900 },
    { ...base, queueId: 'L0001', recipient: 'l@gmail.com', occurredAt: '2024-03-04T22:00:00Z', outcome: 'deferred', reply: busy },
    { ...base, queueId: 'L0001', recipient: 'l@gmail.com', occurredAt: '2024-03-04T23:00:00Z', outcome: 'delivered', reply: '250 2.0.0 OK' },
    // S: one deferral just before L's latest, outside a sample of one.
    { ...base, queueId: 'S0001', recipient: 's@gmail.com', occurredAt: '2024-03-04T21:59:00Z', outcome: 'deferred', reply: busy },
  ];
  await ingest(org, events.map((e) => JSON.stringify(e)).join('\n'));
  const { getRetryBehaviour } = await import('./queries/get-retry-behaviour');
  const one = await getRetryBehaviour(org, { ...range, maxMessages: 1 });
  expect(one.providers).toEqual([
    expect.objectContaining({ provider: 'google', messages: 1, attemptsPerMessage: { avg: 3, max: 3 }, intervals: { count: 2, medianSeconds: (78_900 + 3_600) / 2, p90Seconds: 3_600 + 0.9 * 75_300 }, deferrals: 2 }),
  ]);
  const both = await getRetryBehaviour(org, range);
  expect(both.providers).toEqual([expect.objectContaining({ messages: 2, attemptsPerMessage: { avg: 2, max: 3 }, deferrals: 3 })]);
});
