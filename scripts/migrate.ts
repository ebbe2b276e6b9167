// npm run db:migrate – applies prisma/migrations to DATABASE_URL (or the embedded database).
import { openScriptDatabase } from '@/lib/db/script-database';
import { MigrationError } from '@/lib/db/migrate';

async function main(): Promise<void> {
  const database = await openScriptDatabase((line) => console.log(line));
  await database.close();
  console.log('Database is up to date.');
}

main().catch((error: unknown) => {
  console.error(error instanceof MigrationError ? `Migration refused: ${error.message}` : error instanceof Error ? error.message : error);
  process.exit(1);
});
