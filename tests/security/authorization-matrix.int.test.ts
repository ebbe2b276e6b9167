import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, test, vi } from 'vitest';
import type { Action } from '@/lib/auth/permissions';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { createWorld, dmarcXml, episodeLines, ingestEpisode, principalNames, type PrincipalName, type World } from './fixtures';

// Every route file × every principal gets exactly the expected status. Route handlers are called directly with a
// Request. A session needs Next's request scope, which a plain test does not have, so Auth.js's `auth()` is replaced
// by one answering the user this test "signs in"; everything after it (re-reading the user and memberships from the
// database, role and organisation checks) is the real code. e2e/security.spec.ts checks real sessions on the server.

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock('@/lib/auth/config', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/auth/config')>()),
  auth: async () => (session.userId ? { user: { id: session.userId } } : null),
}));

const API_DIR = path.resolve(__dirname, '../../app/api');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface Recipe {
  /** The guard action of the handler, or `public` for routes open to everyone. */
  access: Action | 'public';
  /** The status of a permitted call. */
  ok: number;
  /** The request of the i-th call (unique per call where a repeat would answer differently, e.g. as a duplicate). */
  request: (i: number) => { path: string; method?: Method; body?: string; headers?: Record<string, string>; params?: Record<string, string> };
}

withAppDatabase();
let world: World;
let incidentId: string;

const json = (value: unknown) => JSON.stringify(value);
const eventLine = (i: number) =>
  json({ occurredAt: '2023-10-11T04:00:00Z', source: 'generic', queueId: `M${i}`, recipient: 'a@contoso.com', mxHost: 'contoso-com.mail.protection.outlook.com', sendingIp: '203.0.113.7', outcome: 'delivered', reply: '250 2.0.0 OK' });

/**
 * The expected behaviour of every route. A route file without an entry fails the first test: add one when adding a
 * route, so no route escapes the matrix.
 */
const routes: Record<string, Partial<Record<Method, Recipe>>> = {
  '/api/auth/[...nextauth]': {
    GET: { access: 'public', ok: 200, request: () => ({ path: '/api/auth/session', params: { nextauth: 'session' } }) },
    // Auth.js refuses a sign-in POST without its CSRF token (double-submit cookie) and redirects to the error page.
    POST: {
      access: 'public',
      ok: 302,
      request: () => ({ path: '/api/auth/callback/credentials', body: 'email=admin%40acme.test&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, params: { nextauth: 'callback' } }),
    },
  },
  '/api/health': { GET: { access: 'public', ok: 200, request: () => ({ path: '/api/health' }) } },
  '/api/v1/auth-status': { GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/auth-status?domain=acme.test' }) } },
  '/api/v1/dmarc-reports': { POST: { access: 'ingest', ok: 201, request: (i) => ({ path: '/api/v1/dmarc-reports?filename=r.xml', body: dmarcXml(`matrix-${i}`) }) } },
  '/api/v1/events': {
    GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/events?limit=5' }) },
    POST: { access: 'ingest', ok: 200, request: (i) => ({ path: '/api/v1/events?format=ndjson', body: eventLine(i) }) },
  },
  '/api/v1/events/export': { GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/events/export' }) } },
  '/api/v1/incidents': { GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/incidents' }) } },
  '/api/v1/incidents/[id]': { GET: { access: 'read', ok: 200, request: () => ({ path: `/api/v1/incidents/${incidentId}`, params: { id: incidentId } }) } },
  '/api/v1/incidents/[id]/actions': {
    POST: { access: 'annotate', ok: 200, request: (i) => ({ path: `/api/v1/incidents/${incidentId}/actions`, body: json({ action: 'assign', assignee: `oncall-${i}@acme.test` }), params: { id: incidentId } }) },
  },
  '/api/v1/incidents/[id]/notes': {
    POST: { access: 'annotate', ok: 201, request: (i) => ({ path: `/api/v1/incidents/${incidentId}/notes`, body: json({ text: `note ${i}` }), params: { id: incidentId } }) },
  },
  '/api/v1/incidents/[id]/package': { GET: { access: 'read', ok: 200, request: () => ({ path: `/api/v1/incidents/${incidentId}/package`, params: { id: incidentId } }) } },
  '/api/v1/incidents/[id]/package/preview': { GET: { access: 'read', ok: 200, request: () => ({ path: `/api/v1/incidents/${incidentId}/package/preview`, params: { id: incidentId } }) } },
  '/api/v1/metrics/deferrals': { GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/metrics/deferrals?groupBy=provider&from=2023-10-11T00:00:00Z&to=2023-10-11T06:00:00Z' }) } },
  '/api/v1/metrics/queue': { GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/metrics/queue?from=2023-10-11T00:00:00Z&to=2023-10-11T06:00:00Z' }) } },
  '/api/v1/queue-samples': {
    POST: { access: 'ingest', ok: 200, request: (i) => ({ path: '/api/v1/queue-samples', body: json({ source: 'mx1', samples: [{ t: new Date(Date.UTC(2023, 9, 11, 3, i)).toISOString(), provider: 'google', ip: '203.0.113.7', depth: 5, oldestAgeSeconds: 60 }] }) }) },
  },
  '/api/v1/replies/explain': { POST: { access: 'identify', ok: 200, request: () => ({ path: '/api/v1/replies/explain', body: json({ reply: '421 4.7.0 Try again later' }) }) } },
  '/api/v1/reputation': { GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/reputation?ip=203.0.113.7' }) } },
  '/api/v1/settings/detection': {
    GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/settings/detection' }) },
    PATCH: { access: 'admin', ok: 200, request: (i) => ({ path: '/api/v1/settings/detection', method: 'PATCH', body: json({ minAttempts: 20 + (i % 50) }) }) },
  },
  '/api/v1/stream': { GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/stream' }) } },
  '/api/v1/uploads': {
    GET: { access: 'read', ok: 200, request: () => ({ path: '/api/v1/uploads' }) },
    POST: { access: 'ingest', ok: 200, request: (i) => ({ path: `/api/v1/uploads?filename=mx-${i}.log&format=ndjson`, body: eventLine(1000 + i) }) },
  },
  '/api/v1/webhooks/[provider]': {
    POST: {
      access: 'ingest',
      ok: 200,
      request: (i) => ({
        path: '/api/v1/webhooks/sendgrid',
        body: json([{ email: 'a@contoso.com', timestamp: 1697000000 + i, event: 'deferred', response: '451 4.7.500 Server busy', sg_event_id: `sg-${i}`, 'smtp-id': `<m${i}@acme.test>` }]),
        params: { provider: 'sendgrid' },
      }),
    },
  },
  '/api/v1/whoami': { GET: { access: 'identify', ok: 200, request: () => ({ path: '/api/v1/whoami' }) } },
};

/** What each principal gets for a guarded action: 401 without a valid credential, 403 when it does not reach far enough. */
function expectedStatus(access: Recipe['access'], ok: number, who: PrincipalName): number {
  if (access === 'public') return ok;
  if (who === 'anonymous' || who === 'revokedToken') return 401;
  // Every request names acme; the other organisation's admin is no member of it.
  if (who === 'otherAdmin') return 403;
  const allowed: Record<Exclude<PrincipalName, 'anonymous' | 'revokedToken' | 'otherAdmin'>, Action[]> = {
    viewer: ['identify', 'read'],
    analyst: ['identify', 'read', 'ingest', 'annotate'],
    admin: ['identify', 'read', 'ingest', 'annotate', 'admin'],
    ingestToken: ['identify', 'ingest'],
    readToken: ['identify', 'read'],
  };
  return allowed[who].includes(access) ? ok : 403;
}

/** app/api/**\/route.ts as URL patterns: /api/v1/incidents/[id]. */
function routePatterns(): string[] {
  return (readdirSync(API_DIR, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => path.basename(f) === 'route.ts')
    .map((f) => `/api/${path.dirname(f).split(path.sep).join('/')}`.replace(/\/\.$/, ''))
    .sort();
}

async function loadHandlers(pattern: string): Promise<Partial<Record<Method, Handler>>> {
  const mod = (await import(/* @vite-ignore */ path.join(API_DIR, pattern.slice('/api/'.length), 'route.ts'))) as Record<string, unknown>;
  return Object.fromEntries(METHODS.filter((m) => typeof mod[m] === 'function').map((m) => [m, mod[m] as Handler]));
}

let serial = 0;

async function call(handler: Handler, recipe: Recipe, who: PrincipalName, ip: string): Promise<number> {
  serial += 1;
  const r = recipe.request(serial);
  const headers = new Headers({ 'x-organization': world.acme.slug, 'x-forwarded-for': ip, ...r.headers });
  session.userId = null;
  if (who === 'viewer' || who === 'analyst' || who === 'admin' || who === 'otherAdmin') session.userId = world.users[who];
  if (who === 'ingestToken' || who === 'readToken' || who === 'revokedToken') headers.set('authorization', `Bearer ${world.tokens[who]}`);
  const req = new Request(`http://localhost${r.path}`, { method: r.method ?? (r.body === undefined ? 'GET' : 'POST'), headers, body: r.body });
  const res = await handler(req, { params: Promise.resolve(r.params ?? {}) });
  // Streams (SSE, CSV) are not read to the end.
  await res.body?.cancel();
  return res.status;
}

beforeAll(async () => {
  // The escalation package looks up PTR records; a closed local port answers at once instead of waiting on the network.
  process.env.DNS_SERVERS = '127.0.0.1:9';
  world = await createWorld();
  await ingestEpisode(world.acme.id, episodeLines(6));
  const { db } = await import('@/lib/db/client');
  incidentId = (await db().incident.findFirstOrThrow({ where: { organizationId: world.acme.id }, select: { id: true } })).id;
});

test('every route file and every exported method has an entry in the matrix', async () => {
  const patterns = routePatterns();
  expect(patterns.length).toBeGreaterThanOrEqual(20);
  const missing: string[] = [];
  for (const pattern of patterns) {
    const handlers = await loadHandlers(pattern);
    for (const method of Object.keys(handlers) as Method[]) if (!routes[pattern]?.[method]) missing.push(`${method} ${pattern}`);
  }
  expect(missing, 'route handlers without an expectation in tests/security/authorization-matrix.int.test.ts').toEqual([]);
  const stale = Object.keys(routes).filter((p) => !patterns.includes(p));
  expect(stale, 'matrix entries without a route file').toEqual([]);
});

test('every route × principal gets exactly the expected status', async () => {
  const got: Record<string, Record<PrincipalName, number>> = {};
  const want: Record<string, Record<PrincipalName, number>> = {};
  let routeIndex = 0;
  for (const pattern of routePatterns()) {
    const handlers = await loadHandlers(pattern);
    for (const [method, handler] of Object.entries(handlers) as [Method, Handler][]) {
      const recipe = routes[pattern]?.[method];
      if (!recipe) continue;
      routeIndex += 1;
      const key = `${method} ${pattern}`;
      got[key] = {} as Record<PrincipalName, number>;
      want[key] = {} as Record<PrincipalName, number>;
      for (const who of principalNames) {
        // One client address per route, so failed-token budgets of different routes do not add up.
        got[key][who] = await call(handler, recipe, who, `198.51.100.${routeIndex}`);
        want[key][who] = expectedStatus(recipe.access, recipe.ok, who);
      }
    }
  }
  expect(got).toEqual(want);
});
