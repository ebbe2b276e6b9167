import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/test-support/db';
import { REFERENCE_TABLES } from '@/lib/test-support/statement-audit';
import pg from 'pg';

// The Citus layout of DESIGN.md, checked on the migrated schema: tenant tables are distributed by organization_id, so
// Citus needs organization_id in every primary key and unique index, and foreign keys only towards reference tables.
// The small global tables are reference tables (copied to every node): they may have keys without organization_id.
// security_rate_limit holds sign-in and token-use counters keyed by client IP or account, not tenant data: it stays a
// local table on the coordinator.

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase('dd_citus');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await database.drop();
});

test('every tenant table can be distributed by organization_id: keys, unique indexes and foreign keys', async () => {
  const { rows: tables } = await client.query<{ table: string; has_org: boolean }>(`
    SELECT c.relname AS table, EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped) AS has_org
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`);
  const distributed = tables.filter((t) => !REFERENCE_TABLES.includes(t.table));
  expect(distributed.length).toBeGreaterThan(10);
  const problems: string[] = [];
  for (const t of distributed) if (!t.has_org) problems.push(`${t.table}: no organization_id column`);

  const { rows: uniques } = await client.query<{ table: string; index: string; columns: string[] }>(`
    SELECT t.relname AS table, i.relname AS index, array_agg(a.attname::text ORDER BY k.ord) AS columns
    FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace
    CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE n.nspname = 'public' AND x.indisunique GROUP BY 1, 2 ORDER BY 1, 2`);
  for (const u of uniques) {
    if (distributed.some((t) => t.table === u.table) && !u.columns.includes('organization_id')) problems.push(`${u.table}: unique index ${u.index} (${u.columns.join(', ')}) lacks organization_id`);
  }

  const { rows: fks } = await client.query<{ table: string; target: string; name: string }>(`
    SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS target, c.conname AS name FROM pg_constraint c
    JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype = 'f' ORDER BY 1, 3`);
  for (const fk of fks) {
    if (distributed.some((t) => t.table === fk.table) && !REFERENCE_TABLES.includes(fk.target)) problems.push(`${fk.table}: foreign key ${fk.name} to distributed table ${fk.target}`);
  }
  expect(problems).toEqual([]);
});
