import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './db';

/**
 * For an integration test file: registers hooks giving the app code (lib/db/client) a fresh migrated database
 * before the file's own `beforeAll` hooks, and closing the app's clients and dropping the database after its
 * tests. Each vitest file runs in its own worker, so the process-wide client is per file. Returns the database.
 */
export function withAppDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    process.env.DATABASE_URL = database.url;
    process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
  });
  afterAll(async () => {
    const { db, pool } = await import('@/lib/db/client');
    await db().$disconnect();
    await pool().end();
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error('the test database exists from the first beforeAll hook on');
    return database;
  };
}
