import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrl } from '@/lib/db/server-database';
import { migrate } from '@/lib/db/migrate';

/** The admin connection of the test server: TEST_DATABASE_URL (scripts/with-test-db.ts sets it to the embedded one when unset). */
export function testServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run integration tests with `npm run test:integration` (it starts an embedded database when needed).');
  return url;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database on the test server, migrated unless `migrate: false`, dropped by `drop()`. */
export async function createTestDatabase(prefix = 'dd_test', options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: testServerUrl() });
  await admin.connect();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(testServerUrl(), name);
  if (options.migrate !== false) await migrate(url);
  return {
    url,
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: testServerUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs one statement on a database with a connection of its own, and returns the rows. */
export async function queryDatabase<R extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
