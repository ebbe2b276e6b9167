import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { dedupeKey } from './enrich';
import { postfixFormat } from './formats/postfix';
import type { ParsedEvent } from './types';

withAppDatabase();
let orgId: string;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
});

// A message greylisted once, then sent on retry: cleanup message-id= and qmgr from= lines, a deferral, a later qmgr line and the delivery.
const FILE = 'postfix/lightmeter/6_deferred_message_retry.log';
const now = new Date('2020-12-31T00:00:00Z');

/** The key as versions before the 20261129040000_postfix_dedupe_key migration computed it, Message-ID and reply included. */
function oldDedupeKey(e: ParsedEvent): Buffer {
  const parts = [e.source, e.sourceHost ?? '', e.queueId ?? '', e.messageId ?? '', e.recipient ?? '', String(e.occurredAt.getTime()), e.outcome, e.enhancedCode ?? '', e.reply ?? '', e.mxIp ?? ''];
  return hash('sha256', parts.join('\u0000'), 'buffer').subarray(0, 16);
}

function parsedEvents(text: string): ParsedEvent[] {
  const parser = postfixFormat.createParser({ now, utcOffsetMinutes: 0 });
  const outputs = text.split('\n').flatMap((line, i) => parser.push(line, i + 1));
  return outputs.flatMap((out) => (out.kind === 'event' ? [out.event] : []));
}

async function ingestText(text: string) {
  const { ingestStream } = await import('./pipeline');
  async function* body() {
    yield Buffer.from(text);
  }
  return ingestStream(body(), { organizationId: orgId, channel: 'api', format: 'postfix', maxBytes: 1 << 20, now });
}

test('a Postfix delivery line keeps its dedupe key whatever context its batch had', () => {
  const lines = readCorpus(FILE).split('\n');
  const sentOnRetry = lines.findIndex((l) => l.includes('A17F830001CA: to=') && l.includes('status=sent'));
  const withContext = parsedEvents(lines.join('\n')).find((e) => e.queueId === 'A17F830001CA' && e.outcome === 'delivered');
  const alone = parsedEvents(lines[sentOnRetry] ?? '')[0];
  expect(withContext?.messageId).toBe('000msgid0000@example.com');
  expect(alone?.messageId).toBeNull();
  expect(dedupeKey(alone as ParsedEvent)).toEqual(dedupeKey(withContext as ParsedEvent));
});

test('the migration gives stored rows the new key: a line stored under the old key and re-sent afterwards is a duplicate', async () => {
  const text = readCorpus(FILE);
  const first = await ingestText(text);
  expect(first.accepted).toBeGreaterThanOrEqual(3);
  const { pool } = await import('@/lib/db/client');
  // Stored as an older version stored it: the old key, and the retried delivery also stored a second time under the
  // old key its line had without the batch's cleanup line (the duplicate that key let in).
  const events = parsedEvents(text);
  for (const e of events) {
    await pool().query('UPDATE delivery_event SET dedupe_key = $3 WHERE organization_id = $1 AND dedupe_key = $2', [orgId, dedupeKey(e), oldDedupeKey(e)]);
  }
  const retried = events.find((e) => e.queueId === 'A17F830001CA' && e.outcome === 'delivered') as ParsedEvent;
  const twinKey = oldDedupeKey({ ...retried, messageId: null });
  await pool().query(
    `INSERT INTO delivery_event (organization_id, batch_id, dedupe_key, occurred_at, source, source_host, queue_id, recipient, recipient_domain, provider, mx_host,
                                 mx_ip, outcome, enhanced_code, reply, category)
     SELECT organization_id, batch_id, $3, occurred_at, source, source_host, queue_id, recipient, recipient_domain, provider, mx_host, mx_ip, outcome,
            enhanced_code, reply, category
     FROM delivery_event WHERE organization_id = $1 AND dedupe_key = $2`,
    [orgId, oldDedupeKey(retried), twinKey],
  );
  const stored = Number((await pool().query<{ n: string }>('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', [orgId])).rows[0]?.n);
  expect(stored).toBe(first.accepted + 1);

  const sql = await readFile(path.join(process.cwd(), 'prisma/migrations/20261129040000_postfix_dedupe_key/migration.sql'), 'utf8');
  await pool().query(sql);

  const { rows } = await pool().query<{ dedupe_key: Buffer; message_id: string | null }>(
    `SELECT dedupe_key, message_id FROM delivery_event WHERE organization_id = $1 AND queue_id = 'A17F830001CA' AND outcome = 'delivered' ORDER BY id`,
    [orgId],
  );
  // The row carrying the Message-ID took the new key; its context-less twin kept the old one.
  expect(rows).toEqual([
    { dedupe_key: dedupeKey(retried), message_id: '000msgid0000@example.com' },
    { dedupe_key: twinKey, message_id: null },
  ]);
  // Re-sent whole, then line by line (no line with its context): every delivery line is a duplicate.
  expect(await ingestText(text)).toMatchObject({ accepted: 0, duplicates: first.accepted });
  let duplicates = 0;
  for (const line of text.split('\n').filter((l) => l.includes('status='))) {
    const r = await ingestText(line);
    expect(r.accepted).toBe(0);
    duplicates += r.duplicates;
  }
  expect(duplicates).toBe(first.accepted);
});
