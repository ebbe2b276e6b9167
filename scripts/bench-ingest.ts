// npm run bench:ingest [-- --lines 3930000 --concurrency 2 --chunk-lines 50000 --gzip --seed 1] – end-to-end Postfix ingest
// through the real HTTP API and server into a scratch database (yesterday's log, as a shipper sends it), next to PostgreSQL's own COPY of the same rows.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generatePostfixLog } from '@/lib/bench/postfix-log';
import { isNextServer, readCpuSeconds, readProcessGroup, treeRss } from '@/lib/bench/process-tree';
import { migrate } from '@/lib/db/migrate';
import { enrichEvent, isLocalHop, type NormalizedEvent } from '@/lib/ingest/enrich';
import { postfixFormat } from '@/lib/ingest/formats/postfix';
import { copyRow, createStaging } from '@/lib/ingest/write-batch';
import { databaseUrl, onServer } from '@/lib/db/server-database';

const { values: args } = parseArgs({
  options: {
    // About 1 000 000 delivery lines (the issue's example), with the cleanup, qmgr and removed lines Postfix logs around them.
    lines: { type: 'string', default: '3930000' },
    concurrency: { type: 'string', default: '2' },
    'chunk-lines': { type: 'string', default: '50000' },
    gzip: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    'start-timeout': { type: 'string', default: '900' },
  },
});
const LINES = Number(args.lines);
const CONCURRENCY = Number(args.concurrency);
const CHUNK_LINES = Number(args['chunk-lines']);
const SEED = Number(args.seed);
const START_TIMEOUT_MS = Number(args['start-timeout']) * 1000;
if (!Number.isInteger(LINES) || LINES < 1000) throw new Error('--lines must be an integer ≥ 1000');
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) throw new Error('--concurrency must be a positive integer');
if (!Number.isInteger(CHUNK_LINES) || CHUNK_LINES < 100) throw new Error('--chunk-lines must be an integer ≥ 100');
if (!Number.isInteger(SEED)) throw new Error('--seed must be an integer');
if (!(START_TIMEOUT_MS > 0)) throw new Error('--start-timeout must be a positive number of seconds');

/** Targets from the issue, on the 2-core reference machine. */
const TARGET_LINES_PER_S = 50_000;
const TARGET_COPY_FRACTION = 1 / 3;
const RSS_SAMPLE_MS = 200;
/** Rows per pre-rendered COPY buffer. */
const COPY_ROWS_PER_BUFFER = 5_000;

const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const log = (line: string) => console.log(`[bench:ingest] ${line}`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const admin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => onServer(serverUrl, fn);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Chunk {
  body: Buffer<ArrayBuffer>;
  /** The uncompressed log text, kept for the COPY comparison. */
  text: Buffer<ArrayBuffer>;
  lines: number;
  deliveryLines: number;
}

/**
 * The log of yesterday (UTC), as a shipper sends it: the server's retention (RETENTION_DAYS, first run a minute after
 * start) would delete an older day's events during a long run, and the stored count would no longer match.
 */
const LOG_DAY = new Date(Date.now() - 24 * 3600 * 1000).toISOString().slice(0, 10);

/** The whole log, generated before the clock starts so the generator does not compete with the server for the 2 cores. */
function generateChunks(): { chunks: Chunk[]; seconds: number } {
  const t0 = performance.now();
  const chunks: Chunk[] = [];
  for (const c of generatePostfixLog({ totalLines: LINES, chunkLines: CHUNK_LINES, seed: SEED, day: LOG_DAY })) {
    chunks.push({ body: args.gzip ? Buffer.from(gzipSync(c.data, { level: 1 })) : c.data, text: c.data, lines: c.lines, deliveryLines: c.deliveryLines });
  }
  return { chunks, seconds: (performance.now() - t0) / 1000 };
}

/** The app as `npm start` runs it, in its own process group so the whole tree can be found and stopped. */
class AppServer {
  readonly output: string[] = [];
  private exited: number | null | undefined = undefined;
  private readonly child: ChildProcess;

  constructor(databaseUrl: string, readonly port: number) {
    this.child = spawn('npx', ['tsx', 'scripts/start.ts'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET: randomBytes(32).toString('base64url'), PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        this.output.push(line);
        if (this.output.length > 200) this.output.shift();
        if (line.startsWith('[deferral-desk]')) log(`server: ${line}`);
      }
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.child.on('exit', (code) => {
      this.exited = code;
    });
  }

  get pgid(): number {
    return this.child.pid as number;
  }

  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited !== undefined) throw new Error(`the server exited (code ${this.exited}) before it was healthy:\n${this.output.slice(-40).join('\n')}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/api/health`);
        if (res.ok) return;
      } catch {
        // Not listening yet.
      }
      await sleep(500);
    }
    throw new Error(`the server was not healthy within ${timeoutMs / 1000} s:\n${this.output.slice(-40).join('\n')}`);
  }

  /** SIGTERM to the whole group, SIGKILL to what is left after 15 s. */
  async stop(): Promise<void> {
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-this.pgid, s);
      } catch {
        // The group is already gone.
      }
    };
    signal('SIGTERM');
    for (let i = 0; i < 150 && readProcessGroup(this.pgid).length > 0; i += 1) await sleep(100);
    signal('SIGKILL');
  }
}

/** Peak RSS and CPU time of the Next.js server tree (the `next start` process and its children), sampled from /proc. */
function sampleServer(pgid: number): { stop: () => { peakBytes: number; pids: number[]; cpuSeconds: number } } {
  let peakBytes = 0;
  let pids: number[] = [];
  let cpuSeconds = 0;
  const sample = () => {
    const tree = treeRss(readProcessGroup(pgid), isNextServer);
    if (tree.rssBytes > peakBytes) peakBytes = tree.rssBytes;
    if (tree.pids.length > pids.length) pids = tree.pids;
    return tree.cpuSeconds;
  };
  const cpuBefore = sample();
  const timer = setInterval(sample, RSS_SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      cpuSeconds = sample() - cpuBefore;
      return { peakBytes, pids, cpuSeconds };
    },
  };
}

function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

/**
 * CPU seconds used by the PostgreSQL backends of the scratch database (the server's connections, detection, autovacuum),
 * read from /proc every RSS_SAMPLE_MS; null when the database does not run on this machine. Cluster-wide processes
 * (WAL writer, checkpointer) are not counted.
 */
function sampleDatabaseCpu(pool: pg.Pool, database: string): { stop: () => Promise<number | null> } {
  const before = new Map<number, number>();
  const latest = new Map<number, number>();
  let isFirst = true;
  let isLocal = true;
  let running: Promise<void> = Promise.resolve();
  const sample = async () => {
    const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    for (const { pid } of rows) {
      if (!before.has(pid) && !isPostgresProcess(pid)) {
        isLocal = false;
        continue;
      }
      const cpu = readCpuSeconds(pid);
      if (cpu === null) continue;
      if (!before.has(pid)) before.set(pid, isFirst ? cpu : 0);
      latest.set(pid, cpu);
    }
    isFirst = false;
  };
  // A failed sample (a connection lost) is skipped: the figure is a diagnostic and must not end the run.
  const sampleSafely = () => sample().catch(() => undefined);
  running = sampleSafely();
  const timer = setInterval(() => {
    running = running.then(sampleSafely);
  }, RSS_SAMPLE_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      running = running.then(sampleSafely);
      await running;
      if (!isLocal) return null;
      let seconds = 0;
      for (const [pid, cpu] of latest) seconds += cpu - (before.get(pid) ?? 0);
      return seconds;
    },
  };
}

interface Answer {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line: number; reason: string }>;
}

/** One POST of a prepared body through node:http, which writes the buffer to the socket as it is (fetch copied it). */
function post(port: number, token: string, body: Buffer): Promise<{ status: number; text: string }> {
  const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'content-length': body.length };
  if (args.gzip) headers['content-encoding'] = 'gzip';
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/events?format=postfix', headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
const agent = new Agent({ keepAlive: true });

/** POSTs every chunk with `CONCURRENCY` clients; fails on the first non-2xx answer. */
async function postAll(port: number, token: string, chunks: Chunk[]): Promise<Answer[]> {
  const answers: Answer[] = new Array(chunks.length);
  let next = 0;
  const client = async () => {
    for (let i = next++; i < chunks.length; i = next++) {
      const { status, text } = await post(port, token, (chunks[i] as Chunk).body);
      if (status < 200 || status > 299) throw new Error(`chunk ${i + 1}/${chunks.length}: HTTP ${status}: ${text.slice(0, 2000)}`);
      answers[i] = JSON.parse(text) as Answer;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, chunks.length) }, client));
  return answers;
}

/** delivery_event's own columns in copyRow order, read from the staging table write-batch creates. */
async function stagingColumns(pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await createStaging(client);
    const { rows } = await client.query<{ attname: string }>(
      `SELECT attname FROM pg_attribute WHERE attrelid = 'ingest_staging'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    );
    await client.query('ROLLBACK');
    return rows.map((r) => r.attname);
  } finally {
    client.release();
  }
}

/**
 * The same events as COPY text rows (organization_id, batch_id, then the staging columns), parsed and
 * normalized here exactly as the server does, one parser per chunk as one per request.
 */
function renderCopyRows(chunks: Chunk[], organizationId: string, batchId: string): { buffers: Buffer[]; rows: number; parseSeconds: number; renderSeconds: number } {
  const ctx = { now: new Date(), utcOffsetMinutes: 0 };
  const prefix = `${organizationId}\t${batchId}\t`;
  const buffers: Buffer[] = [];
  let rows = 0;
  let parseMs = 0;
  let renderMs = 0;
  for (const chunk of chunks) {
    const t0 = performance.now();
    const parser = postfixFormat.createParser(ctx);
    const events: NormalizedEvent[] = [];
    const lines = chunk.text.toString('utf8').split('\n');
    lines.forEach((line, i) => {
      if (line === '') return;
      for (const out of parser.push(line, i + 1)) {
        if (out.kind === 'event' && !isLocalHop(out.event)) events.push(enrichEvent(out.event));
      }
    });
    const t1 = performance.now();
    for (let i = 0; i < events.length; i += COPY_ROWS_PER_BUFFER) {
      let text = '';
      for (const e of events.slice(i, i + COPY_ROWS_PER_BUFFER)) text += prefix + copyRow(e);
      buffers.push(Buffer.from(text));
    }
    rows += events.length;
    parseMs += t1 - t0;
    renderMs += performance.now() - t1;
  }
  return { buffers, rows, parseSeconds: parseMs / 1000, renderSeconds: renderMs / 1000 };
}

/**
 * PostgreSQL's own COPY of the rows, in one statement and transaction, into bench_copy: a logged table in the scratch
 * database made LIKE delivery_event with its defaults, constraints and indexes. Returns seconds and the index count.
 */
async function timeCopy(pool: pg.Pool, columns: string[], buffers: Buffer[]): Promise<{ seconds: number; indexes: number }> {
  const client = await pool.connect();
  try {
    await client.query('CREATE TABLE bench_copy (LIKE delivery_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)');
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_index WHERE indrelid = 'bench_copy'::regclass`);
    const t0 = performance.now();
    const stream = client.query(copyFrom(`COPY bench_copy (organization_id, batch_id, ${columns.join(', ')}) FROM STDIN`));
    await pipeline(Readable.from(buffers), stream);
    return { seconds: (performance.now() - t0) / 1000, indexes: Number(rows[0]?.n ?? 0) };
  } finally {
    client.release();
  }
}

async function main(): Promise<number> {
  const name = `dd_bench_ingest_${randomBytes(4).toString('hex')}`;
  let server: AppServer | null = null;
  let databaseCreated = false;
  const cleanup = async () => {
    if (server) await server.stop();
    server = null;
    if (databaseCreated) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    databaseCreated = false;
  };
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the server and dropping ${name}`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  try {
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    databaseCreated = true;
    const url = databaseUrl(serverUrl, name);
    log(`scratch database ${name} on ${new URL(serverUrl).host}`);
    await migrate(url);

    process.env.DATABASE_URL = url;
    const { createOrganization } = await import('@/lib/auth/accounts');
    const { createApiToken } = await import('@/lib/auth/tokens');
    const { db, pool } = await import('@/lib/db/client');
    const org = await createOrganization({ slug: 'bench', name: 'Ingest bench' });
    const { token } = await createApiToken({ organizationId: org.id, name: 'bench ingest', scope: 'ingest' });
    await db().$disconnect();

    const generated = generateChunks();
    const deliveryLines = generated.chunks.reduce((s, c) => s + c.deliveryLines, 0);
    const bodyBytes = generated.chunks.reduce((s, c) => s + c.body.length, 0);
    log(`generated ${fmt(LINES)} lines of ${LOG_DAY} (${fmt(deliveryLines)} delivery + ${fmt(LINES - deliveryLines)} cleanup, qmgr from= and removed) in ${fmt(generated.seconds, 1)} s: ${generated.chunks.length} chunks, ${mb(bodyBytes)}${args.gzip ? ' gzip' : ''}`);

    const port = await freePort();
    log(`starting the server on port ${port} (npx tsx scripts/start.ts; builds first when the build is missing or stale)`);
    server = new AppServer(url, port);
    await server.waitHealthy(START_TIMEOUT_MS);
    // Loads the route and the ingest modules once; an empty body is refused with 400 and stores nothing.
    const warm = await fetch(`http://127.0.0.1:${port}/api/v1/events?format=postfix`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: '' });
    if (warm.status !== 400) throw new Error(`warm-up: expected 400 for an empty body, got ${warm.status}: ${await warm.text()}`);
    const idle = treeRss(readProcessGroup(server.pgid), isNextServer);
    if (idle.pids.length === 0) throw new Error(`no next-server process found in process group ${server.pgid}`);

    const serverSamples = sampleServer(server.pgid);
    const databaseCpu = sampleDatabaseCpu(pool(), name);
    const clientCpuBefore = process.cpuUsage();
    const t0 = performance.now();
    const posted = await postAll(port, token, generated.chunks).then(
      (answers) => ({ answers, error: null }),
      (error: unknown) => ({ answers: [] as Answer[], error }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const memory = serverSamples.stop();
    const databaseSeconds = await databaseCpu.stop();
    if (posted.error !== null) throw posted.error;
    const { answers } = posted;

    const accepted = answers.reduce((s, a) => s + a.accepted, 0);
    const duplicates = answers.reduce((s, a) => s + a.duplicates, 0);
    const rejected = answers.reduce((s, a) => s + a.rejected, 0);
    const { rows: stored } = await pool().query<{ n: string }>('SELECT count(*) AS n FROM delivery_event');
    const storedCount = Number(stored[0]?.n ?? 0);
    if (accepted !== deliveryLines || duplicates !== 0 || rejected !== 0 || storedCount !== deliveryLines) {
      const firstErrors = answers.flatMap((a) => a.errors).slice(0, 5);
      throw new Error(
        `verification failed: ${fmt(deliveryLines)} delivery lines sent, server answered accepted ${fmt(accepted)}, duplicates ${fmt(duplicates)}, rejected ${fmt(rejected)}; delivery_event holds ${fmt(storedCount)} rows. First errors: ${JSON.stringify(firstErrors)}`,
      );
    }
    await server.stop();
    server = null;

    const columns = await stagingColumns(pool());
    const rendered = renderCopyRows(generated.chunks, org.id, randomUUID());
    if (rendered.rows !== deliveryLines) throw new Error(`rendered ${rendered.rows} COPY rows for ${deliveryLines} delivery lines`);
    const { seconds: copySeconds, indexes: copyIndexes } = await timeCopy(pool(), columns, rendered.buffers);
    const { rows: copied } = await pool().query<{ n: string }>('SELECT count(*) AS n FROM bench_copy');
    if (Number(copied[0]?.n) !== deliveryLines) throw new Error(`COPY stored ${copied[0]?.n} rows, expected ${deliveryLines}`);
    await pool().end();

    const linesPerS = LINES / seconds;
    const eventsPerS = deliveryLines / seconds;
    const copyRowsPerS = deliveryLines / copySeconds;
    const fraction = eventsPerS / copyRowsPerS;
    const verdict = (ok: boolean) => (ok ? 'ok' : 'MISS');
    const rows: Array<[string, string]> = [
      ['lines', `${fmt(LINES)} (${fmt(deliveryLines)} delivery lines + ${fmt(LINES - deliveryLines)} cleanup, qmgr from= and removed context lines)`],
      ['events stored', `${fmt(accepted)} (duplicates 0, rejected 0; delivery_event count matches)`],
      ['requests', `${generated.chunks.length} × ${fmt(CHUNK_LINES)} lines, ${CONCURRENCY} concurrent clients, ${args.gzip ? 'gzip' : 'plain'} bodies, ${mb(bodyBytes)} in all`],
      ['seconds', fmt(seconds, 2)],
      ['lines/s', `${fmt(linesPerS)}   target ≥ ${fmt(TARGET_LINES_PER_S)}: ${verdict(linesPerS >= TARGET_LINES_PER_S)}`],
      ['events/s', fmt(eventsPerS)],
      ['server peak RSS', `${mb(memory.peakBytes)} (next-server tree, pids ${memory.pids.join(', ')}; ${mb(idle.rssBytes)} idle before ingest; sampled every ${RSS_SAMPLE_MS} ms)`],
      [
        'CPU while ingesting',
        `server ${fmt(memory.cpuSeconds, 1)} s, PostgreSQL backends ${databaseSeconds === null ? 'not measured (remote database)' : `${fmt(databaseSeconds, 1)} s`}, ` +
          `bench client ${fmt((clientCpu.user + clientCpu.system) / 1e6, 1)} s, of ${fmt(seconds * availableParallelism(), 1)} core-seconds (${availableParallelism()} cores; the rest is other processes or idle)`,
      ],
      [
        'COPY rows/s',
        `${fmt(copyRowsPerS)} (${fmt(deliveryLines)} rows of delivery_event's columns in ${fmt(copySeconds, 2)} s, one COPY into bench_copy: ` +
          `a logged table LIKE delivery_event with its ${copyIndexes} indexes, primary and dedupe keys included)`,
      ],
      ['ours / COPY', `${fmt(fraction, 2)}   target ≥ ${fmt(TARGET_COPY_FRACTION, 2)}: ${verdict(fraction >= TARGET_COPY_FRACTION)}`],
      ['parse+normalize', `${fmt(LINES / rendered.parseSeconds)} lines/s in one process without HTTP or database (${fmt(rendered.parseSeconds, 2)} s; COPY text rendering ${fmt(rendered.renderSeconds, 2)} s)`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('');
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log('');
    return 0;
  } finally {
    await cleanup();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench:ingest] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
