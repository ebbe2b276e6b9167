// Runs a command with TEST_DATABASE_URL pointing at a PostgreSQL server tests may create databases on:
// the one given in TEST_DATABASE_URL, else an embedded server in a temporary folder, stopped afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '@/lib/db/embedded';

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) throw new Error('usage: tsx scripts/with-test-db.ts <command> [args…]');
  let stop = async () => undefined as void;
  if (!process.env.TEST_DATABASE_URL) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dd-test-db-'));
    const embedded = await startEmbeddedDatabase(dir, (line) => console.error(line));
    const url = new URL(embedded.url);
    url.pathname = '/postgres';
    process.env.TEST_DATABASE_URL = url.toString();
    console.error(`[with-test-db] embedded PostgreSQL for tests in ${dir}`);
    stop = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const child = spawn(command, args, { stdio: 'inherit', env: process.env, shell: false });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  await stop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
