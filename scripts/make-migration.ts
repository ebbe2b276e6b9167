// npm run db:migration:new -- <name> – writes prisma/migrations/<UTC timestamp>_<name>/migration.sql with
// the SQL that takes the existing migrations to prisma/schema.prisma (what `prisma migrate dev --create-only`
// would write; the Prisma CLI cannot run its migrate commands here, see lib/db/schema-engine.ts).
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { migrationsDir } from '@/lib/db/migrate';
import { diffMigrationsToSchema, migrationLockToml } from '@/lib/db/schema-engine';

/** Prisma's form of a migration name: lower case, words joined by underscores. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 200);
}

function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * Migrations apply in name order, so a new one must sort after the latest existing one even when that one
 * carries a later clock time (another machine's clock, or a hand-picked timestamp): then it takes the next second.
 */
function nextTimestamp(now: Date, existing: string[]): string {
  const latest = existing.map((name) => name.slice(0, 14)).filter((ts) => /^\d{14}$/.test(ts)).sort().at(-1);
  const candidate = utcTimestamp(now);
  if (latest === undefined || candidate > latest) return candidate;
  const y = Number(latest.slice(0, 4));
  const [mo, d, h, mi, s] = [4, 6, 8, 10, 12].map((i) => Number(latest.slice(i, i + 2))) as [number, number, number, number, number];
  return utcTimestamp(new Date(Date.UTC(y, mo - 1, d, h, mi, s + 1)));
}

/** Statements Prisma's SQL uses for steps that lose data or fail on existing rows. */
const riskyStatements = [
  /\bDROP\s+(COLUMN|TABLE)\b/i,
  /\bDROP\s+TYPE\b/i, // an enum that lost values is recreated
  /\bSET\s+DATA\s+TYPE\b/i,
  /\bSET\s+NOT\s+NULL\b/i, // fails on existing NULLs
  /\bADD\s+COLUMN\s+"[^"]+"[^;]*\bNOT\s+NULL\b(?![^;]*\bDEFAULT\b)/i, // fails on a table with rows
  /\bCREATE\s+UNIQUE\s+INDEX\b/i, // fails on existing duplicates
];

/** The engine's diff has none of the data-loss warnings `prisma migrate dev` prints (they need a live database). */
function riskySteps(sql: string): string[] {
  return sql.split('\n').filter((line) => riskyStatements.some((pattern) => pattern.test(line)));
}

async function main(): Promise<number> {
  const name = slug(process.argv.slice(2).join(' '));
  if (!name) {
    console.error('Usage: npm run db:migration:new -- <name>   (e.g. add_incident_table)');
    return 2;
  }
  console.log('Comparing prisma/migrations with prisma/schema.prisma (takes a few seconds)…');
  const sql = await diffMigrationsToSchema();
  if (!sql) {
    console.log('Nothing to do: the migrations already produce prisma/schema.prisma.');
    return 1;
  }
  await mkdir(migrationsDir, { recursive: true });
  const existing = (await readdir(migrationsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  const folder = `${nextTimestamp(new Date(), existing)}_${name}`;
  await mkdir(path.join(migrationsDir, folder));
  const file = path.join(migrationsDir, folder, 'migration.sql');
  await writeFile(file, sql);
  const lockFile = path.join(migrationsDir, 'migration_lock.toml');
  if (!existsSync(lockFile)) {
    await writeFile(lockFile, migrationLockToml);
    console.log(`Wrote ${path.relative(process.cwd(), lockFile)}`);
  }
  console.log(`Wrote ${path.relative(process.cwd(), file)}:\n\n${sql}`);
  const risky = riskySteps(sql);
  if (risky.length) console.log(`These steps can lose data or fail on existing rows; check them:\n  ${risky.join('\n  ')}\n`);
  console.log('Apply it with npm run db:migrate.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
