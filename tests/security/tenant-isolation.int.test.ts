import { beforeAll, expect, test, vi } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { createWorld, dmarcXml, episodeLines, ingestEpisode, type World } from './fixtures';

// Two organisations hold look-alike data: the same S77714 episode (same queue ids, replies, IP, minutes), acme at
// 6 attempts a minute and other at 3, uploaded under different file names, and a DMARC report in other only.
// Every read answers acme's numbers to acme, never the sum and never other's; other's ids are 404 to acme.

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock('@/lib/auth/config', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/auth/config')>()),
  auth: async () => (session.userId ? { user: { id: session.userId } } : null),
}));

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

withAppDatabase();
let world: World;
const incidentOf: Record<'acme' | 'other', string> = { acme: '', other: '' };
const ACME_ATTEMPTS = 6 * 120;
const OTHER_ATTEMPTS = 3 * 120;

async function handler(route: string, method: 'GET' | 'POST'): Promise<Handler> {
  const mod = (await import(/* @vite-ignore */ `@/app/api/v1/${route}/route.ts`)) as Record<string, Handler>;
  const h = mod[method];
  if (!h) throw new Error(`${method} /api/v1/${route} does not exist`);
  return h;
}

/** A request as acme's read token (or as a signed-in user, by id), answered by the route handler. */
async function ask(route: string, path: string, as: { token?: string; userId?: string; body?: unknown; params?: Record<string, string> } = {}): Promise<Response> {
  session.userId = as.userId ?? null;
  const headers = new Headers(as.userId ? {} : { authorization: `Bearer ${as.token ?? world.tokens.readToken}` });
  const method = as.body === undefined ? 'GET' : 'POST';
  const req = new Request(`http://localhost/api/v1/${path}`, { method, headers, body: as.body === undefined ? undefined : JSON.stringify(as.body) });
  return (await handler(route, method))(req, { params: Promise.resolve(as.params ?? {}) });
}

beforeAll(async () => {
  process.env.DNS_SERVERS = '127.0.0.1:9';
  world = await createWorld();
  await ingestEpisode(world.acme.id, episodeLines(6), 'acme-mx1.log');
  await ingestEpisode(world.other.id, episodeLines(3), 'other-mx1.log');
  const { ingestDmarcReport } = await import('@/lib/auth-status/write-dmarc-report');
  await ingestDmarcReport(world.other.id, Buffer.from(dmarcXml('other-only', 40)), 'other.xml');
  const { db } = await import('@/lib/db/client');
  for (const name of ['acme', 'other'] as const) {
    incidentOf[name] = (await db().incident.findFirstOrThrow({ where: { organizationId: world[name].id }, select: { id: true } })).id;
  }
});

test('both organisations hold the episode and an incident of their own', () => {
  expect(incidentOf.acme).toMatch(/^[0-9a-f-]{36}$/);
  expect(incidentOf.other).toMatch(/^[0-9a-f-]{36}$/);
  expect(incidentOf.acme).not.toBe(incidentOf.other);
});

test('deferral metrics count only the asking organisation', async () => {
  const total = async (token: string) => {
    const res = await ask('metrics/deferrals', 'metrics/deferrals?groupBy=provider&from=2023-10-11T00:00:00Z&to=2023-10-11T04:00:00Z', { token });
    const body = (await res.json()) as { series: { points: { attempts: number }[] }[] };
    return body.series.flatMap((s) => s.points).reduce((sum, p) => sum + p.attempts, 0);
  };
  expect(await total(world.tokens.readToken)).toBe(ACME_ATTEMPTS);
  expect(await total(world.tokens.otherRead)).toBe(OTHER_ATTEMPTS);
});

test('the CSV export and the event list hold only the asking organisation\'s events', async () => {
  const csv = await (await ask('events/export', 'events/export')).text();
  expect(csv.trimEnd().split('\n')).toHaveLength(ACME_ATTEMPTS + 1);
  const list = (await (await ask('events', 'events?limit=1000', { token: world.tokens.otherRead })).json()) as { events: unknown[]; nextCursor: string | null };
  expect(list.events).toHaveLength(OTHER_ATTEMPTS);
  expect(list.nextCursor).toBeNull();
});

test("incidents list only the organisation's own; the other's id is 404 for reading, notes, actions and the package", async () => {
  const listed = (await (await ask('incidents', 'incidents')).json()) as { incidents: { id: string }[] };
  expect(listed.incidents.map((i) => i.id)).toEqual([incidentOf.acme]);
  const foreign = { params: { id: incidentOf.other } };
  expect((await ask('incidents/[id]', `incidents/${incidentOf.other}`, foreign)).status).toBe(404);
  expect((await ask('incidents/[id]/package/preview', `incidents/${incidentOf.other}/package/preview`, foreign)).status).toBe(404);
  expect((await ask('incidents/[id]/package', `incidents/${incidentOf.other}/package`, foreign)).status).toBe(404);
  const admin = { userId: world.users.admin, params: { id: incidentOf.other } };
  expect((await ask('incidents/[id]/notes', `incidents/${incidentOf.other}/notes`, { ...admin, body: { text: 'not yours' } })).status).toBe(404);
  expect((await ask('incidents/[id]/actions', `incidents/${incidentOf.other}/actions`, { ...admin, body: { action: 'resolve', reason: 'not yours' } })).status).toBe(404);
  const { db } = await import('@/lib/db/client');
  const theirs = await db().incident.findUniqueOrThrow({ where: { organizationId_id: { organizationId: world.other.id, id: incidentOf.other } }, select: { resolveReason: true } });
  expect(theirs.resolveReason).not.toBe('not yours');
  const people = await db().incidentEvent.findMany({ where: { organizationId: { in: [world.acme.id, world.other.id] }, entryKey: null }, select: { message: true } });
  expect(people.map((e) => e.message).filter((m) => m.includes('not yours'))).toEqual([]);
});

test('uploads and DMARC results are per organisation', async () => {
  const uploads = (await (await ask('uploads', 'uploads')).json()) as { uploads: { filename: string | null }[] };
  expect(uploads.uploads.map((u) => u.filename)).toEqual(['acme-mx1.log']);
  type Status = { dmarcReports: { byReporter: unknown[]; sources: unknown[] } };
  const mine = (await (await ask('auth-status', 'auth-status?domain=acme.test')).json()) as Status;
  expect(mine.dmarcReports.byReporter).toEqual([]);
  expect(mine.dmarcReports.sources).toEqual([]);
  const theirs = (await (await ask('auth-status', 'auth-status?domain=acme.test', { token: world.tokens.otherRead })).json()) as Status;
  expect(theirs.dmarcReports.byReporter).toHaveLength(1);
});

test('a signed-in user of one organisation cannot pick the other with ?org= or the organisation cookie', async () => {
  expect((await ask('incidents', 'incidents?org=other', { userId: world.users.admin })).status).toBe(403);
  session.userId = world.users.admin;
  const req = new Request('http://localhost/api/v1/incidents', { headers: { cookie: 'dd_org=other' } });
  const listed = (await (await (await handler('incidents', 'GET'))(req, { params: Promise.resolve({}) })).json()) as { incidents: { id: string }[] };
  expect(listed.incidents.map((i) => i.id)).toEqual([incidentOf.acme]);
});
