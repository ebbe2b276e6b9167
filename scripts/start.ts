// npm start – the dashboard on PORT (default 3000): the embedded database when DATABASE_URL is unset,
// migrations applied, a production build made when missing or older than the sources, then `next start`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '@/lib/db/embedded';
import { migrate, MigrationError } from '@/lib/db/migrate';
import { loadDotEnv } from '@/lib/db/script-database';
import { env } from '@/lib/env';

const started = Date.now();
const log = (line: string) => console.log(`[deferral-desk] ${line}`);

/** Newest modification time of the files a build depends on. */
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'generated') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(tsx?|css|mjs|json)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of ['app', 'components', 'lib', 'public']) if (existsSync(dir)) walk(dir);
  for (const file of ['next.config.ts', 'package.json', 'proxy.ts', 'postcss.config.mjs']) if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  return newest;
}

function ensureBuild(distDir: string): void {
  const stampFile = path.join(distDir, 'deferral-desk-source-stamp');
  const stamp = String(Math.floor(newestSourceMtime()));
  if (existsSync(path.join(distDir, 'BUILD_ID')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  log('Building the dashboard (first start or changed sources; about a minute) …');
  const result = spawnSync(path.join('node_modules', '.bin', 'next'), ['build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) throw new Error('The build failed; see the output above.');
  writeFileSync(stampFile, stamp);
}

/** AUTH_SECRET: from the environment, else (embedded database only) generated once and kept under DATA_DIR. */
function ensureAuthSecret(dataDir: string, isEmbedded: boolean): void {
  if (process.env.AUTH_SECRET) return;
  if (!isEmbedded) {
    throw new Error('AUTH_SECRET is not set. Make one with `openssl rand -base64 32` and set it in the environment or in .env.');
  }
  const file = path.join(dataDir, 'auth-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    log(`Generated AUTH_SECRET and stored it in ${file}.`);
  }
  process.env.AUTH_SECRET = readFileSync(file, 'utf8').trim();
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = env();
  let embedded: EmbeddedDatabase | null = null;
  if (!config.DATABASE_URL) {
    log(`No DATABASE_URL: using the embedded database in ${path.resolve(config.DATA_DIR)}.`);
    embedded = await startEmbeddedDatabase(config.DATA_DIR, log);
    process.env.DATABASE_URL = embedded.url;
  }
  const stopDatabase = async () => {
    await embedded?.stop();
    embedded = null;
  };
  try {
    ensureAuthSecret(path.resolve(config.DATA_DIR), embedded !== null);
    const result = await migrate(process.env.DATABASE_URL as string);
    if (result.applied.length) log(`Applied migrations: ${result.applied.join(', ')}.`);
    ensureBuild(process.env.NEXT_DIST_DIR ?? '.next');
  } catch (error) {
    await stopDatabase();
    throw error;
  }
  const server = spawn(path.join('node_modules', '.bin', 'next'), ['start', '-p', String(config.PORT)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  server.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (chunk.toString().includes('Ready')) log(`Dashboard on http://localhost:${config.PORT} (ready ${((Date.now() - started) / 1000).toFixed(1)} s after start).`);
  });
  const shutdown = (signal: NodeJS.Signals) => {
    server.kill(signal);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  server.on('exit', (code) => {
    void stopDatabase().finally(() => process.exit(code ?? 0));
  });
}

main().catch((error: unknown) => {
  console.error(`[deferral-desk] ${error instanceof MigrationError ? `Migration refused: ${error.message}` : error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
