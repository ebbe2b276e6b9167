import { afterAll, beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { startAppProcess, type AppProcess } from './app-processes';
import { count, dayAgo, ingestBody, postfixChunks } from './support';

// Two app processes on one database. They serve the real route handlers through node:http rather than two
// `next start` servers: the same code paths (guard, ingest pipeline, LiveHub, SSE route, runDetection) without a
// production build in the test suite; scripts/soak.ts runs the real server.
const database = withAppDatabase();
let orgId: string;
let ingestToken: string;
let readToken: string;
let a: AppProcess;
let b: AppProcess;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const { createApiToken } = await import('@/lib/auth/tokens');
  orgId = (await createOrganization({ slug: 'acme' })).id;
  ingestToken = (await createApiToken({ organizationId: orgId, name: 'mx1', scope: 'ingest' })).token;
  readToken = (await createApiToken({ organizationId: orgId, name: 'wall', scope: 'read' })).token;
  [a, b] = await Promise.all([startAppProcess(database().url), startAppProcess(database().url)]);
});

afterAll(async () => {
  await a?.kill();
  await b?.kill();
});

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** An SSE client: parses `event:`/`data:` frames as they arrive. */
function openStream(app: AppProcess): { events: SseEvent[]; close: () => void } {
  const events: SseEvent[] = [];
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${app.url}/api/v1/stream`, { headers: { authorization: `Bearer ${readToken}` }, signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  })().catch(() => undefined);
  return { events, close: () => controller.abort() };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a batch ingested on process A reaches an SSE client of process B (LISTEN/NOTIFY)', async () => {
  const stream = openStream(b);
  try {
    await waitFor('B to listen', () => stream.events.some((e) => (e.event === 'hello' && e.data.state === 'connected') || (e.event === 'state' && e.data.state === 'connected')));
    const [chunk] = postfixChunks(dayAgo(5), 300, 300, 21);
    if (!chunk) throw new Error('no log generated');
    const res = await fetch(`${a.url}/api/v1/events?format=postfix`, { method: 'POST', headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'text/plain' }, body: chunk.data });
    const answer = (await res.json()) as { batchId: string; accepted: number };
    expect(res.status).toBe(200);
    expect(answer.accepted).toBe(chunk.deliveryLines);
    await waitFor('the batch event on B', () => stream.events.some((e) => e.event === 'batch'));
    expect(stream.events.filter((e) => e.event === 'batch')).toEqual([
      { event: 'batch', data: { type: 'batch', org: 'acme', batchId: answer.batchId, accepted: chunk.deliveryLines, format: 'postfix' } },
    ]);
  } finally {
    stream.close();
  }
});

test('detection run by both processes at once opens each incident once, with one timeline and no duplicate alert', async () => {
  // Four hours of a day holding the S77714 episode (02:00–03:30 UTC on two of eight IPs). Ingested from this process:
  // the app processes would also run detection at the real time 2 s after their own batches.
  // Its own organisation: detection that process A scheduled after the first test's batch (at the real time) must not
  // run over this organisation's simulated morning.
  const { createOrganization } = await import('@/lib/auth/accounts');
  const historyOrgId = (await createOrganization({ slug: 'acme-history' })).id;
  const day = dayAgo(3);
  const chunks = postfixChunks(day, 120_000, 5_000, 31).slice(0, 5);
  const { pool } = await import('@/lib/db/client');
  await pool().query(
    `INSERT INTO alert_endpoint (id, organization_id, name, url, kind, secret, created_by) VALUES (gen_random_uuid(), $1, 'ops', 'http://127.0.0.1:9/hook', 'generic', 'secret', 'test')`,
    [historyOrgId],
  );
  for (const c of chunks) await ingestBody(historyOrgId, c.data);
  const now = new Date(`${day}T04:00:00Z`).toISOString();
  const detect = (app: AppProcess) => fetch(`${app.url}/detect?now=${now}`, { method: 'POST' }).then(async (res) => ({ status: res.status, body: (await res.json()) as { runs: Array<{ opened: string[] }> } }));
  const runs = await Promise.all([detect(a), detect(b), detect(a), detect(b)]);
  expect(runs.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  const opened = runs.flatMap((r) => r.body.runs.flatMap((run) => run.opened));
  const incidents = await count('SELECT count(*) AS n FROM incident WHERE organization_id = $1', historyOrgId);
  expect(incidents).toBeGreaterThan(0);
  // No incident was opened twice. The app processes' own timers may have done the work before these runs (they pick up
  // the stored batches too), so the runs here report at most every incident.
  expect(opened.length).toBeLessThanOrEqual(incidents);
  expect(new Set(opened).size).toBe(opened.length);
  expect(await count(`SELECT count(*) AS n FROM (SELECT provider, rule_key FROM incident WHERE organization_id = $1 AND status <> 'resolved' GROUP BY 1, 2 HAVING count(*) > 1) d`, historyOrgId)).toBe(0);
  expect(await count(`SELECT count(*) AS n FROM (SELECT incident_id, kind, at, message FROM incident_event WHERE organization_id = $1 GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d`, historyOrgId)).toBe(0);
  expect(await count(`SELECT count(DISTINCT incident_id) AS n FROM incident_event WHERE organization_id = $1 AND kind = 'opened'`, historyOrgId)).toBe(incidents);
  expect(await count(`SELECT count(*) AS n FROM incident_event WHERE organization_id = $1 AND kind = 'opened'`, historyOrgId)).toBe(incidents);
  // One alert per incident opened (detection writes the outbox in its transaction), none for the same change twice.
  expect(await count(`SELECT count(*) AS n FROM alert_outbox WHERE organization_id = $1 AND event = 'incident.opened'`, historyOrgId)).toBe(incidents);
  expect(await count(`SELECT count(*) AS n FROM (SELECT incident_id, event, at FROM alert_outbox WHERE organization_id = $1 GROUP BY 1, 2, 3 HAVING count(*) > 1) d`, historyOrgId)).toBe(0);
});
