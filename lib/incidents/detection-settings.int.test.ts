import { beforeAll, expect, test, vi } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { createWorld, episodeLines, ingestEpisode, type World } from '@/tests/security/fixtures';

// The route handlers are called with a Request. A session needs Next's request scope, so Auth.js's `auth()` answers
// the user this test signs in; the guard's membership and role checks after it are the real code.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock('@/lib/auth/config', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/auth/config')>()),
  auth: async () => (session.userId ? { user: { id: session.userId } } : null),
}));

withAppDatabase();
let world: World;

beforeAll(async () => {
  world = await createWorld();
});

async function call(method: 'GET' | 'PATCH', as: 'admin' | 'viewer', org: 'acme' | 'other', body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const route = await import('@/app/api/v1/settings/detection/route');
  session.userId = as === 'admin' ? (org === 'acme' ? world.users.admin : world.users.otherAdmin) : world.users.viewer;
  const req = new Request('http://localhost/api/v1/settings/detection', {
    method,
    headers: { 'x-organization': world[org].slug, 'x-forwarded-for': '198.51.100.40', 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const res = await route[method](req, { params: Promise.resolve({}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('an organisation without changes reads the defaults', async () => {
  const { status, json } = await call('GET', 'viewer', 'acme');
  expect(status).toBe(200);
  expect(json).toEqual({
    settings: { windowMinutes: 10, minAttempts: 20, minDeferralRate: 0.2, baselineFactor: 3, tuneAfterMinutes: 15, escalateAfterMinutes: 60, reopenWindowMinutes: 120, drainQuietMinutes: 15 },
    defaults: { windowMinutes: 10, minAttempts: 20, minDeferralRate: 0.2, baselineFactor: 3, tuneAfterMinutes: 15, escalateAfterMinutes: 60, reopenWindowMinutes: 120, drainQuietMinutes: 15 },
    updatedAt: null,
    updatedBy: null,
  });
});

test('bad thresholds are refused with the field named, and change nothing', async () => {
  const cases: Array<[unknown, number, string]> = [
    [{ escalateAfterMinutes: 10 }, 422, 'escalateAfterMinutes: must be more than tuneAfterMinutes (15).'],
    [{ windowMinutes: 0 }, 422, 'windowMinutes: Too small: expected number to be >=1'],
    [{ minDeferralRate: 20 }, 422, 'minDeferralRate: Too big: expected number to be <=1'],
    [{ tuneAfterMinutes: 7.5 }, 422, 'tuneAfterMinutes: Invalid input: expected int, received number'],
    [{ minAttempts: '20' }, 422, 'minAttempts: Invalid input: expected number, received string'],
    [{ windowMinute: 5 }, 422, 'body: Unrecognized key: "windowMinute"'],
    ['{"windowMinutes": ', 400, 'The body must be JSON.'],
  ];
  for (const [body, status, message] of cases) {
    const res = await call('PATCH', 'admin', 'acme', body);
    expect({ body, status: res.status, message: (res.json.error as { message: string }).message }).toEqual({ body, status, message });
  }
  expect((await call('GET', 'viewer', 'acme')).json.updatedAt).toBeNull();
});

test('a viewer may read but not change thresholds', async () => {
  expect((await call('PATCH', 'viewer', 'acme', { tuneAfterMinutes: 5 })).status).toBe(403);
});

test('an administrator changes some thresholds: the rest keep their values, the change is audited with before and after', async () => {
  const res = await call('PATCH', 'admin', 'acme', { tuneAfterMinutes: 5, escalateAfterMinutes: 10 });
  expect(res.status).toBe(200);
  expect(res.json.settings).toEqual({ windowMinutes: 10, minAttempts: 20, minDeferralRate: 0.2, baselineFactor: 3, tuneAfterMinutes: 5, escalateAfterMinutes: 10, reopenWindowMinutes: 120, drainQuietMinutes: 15 });
  expect(res.json.updatedBy).toBe('admin@acme.test');

  const { db } = await import('@/lib/db/client');
  const audit = await db().auditEntry.findMany({ where: { organizationId: world.acme.id, action: 'settings.detection-changed' }, select: { actorLabel: true, details: true, ip: true } });
  expect(audit).toEqual([
    { actorLabel: 'admin@acme.test', ip: '198.51.100.40', details: { tuneAfterMinutes: '15 → 5', escalateAfterMinutes: '60 → 10' } },
  ]);
  // The same values again are no change: no second audit entry.
  await call('PATCH', 'admin', 'acme', { tuneAfterMinutes: 5 });
  expect(await db().auditEntry.count({ where: { organizationId: world.acme.id, action: 'settings.detection-changed' } })).toBe(1);
  expect((await call('GET', 'admin', 'other')).json.settings).toMatchObject({ tuneAfterMinutes: 15, escalateAfterMinutes: 60 });
});

test('detection escalates by the organisation’s own thresholds', async () => {
  // The same 80-minute S77714 episode in both organisations; acme tunes after 5 and escalates after 10 minutes.
  await ingestEpisode(world.acme.id, episodeLines(6));
  await ingestEpisode(world.other.id, episodeLines(6));
  const { listIncidents } = await import('@/lib/incidents/queries/list-incidents');
  const escalations = async (orgId: string) => {
    const [incident, ...rest] = (await listIncidents(orgId, { limit: 10 })).incidents;
    expect(rest).toEqual([]);
    const start = Date.parse(incident!.startedAt);
    return incident!.timeline.filter((e) => e.kind === 'escalation_changed').map((e) => ({ ...e.data, afterMinutes: (Date.parse(e.at) - start) / 60_000 }));
  };
  expect(await escalations(world.acme.id)).toEqual([
    { from: 'monitor', to: 'tune', afterMinutes: 5 },
    { from: 'tune', to: 'escalate', afterMinutes: 10 },
  ]);
  expect(await escalations(world.other.id)).toEqual([
    { from: 'monitor', to: 'tune', afterMinutes: 15 },
    { from: 'tune', to: 'escalate', afterMinutes: 60 },
  ]);
});
