import { expect, test, type Page } from '@playwright/test';
import { formatCount, formatPercent } from '../components/metrics/format';
import { signIn } from './support';

/** A sending IP no other spec uses, so its breakdown row holds only this spec's events. */
const IP = '198.51.100.23';
const TENANTS = ['contoso.com', 'fabrikam.com'];
const MINUTE_MS = 60_000;
/** The live update must reach the open page within this (SSE + debounce + server render). */
const LIVE_WAIT_MS = 10_000;

const s77714 = (at: Date) =>
  `451 4.7.500 Server busy. Please try again later from [${IP}]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com ${at.toISOString()} 08DBC41AE3EEAC91]`;

/** `count` Microsoft 365 attempts from IP in the last few minutes, the first `deferred` of them deferred with S77714. */
function batch(tag: string, count: number, deferred: number): string {
  const now = Date.now();
  return Array.from({ length: count }, (_, n) => {
    const at = new Date(now - MINUTE_MS - n * 3_000);
    const domain = TENANTS[n % TENANTS.length]!;
    const isDeferred = n < deferred;
    return JSON.stringify({
      occurredAt: at.toISOString(),
      source: 'generic',
      sourceHost: 'e2e-dashboard',
      queueId: `DASH${tag}${now}Q${n}`,
      recipient: `user${n}@${domain}`,
      mxHost: `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`,
      sendingIp: IP,
      outcome: isDeferred ? 'deferred' : 'delivered',
      reply: isDeferred ? s77714(at) : '250 2.6.0 Queued mail for delivery',
    });
  }).join('\n');
}

async function ingest(page: Page, ndjson: string, expected: number) {
  const answer = await page.request.post('/api/v1/events?format=ndjson', { data: ndjson, headers: { 'content-type': 'application/x-ndjson' } });
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toMatchObject({ accepted: expected, rejected: 0 });
}

const count = (text: string | null) => Number((text ?? '').replace(/[^0-9]/g, '') || '0');

test('the overview card, the provider page and its IP breakdown show ingested events, and the open page updates live', async ({ page }) => {
  await signIn(page);

  // What the Microsoft 365 card counted before (zero on a fresh database), so the check holds whatever ran before.
  await page.goto('/');
  const card = page.locator('[data-testid="provider-card"][data-provider="microsoft-365"]');
  const hadCard = (await card.count()) > 0;
  const before = { attempts: hadCard ? count(await card.getByTestId('card-attempts').textContent()) : 0, deferred: hadCard ? count(await card.getByTestId('card-deferred').textContent()) : 0 };

  await ingest(page, batch('a', 40, 30), 40);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await expect(card.getByRole('link', { name: 'Microsoft 365' })).toBeVisible();
  await expect(card.getByTestId('card-attempts')).toHaveText(formatCount(before.attempts + 40));
  await expect(card.getByTestId('card-rate')).toHaveText(formatPercent((before.deferred + 30) / (before.attempts + 40)));
  await expect(page.getByRole('group', { name: /Deferral rate by provider group/ })).toBeVisible();

  await card.getByRole('link', { name: 'Microsoft 365' }).click();
  await expect(page).toHaveURL(/\/providers\/microsoft-365/);
  await expect(page.getByRole('heading', { level: 1, name: 'Microsoft 365' })).toBeVisible();
  const ipRow = page.locator(`[data-testid="breakdown-row-ip"][data-key="${IP}"]`);
  await expect(ipRow.getByTestId('row-attempts')).toHaveText('40');
  await expect(ipRow).toContainText('75.0%');
  await expect(page.getByTestId('top-signatures')).toContainText('microsoft.server-busy');

  // Sorting is a URL: sort the IP table by rate and the choice survives a reload.
  await page.getByRole('link', { name: /^Rate/ }).first().click();
  await expect(page).toHaveURL(/ipSort=deferralRate/);
  await page.reload();
  await expect(page.getByRole('columnheader', { name: /Rate/ }).first()).toHaveAttribute('aria-sort', 'descending');

  // Live: the page stays open (no navigation, no reload) while more events arrive through the API.
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'live');
  const stat = page.getByTestId('stat-attempts');
  const shown = count(await stat.textContent());
  await page.evaluate(() => Object.assign(window, { __stillTheSamePage: true }));
  await ingest(page, batch('b', 20, 0), 20);
  await expect(stat).toHaveText(formatCount(shown + 20), { timeout: LIVE_WAIT_MS });
  expect(await page.evaluate(() => (window as unknown as { __stillTheSamePage?: boolean }).__stillTheSamePage)).toBe(true);
});

test('the event explorer filters by IP, shows the full reply and exports the filtered set as CSV', async ({ page }) => {
  await signIn(page);
  await page.goto(`/events?range=1h&ip=${IP}&outcome=deferred`);
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
  await expect(page.getByLabel('Sending IP')).toHaveValue(IP);
  const rows = page.getByTestId('event-row');
  await expect(rows.first()).toContainText('deferred');
  await expect(rows.first().getByTestId('event-reply')).toContainText(`Please try again later from [${IP}]. (S77714)`);

  const csv = await page.request.get(`/api/v1/events/export?ip=${IP}&outcome=deferred`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  const lines = (await csv.text()).trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^id,occurredAt,/);
  expect(lines).toHaveLength(1 + 30);
  expect(lines.slice(1).every((l) => l.includes('S77714') && l.includes(IP))).toBe(true);
});
