import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

withAppDatabase();
let orgId: string;
const LIFETIME = 5 * 24 * 3600;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
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

/** Every queue rollup of an organisation, without the rows whose changes cancelled out. */
async function queueRollups(organizationId: string): Promise<Record<string, unknown[]>> {
  const { pool } = await import('@/lib/db/client');
  const out: Record<string, unknown[]> = {};
  for (const level of ['minute', 'hour', 'day']) {
    out[`delta_${level}`] = (await pool().query(`SELECT bucket, provider, sending_ip, delta, aged_out FROM queue_delta_${level} WHERE organization_id = $1 AND (delta <> 0 OR aged_out <> 0) ORDER BY 1, 2, 3`, [organizationId])).rows;
    out[`oldest_${level}`] = (await pool().query(`SELECT bucket, provider, sending_ip, oldest_first_seen_at FROM queue_oldest_${level} WHERE organization_id = $1 ORDER BY 1, 2, 3`, [organizationId])).rows;
  }
  return out;
}

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
    ...(await queueRollups(orgId)),
  });
  const live = await snap();
  expect(live.state).toHaveLength(2);
  expect(live.state.find((r) => r.attempts === 3)).toMatchObject({ sending_ips: ['203.0.113.7', '203.0.113.8'], deferrals: 2 });
  const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
  await writeRebuildRollups(orgId, LIFETIME);
  expect(await snap()).toEqual(live);
});

test('a message delivered within the minute it arrived keeps no state row; one queued across a minute start does', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const { pool } = await import('@/lib/db/client');
  const saved = orgId;
  orgId = (await createOrganization({ slug: 'first-attempt' })).id;
  try {
    const ip = '203.0.113.9';
    // R1 arrives 20:00:25, delivered 20:00:30; R2 arrives 20:00:57, delivered 20:01:02: queued at 20:01:00.
    // R3 arrives 20:00:40, delivered 20:00:45, but its delay is unknown, so an earlier attempt could still come.
    await ingestNdjson([
      ev('R1', '2024-01-01T20:00:30Z', 'delivered', ip, 5),
      ev('R2', '2024-01-01T20:01:02Z', 'delivered', ip, 5),
      { ...ev('R3', '2024-01-01T20:00:45Z', 'delivered', ip), delaySeconds: null },
    ]);
    const keys = async () =>
      (await pool().query<{ q: string; deferrals: number }>(
        `SELECT DISTINCT e.queue_id AS q, m.deferrals FROM message_state m
         JOIN delivery_event e ON e.organization_id = m.organization_id
          AND m.message_key = decode(md5(concat_ws('|', e.source, e.source_host, e.queue_id, e.recipient)), 'hex')
         WHERE m.organization_id = $1 ORDER BY 1`, [orgId])).rows;
    expect((await keys()).map((r) => r.q)).toEqual(['R2', 'R3']);
    expect((await queueRollups(orgId)).oldest_minute).toEqual([
      { bucket: new Date('2024-01-01T20:01:00Z'), provider: 'microsoft-365', sending_ip: ip, oldest_first_seen_at: new Date('2024-01-01T20:00:57Z') },
    ]);
    const s = await series('2024-01-01T20:00:00Z', '2024-01-01T20:20:00Z');
    expect(s.points.map((p) => p.depth)).toEqual([0, 0]);
    // A later attempt under R1's queue id and recipient (a reused queue id) is a message of its own, queued from 21:00.
    await ingestNdjson([ev('R1', '2024-01-01T21:00:00Z', 'deferred', ip)]);
    expect((await keys()).map((r) => [r.q, r.deferrals])).toEqual([['R1', 1], ['R2', 0], ['R3', 0]]);
    expect((await series('2024-01-01T20:50:00Z', '2024-01-01T21:10:00Z')).points.map((p) => p.depth)).toEqual([0, 1]);
  } finally {
    orgId = saved;
  }
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

test('depth, oldest age and aged-out count read from the minute, hour and day rollups equal a scan of the message lifecycles', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { getQueueSeries } = await import('./queries/get-queue-series');
  const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
  const { pool } = await import('@/lib/db/client');
  const org = (await createOrganization({ slug: 'queue-levels' })).id;
  const lifetime = 2 * 24 * 3600;
  // 400 messages over 4 days: most deferred once or twice then delivered or bounced, hours to days later; one in six never
  // seen again (aged out after the lifetime); a few delivered only after the lifetime. Seeded, so every run is the same.
  let seed = 11;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const start = Date.parse('2024-02-01T00:00:00Z');
  const events: object[] = [];
  for (let i = 0; i < 400; i++) {
    const arrived = start + Math.floor(random() * 4 * 24 * 3600_000);
    const ip = `203.0.113.${1 + (i % 3)}`;
    const mx = i % 2 === 0 ? 'contoso-com.mail.protection.outlook.com' : 'gmail-smtp-in.l.google.com';
    const at = (ms: number, outcome: string) => ({
      occurredAt: new Date(arrived + ms).toISOString(), source: 'postfix', sourceHost: 'mx1', queueId: `L${i}`, recipient: `r${i}@example.com`,
      mxHost: mx, sendingIp: ip, outcome, delaySeconds: Math.floor(ms / 1000),
      reply: outcome === 'deferred' ? '451 4.7.500 Server busy. Please try again later.' : outcome === 'bounced' ? '550 5.1.1 no such user' : '250 2.0.0 OK',
    });
    const firstTry = Math.floor(random() * 120_000);
    const roll = random();
    // Delivered at the first attempt within seconds: no message_state row when arrival and delivery share a minute.
    if (roll >= 0.8 && roll < 0.83) {
      events.push(at(firstTry % 30_000, 'delivered'));
      continue;
    }
    events.push(at(firstTry, 'deferred'));
    if (roll < 0.5) events.push(at(firstTry + Math.floor(random() * 6 * 3600_000), 'delivered'));
    else if (roll < 0.7) events.push(at(firstTry + 600_000, 'deferred'), at(firstTry + Math.floor(random() * 30 * 3600_000), 'bounced'));
    else if (roll < 0.8) events.push(at(firstTry + (lifetime + 3600) * 1000, 'delivered'));
  }
  // Shuffled into batches, so later batches move intervals that earlier ones stored.
  events.sort(() => random() - 0.5);
  for (let i = 0; i < events.length; i += 150) {
    const body = Buffer.from(events.slice(i, i + 150).map((e) => JSON.stringify(e)).join('\n'));
    await ingestStream((async function* () { yield body; })(), {
      organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 1 << 24, now: new Date('2024-03-01T00:00:00Z'), queueLifetimeSeconds: lifetime,
    });
  }
  const live = await queueRollups(org);
  await writeRebuildRollups(org, lifetime);
  expect(await queueRollups(org)).toEqual(live);

  const scan = async (from: Date, to: Date, bucketSeconds: number, provider?: string) => {
    const { rows } = await pool().query<{ t: Date; depth: number; oldest: Date | null }>(
      `WITH b AS (SELECT generate_series(date_bin($4 * interval '1 second', $2::timestamptz, 'epoch'), $3::timestamptz - interval '1 microsecond', $4 * interval '1 second') AS t)
       SELECT b.t,
              (SELECT count(*) FILTER (WHERE date_trunc('minute', first_seen_at) < x) - count(*) FILTER (WHERE date_trunc('minute', ends_at) < x)
               FROM message_state, LATERAL (SELECT least(b.t + $4 * interval '1 second', date_trunc('minute', $3::timestamptz - interval '1 microsecond') + interval '1 minute') AS x) c
               WHERE organization_id = $1 AND ($5::text IS NULL OR provider = $5))::int AS depth,
              (SELECT min(first_seen_at) FROM message_state WHERE organization_id = $1 AND ($5::text IS NULL OR provider = $5)
                 AND ends_at > b.t + $4 * interval '1 second' AND first_seen_at <= b.t + $4 * interval '1 second') AS oldest
       FROM b ORDER BY b.t`,
      [org, from, to, bucketSeconds, provider ?? null],
    );
    const { rows: aged } = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM message_state WHERE organization_id = $1 AND final_at IS NULL AND ends_at >= $2 AND ends_at < $3 AND ($4::text IS NULL OR provider = $4)`,
      [org, from, to, provider ?? null],
    );
    return {
      agedOutInRange: aged[0]?.n,
      points: rows.map((r) => {
        const end = r.t.getTime() + bucketSeconds * 1000;
        return { t: r.t.toISOString(), depth: r.depth, oldestAgeSeconds: r.oldest ? Math.max(0, Math.round((end - r.oldest.getTime()) / 1000)) : null };
      }),
    };
  };
  const cases: Array<[from: string, to: string, bucketSeconds: number]> = [
    ['2024-02-02T10:17:31.250Z', '2024-02-02T11:17:31.250Z', 60],
    ['2024-02-02T07:03:00Z', '2024-02-03T07:03:00Z', 300],
    ['2024-02-02T23:20:00Z', '2024-02-03T02:50:10Z', 600],
    ['2024-02-01T00:00:00Z', '2024-02-08T00:00:00Z', 3600],
    ['2024-01-31T05:00:00Z', '2024-02-09T17:45:12.5Z', 21_600],
    ['2024-01-30T00:00:00Z', '2024-02-10T00:00:00Z', 86_400],
  ];
  let agedOut = 0;
  for (const [from, to, bucketSeconds] of cases) {
    for (const provider of [undefined, 'microsoft-365']) {
      const got = await getQueueSeries(org, { from: new Date(from), to: new Date(to), bucketSeconds, provider }, lifetime);
      expect(got.points.some((p) => p.oldestAgeSeconds !== null && p.oldestAgeSeconds > 3600 && (p.depth ?? 0) > 1)).toBe(true);
      agedOut += got.agedOutInRange;
      expect({ from, bucketSeconds, provider, agedOutInRange: got.agedOutInRange, points: got.points }).toEqual({ from, bucketSeconds, provider, ...(await scan(new Date(from), new Date(to), bucketSeconds, provider)) });
    }
  }
  expect(agedOut).toBeGreaterThan(0);
});
