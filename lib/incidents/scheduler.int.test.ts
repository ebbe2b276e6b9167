import pg from 'pg';
import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

const database = withAppDatabase();
let orgId: string;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
});

test('runs asked for while detection is running wait as one follow-up run instead of each holding a connection', async () => {
  const { pool } = await import('@/lib/db/client');
  const { runDetectionSafely } = await import('./scheduler');
  // Another process holds the organisation's detection lock: the first run waits for it inside its transaction.
  const other = new pg.Client({ connectionString: database().url });
  await other.connect();
  await other.query('BEGIN');
  await other.query(`SELECT pg_advisory_xact_lock(hashtext('incident-detection:' || $1::text))`, [orgId]);
  const runs = Array.from({ length: 5 }, () => runDetectionSafely(orgId));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { rows } = await other.query<{ waiting: string }>(
    `SELECT count(*) AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  expect(Number(rows[0]?.waiting)).toBe(1);
  expect(pool().totalCount - pool().idleCount).toBe(1);
  await other.query('COMMIT');
  await other.end();
  await Promise.all(runs);
  expect(pool().totalCount - pool().idleCount).toBe(0);
});
