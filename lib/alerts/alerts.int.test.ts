import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { verifySignature } from './payload';

// Alerts end to end: detection actions → outbox (in a transaction) → signed POSTs to a real HTTP
// server on 127.0.0.1, with a 500 answered first, retried after the backoff, never sent again once delivered.

withAppDatabase();
let server: Server;
let base: string;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}
const received: Received[] = [];
/** Status to answer per path; a function of how many requests that path has had so far. */
const answer = new Map<string, (n: number) => number>();

const T0 = Date.UTC(2023, 9, 11, 1, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);
const IPS = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];
const TENANTS = ['contoso.com', 'fabrikam.com', 'northwind.com', 'adatum.com'];
// The DESIGN.md reference reply, with the attempt's IP.
const s77714 = (ip: string) => `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]`;

let serial = 0;
/** Two of three IPs deferred by Microsoft in minutes 20–100, Gmail fine (the shape of run-detection.int.test.ts). */
function episode(from: number, to: number): string {
  const lines: string[] = [];
  for (let m = from; m < to; m += 1) {
    for (const ip of IPS) {
      for (let n = 0; n < 8; n += 1) {
        serial += 1;
        const gmail = n >= 6;
        const domain = gmail ? 'gmail.com' : TENANTS[serial % TENANTS.length]!;
        const failing = !gmail && ip !== IPS[2] && m >= 20 && m < 100;
        lines.push(
          JSON.stringify({
            occurredAt: new Date(at(m).getTime() + n * 1000).toISOString(),
            source: 'generic',
            queueId: `Q${serial}`,
            recipient: `user${serial}@${domain}`,
            mxHost: gmail ? 'gmail-smtp-in.l.google.com' : `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`,
            sendingIp: ip,
            outcome: failing ? 'deferred' : 'delivered',
            reply: failing ? s77714(ip) : '250 2.0.0 OK',
          }),
        );
      }
    }
  }
  return lines.join('\n');
}

async function* once(body: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(body);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const n = received.filter((r) => r.path === path).length;
      const status = answer.get(path)?.(n) ?? 200;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function newOrg(slug: string): Promise<string> {
  const { createOrganization } = await import('@/lib/auth/accounts');
  return (await createOrganization({ slug })).id;
}

/** Ingests and detects in 20-minute steps; each run writes its alerts to the outbox in its own transaction. */
async function play(org: string, until: number): Promise<number> {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { runDetection } = await import('@/lib/incidents/run-detection');
  const { enqueueAlerts } = await import('./enqueue-alerts');
  const { db } = await import('@/lib/db/client');
  let queued = 0;
  for (let m = 0; m < until; m += 20) {
    await ingestStream(once(episode(m, m + 20)), { organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 64 * 1024 * 1024, now: at(m + 20) });
    const run = await runDetection(org, at(m + 20));
    queued += run.alertsQueued;
    // Replaying the same actions queues nothing twice.
    expect(await db().$transaction((tx) => enqueueAlerts(tx, org, run.actions))).toBe(0);
  }
  return queued;
}

test('an S77714 incident alerts on open, each escalation, recovery and resolution, signed, retried after a 500, never duplicated', async () => {
  const org = await newOrg('alerts');
  const { writeAlertEndpoint } = await import('./queries/write-alert-endpoint');
  const slack = await writeAlertEndpoint(org, { name: 'ops channel', url: `${base}/slack`, kind: 'slack', secret: 'slack-secret-0123456789' }, 'admin@example.com');
  const generic = await writeAlertEndpoint(org, { name: 'pager', url: `${base}/generic`, kind: 'generic' }, 'admin@example.com');
  expect(generic.secret.length).toBeGreaterThanOrEqual(32);
  // The generic endpoint fails its first request of each alert with a 500.
  answer.set('/generic', (n) => (n < 5 ? 500 : 200));

  expect(await play(org, 180)).toBe(10);

  const { deliverPendingAlerts } = await import('./deliver-pending-alerts');
  const t = new Date();
  expect(await deliverPendingAlerts({ now: t })).toEqual({ attempted: 10, delivered: 5, retrying: 5, failed: 0 });
  // Nothing is due again before the 30 s backoff has passed.
  expect(await deliverPendingAlerts({ now: new Date(t.getTime() + 29_000) })).toMatchObject({ attempted: 0 });
  expect(await deliverPendingAlerts({ now: new Date(t.getTime() + 31_000) })).toEqual({ attempted: 5, delivered: 5, retrying: 0, failed: 0 });
  expect(await deliverPendingAlerts({ now: new Date(t.getTime() + 86_400_000) })).toMatchObject({ attempted: 0 });

  // Receivers order alerts by `at` (a retried alert may arrive after a later one).
  const genericBodies = received
    .filter((r) => r.path === '/generic' && r.answered === 200)
    .map((r) => JSON.parse(r.body) as { id: string; event: string; at: string; incident: { escalation: string; scope: string } })
    .sort((a, b) => a.at.localeCompare(b.at));
  expect(genericBodies.map((b) => b.event)).toEqual(['incident.opened', 'incident.escalated', 'incident.escalated', 'incident.recovered', 'incident.resolved']);
  // Each escalation alert names the level it escalated to, even when both happened in one detection run.
  expect(genericBodies.filter((b) => b.event === 'incident.escalated').map((b) => b.incident.escalation)).toEqual(['tune', 'escalate']);
  expect(genericBodies.every((b) => b.incident.scope === 'receiver')).toBe(true);

  // Each generic alert: one 500, then one 200, with the same idempotency key; the Slack ones once each.
  const byKey = new Map<string, number[]>();
  for (const r of received.filter((x) => x.path === '/generic')) byKey.set(String(r.headers['idempotency-key']), [...(byKey.get(String(r.headers['idempotency-key'])) ?? []), r.answered]);
  expect([...byKey.values()]).toEqual(Array<number[]>(5).fill([500, 200]));
  for (const b of genericBodies) expect(byKey.has(b.id)).toBe(true);
  expect(received.filter((r) => r.path === '/slack').map((r) => r.answered)).toEqual([200, 200, 200, 200, 200]);

  for (const r of received) {
    const secret = r.path === '/slack' ? slack.secret : generic.secret;
    expect(verifySignature(secret, r.body, String(r.headers['x-deferral-desk-signature']))).toBe(true);
    expect(verifySignature('not-the-secret-at-all', r.body, String(r.headers['x-deferral-desk-signature']))).toBe(false);
    expect(r.headers['content-type']).toBe('application/json');
  }
  const slackBody = JSON.parse(received.find((r) => r.path === '/slack')!.body) as { text: string; blocks: unknown[] };
  expect(slackBody.text).toMatch(/^Incident (opened|escalated|recovered|resolved): microsoft-365 · microsoft\.server-busy · receiver-side · (tune|escalate)$/);
  expect(slackBody.blocks.length).toBeGreaterThan(0);

  const { listAlertAttempts } = await import('./queries/list-alert-attempts');
  const log = await listAlertAttempts(org, 50);
  expect(log).toHaveLength(15);
  expect(log.filter((a) => a.statusCode === 500)).toHaveLength(5);
  expect(log.every((a) => a.alertStatus === 'delivered')).toBe(true);
  const { listAlertEndpoints } = await import('./queries/list-alert-endpoints');
  // Sorted by name: two endpoints created in the same millisecond have no defined order.
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  expect((await listAlertEndpoints(org)).sort(byName).map((e) => [e.name, e.kind, e.delivered, e.pending, e.failed])).toEqual([
    ['ops channel', 'slack', 5, 0, 0],
    ['pager', 'generic', 5, 0, 0],
  ]);
});

test('a refusal (404) is given up at once; an endpoint that does not answer is retried; removing an endpoint drops its queue', async () => {
  const org = await newOrg('alerts-refused');
  const { writeAlertEndpoint } = await import('./queries/write-alert-endpoint');
  const gone = await writeAlertEndpoint(org, { name: 'deleted slack hook', url: `${base}/gone`, kind: 'slack' }, 'admin@example.com');
  // Port 9 (discard) on loopback: nothing listens there, the connection is refused.
  const down = await writeAlertEndpoint(org, { name: 'down', url: 'http://127.0.0.1:9/hook', kind: 'generic' }, 'admin@example.com');
  answer.set('/gone', () => 404);
  expect(await play(org, 40)).toBe(4);

  const { deliverPendingAlerts } = await import('./deliver-pending-alerts');
  const t = new Date(Date.now() + 3600_000);
  expect(await deliverPendingAlerts({ now: t, timeoutMs: 2000 })).toEqual({ attempted: 4, delivered: 0, retrying: 2, failed: 2 });
  const { listAlertEndpoints } = await import('./queries/list-alert-endpoints');
  expect((await listAlertEndpoints(org)).sort((a, b) => a.name.localeCompare(b.name)).map((e) => [e.name, e.pending, e.failed])).toEqual([
    ['deleted slack hook', 0, 2],
    ['down', 2, 0],
  ]);
  const { listAlertAttempts } = await import('./queries/list-alert-attempts');
  const downAttempts = (await listAlertAttempts(org, 10)).filter((a) => a.endpointName === 'down');
  expect(downAttempts.every((a) => a.statusCode === null && (a.error ?? '').length > 0)).toBe(true);

  const { deleteAlertEndpoint } = await import('./queries/delete-alert-endpoint');
  expect(await deleteAlertEndpoint(org, down.id)).toBe(true);
  expect(await deleteAlertEndpoint(org, down.id)).toBe(false);
  expect(await deleteAlertEndpoint(org, 'not-a-uuid')).toBe(false);
  expect(await deliverPendingAlerts({ now: new Date(t.getTime() + 86_400_000) })).toMatchObject({ attempted: 0 });
  expect((await listAlertEndpoints(org)).map((e) => e.id)).toEqual([gone.id]);
});

async function outbox(org: string) {
  const { db } = await import('@/lib/db/client');
  return db().$queryRaw<Array<{ endpoint_id: string; incident_id: string; event: string; at: Date }>>`
    SELECT endpoint_id::text, incident_id::text, event, at FROM alert_outbox WHERE organization_id = ${org}::uuid ORDER BY at, event, endpoint_id`;
}

test('two detection runs at once (two processes) queue each alert exactly once; late data re-evaluating the episode queues nothing more', async () => {
  const org = await newOrg('alerts-concurrent');
  const { writeAlertEndpoint } = await import('./queries/write-alert-endpoint');
  await writeAlertEndpoint(org, { name: 'a', url: `${base}/a`, kind: 'generic' }, 'admin@example.com');
  await writeAlertEndpoint(org, { name: 'b', url: `${base}/b`, kind: 'slack' }, 'admin@example.com');
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { runDetection } = await import('@/lib/incidents/run-detection');
  await ingestStream(once(episode(0, 180)), { organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 64 * 1024 * 1024, now: at(180) });
  const runs = await Promise.all([runDetection(org, at(180)), runDetection(org, at(180))]);
  // One run did the work, the other found nothing left: opened, tune, escalate, recovered, resolved × 2 endpoints.
  expect(runs.map((r) => r.alertsQueued).sort((a, b) => a - b)).toEqual([0, 10]);
  const rows = await outbox(org);
  expect(rows).toHaveLength(10);
  expect(new Set(rows.map((r) => `${r.endpoint_id}|${r.incident_id}|${r.event}|${r.at.toISOString()}`)).size).toBe(10);
  expect(rows.filter((r) => r.endpoint_id === rows[0]!.endpoint_id).map((r) => r.event)).toEqual([
    'incident.opened',
    'incident.escalated',
    'incident.escalated',
    'incident.recovered',
    'incident.resolved',
  ]);

  // A late Microsoft deferral inside the episode re-evaluates it (twice at once again): nothing is news.
  const late = JSON.stringify({
    occurredAt: at(60).toISOString(),
    source: 'generic',
    queueId: 'LATE1',
    recipient: 'late@contoso.com',
    mxHost: 'contoso-com.mail.protection.outlook.com',
    sendingIp: IPS[0],
    outcome: 'deferred',
    reply: s77714(IPS[0]!),
  });
  await ingestStream(once(late), { organizationId: org, channel: 'api', format: 'ndjson', maxBytes: 1024 * 1024, now: at(181) });
  const again = await Promise.all([runDetection(org, at(181)), runDetection(org, at(181))]);
  expect(again.map((r) => r.alertsQueued)).toEqual([0, 0]);
  expect(await outbox(org)).toEqual(rows);
});

test('a manual resolution alerts once; an incident found in an old upload never alerts', async () => {
  const org = await newOrg('alerts-manual');
  const { writeAlertEndpoint } = await import('./queries/write-alert-endpoint');
  await writeAlertEndpoint(org, { name: 'pager', url: `${base}/manual`, kind: 'generic' }, 'admin@example.com');
  await play(org, 60);
  const { listIncidents } = await import('@/lib/incidents/queries/list-incidents');
  const [inc] = (await listIncidents(org, { limit: 5 })).incidents;
  expect(inc).toMatchObject({ status: 'open', isHistorical: false });
  const { writeIncidentAnnotation } = await import('@/lib/incidents/queries/write-incident-annotation');
  await writeIncidentAnnotation(org, inc!.id, 'analyst@example.com', { action: 'resolve', reason: 'Microsoft reverted the change' }, at(61));
  const resolved = (await outbox(org)).filter((r) => r.event === 'incident.resolved');
  expect(resolved.map((r) => [r.incident_id, r.at.toISOString()])).toEqual([[inc!.id, at(61).toISOString()]]);

  // The same episode uploaded three days later into another organisation: historical, no alert at all.
  const old = await newOrg('alerts-historical');
  await writeAlertEndpoint(old, { name: 'pager', url: `${base}/historical`, kind: 'generic' }, 'admin@example.com');
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const { runDetection } = await import('@/lib/incidents/run-detection');
  const threeDaysLater = at(3 * 24 * 60);
  await ingestStream(once(episode(0, 180)), { organizationId: old, channel: 'upload', format: 'ndjson', maxBytes: 64 * 1024 * 1024, now: threeDaysLater });
  const run = await runDetection(old, threeDaysLater);
  expect(run.actions.map((a) => a.kind)).toContain('open');
  expect(run.alertsQueued).toBe(0);
  const [historical] = (await listIncidents(old, { limit: 5 })).incidents;
  expect(historical).toMatchObject({ isHistorical: true, status: 'resolved' });
  expect(await outbox(old)).toEqual([]);
  // Whoever asks, a historical incident raises no alert.
  const { enqueueAlerts } = await import('./enqueue-alerts');
  const { db } = await import('@/lib/db/client');
  expect(await db().$transaction((tx) => enqueueAlerts(tx, old, [{ kind: 'close', incidentId: historical!.id, at: threeDaysLater.toISOString() }]))).toBe(0);
});
