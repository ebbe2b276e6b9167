import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/** Prisma's own advisory lock key, so a Prisma CLI and this runner never migrate at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

export const migrationsDir = path.join(process.cwd(), 'prisma', 'migrations');

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Reads prisma/migrations/<timestamp>_<name>/migration.sql in name order. */
export async function readMigrations(dir = migrationsDir): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

const createTableSql = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending migrations in Prisma's layout and bookkeeping (`_prisma_migrations`, checksum =
 * sha256 of migration.sql), each in its own transaction under Prisma's advisory lock. Re-running is a
 * no-op; an applied migration whose file changed, or a failed one left behind, stops with a clear message.
 */
export async function migrate(connectionString: string, dir = migrationsDir): Promise<MigrateResult> {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(createTableSql);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const done = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    const known = new Set(migrations.map((x) => x.name));
    for (const name of done.keys()) {
      if (!known.has(name)) {
        throw new MigrationError(`The database has migration ${name} applied, which is not in prisma/migrations: it was made by a newer version of this app.`);
      }
    }
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const row = done.get(m.name);
      if (row) {
        if (row.finished_at === null) {
          throw new MigrationError(
            `Migration ${m.name} started but did not finish. Check the database, then mark it rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${m.name}') to retry.`,
          );
        }
        if (row.checksum !== m.checksum) {
          throw new MigrationError(
            `Migration ${m.name} was already applied, but prisma/migrations/${m.name}/migration.sql has changed since (checksum ${row.checksum.slice(0, 12)}… applied, ${m.checksum.slice(0, 12)}… now). Applied migrations must not be edited: restore the file and put the change in a new migration (npm run db:migration:new -- <name>).`,
          );
        }
        result.alreadyApplied.push(m.name);
        continue;
      }
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, m.checksum, m.name],
        );
        await client.query(m.sql);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        const message = err instanceof Error ? err.message : String(err);
        throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${message}`);
      }
      result.applied.push(m.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}
