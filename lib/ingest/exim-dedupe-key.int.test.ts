import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { readCorpus } from '@/lib/test-support/corpus';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { dedupeKey } from './enrich';
import { eximFormat } from './formats/exim';
import type { ParsedEvent } from './types';

withAppDatabase();
let orgId: string;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
});

// Exim's test suite delivers to 127.0.0.1, which the pipeline skips as a local hop, and its local arrivals carry no
// Message-ID: the same lines with the remote server on a public address, and an id= on each arrival line (as Exim
// logs for mail with a Message-ID header), which gives Message-IDs to the deliveries after them.
const text = readCorpus('exim/exim-testsuite/test-log-0209.log')
  .replaceAll('127.0.0.1', '192.0.2.25')
  .split('\n')
  .map((line) => line.replace(/^(\S+ \S+ (\S+) <= .* S=\S+)/, '$1 id=$2@test.ex'))
  .join('\n');
const now = new Date('2000-01-01T00:00:00Z');

/** The key as versions before the 20261129052000_exim_dedupe_key migration computed it, Message-ID included. */
function oldDedupeKey(e: ParsedEvent): Buffer {
  const parts = [e.source, e.sourceHost ?? '', e.queueId ?? '', e.messageId ?? '', e.recipient ?? '', String(e.occurredAt.getTime()), e.outcome, e.enhancedCode ?? '', e.reply ?? '', e.mxIp ?? ''];
  return hash('sha256', parts.join('\u0000'), 'buffer').subarray(0, 16);
}

function parsedEvents(body: string): ParsedEvent[] {
  const parser = eximFormat.createParser({ now, utcOffsetMinutes: 0 });
  const outputs = [...body.split('\n').flatMap((line, i) => parser.push(line, i + 1)), ...parser.end()];
  return outputs.flatMap((out) => (out.kind === 'event' ? [out.event] : []));
}

async function ingestText(body: string) {
  const { ingestStream } = await import('./pipeline');
  async function* chunks() {
    yield Buffer.from(body);
  }
  return ingestStream(chunks(), { organizationId: orgId, channel: 'api', format: 'exim', maxBytes: 1 << 20, now });
}

test('an Exim delivery line keeps its dedupe key whether or not its arrival line came with it', () => {
  const whole = parsedEvents(text);
  const alone = text.split('\n').flatMap((line) => parsedEvents(line));
  expect(whole.length).toBe(5);
  expect(whole.some((e) => e.messageId !== null)).toBe(true);
  expect(alone.every((e) => e.messageId === null)).toBe(true);
  expect(alone.map(dedupeKey)).toEqual(whole.map(dedupeKey));
});

test('the migration gives stored Exim rows the new key: the log re-sent whole or line by line is all duplicates', async () => {
  const first = await ingestText(text);
  expect(first.accepted).toBe(5);
  const { pool } = await import('@/lib/db/client');
  const events = parsedEvents(text);
  for (const e of events) {
    await pool().query('UPDATE delivery_event SET dedupe_key = $3 WHERE organization_id = $1 AND dedupe_key = $2', [orgId, dedupeKey(e), oldDedupeKey(e)]);
  }
  // Under the old keys, the lines sent one by one (no arrival line, so no Message-ID) were new events.
  const withMessageId = events.filter((e) => e.messageId !== null);
  expect(withMessageId.every((e) => !oldDedupeKey(e).equals(oldDedupeKey({ ...e, messageId: null })))).toBe(true);

  const sql = await readFile(path.join(process.cwd(), 'prisma/migrations/20261129052000_exim_dedupe_key/migration.sql'), 'utf8');
  await pool().query(sql);

  const { rows } = await pool().query<{ dedupe_key: Buffer }>('SELECT dedupe_key FROM delivery_event WHERE organization_id = $1 ORDER BY id', [orgId]);
  expect(rows.map((r) => r.dedupe_key)).toEqual(events.map(dedupeKey));
  expect(await ingestText(text)).toMatchObject({ accepted: 0, duplicates: 5 });
  let duplicates = 0;
  for (const line of text.split('\n').filter((l) => / (==|=>|->|\*\*) /.test(l))) {
    const r = await ingestText(line);
    expect(r.accepted).toBe(0);
    duplicates += r.duplicates;
  }
  expect(duplicates).toBe(5);
});
