import { existsSync } from 'node:fs';
import { connectOrStartEmbeddedDatabase, type EmbeddedDatabase } from './embedded';
import { migrate } from './migrate';

/** Loads .env from the working folder if there is one (variables already set win). */
export function loadDotEnv(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

/**
 * For command-line tools: the database from DATABASE_URL, else the embedded one under DATA_DIR
 * (joined if the app runs it, started for the command otherwise), migrated to the current schema.
 * Sets process.env.DATABASE_URL for the rest of the process.
 */
export async function openScriptDatabase(log: (line: string) => void = (l) => console.error(l)): Promise<{ url: string; close(): Promise<void> }> {
  loadDotEnv();
  let embedded: EmbeddedDatabase | null = null;
  let url = process.env.DATABASE_URL;
  if (!url) {
    embedded = await connectOrStartEmbeddedDatabase(process.env.DATA_DIR ?? './.data', log);
    url = embedded.url;
    process.env.DATABASE_URL = url;
  }
  const result = await migrate(url);
  if (result.applied.length) log(`Applied migrations: ${result.applied.join(', ')}`);
  return { url, close: async () => void (await embedded?.stop()) };
}
