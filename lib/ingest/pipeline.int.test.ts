import { gzipSync } from 'node:zlib';
import { beforeAll, expect, test } from 'vitest';
import { generatePostfixLog } from '@/lib/bench/postfix-log';
import { rollupTables } from '@/lib/metrics/rollup-sql';
import { readCorpusBytes } from '@/lib/test-support/corpus';
import { withAppDatabase } from '@/lib/test-support/app-database';
import type { IngestOptions, IngestResult } from './pipeline';

withAppDatabase();
let orgId: string;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
});

async function* chunks(data: Buffer, size = 1000): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function ingest(data: Buffer | string, opts: Partial<IngestOptions> = {}): Promise<IngestResult> {
  const { ingestStream } = await import('./pipeline');
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return ingestStream(chunks(body), { organizationId: orgId, channel: 'api', format: 'auto', maxBytes: 64 * 1024 * 1024, now: new Date('2024-01-15T00:00:00Z'), ...opts });
}

async function count(sql: string): Promise<number> {
  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ n: string }>(sql, [orgId]);
  return Number(rows[0]?.n ?? 0);
}

const S77714 = (ip: string, t: string, q: string, rcpt: string) =>
  `Oct 11 ${t} mx1 postfix-out2/smtp[2120]: ${q}: to=<${rcpt}>, relay=contoso-com.mail.protection.outlook.com[104.47.2.33]:25, delay=21537, delays=21500/0.01/30/7, dsn=4.7.500, status=deferred (host contoso-com.mail.protection.outlook.com[104.47.2.33] said: 451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T${t}.557Z 08DBC41AE3EEAC91] (in reply to RCPT TO command))`;

test('a real Postfix file lands with its reply understood, and re-sending it stores nothing twice', async () => {
  const file = readCorpusBytes('postfix/github-issues/Mailu-Mailu-3013.log');
  const first = await ingest(file);
  // The two corpus lines differ only in `delays`; with recipients masked they share every field of the dedupe key.
  expect(first).toMatchObject({ format: 'postfix', accepted: 1, duplicates: 1, rejected: 0, errors: [] });
  const again = await ingest(file);
  expect(again).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
  const { listEvents } = await import('./queries/list-events');
  const { events } = await listEvents(orgId, { limit: 10 });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    provider: 'microsoft-consumer',
    outcome: 'deferred',
    enhancedCode: '4.7.651',
    smtpCode: 451,
    providerToken: 'S844',
    sendingIp: '45.133.73.165',
    providerHost: 'DM6NAM11FT088.eop-nam11.prod.protection.outlook.com',
    correlationId: '08DBD70830F39917',
    recipientDomain: 'hotmail.com',
    mxIp: '104.47.57.161',
    category: 'reputation',
  });
  expect(await count('SELECT sum(attempts) AS n FROM metric_minute WHERE organization_id = $1')).toBe(1);
});

test('the S77714 reference deferral from a multi-instance Postfix, gzip-compressed, with CRLF line endings', async () => {
  const text = [
    S77714('203.0.113.7', '02:17:50', '7356ABD12E', 'a@contoso.com'), S77714('203.0.113.8', '02:18:50', '7356ABD12F', 'b@contoso.com'),
    'Oct 11 02:18:51 mx1 postfix-out2/qmgr[2094]: 7356ABD12F: removed',
  ].join('\r\n') + '\r\n';
  const r = await ingest(gzipSync(Buffer.from(text)));
  // Every line read counts, the context line after the last event too.
  expect(r).toMatchObject({ format: 'postfix', accepted: 2, duplicates: 0, rejected: 0, lines: 3 });
  const { listEvents } = await import('./queries/list-events');
  const { events } = await listEvents(orgId, { limit: 10, kbRule: 'microsoft.server-busy' });
  expect(events.map((e) => e.sendingIp).sort()).toEqual(['203.0.113.7', '203.0.113.8']);
  expect(events[0]).toMatchObject({ provider: 'microsoft-365', providerToken: 'S77714', category: 'throttling', delaySeconds: 21537, occurredAt: '2023-10-11T02:18:50.000Z' });
});

test('bad lines are rejected with their line number while the good ones land', async () => {
  const good = S77714('203.0.113.9', '03:00:00', 'AAAA00001', 'c@contoso.com');
  // An RFC 3339 stamp can lie in the future (a classic one is placed in the past year by design).
  const future = good.replace('Oct 11 03:00:00', '2030-01-01T00:00:00+00:00').replace('AAAA00001', 'AAAA00002');
  const body = Buffer.concat([Buffer.from([good, 'x\u0000y'].join('\n') + '\n'), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from(future)]);
  const r = await ingest(body, { format: 'postfix' });
  expect(r.accepted).toBe(1);
  expect(r.errors).toEqual([
    { line: 2, reason: 'binary data (NUL byte) in line' },
    { line: 3, reason: 'line is not valid UTF-8' },
    { line: 4, reason: expect.stringMatching(/in the future/) },
  ]);
  expect(r.rejected).toBe(3);
});

test('a 10 MB single line is refused as a line, the rest of the body still lands', async () => {
  const huge = 'x'.repeat(10 * 1024 * 1024);
  const r = await ingest(`${huge}\n${S77714('203.0.113.10', '04:00:00', 'BBBB00001', 'd@contoso.com')}\n`, { format: 'postfix' });
  expect(r).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 1, reason: 'line is longer than 1 MiB' }] });
});

test('an undetectable, empty, truncated or oversized body is refused and stores nothing', async () => {
  const before = await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1');
  const batchesBefore = await count('SELECT count(*) AS n FROM ingest_batch WHERE organization_id = $1');
  await expect(ingest(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).rejects.toMatchObject({ code: 'unprocessable', status: 422 });
  await expect(ingest('')).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/empty/) });
  const gz = gzipSync(Buffer.from(Array.from({ length: 200 }, (_, i) => S77714('203.0.113.11', `05:${String(i % 60).padStart(2, '0')}:00`, `CCCC${i}`, `e${i}@contoso.com`)).join('\n')));
  await expect(ingest(gz.subarray(0, gz.length - 40))).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/gzip data is truncated/) });
  await expect(ingest(gz, { maxBytes: 100 })).rejects.toMatchObject({ code: 'payload_too_large', status: 413 });
  await expect(ingest(gz, { maxDecompressedBytes: 1000 })).rejects.toMatchObject({ code: 'payload_too_large' });
  expect(await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1')).toBe(before);
  expect(await count('SELECT count(*) AS n FROM ingest_batch WHERE organization_id = $1')).toBe(batchesBefore);
});

test('rollups maintained during ingestion equal a rebuild from raw events', async () => {
  await ingest(readCorpusBytes('postfix/lightmeter/6_deferred_message_retry.log'));
  await ingest(readCorpusBytes('exim/exim-testsuite/test-log-0612.log'));
  const { pool } = await import('@/lib/db/client');
  const snapshot = async () =>
    (
      await pool().query(
        `SELECT bucket, provider, sending_ip, recipient_domain, category::text, attempts, delivered, deferred, bounced, expired, deferred_per_recipient
         FROM metric_minute WHERE organization_id = $1 ORDER BY 1, 2, 3, 4, 5`,
        [orgId],
      )
    ).rows;
  const sigs = async () => (await pool().query('SELECT bucket, provider, signature, outcome::text, count FROM signature_minute WHERE organization_id = $1 ORDER BY 1, 2, 3, 4', [orgId])).rows;
  const live = await snapshot();
  const liveSigs = await sigs();
  expect(live.length).toBeGreaterThan(3);
  const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
  await writeRebuildRollups(orgId);
  expect(await snapshot()).toEqual(live);
  expect(await sigs()).toEqual(liveSigs);
  expect(await count('SELECT sum(attempts) AS n FROM metric_minute WHERE organization_id = $1')).toBe(await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1'));
});

/** Every rollup row and the queue state of an organisation, as text. */
async function derivedRows(organizationId: string): Promise<Record<string, string[]>> {
  const { pool } = await import('@/lib/db/client');
  const out: Record<string, string[]> = {};
  for (const table of [...rollupTables, 'message_state', 'queue_delta_minute']) {
    const { rows } = await pool().query<{ r: string }>(`SELECT t::text AS r FROM ${table} t WHERE organization_id = $1 ORDER BY 1`, [organizationId]);
    out[table] = rows.map((row) => row.r);
  }
  return out;
}

async function countFor(table: string, organizationId: string): Promise<number> {
  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE organization_id = $1`, [organizationId]);
  return Number(rows[0]?.n ?? 0);
}

// About 15 000 events: the batch is written in several parts while the rest is parsed.
const [LARGE] = [...generatePostfixLog({ totalLines: 60_000, chunkLines: 60_000, seed: 3 })];

test('a batch written in several parts counts exactly, stores nothing twice when re-sent, and its rollups equal a rebuild', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const org = (await createOrganization({ slug: 'parts' })).id;
  const large = LARGE as { data: Buffer; deliveryLines: number };
  expect(large.deliveryLines).toBeGreaterThan(12_000);
  const first = await ingest(large.data, { organizationId: org, format: 'postfix' });
  expect(first).toMatchObject({ accepted: large.deliveryLines, duplicates: 0, rejected: 0, lines: 60_000 });
  const again = await ingest(large.data, { organizationId: org, format: 'postfix' });
  expect(again).toMatchObject({ accepted: 0, duplicates: large.deliveryLines, rejected: 0 });
  expect(await countFor('delivery_event', org)).toBe(large.deliveryLines);
  // Signatures cluster failures: every failure has one, no delivery does.
  const { pool } = await import('@/lib/db/client');
  const { rows: signed } = await pool().query<{ failed: boolean; with_signature: string; without: string }>(
    `SELECT outcome <> 'delivered' AS failed, count(*) FILTER (WHERE signature IS NOT NULL) AS with_signature, count(*) FILTER (WHERE signature IS NULL) AS without
     FROM delivery_event WHERE organization_id = $1 GROUP BY 1 ORDER BY 1`, [org]);
  expect(signed.map((r) => [Number(r.with_signature) > 0, Number(r.without) > 0])).toEqual([[false, true], [true, false]]);
  const live = await derivedRows(org);
  expect(live.metric_minute?.length).toBeGreaterThan(1000);
  const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
  await writeRebuildRollups(org);
  expect(await derivedRows(org)).toEqual(live);
});

test('parsing a body that is already read gives the event loop turns, so a part is written while the next is parsed', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const org = (await createOrganization({ slug: 'event-loop' })).id;
  const large = LARGE as { data: Buffer; deliveryLines: number };
  // The body comes through promises alone (64 KB at a time, as a request body already received): only the parser's
  // own turns let timers and the database's answers in. Measured: the longest gap between two ticks of a 1 ms timer.
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    const { ingestStream } = await import('./pipeline');
    const answer = await ingestStream(chunks(large.data, 64 * 1024), {
      organizationId: org, channel: 'api', format: 'postfix', maxBytes: 64 * 1024 * 1024, now: new Date('2024-01-15T00:00:00Z'),
    });
    expect(answer.accepted).toBe(large.deliveryLines);
  } finally {
    clearInterval(timer);
  }
  // Parsing a part of 5 000 events without a turn measured 210–245 ms here; with turns, 25–30 ms.
  expect(longest).toBeLessThan(100);
});

test('a body refused after some of its parts were written stores nothing', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const org = (await createOrganization({ slug: 'refused-parts' })).id;
  const large = LARGE as { data: Buffer; deliveryLines: number };
  await expect(ingest(large.data, { organizationId: org, format: 'postfix', maxBytes: large.data.length - 1000 })).rejects.toMatchObject({ code: 'payload_too_large' });
  for (const table of ['delivery_event', 'ingest_batch', 'metric_minute', 'message_state']) expect(await countFor(table, org)).toBe(0);
});

test('a stored event the part\'s sample of keys misses is still stored once and counted as a duplicate', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const org = (await createOrganization({ slug: 'sample-missed' })).id;
  const large = LARGE as { data: Buffer; deliveryLines: number };
  // The second delivery line: the sample of the first part's keys takes the first, not the second.
  const second = large.data.toString('latin1').split('\n').filter((l) => l.includes(', status='))[1] as string;
  expect(await ingest(second, { organizationId: org, format: 'postfix' })).toMatchObject({ accepted: 1 });
  const all = await ingest(large.data, { organizationId: org, format: 'postfix' });
  expect(all).toMatchObject({ accepted: large.deliveryLines - 1, duplicates: 1, rejected: 0 });
  expect(await countFor('delivery_event', org)).toBe(large.deliveryLines);
});

test('events repeated within a body, or sent by two batches at once, are stored once and the answers add up', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const large = LARGE as { data: Buffer; deliveryLines: number };
  // The first 6 000 lines again in front: repeats inside the first part (its bulk COPY meets them and the part is
  // written again with ON CONFLICT) and across parts (read from the stored keys before the COPY).
  const text = large.data.toString('latin1');
  let cut = 0;
  for (let i = 0; i < 6000; i += 1) cut = text.indexOf('\n', cut) + 1;
  const head = text.slice(0, cut);
  const repeated = (head.match(/ status=/g) ?? []).length;
  expect(repeated).toBeGreaterThan(1000);
  const org = (await createOrganization({ slug: 'repeats' })).id;
  const both = await ingest(head + text, { organizationId: org, format: 'postfix' });
  expect(both).toMatchObject({ accepted: large.deliveryLines, duplicates: repeated, rejected: 0 });
  expect(await countFor('delivery_event', org)).toBe(large.deliveryLines);

  const twice = (await createOrganization({ slug: 'at-once' })).id;
  const answers = await Promise.all([ingest(large.data, { organizationId: twice, format: 'postfix' }), ingest(large.data, { organizationId: twice, format: 'postfix' })]);
  expect(answers.map((a) => a.accepted + a.duplicates)).toEqual([large.deliveryLines, large.deliveryLines]);
  expect(answers[0]!.accepted + answers[1]!.accepted).toBe(large.deliveryLines);
  expect(await countFor('delivery_event', twice)).toBe(large.deliveryLines);
  const live = await derivedRows(twice);
  const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
  await writeRebuildRollups(twice);
  expect(await derivedRows(twice)).toEqual(live);
});

test('the stored dedupe keys among a part\'s keys are found exactly, the organisation\'s own only', async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const org = (await createOrganization({ slug: 'stored-keys' })).id;
  const other = (await createOrganization({ slug: 'stored-keys-other' })).id;
  const large = LARGE as { data: Buffer; deliveryLines: number };
  const [first] = [...generatePostfixLog({ totalLines: 4_000, chunkLines: 4_000, seed: 5 })];
  await ingest((first as { data: Buffer }).data, { organizationId: org, format: 'postfix' });
  await ingest(large.data, { organizationId: other, format: 'postfix' });
  const { pool } = await import('@/lib/db/client');
  const { readStoredKeys } = await import('./write-batch');
  const { rows } = await pool().query<{ dedupe_key: Buffer }>('SELECT dedupe_key FROM delivery_event WHERE organization_id = $1 ORDER BY occurred_at LIMIT 300', [org]);
  const { rows: others } = await pool().query<{ dedupe_key: Buffer }>('SELECT dedupe_key FROM delivery_event WHERE organization_id = $1 LIMIT 300', [other]);
  const stored = rows.map((r) => r.dedupe_key);
  expect(stored).toHaveLength(300);
  const fresh = Array.from({ length: 300 }, (_, i) => Buffer.from(`${String(i).padStart(4, '0')}-not-stored!`));
  const mixed = stored.flatMap((k, i) => [fresh[i] as Buffer, k, (others[i] as { dedupe_key: Buffer }).dedupe_key]);
  const client = await pool().connect();
  try {
    const found = await readStoredKeys(client, org, mixed);
    expect([...found].sort()).toEqual(stored.map((k) => k.toString('hex')).sort());
    expect(await readStoredKeys(client, org, [])).toEqual(new Set());
    await expect(readStoredKeys(client, org, [Buffer.from('short')])).rejects.toThrow(/16 bytes/);
  } finally {
    client.release();
  }
});
