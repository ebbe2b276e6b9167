// tsx scripts/check-migrations.ts – CI drift check: exits 0 when prisma/migrations produce exactly
// prisma/schema.prisma, 1 (printing the missing SQL) when schema.prisma changed without a migration.
import { diffMigrationsToSchema } from '@/lib/db/schema-engine';

async function main(): Promise<number> {
  const started = performance.now();
  const sql = await diffMigrationsToSchema();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!sql) {
    console.log(`prisma/migrations and prisma/schema.prisma are in sync (${seconds} s).`);
    return 0;
  }
  console.error(
    `prisma/schema.prisma has changes that no migration contains. Create one with npm run db:migration:new -- <name>.\nMissing SQL:\n\n${sql}`,
  );
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
