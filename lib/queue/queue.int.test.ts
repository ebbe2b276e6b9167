import { afterAll, beforeAll, expect, test } from 'vitest';
import { useFreshAppDatabase, type TestDatabase } from '@/lib/test-support/db';

let database: TestDatabase;
let orgId: string;
const LIFETIME = 5 * 24 * 3600;

beforeAll(async () => {
  database = await useFreshAppDatabase();
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
});

afterAll(async () => {
  const { db, pool } = await import('@/lib/db/client');
  await db().$disconnect();
  await pool().end();
  await database.drop();
});

async function ingestNdjson(events: object[]) {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const body = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n'));
  return ingestStream((async function* () { yield body; })(), {
    organizationId: orgId, channel: 'api', format: 'ndjson', maxBytes: 1 << 24, now: new Date('2024-01-02T00:00:00Z'), queueLifetimeSeconds: LIFETIME,
  });
}

const ev = (queueId: string, at: string, outcome: string, ip: string, delaySeconds = 0) => ({
  occurredAt: at, source: 'postfix', sourceHost: 'mx1', queueId, recipient: `${queueId.toLowerCase()}@contoso.com`,
  mxHost: 'contoso-com.mail.protection.outlook.com', sendingIp: ip, outcome, delaySeconds,
  reply: outcome === 'deferred' ? `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714)` : '250 2.6.0 Queued mail for delivery',
});

async function series(from: string, to: string, provider?: string) {
  const { getQueueSeries } = await import('./queries/get-queue-series');
  return getQueueSeries(orgId, { from: new Date(from), to: new Date(to), bucketSeconds: 600, provider }, LIFETIME);
}

test('queue depth follows message lifecycles, whatever order the attempts arrive in', async () => {
  // Q1 arrives 10:00 (first deferral at 10:05 after 300 s in queue), retried 10:35, delivered 11:05.
  // Q2 arrives 10:20, deferred, never seen again: it stays queued until its lifetime ends.
  await ingestNdjson([ev('Q1', '2024-01-01T10:35:00Z', 'deferred', '203.0.113.8', 2100), ev('Q2', '2024-01-01T10:20:00Z', 'deferred', '203.0.113.7')]);
  await ingestNdjson([ev('Q1', '2024-01-01T11:05:00Z', 'delivered', '203.0.113.8', 3900), ev('Q1', '2024-01-01T10:05:00Z', 'deferred', '203.0.113.7', 300)]);
  const s = await series('2024-01-01T09:50:00Z', '2024-01-01T11:20:00Z', 'microsoft-365');
  expect(s.source).toBe('reconstructed');
  expect(s.points.map((p) => [p.t.slice(11, 16), p.depth])).toEqual([
    ['09:50', 0],
    ['10:00', 1],
    ['10:10', 1],
    ['10:20', 2],
    ['10:30', 2],
    ['10:40', 2],
    ['10:50', 2],
    ['11:00', 1],
    ['11:10', 1],
  ]);
  // At 10:50 (end of the 10:40 bucket) the oldest queued message is Q1, arrived 10:00; at 11:20 it is Q2, arrived 10:20.
  expect(s.points[5]).toMatchObject({ oldestAgeSeconds: 3000 });
  expect(s.points.at(-1)).toMatchObject({ oldestAgeSeconds: 3600 });
  expect(s.agedOutInRange).toBe(0);
});

test('a message whose fate is never seen ages out after the queue lifetime, and the answer says so', async () => {
  const s = await series('2024-01-06T10:00:00Z', '2024-01-06T10:40:00Z', 'microsoft-365');
  expect(s.points.map((p) => p.depth)).toEqual([1, 1, 0, 0]);
  expect(s.agedOutInRange).toBe(1);
  expect(s.lifetimeSeconds).toBe(LIFETIME);
});

test('the incremental queue state equals a rebuild from raw events', async () => {
  const { pool } = await import('@/lib/db/client');
  const snap = async () => ({
    state: (await pool().query('SELECT encode(message_key, \'hex\') k, provider, sending_ip, first_seen_at, final_at, ends_at, attempts, deferrals, sending_ips FROM message_state WHERE organization_id = $1 ORDER BY 1', [orgId])).rows,
    deltas: (await pool().query('SELECT bucket, provider, sending_ip, delta FROM queue_delta_minute WHERE organization_id = $1 AND delta <> 0 ORDER BY 1, 2, 3', [orgId])).rows,
  });
  const live = await snap();
  expect(live.state).toHaveLength(2);
  expect(live.state.find((r) => r.attempts === 3)).toMatchObject({ sending_ips: ['203.0.113.7', '203.0.113.8'], deferrals: 2 });
  const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
  await writeRebuildRollups(orgId, LIFETIME);
  expect(await snap()).toEqual(live);
});

test('queue samples reported by the MTA are preferred over the reconstruction', async () => {
  const { samplesFromPostqueue } = await import('./parse-queue-samples');
  const { writeQueueSamples } = await import('./write-queue-samples');
  const listing = [
    { queue_name: 'deferred', queue_id: 'A1', arrival_time: Date.parse('2024-01-01T09:00:00Z') / 1000, recipients: [{ address: 'x@contoso.com', delay_reason: 'S77714' }, { address: 'y@hotmail.com' }] },
    { queue_name: 'active', queue_id: 'A2', arrival_time: Date.parse('2024-01-01T10:00:00Z') / 1000, recipients: [{ address: 'z@hotmail.com' }] },
  ].map((m) => JSON.stringify(m)).join('\n') + '\nnot json';
  const { samples, errors } = samplesFromPostqueue(listing, 'mx1', new Date('2024-01-01T10:45:00Z'));
  expect(errors).toEqual([{ line: 3, reason: 'not valid JSON (expected `postqueue -j` output)' }]);
  expect(samples).toEqual([
    expect.objectContaining({ provider: 'other', depth: 1, oldestAgeSeconds: 6300 }),
    expect.objectContaining({ provider: 'microsoft-consumer', depth: 2, oldestAgeSeconds: 6300 }),
  ]);
  await writeQueueSamples(orgId, samples);
  const s = await series('2024-01-01T10:30:00Z', '2024-01-01T11:00:00Z', 'microsoft-consumer');
  expect(s.source).toBe('reported');
  expect(s.points.map((p) => [p.t.slice(11, 16), p.depth, p.oldestAgeSeconds])).toEqual([
    ['10:30', null, null],
    ['10:40', 2, 6300],
    ['10:50', null, null],
  ]);
});
