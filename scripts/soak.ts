// npm run soak [-- --seconds 180 --writers 8 --readers 4 --chunk-lines 2000] – sustained load on a real `npm start` server
// over loopback: half the writers POST /api/v1/events, half POST /api/v1/uploads, readers poll the dashboard APIs. Then it
// reconciles every accepted event against the database (exactly once), compares rollups with a rebuild, and prints
// events/s, p95 latencies and errors. Exits 1 when a check fails. Scratch database: an embedded PostgreSQL in a
// temporary folder, or a database created (and dropped) on SOAK_DATABASE_URL's server.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generatePostfixLog, type PostfixLogChunk } from '@/lib/bench/postfix-log';
import { startEmbeddedDatabase } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';
import { derivedRows } from '@/lib/metrics/derived-rows';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    writers: { type: 'string', default: '8' },
    readers: { type: 'string', default: '4' },
    'chunk-lines': { type: 'string', default: '2000' },
    'start-timeout': { type: 'string', default: '900' },
  },
});
const SECONDS = Number(args.seconds);
const WRITERS = Number(args.writers);
const READERS = Number(args.readers);
const CHUNK_LINES = Number(args['chunk-lines']);
const START_TIMEOUT_MS = Number(args['start-timeout']) * 1000;
if (!(SECONDS >= 5 && SECONDS <= 3600)) throw new Error('--seconds must be between 5 and 3600');
if (!Number.isInteger(WRITERS) || WRITERS < 1 || WRITERS > 64) throw new Error('--writers must be an integer from 1 to 64');
if (!Number.isInteger(READERS) || READERS < 0 || READERS > 64) throw new Error('--readers must be an integer from 0 to 64');
if (!Number.isInteger(CHUNK_LINES) || CHUNK_LINES < 100) throw new Error('--chunk-lines must be an integer ≥ 100');

/** Every 10th batch a writer sends its previous batch again: the answer must be all duplicates. */
const RESEND_EVERY = 10;
/** Retries of one batch answered 503/429 before the writer gives up (bounded loop). */
const MAX_RETRIES = 30;
/** Statuses a client may retry, as documented in DESIGN.md (503 with Retry-After, 429). */
const RETRYABLE = new Set([429, 503]);
/** Lines per generated day per writer: far more than a run can send, so the generator never runs dry. */
const LINES_PER_DAY = 20_000_000;
const DAY_MS = 24 * 3600 * 1000;

const log = (line: string) => console.log(`[soak] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(0)} ms`);

/** A scratch database: on SOAK_DATABASE_URL's server, else an embedded PostgreSQL in a temporary folder. */
async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = process.env.SOAK_DATABASE_URL;
  if (server) {
    const name = `dd_soak_${randomBytes(5).toString('hex')}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(server);
    u.pathname = `/${name}`;
    return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dd-soak-'));
  const embedded = await startEmbeddedDatabase(dir, log);
  return {
    url: embedded.url,
    drop: async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `npm start` in its own process group, so the whole tree is stopped at the end. */
function startApp(databaseUrl: string, port: number): { child: ChildProcess; output: string[]; stop: () => Promise<void> } {
  const child = spawn('npx', ['tsx', 'scripts/start.ts'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET: randomBytes(32).toString('base64url'), PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > 300) output.shift();
      if (line.startsWith('[deferral-desk]')) log(`server: ${line}`);
      if (line.startsWith('[db unavailable]')) unavailableCauses.set(line, (unavailableCauses.get(line) ?? 0) + 1);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output,
    stop: async () => {
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-(child.pid as number), s);
        } catch {
          // Already gone.
        }
      };
      signal('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      signal('SIGKILL');
    },
  };
}

async function waitHealthy(url: string, app: { child: ChildProcess; output: string[] }): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`the server exited before it was healthy:\n${app.output.slice(-40).join('\n')}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(500);
  }
  throw new Error(`the server was not healthy within ${START_TIMEOUT_MS / 1000} s:\n${app.output.slice(-40).join('\n')}`);
}

interface Tally {
  requests: number;
  latenciesMs: number[];
  /** Status → count, for every answer that was not 200 (network failures as status 0). */
  failures: Map<number, number>;
}

const newTally = (): Tally => ({ requests: 0, latenciesMs: [], failures: new Map() });
const fail = (t: Tally, status: number) => t.failures.set(status, (t.failures.get(status) ?? 0) + 1);
/** The server's log lines for answers 503 (database unavailable), for the report. */
const unavailableCauses = new Map<string, number>();
/** Why requests failed without an HTTP answer (the fetch error's cause), for the report. */
const networkCauses = new Map<string, number>();
const noteNetworkError = (error: unknown) => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  networkCauses.set(why, (networkCauses.get(why) ?? 0) + 1);
};

interface WriterResult {
  /** Events in batches the server acknowledged (each batch counted once). */
  sentEvents: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  batches: number;
  resendMismatches: number;
  retries: number;
  gaveUp: number;
}

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** One writer: its own day of Postfix log, batch after batch, until the deadline; retries retryable answers. */
async function writer(index: number, base: string, token: string, deadline: number, tally: Tally): Promise<WriterResult> {
  const isUpload = index % 2 === 1;
  const day = new Date(Date.now() - (index + 2) * DAY_MS).toISOString().slice(0, 10);
  const chunks = generatePostfixLog({ totalLines: LINES_PER_DAY, chunkLines: CHUNK_LINES, seed: 1000 + index, day });
  const result: WriterResult = { sentEvents: 0, accepted: 0, duplicates: 0, rejected: 0, batches: 0, resendMismatches: 0, retries: 0, gaveUp: 0 };
  let offset = 0;
  let previous: { chunk: PostfixLogChunk; offset: number } | null = null;

  const send = async (chunk: PostfixLogChunk, at: number): Promise<IngestAnswer | null> => {
    const url = isUpload ? `${base}/api/v1/uploads?format=postfix&filename=writer-${index}.log&uploadId=soak-writer-${index}&offset=${at}` : `${base}/api/v1/events?format=postfix`;
    for (let attempt = 0; attempt <= MAX_RETRIES; attempt += 1) {
      const t0 = performance.now();
      let status = 0;
      let retryAfterS = 1;
      let answer: IngestAnswer | null = null;
      try {
        const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: chunk.data });
        status = res.status;
        retryAfterS = Number(res.headers.get('retry-after') ?? '1') || 1;
        const text = await res.text();
        if (res.ok) answer = JSON.parse(text) as IngestAnswer;
      } catch (error) {
        status = 0;
        noteNetworkError(error);
      }
      tally.requests += 1;
      tally.latenciesMs.push(performance.now() - t0);
      if (answer) return answer;
      fail(tally, status);
      // A network failure may have committed on the server: re-sending is safe (idempotent), so it is retried too.
      if (status !== 0 && !RETRYABLE.has(status)) return null;
      result.retries += 1;
      await sleep(Math.min(retryAfterS, 5) * 1000);
    }
    result.gaveUp += 1;
    return null;
  };

  while (Date.now() < deadline) {
    const next = chunks.next();
    if (next.done) break;
    const chunk = next.value;
    const answer = await send(chunk, offset);
    if (answer) {
      result.batches += 1;
      result.sentEvents += chunk.deliveryLines;
      result.accepted += answer.accepted;
      result.duplicates += answer.duplicates;
      result.rejected += answer.rejected;
    }
    if (answer && previous && result.batches % RESEND_EVERY === 0 && Date.now() < deadline) {
      const again = await send(previous.chunk, previous.offset);
      if (again) {
        result.batches += 1;
        result.accepted += again.accepted;
        result.duplicates += again.duplicates;
        if (again.accepted !== 0 || again.duplicates !== previous.chunk.deliveryLines) result.resendMismatches += 1;
      }
    }
    previous = { chunk, offset };
    offset += chunk.data.length;
  }
  return result;
}

/** One dashboard reader: cycles through the dashboard APIs over the days the writers fill. */
async function reader(index: number, base: string, token: string, deadline: number, tallies: Map<string, Tally>): Promise<void> {
  const to = new Date().toISOString();
  const from = new Date(Date.now() - (WRITERS + 3) * DAY_MS).toISOString();
  const paths: Array<[string, string]> = [
    ['deferrals by provider', `/api/v1/metrics/deferrals?groupBy=provider&from=${from}&to=${to}`],
    ['deferrals by IP', `/api/v1/metrics/deferrals?groupBy=ip&from=${from}&to=${to}`],
    ['queue depth', `/api/v1/metrics/queue?from=${from}&to=${to}`],
    ['events (newest 50)', `/api/v1/events?limit=50`],
  ];
  for (let i = index; Date.now() < deadline; i += 1) {
    const [name, p] = paths[i % paths.length] as [string, string];
    const tally = tallies.get(name) ?? newTally();
    tallies.set(name, tally);
    const t0 = performance.now();
    let status = 0;
    try {
      const res = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}` } });
      status = res.status;
      await res.arrayBuffer();
    } catch (error) {
      status = 0;
      noteNetworkError(error);
    }
    tally.requests += 1;
    tally.latenciesMs.push(performance.now() - t0);
    if (status !== 200) {
      fail(tally, status);
      if (!RETRYABLE.has(status)) await sleep(200);
    }
  }
}


function failuresText(t: Tally): string {
  return t.failures.size === 0 ? 'none' : [...t.failures].map(([status, n]) => `${n}× ${status === 0 ? 'network error' : `HTTP ${status}`}`).join(', ');
}

async function main(): Promise<number> {
  const database = await scratchDatabase();
  let stopApp = async () => undefined as void;
  try {
    await migrate(database.url);
    process.env.DATABASE_URL = database.url;
    const { createOrganization } = await import('@/lib/auth/accounts');
    const { createApiToken } = await import('@/lib/auth/tokens');
    const org = await createOrganization({ slug: `soak-${randomBytes(3).toString('hex')}` });
    const ingestToken = (await createApiToken({ organizationId: org.id, name: 'soak-writers', scope: 'ingest' })).token;
    const readToken = (await createApiToken({ organizationId: org.id, name: 'soak-readers', scope: 'read' })).token;

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = startApp(database.url, port);
    stopApp = app.stop;
    log(`starting the server on ${base} (builds first when the build is missing or stale) …`);
    await waitHealthy(base, app);

    log(`${WRITERS} writers (${Math.ceil(WRITERS / 2)} API, ${Math.floor(WRITERS / 2)} upload) × ${CHUNK_LINES}-line batches, ${READERS} dashboard readers, ${SECONDS} s`);
    const ingest = newTally();
    const dashboards = new Map<string, Tally>();
    const started = performance.now();
    const deadline = Date.now() + SECONDS * 1000;
    const [writers] = await Promise.all([
      Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i, base, ingestToken, deadline, ingest))),
      Promise.all(Array.from({ length: READERS }, (_, i) => reader(i, base, readToken, deadline, dashboards))),
    ]);
    const elapsedS = (performance.now() - started) / 1000;

    const sum = (f: (w: WriterResult) => number) => writers.reduce((s, w) => s + f(w), 0);
    const accepted = sum((w) => w.accepted);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    let checksFailed = 0;
    const check = (ok: boolean, line: string) => {
      if (!ok) checksFailed += 1;
      log(`${ok ? 'ok  ' : 'FAIL'} ${line}`);
    };
    try {
      const stored = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', [org.id])).rows[0]?.n);
      const batchRows = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM ingest_batch WHERE organization_id = $1', [org.id])).rows[0]?.n);
      const rolled = Number((await client.query<{ n: string | null }>('SELECT sum(attempts) AS n FROM metric_minute WHERE organization_id = $1', [org.id])).rows[0]?.n ?? 0);

      log('');
      log(`events/s: ${(accepted / elapsedS).toFixed(0)} (${accepted} accepted in ${elapsedS.toFixed(1)} s, ${sum((w) => w.batches)} batches, ${sum((w) => w.duplicates)} duplicates reported, ${sum((w) => w.rejected)} rejected)`);
      log(`ingest latency per ${CHUNK_LINES}-line batch: p50 ${ms(percentile(ingest.latenciesMs, 50))}, p95 ${ms(percentile(ingest.latenciesMs, 95))}, max ${ms(percentile(ingest.latenciesMs, 100))} over ${ingest.requests} requests`);
      log(`ingest errors: ${failuresText(ingest)}; retries ${sum((w) => w.retries)}, given up ${sum((w) => w.gaveUp)}`);
      const allReads = newTally();
      for (const [name, t] of dashboards) {
        log(`dashboard ${name}: p50 ${ms(percentile(t.latenciesMs, 50))}, p95 ${ms(percentile(t.latenciesMs, 95))} over ${t.requests} requests; errors: ${failuresText(t)}`);
        allReads.latenciesMs.push(...t.latenciesMs);
        allReads.requests += t.requests;
        for (const [s, n] of t.failures) allReads.failures.set(s, (allReads.failures.get(s) ?? 0) + n);
      }
      for (const [line, n] of unavailableCauses) log(`server ${n}× ${line}`);
      if (networkCauses.size > 0) log(`network errors: ${[...networkCauses].map(([why, n]) => `${n}× ${why}`).join(', ')}`);
      log(`dashboard reads: p95 ${ms(percentile(allReads.latenciesMs, 95))} over ${allReads.requests} requests (${(allReads.requests / elapsedS).toFixed(1)}/s)`);
      log('');
      check(stored === accepted, `every accepted event stored exactly once: ${stored} rows, ${accepted} accepted`);
      check(accepted === sum((w) => w.sentEvents), `nothing lost: ${accepted} accepted of ${sum((w) => w.sentEvents)} events in acknowledged batches`);
      check(batchRows === sum((w) => w.batches), `one batch record per acknowledged request: ${batchRows} rows, ${sum((w) => w.batches)} answers`);
      check(sum((w) => w.resendMismatches) === 0, `re-sent batches counted nothing twice (${sum((w) => w.resendMismatches)} mismatches)`);
      check(rolled === stored, `rollup attempts equal raw events: ${rolled}`);
      const unexpected = [...ingest.failures.keys(), ...allReads.failures.keys()].filter((s) => !RETRYABLE.has(s));
      check(unexpected.length === 0 && sum((w) => w.gaveUp) === 0, `no request failed except with a retryable status (${unexpected.length === 0 ? 'none' : unexpected.join(', ')})`);

      const maintained = await derivedRows(client, org.id);
      const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
      const t0 = performance.now();
      await writeRebuildRollups(org.id);
      const rebuilt = await derivedRows(client, org.id);
      const differing = Object.keys({ ...maintained, ...rebuilt }).filter((t) => JSON.stringify(maintained[t]) !== JSON.stringify(rebuilt[t]));
      const rows = Object.values(maintained).reduce((n, r) => n + r.length, 0);
      check(
        differing.length === 0,
        `rollups and queue state equal a rebuild from raw events (${Object.keys(maintained).length} tables, ${rows} rows, rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s)` +
          (differing.length > 0 ? `; differing: ${differing.join(', ')}` : ''),
      );
    } finally {
      await client.end();
      const { db, pool } = await import('@/lib/db/client');
      await db().$disconnect();
      await pool().end();
    }
    log(checksFailed === 0 ? 'all checks passed' : `${checksFailed} check(s) FAILED`);
    return checksFailed === 0 ? 0 : 1;
  } finally {
    await stopApp();
    await database.drop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[soak] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
