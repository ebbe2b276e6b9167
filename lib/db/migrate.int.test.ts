import { createHash, randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, queryDatabase, type TestDatabase } from '@/lib/test-support/db';
import { migrate, MigrationError, migrationsDir, readMigrations } from './migrate';

const created: TestDatabase[] = [];
let scratch: string;
let names: string[];

/** A new, empty database on the test server. */
async function emptyDatabase(): Promise<string> {
  const database = await createTestDatabase('dd_migrate', { migrate: false });
  created.push(database);
  return database.url;
}

/** A copy of prisma/migrations to edit. */
async function copyOfMigrations(): Promise<string> {
  const dir = path.join(scratch, randomBytes(4).toString('hex'));
  await cp(migrationsDir, dir, { recursive: true });
  return dir;
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const [row] = await queryDatabase<{ exists: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS exists', [`public.${table}`]);
  return row?.exists === true;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'dd-migrate-'));
  names = (await readMigrations()).map((m) => m.name);
});

afterAll(async () => {
  for (const database of created) await database.drop();
  await rm(scratch, { recursive: true, force: true });
});

test('the migrations folder holds at least the initial migration, in timestamp_name form', () => {
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
});

test('a fresh database gets every migration once; running again applies nothing', async () => {
  const url = await emptyDatabase();
  expect(await migrate(url)).toEqual({ applied: names, alreadyApplied: [] });
  expect(await migrate(url)).toEqual({ applied: [], alreadyApplied: names });
  expect(await queryDatabase(url, 'SELECT migration_name FROM _prisma_migrations')).toHaveLength(names.length);
  expect(await tableExists(url, 'delivery_event')).toBe(true);
});

test('_prisma_migrations rows look like the ones Prisma writes', async () => {
  const url = await emptyDatabase();
  await migrate(url);
  const rows = await queryDatabase<{
    id: string;
    checksum: string;
    migration_name: string;
    started_at: Date;
    finished_at: Date | null;
    rolled_back_at: Date | null;
    logs: string | null;
    applied_steps_count: number;
  }>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
  expect(rows.map((r) => r.migration_name)).toEqual(names);
  for (const row of rows) {
    const file = await readFile(path.join(migrationsDir, row.migration_name, 'migration.sql'));
    expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    expect(row.rolled_back_at).toBeNull();
    expect(row.logs).toBeNull();
    expect(row.applied_steps_count).toBe(1);
  }
  // Prisma's own column types, as `prisma migrate deploy` creates the table.
  const columns = await queryDatabase<{ column_name: string; data_type: string; is_nullable: string }>(
    url,
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY column_name`,
  );
  expect(columns).toEqual([
    { column_name: 'applied_steps_count', data_type: 'integer', is_nullable: 'NO' },
    { column_name: 'checksum', data_type: 'character varying', is_nullable: 'NO' },
    { column_name: 'finished_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
    { column_name: 'id', data_type: 'character varying', is_nullable: 'NO' },
    { column_name: 'logs', data_type: 'text', is_nullable: 'YES' },
    { column_name: 'migration_name', data_type: 'character varying', is_nullable: 'NO' },
    { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
    { column_name: 'started_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
  ]);
});

test('an applied migration whose file was edited is refused, naming the migration', async () => {
  const url = await emptyDatabase();
  await migrate(url);
  const dir = await copyOfMigrations();
  const edited = names[0]!;
  await appendFile(path.join(dir, edited, 'migration.sql'), '\n-- an afterthought\n');
  const attempt = migrate(url, dir);
  await expect(attempt).rejects.toThrow(MigrationError);
  await expect(attempt).rejects.toThrow(new RegExp(`Migration ${edited} was already applied, but .* has changed`));
});

test('a failing migration is rolled back whole and can be retried once fixed', async () => {
  const url = await emptyDatabase();
  const dir = await copyOfMigrations();
  const broken = '29991231235959_broken';
  await mkdir(path.join(dir, broken));
  const brokenFile = path.join(dir, broken, 'migration.sql');
  // The first statement succeeds, the second fails: nothing of the migration may stay behind.
  await writeFile(brokenFile, 'CREATE TABLE "half_applied" ("id" INTEGER);\nALTER TABLE "organization" ADD COLUMN "extra" TEXT;\nSELECT 1 / 0;\n');
  await expect(migrate(url, dir)).rejects.toThrow(`Migration ${broken} failed and was rolled back: division by zero`);

  expect(await tableExists(url, 'half_applied')).toBe(false);
  expect(await queryDatabase(url, `SELECT 1 FROM information_schema.columns WHERE table_name = 'organization' AND column_name = 'extra'`)).toEqual([]);
  const rows = await queryDatabase<{ migration_name: string }>(url, 'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name');
  expect(rows.map((r) => r.migration_name)).toEqual(names);

  await writeFile(brokenFile, 'CREATE TABLE "half_applied" ("id" INTEGER);\n');
  expect(await migrate(url, dir)).toEqual({ applied: [broken], alreadyApplied: names });
  expect(await tableExists(url, 'half_applied')).toBe(true);
});

test('a database with a migration this folder lacks is refused', async () => {
  const url = await emptyDatabase();
  await migrate(url);
  const dir = await copyOfMigrations();
  const latest = names.at(-1)!;
  await rm(path.join(dir, latest), { recursive: true });
  await expect(migrate(url, dir)).rejects.toThrow(`The database has migration ${latest} applied, which is not in prisma/migrations`);
});

test('two processes migrating at once apply each migration once (advisory lock)', async () => {
  const url = await emptyDatabase();
  const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
  expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
  expect(await queryDatabase(url, 'SELECT 1 FROM _prisma_migrations')).toHaveLength(names.length);
});
