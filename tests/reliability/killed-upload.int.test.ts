import http from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { startAppProcess, type AppProcess } from './app-processes';
import { count, dayAgo, ingestBody, postfixChunks } from './support';

const database = withAppDatabase();
let orgId: string;
let token: string;
const apps: AppProcess[] = [];

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const { createApiToken } = await import('@/lib/auth/tokens');
  orgId = (await createOrganization({ slug: 'acme' })).id;
  token = (await createApiToken({ organizationId: orgId, name: 'mx1', scope: 'ingest' })).token;
});

afterAll(async () => {
  for (const app of apps) await app.kill();
});

const events = () => count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', orgId);
const batches = () => count('SELECT count(*) AS n FROM ingest_batch WHERE organization_id = $1', orgId);

/** The backend holding an open ingest transaction on the test database, if any. */
async function openTransactionPid(): Promise<number | null> {
  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`);
  return rows[0]?.pid ?? null;
}

async function isBackendAlive(pid: number): Promise<boolean> {
  const { pool } = await import('@/lib/db/client');
  return ((await pool().query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount ?? 0) > 0;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function upload(app: AppProcess, body: Buffer<ArrayBuffer>, uploadId: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return fetch(`${app.url}/api/v1/uploads?filename=mail.log&format=postfix&uploadId=${uploadId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
    body,
  }).then(async (res) => ({ status: res.status, json: (await res.json()) as Record<string, unknown> }));
}

test('an app process killed in the middle of an upload leaves nothing; re-sending the upload counts nothing twice', async () => {
  const [file] = postfixChunks(dayAgo(3), 8000, 8000, 11);
  if (!file) throw new Error('no log generated');
  const app = await startAppProcess(database().url);
  apps.push(app);

  // Stream the first 70 % of the file, then wait for the server to be inside its ingest transaction, then SIGKILL it.
  const req = http.request(`${app.url}/api/v1/uploads?filename=mail.log&format=postfix&uploadId=upload-0001`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
  });
  const requestEnded = new Promise<string>((resolve) => {
    req.on('error', (error) => resolve(error.message));
    req.on('response', (res) => resolve(`HTTP ${res.statusCode}`));
  });
  req.write(file.data.subarray(0, Math.floor(file.data.length * 0.7)));
  const held = { pid: 0 };
  await waitFor('the ingest transaction', async () => (held.pid = (await openTransactionPid()) ?? 0) !== 0);
  await app.kill();
  expect(await requestEnded).toMatch(/socket hang up|ECONNRESET/);
  // PostgreSQL rolls the transaction back when it sees the connection gone.
  await waitFor('the killed process’s transaction to end', async () => !(await isBackendAlive(held.pid)));
  expect(await events()).toBe(0);
  expect(await batches()).toBe(0);

  const restarted = await startAppProcess(database().url);
  apps.push(restarted);
  const again = await upload(restarted, file.data, 'upload-0001');
  expect(again).toMatchObject({ status: 200, json: { accepted: file.deliveryLines, duplicates: 0, rejected: 0 } });
  const third = await upload(restarted, file.data, 'upload-0001');
  expect(third).toMatchObject({ status: 200, json: { accepted: 0, duplicates: file.deliveryLines } });
  expect(await events()).toBe(file.deliveryLines);
  expect(await batches()).toBe(2);
  expect(await count('SELECT sum(attempts) AS n FROM metric_minute WHERE organization_id = $1', orgId)).toBe(file.deliveryLines);
});

test('a body whose stream breaks part-way (client gone) stores nothing, in process', async () => {
  const before = await events();
  const [file] = postfixChunks(dayAgo(4), 12_000, 12_000, 12);
  if (!file) throw new Error('no log generated');
  const data = file.data;
  async function* brokenBody(): AsyncGenerator<Uint8Array> {
    // More than a staging round (5 000 events) goes into the transaction before the stream fails.
    yield data.subarray(0, Math.floor(data.length * 0.8));
    throw new Error('aborted');
  }
  await expect(ingestBody(orgId, brokenBody())).rejects.toThrow('aborted');
  expect(await events()).toBe(before);
  const resent = await ingestBody(orgId, file.data);
  expect(resent.accepted).toBe(file.deliveryLines);
  expect(await events()).toBe(before + file.deliveryLines);
});
