import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';

// Security against the real server, after 00-foundation.spec.ts created the administrator. The role × route matrix runs
// in tests/security/authorization-matrix.int.test.ts (this process cannot reach the server's database to create more
// users); here: anonymous and a real admin session on every route, headers and CSP, cookies, hostile content,
// sign-in limits, the server-action origin check and the audit log.
test.describe.configure({ mode: 'serial' });

const admin = { email: 'admin@acme.test', password: 'correct horse battery' };

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

/** Every app/api route file's methods, with the dynamic segments filled in (an unknown incident id answers 404). */
function apiRoutes(): { method: string; url: string }[] {
  const dir = fileURLToPath(new URL('../app/api', import.meta.url));
  const files = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => path.basename(f) === 'route.ts');
  return files.flatMap((f) => {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const methods = [...text.matchAll(/export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
    const url = `/api/${path.dirname(f).split(path.sep).join('/')}`
      .replace('[id]', '00000000-0000-4000-8000-000000000000')
      .replace('[provider]', 'sendgrid')
      .replace('[...nextauth]', 'session');
    return methods.map((method) => ({ method, url }));
  });
}

const isPublic = (url: string) => url === '/api/health' || url.startsWith('/api/auth/');

test('anonymous callers get 401 from every API route but the public ones', async ({ request }) => {
  const routes = apiRoutes();
  expect(routes.length).toBeGreaterThanOrEqual(20);
  const got: Record<string, number> = {};
  const want: Record<string, number> = {};
  for (const { method, url } of routes.filter((r) => !isPublic(r.url))) {
    const res = await request.fetch(url, { method, data: method === 'GET' ? undefined : '{}', maxRedirects: 0 });
    got[`${method} ${url}`] = res.status();
    want[`${method} ${url}`] = 401;
    if (res.status() === 401) expect((await res.json()).error.code).toBe('unauthorized');
  }
  expect(got).toEqual(want);
  expect((await request.get('/api/health')).status()).toBe(200);
});

test('an admin session reaches every API route (never 401 or 403)', async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const refused: string[] = [];
  for (const { method, url } of apiRoutes().filter((r) => !isPublic(r.url))) {
    // The SSE stream never ends: ask for it with a short timeout and only look at the status.
    if (url === '/api/v1/stream') continue;
    const res = await page.request.fetch(url, { method, data: method === 'GET' ? undefined : '{}', maxRedirects: 0 });
    if (res.status() === 401 || res.status() === 403) refused.push(`${method} ${url}: ${res.status()}`);
  }
  expect(refused).toEqual([]);
  const me = await (await page.request.get('/api/v1/whoami')).json();
  expect(me.principal).toMatchObject({ kind: 'user', role: 'admin' });
});

test('the session cookie is HttpOnly and SameSite=Lax; pages and the API send CSP and the other security headers', async ({ page, context, request }) => {
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const session = (await context.cookies()).find((c) => c.name === 'authjs.session-token');
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  for (const url of ['/login', '/api/health']) {
    const res = await request.get(url);
    const headers = res.headers();
    expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    // Exactly one policy, and no inline script allowed by it: pages by a nonce, the API not at all.
    expect(res.headersArray().filter((h) => h.name.toLowerCase() === 'content-security-policy')).toHaveLength(1);
    expect(headers['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/);
  }
  const policies = await Promise.all([1, 2].map(async () => (await request.get('/login')).headers()['content-security-policy'] ?? ''));
  const nonces = policies.map((p) => /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/.exec(p)?.[1]);
  expect(nonces[0]).toBeTruthy();
  expect(nonces[0]).not.toBe(nonces[1]);
  expect((await request.get('/api/health')).headers()['content-security-policy']).toMatch(/script-src 'self';/);
  // The page's own scripts carry the nonce of its policy.
  const login = await request.get('/login');
  const nonce = /'nonce-([^']+)'/.exec(login.headers()['content-security-policy'] ?? '')?.[1] ?? '';
  const html = await login.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);
});

test('pages work under the CSP: no violation while they load and hydrate', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) violations.push(m.text());
  });
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  for (const url of ['/', '/incidents', '/events', '/uploads', '/providers', '/authentication', '/replies', '/settings', '/settings/audit', '/settings/detection', '/no-such-page']) {
    await page.goto(url);
    await page.waitForLoadState('networkidle');
  }
  // A client component still works: the organisation/token form is interactive.
  await page.goto('/settings');
  await page.getByLabel('Token name').fill('csp check');
  await expect(page.getByLabel('Token name')).toHaveValue('csp check');
  expect(violations).toEqual([]);
});

test('markup in a reply text and in a file name is shown as text, never run', async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.goto('/settings');
  await page.getByLabel('Token name').fill('hostile shipper');
  await page.getByRole('button', { name: /create token/i }).click();
  const token = (await page.getByTestId('new-token').textContent())?.trim() ?? '';
  expect(token).toMatch(/^dd_/);

  const filename = '<img src=x onerror="window.__xss=1">.log';
  const reply = '451 4.7.500 <script>window.__xss=1</script><img src=x onerror="window.__xss=1"> try later';
  const line = JSON.stringify({ occurredAt: new Date().toISOString(), source: 'generic', queueId: 'XSS1', recipient: 'a@contoso.com', outcome: 'deferred', reply, sendingIp: '203.0.113.7' });
  const res = await page.request.post(`/api/v1/uploads?filename=${encodeURIComponent(filename)}&format=ndjson`, { headers: { authorization: `Bearer ${token}` }, data: line });
  expect(res.status()).toBe(200);

  for (const [url, text] of [
    ['/uploads', filename],
    ['/events', '<script>window.__xss=1</script>'],
  ] as const) {
    await page.goto(url);
    await expect(page.getByText(text, { exact: false }).filter({ visible: true }).first()).toBeVisible();
    // Shown as text: no element was made from the markup, and its script never ran.
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  }
});

test('a server action posted from another origin is refused before the action is looked up', async ({ page, request, baseURL }) => {
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const post = (origin: string) =>
    request.post('/settings', {
      headers: { cookie, origin, 'next-action': '0'.repeat(42), 'content-type': 'text/plain;charset=UTF-8' },
      data: '[]',
      maxRedirects: 0,
    });
  // Next.js compares Origin with Host for every server action ("Invalid Server Actions request.", 500); from this
  // origin the same request gets past that check and fails later, as an action id that does not exist.
  expect((await post('https://evil.example')).status()).toBe(500);
  expect((await post(new URL(baseURL ?? '').origin)).status()).not.toBe(500);
});

test('repeated wrong passwords get a clear "try again in N minutes" answer', async ({ page }) => {
  for (let i = 0; i < 9; i += 1) {
    await signIn(page, 'locked@acme.test', `guess ${i}`);
    await expect(page.getByText('Wrong e-mail or password.')).toBeVisible();
  }
  await signIn(page, 'locked@acme.test', 'guess 9');
  await expect(page.getByText('Too many sign-in attempts. Try again in 15 minutes.')).toBeVisible();
});

test('the audit log shows sign-ins and token changes to admins', async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.goto('/settings/audit');
  const log = page.getByTestId('audit-log');
  await expect(log.getByRole('row').filter({ hasText: 'sign-in' }).first()).toBeVisible();
  await expect(log.getByRole('row').filter({ hasText: 'token.created' }).filter({ hasText: 'hostile shipper' })).toHaveCount(1);
});
