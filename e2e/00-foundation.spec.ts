import { expect, test, type Page } from '@playwright/test';

// One story, in order: the first run creates the administrator; then sign-in, errors, tokens, sign-out.
test.describe.configure({ mode: 'serial' });

const admin = { org: 'Acme Mail Ops', email: 'admin@acme.test', password: 'correct horse battery' };

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

async function signInOk(page: Page) {
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

test('the first visit offers to create the first administrator, once', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel('Organisation name').fill(admin.org);
  await expect(page.getByLabel('Short name')).toHaveValue('acme-mail-ops');
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByLabel(/confirm/i).fill(admin.password);
  await page.getByRole('button', { name: /create/i }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText(admin.email)).toBeVisible();

  const other = await page.context().browser()!.newContext();
  const anonymous = await other.newPage();
  await anonymous.goto('/setup');
  await expect(anonymous).toHaveURL(/\/login/);
  await other.close();
});

test('a wrong password and an unknown e-mail get the same clear message', async ({ page }) => {
  await signIn(page, admin.email, 'not the password');
  await expect(page.getByText('Wrong e-mail or password.')).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, 'nobody@acme.test', admin.password);
  await expect(page.getByText('Wrong e-mail or password.')).toBeVisible();
});

test('sign-in, navigation and sign-out', async ({ page }) => {
  await signInOk(page);
  for (const [label, heading] of [['Incidents', 'Incidents'], ['Uploads', 'Uploads'], ['Settings', 'Settings']] as const) {
    await page.getByRole('navigation').getByRole('link', { name: label }).click();
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
  }
  await page.getByRole('button', { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText(/signed out/i)).toBeVisible();
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings/);
});

test('an expired or forged session cookie sends the user back to sign in', async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: 'authjs.session-token', value: 'expired-or-forged', url: baseURL ?? '' }]);
  await page.goto('/incidents');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText(/session has expired/i)).toBeVisible();
});

test('an API token is shown once and then works against the API', async ({ page, request }) => {
  await signInOk(page);
  await page.goto('/settings');
  await page.getByLabel('Token name').fill('mx1 shipper');
  await page.getByRole('button', { name: /create token/i }).click();
  const shown = page.getByTestId('new-token');
  await expect(shown).toBeVisible();
  const token = (await shown.textContent())?.trim() ?? (await shown.inputValue());
  expect(token).toMatch(/^dd_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByText(/will not be shown again/i)).toBeVisible();
  await expect(page.getByRole('cell', { name: 'mx1 shipper' })).toBeVisible();

  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);

  const health = await request.get('/api/health');
  expect(await health.json()).toEqual({ status: 'ok', db: 'ok' });
  const me = await request.get('/api/v1/whoami', { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toEqual({ organization: 'acme-mail-ops', principal: { kind: 'token', scope: 'ingest' } });

  await page.getByRole('row', { name: /mx1 shipper/ }).getByRole('button', { name: /revoke/i }).click();
  await expect(page.getByRole('row', { name: /mx1 shipper/ }).getByText(/revoked/i)).toBeVisible();
  const revoked = await request.get('/api/v1/whoami', { headers: { authorization: `Bearer ${token}` } });
  expect(revoked.status()).toBe(401);
  expect((await revoked.json()).error.message).toMatch(/revoked/);
});
