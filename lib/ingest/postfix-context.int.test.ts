import { beforeAll, expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import { withAppDatabase } from '@/lib/test-support/app-database';
import type { IngestOptions, IngestResult } from './pipeline';

withAppDatabase();

// Lightmeter's real Postfix excerpts (AGPL-3.0, read from ../shared/corpus): a message greylisted, then sent on retry
// (cleanup message-id= and qmgr from= at 13:28:01, deferred at 13:28:02, qmgr again at 13:35:07, sent at 13:35:08),
// and a day of a production server's log.
const RETRY_FILE = 'postfix/lightmeter/6_deferred_message_retry.log';
const DAY_FILE = 'postfix/lightmeter/complete-logs_sample-mail.log';
const now = new Date('2021-02-01T00:00:00Z');
const RETRIED = 'A17F830001CA';
const retryLines = readCorpus(RETRY_FILE).split('\n');
const line = (pattern: RegExp): string => retryLines.find((l) => pattern.test(l)) ?? '';
const cleanupLine = line(/A17F830001CA: message-id=/);
const qmgrLine = line(/A17F830001CA: from=/);
const sentLine = line(/A17F830001CA: to=.*status=sent/);

async function newOrganization(slug: string): Promise<string> {
  const { createOrganization } = await import('@/lib/auth/accounts');
  return (await createOrganization({ slug })).id;
}

async function ingestText(organizationId: string, text: string, opts: Partial<IngestOptions> = {}): Promise<IngestResult> {
  const { ingestStream } = await import('./pipeline');
  async function* body() {
    yield Buffer.from(text);
  }
  return ingestStream(body(), { organizationId, channel: 'upload', format: 'postfix', maxBytes: 1 << 24, now, ...opts });
}

/** The text cut into batches of `size` lines, each ingested in turn. */
async function ingestInBatches(organizationId: string, text: string, size: number): Promise<IngestResult[]> {
  const lines = text.split('\n');
  const results: IngestResult[] = [];
  for (let i = 0; i < lines.length; i += size) {
    const batch = lines.slice(i, i + size).join('\n');
    if (batch.trim() !== '') results.push(await ingestText(organizationId, batch));
  }
  return results;
}

/** Every stored event of an organisation, without the row id and batch, in a stable order. */
async function storedEvents(organizationId: string): Promise<Array<Record<string, unknown>>> {
  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ e: Record<string, unknown> }>(
    `SELECT to_jsonb(e) - 'id' - 'organization_id' - 'batch_id' AS e FROM delivery_event e WHERE organization_id = $1 ORDER BY occurred_at, dedupe_key`,
    [organizationId],
  );
  return rows.map((r) => r.e);
}

async function retriedDelivery(organizationId: string) {
  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ message_id: string | null; sender: string | null; size_bytes: number | null }>(
    `SELECT message_id, sender, size_bytes FROM delivery_event WHERE organization_id = $1 AND queue_id = $2 AND outcome = 'delivered'`,
    [organizationId, RETRIED],
  );
  return rows;
}

const joined = { message_id: '000msgid0000@example.com', sender: 'bounces@some.example.com', size_bytes: 2259 };
const alone = { message_id: null, sender: null, size_bytes: null };

let orgId: string;
beforeAll(async () => {
  orgId = await newOrganization('acme');
});

test('a delivery line gets Message-ID, sender and size from the cleanup and qmgr lines of an earlier batch', async () => {
  expect(await ingestText(orgId, [cleanupLine, qmgrLine].join('\n'))).toMatchObject({ accepted: 0, rejected: 0 });
  expect(await ingestText(orgId, sentLine)).toMatchObject({ accepted: 1, duplicates: 0 });
  expect(await retriedDelivery(orgId)).toEqual([joined]);
});

test('the same file sent whole and in different batches stores identical events, and nothing twice', async () => {
  for (const file of [RETRY_FILE, DAY_FILE]) {
    const text = readCorpus(file);
    const whole = await newOrganization(`whole-${file.length}`);
    const first = await ingestText(whole, text);
    expect(first.accepted).toBeGreaterThan(2);
    const expected = await storedEvents(whole);
    // Deliveries whose cleanup line sits in an earlier batch than their own still carry its Message-ID.
    expect(expected.filter((e) => e.message_id !== null).length).toBeGreaterThanOrEqual(2);
    for (const size of file === RETRY_FILE ? [1, 7, 29] : [97, 500]) {
      const chunked = await newOrganization(`chunks-${file.length}-${size}`);
      const results = await ingestInBatches(chunked, text, size);
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(first.accepted);
      expect(await storedEvents(chunked)).toEqual(expected);
      // Re-sent in these batches to the organisation that had it whole: every event is a duplicate.
      const again = await ingestInBatches(whole, text, size);
      expect(again.reduce((n, r) => n + r.accepted, 0)).toBe(0);
      expect(again.reduce((n, r) => n + r.duplicates, 0)).toBe(first.accepted);
    }
    expect(await storedEvents(whole)).toEqual(expected);
  }
});

test('context first seen more than the queue lifetime + 2 h before the delivery is not used', async () => {
  // The delivery line moved 3 h later: past a 1 h queue lifetime + 2 h, within a 2 h one + 2 h.
  const late = sentLine.replace('Dec  7 13:35:08', 'Dec  7 16:35:08');
  expect(late).not.toBe(sentLine);
  for (const [lifetimeSeconds, expected] of [[3600, alone], [7200, joined]] as const) {
    const org = await newOrganization(`lifetime-${lifetimeSeconds}`);
    await ingestText(org, [cleanupLine, qmgrLine].join('\n'), { queueLifetimeSeconds: lifetimeSeconds });
    expect(await ingestText(org, late, { queueLifetimeSeconds: lifetimeSeconds })).toMatchObject({ accepted: 1 });
    expect(await retriedDelivery(org)).toEqual([expected]);
  }
});

test("another organisation's context is never used", async () => {
  const theirs = await newOrganization('theirs');
  const ours = await newOrganization('ours');
  await ingestText(theirs, [cleanupLine, qmgrLine].join('\n'));
  await ingestText(ours, sentLine);
  expect(await retriedDelivery(ours)).toEqual([alone]);
});

test('kept context: a message that left the queue is dropped, one still queued stays', async () => {
  const org = await newOrganization('kept');
  const { pool } = await import('@/lib/db/client');
  const kept = async () =>
    (await pool().query<{ queue_id: string; message_id: string | null }>('SELECT queue_id, message_id FROM postfix_context WHERE organization_id = $1 ORDER BY queue_id', [org])).rows;
  const deferredAt = retryLines.findIndex((l) => /A17F830001CA: to=.*status=deferred/.test(l));
  await ingestText(org, retryLines.slice(0, deferredAt + 1).join('\n'));
  expect(await kept()).toContainEqual({ queue_id: RETRIED, message_id: joined.message_id });
  expect((await kept()).map((k) => k.queue_id)).not.toContain('939E030001C8');
  await ingestText(org, retryLines.slice(deferredAt + 1).join('\n'));
  expect((await kept()).map((k) => k.queue_id)).not.toContain(RETRIED);
  expect(await retriedDelivery(org)).toEqual([joined]);
});
