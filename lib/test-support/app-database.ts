import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestDatabase, queryDatabase, type TestDatabase } from './db';
import { recordedStatements, REFERENCE_TABLES, startRecording, tenantStatementProblems } from './statement-audit';

/** Tenant tables: those with organization_id, but the reference tables of the Citus layout (docs/scaling.md). */
const TENANT_TABLES_SQL = `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relname = ANY($1)
  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)`;

/**
 * For an integration test file: registers hooks giving the app code (lib/db/client) a fresh migrated database
 * before the file's own `beforeAll` hooks, and closing the app's clients and dropping the database after its
 * tests. Each vitest file runs in its own worker, so the process-wide client is per file. Returns the database.
 * After the tests, every statement the app ran on a tenant table must have had a condition on organization_id
 * (lib/test-support/statement-audit.ts): the file fails otherwise.
 */
export function withAppDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    process.env.DATABASE_URL = database.url;
    process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
    startRecording();
  });
  afterAll(async () => {
    const { db, pool } = await import('@/lib/db/client');
    const tables = database ? await queryDatabase<{ table: string }>(database.url, TENANT_TABLES_SQL, [REFERENCE_TABLES]) : [];
    const problems = tenantStatementProblems(recordedStatements(), tables.map((t) => t.table));
    await db().$disconnect();
    await pool().end();
    await database?.drop();
    expect(problems, 'statements of the app on tenant tables without a condition on organization_id (Citus routing, tenant isolation)').toEqual([]);
  });
  return () => {
    if (!database) throw new Error('the test database exists from the first beforeAll hook on');
    return database;
  };
}
