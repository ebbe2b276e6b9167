import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

withAppDatabase();
let orgId: string;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
});

const line = (q: string) =>
  `2024-01-14T10:00:00.000000+00:00 mx1 postfix/smtp[2120]: ${q}: to=<a@example.org>, relay=mx.example.org[192.0.2.7]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)`;

test('a batch waits for an ingest slot and holds no database connection meanwhile', async () => {
  const { env } = await import('@/lib/env');
  const { ingestSlots, pool } = await import('@/lib/db/client');
  const { ingestStream } = await import('./pipeline');
  const held = await Promise.all(Array.from({ length: env().INGEST_CONCURRENCY }, () => ingestSlots().acquire()));
  const ingest = (q: string) =>
    ingestStream((async function* () { yield Buffer.from(`${line(q)}\n`); })(), {
      organizationId: orgId,
      channel: 'api',
      format: 'postfix',
      maxBytes: 1 << 20,
      now: new Date('2024-01-15T00:00:00Z'),
    });
  let done = false;
  const waiting = ingest('4A1B2C3D4E').then((result) => {
    done = true;
    return result;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(done).toBe(false);
  expect(ingestSlots().usage).toEqual({ busy: env().INGEST_CONCURRENCY, waiting: 1 });
  expect(pool().totalCount - pool().idleCount).toBe(0);
  held.forEach((release) => release());
  expect(await waiting).toMatchObject({ accepted: 1, rejected: 0 });
  expect(ingestSlots().usage).toEqual({ busy: 0, waiting: 0 });
});
