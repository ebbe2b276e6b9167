import { beforeAll, expect, test } from 'vitest';
import { SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_IP, TOKEN_FAILURES_PER_IP } from '@/lib/security/limits';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { createWorld, type World } from './fixtures';

// Sign-in and token use under attack: the limits hold across calls (state in PostgreSQL), answer clearly, and do
// not lock out others. Sign-ins go through Auth.js's own HTTP handler, as a browser or a script would.

withAppDatabase();
let world: World;

beforeAll(async () => {
  world = await createWorld();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('the fixed window counts concurrent hits exactly, blocks at the limit, starts over after the window and resets', async () => {
  const { checkRateLimit, recordRateLimitHit, resetRateLimit } = await import('@/lib/security/rate-limit');
  const rule = { name: 'test', limit: 5, windowSeconds: 2 };
  const states = await Promise.all(Array.from({ length: 7 }, () => recordRateLimitHit(rule, 'Subject')));
  expect(states.map((s) => s.hits).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  const now = await checkRateLimit(rule, 'subject');
  expect(now).toMatchObject({ hits: 7, isBlocked: true });
  expect(now.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  expect(now.retryAfterSeconds).toBeLessThanOrEqual(2);
  expect(await checkRateLimit(rule, 'someone-else')).toEqual({ hits: 0, isBlocked: false, retryAfterSeconds: 0 });
  await sleep(2_100);
  expect((await checkRateLimit(rule, 'subject')).isBlocked).toBe(false);
  expect(await recordRateLimitHit(rule, 'subject')).toMatchObject({ hits: 1, isBlocked: false });
  await resetRateLimit(rule, 'subject');
  expect((await checkRateLimit(rule, 'subject')).hits).toBe(0);
});

async function callWhoami(token: string, ip: string) {
  const { GET } = await import('@/app/api/v1/whoami/route');
  const res = await GET(new Request('http://localhost/api/v1/whoami', { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': `10.9.9.9, ${ip}` } }), { params: Promise.resolve({}) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: { code: string; message: string } } };
}

test('failed token use is limited per client address with a clear 429; a valid token from another address still works', async () => {
  const ip = '192.0.2.50';
  for (let i = 0; i < TOKEN_FAILURES_PER_IP.limit; i += 1) expect((await callWhoami(`dd_${'B'.repeat(43)}`, ip)).status).toBe(401);
  const blocked = await callWhoami(world.tokens.readToken, ip);
  expect(blocked.status).toBe(429);
  expect(blocked.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^Too many failed token attempts from this address\. Try again in (10|9) minutes\.$/) });
  expect(Number(blocked.retryAfter)).toBeGreaterThan(500);
  // The rightmost X-Forwarded-For entry is the address: a client cannot escape by prepending its own.
  expect((await callWhoami(world.tokens.readToken, '192.0.2.51')).status).toBe(200);
});

/** Auth.js's credentials sign-in over HTTP: fetch a CSRF token, post the form, answer where it redirects and the cookies. */
async function signIn(email: string, password: string, ip: string, origin = 'http://localhost') {
  const { handlers } = await import('@/lib/auth/config');
  const csrfRes = await handlers.GET(new Request(`${origin}/api/auth/csrf`, { headers: { 'x-forwarded-for': ip } }) as never);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = csrfRes.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const body = new URLSearchParams({ email, password, csrfToken, callbackUrl: '/' });
  const res = await handlers.POST(
    new Request(`${origin}/api/auth/callback/credentials`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': ip } }) as never,
  );
  return { status: res.status, location: res.headers.get('location') ?? '', setCookies: res.headers.getSetCookie() };
}

test('sign-in: failures per account are limited, the right password is then refused too, and other accounts are unaffected', async () => {
  const ip = '192.0.2.60';
  for (let i = 1; i < SIGN_IN_PER_ACCOUNT.limit; i += 1) expect((await signIn('viewer@acme.test', `wrong ${i}`, ip)).location).toMatch(/code=wrong_credentials/);
  // The failure that uses up the budget already says so.
  expect((await signIn('VIEWER@acme.test', 'wrong again', ip)).location).toMatch(/error=CredentialsSignin&code=rate_limited/);
  const refused = await signIn('viewer@acme.test', 'correct horse battery', ip);
  expect(refused.location).toMatch(/code=rate_limited/);
  expect(refused.setCookies.some((c) => c.includes('session-token'))).toBe(false);
  const other = await signIn('analyst@acme.test', 'correct horse battery', ip);
  expect(other.status).toBe(302);
  expect(other.setCookies.some((c) => c.startsWith('authjs.session-token='))).toBe(true);
});

test('sign-in: failures per client address are limited across e-mails, unknown ones included', async () => {
  const ip = '192.0.2.70';
  for (let i = 1; i < SIGN_IN_PER_IP.limit; i += 1) expect((await signIn(`nobody${i}@acme.test`, 'guess', ip)).location).toMatch(/code=wrong_credentials/);
  expect((await signIn('nobody-last@acme.test', 'guess', ip)).location).toMatch(/code=rate_limited/);
  expect((await signIn('admin@acme.test', 'correct horse battery', ip)).location).toMatch(/code=rate_limited/);
  expect((await signIn('admin@acme.test', 'correct horse battery', '192.0.2.71')).setCookies.some((c) => c.includes('session-token'))).toBe(true);
}, 120_000);

test('behind HTTPS the session cookie is __Secure-, HttpOnly, Secure and SameSite=Lax', async () => {
  const res = await signIn('admin@other.test', 'correct horse battery', '192.0.2.80', 'https://desk.example');
  const session = res.setCookies.find((c) => c.startsWith('__Secure-authjs.session-token='));
  expect(session).toBeDefined();
  expect(session).toMatch(/; HttpOnly/i);
  expect(session).toMatch(/; Secure/i);
  expect(session).toMatch(/; SameSite=Lax/i);
});

test('sign-ins and failed sign-ins are audited in each organisation of the user, with the address', async () => {
  const { listAuditEntries } = await import('@/lib/audit/queries/list-audit-entries');
  const acme = await listAuditEntries(world.acme.id);
  const signIns = acme.filter((e) => e.action === 'sign-in');
  expect(signIns.map((e) => [e.actorLabel, e.ip])).toEqual([
    ['admin@acme.test', '192.0.2.71'],
    ['analyst@acme.test', '192.0.2.60'],
  ]);
  // Ten counted failures for the viewer; the attempt refused unchecked is not a failed password.
  expect(acme.filter((e) => e.action === 'sign-in.failed' && e.actorLabel === 'viewer@acme.test')).toHaveLength(SIGN_IN_PER_ACCOUNT.limit);
  expect(acme.some((e) => e.actorLabel.startsWith('nobody'))).toBe(false);
  const other = await listAuditEntries(world.other.id);
  expect(other.map((e) => `${e.action} ${e.actorLabel}`)).toEqual(['sign-in admin@other.test']);
});
