import { expect, test } from '@playwright/test';
import { admin, signIn, s77714Reply } from './support';

const MINUTE_MS = 60_000;
/** How long the spec waits for detection (it runs 2 s after the last of a burst of batches, 10 s at most after the first, and every 60 s). */
const DETECTION_WAIT_MS = 30_000;

const IPS = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];
const TENANTS = ['contoso.com', 'fabrikam.com', 'northwind.com', 'adatum.com'];

/**
 * The 11 October 2023 pattern in the last 90 minutes, generated now: two of three sending IPs deferred
 * by Microsoft 365 with S77714 for the last 80 minutes (still going on), the third IP and Gmail fine.
 */
function s77714Episode(now: number): string {
  const start = Math.floor(now / MINUTE_MS) * MINUTE_MS - 90 * MINUTE_MS;
  const lines: string[] = [];
  let serial = 0;
  for (let m = 0; m < 90; m += 1) {
    for (const ip of IPS) {
      const isFailing = ip !== IPS[2] && m >= 10;
      for (let n = 0; n < 9; n += 1) {
        serial += 1;
        const at = new Date(start + m * MINUTE_MS + n * 5_000);
        const toGmail = n >= 6;
        const domain = toGmail ? 'gmail.com' : TENANTS[serial % TENANTS.length]!;
        const deferred = isFailing && !toGmail;
        lines.push(
          JSON.stringify({
            occurredAt: at.toISOString(),
            source: 'generic',
            sourceHost: 'e2e-mx1',
            queueId: `E2E${now}Q${serial}`,
            recipient: `user${serial}@${domain}`,
            mxHost: toGmail ? 'gmail-smtp-in.l.google.com' : `${domain.replace(/\./g, '-')}.mail.protection.outlook.com`,
            sendingIp: ip,
            outcome: deferred ? 'deferred' : 'delivered',
            reply: deferred ? s77714Reply(ip, m % 2 === 0 ? 'NAM' : 'EUR', at) : '250 2.0.0 OK',
          }),
        );
      }
    }
  }
  return lines.join('\n');
}

test('an S77714 episode becomes a receiver-side, escalated Microsoft incident; a note with a provider reference lands on its timeline', async ({ page }) => {
  await signIn(page);
  const answer = await page.request.post('/api/v1/events?format=ndjson', { data: s77714Episode(Date.now()), headers: { 'content-type': 'application/x-ndjson' } });
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toMatchObject({ format: 'ndjson', accepted: 90 * 3 * 9, rejected: 0 });

  await page.goto('/incidents');
  await expect(page.getByRole('heading', { level: 1, name: 'Incidents' })).toBeVisible();
  const row = page.getByTestId('incident-row').filter({ hasText: 'microsoft.server-busy' });
  await expect(async () => {
    await page.reload();
    await expect(row.first()).toBeVisible({ timeout: 500 });
  }).toPass({ intervals: [2_000], timeout: DETECTION_WAIT_MS });
  await expect(row.first()).toContainText('Receiver-side');
  await expect(row.first()).toContainText('Escalate');

  await page.getByRole('link', { name: /Microsoft 365/ }).first().click();
  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  const headline = page.getByTestId('incident-headline');
  await expect(headline.getByTestId('incident-provider')).toHaveText(/Microsoft/);
  await expect(headline.getByTestId('incident-scope')).toHaveText('Receiver-side');
  await expect(headline.getByText('Escalate', { exact: true })).toBeVisible();
  await expect(headline.getByTestId('incident-evidence')).toContainText('S77714');
  // authentication.spec.ts left acme.test healthy: the verdict and the identity panel say so.
  await expect(headline.getByTestId('incident-evidence')).toContainText('Our sending identity is healthy: SPF of acme.test');
  await expect(page.getByTestId('identity-acme.test')).toContainText('healthy');
  await expect(page.getByTestId('incident-transcripts')).toContainText('08DBC41AE3EEAC91');

  const note = page.getByRole('form', { name: 'Add a note' });
  await note.getByLabel('Note').fill('Microsoft allow-listed the reported IPs');
  await note.getByLabel(/Provider reference/).fill('EX669123');
  await note.getByRole('button', { name: 'Add note' }).click();
  await expect(note.getByText('Note added.')).toBeVisible();

  const entry = page.getByTestId('timeline-entry').filter({ hasText: 'Microsoft allow-listed the reported IPs' });
  await expect(entry).toHaveCount(1);
  await expect(entry).toHaveAttribute('data-kind', 'note');
  await expect(entry).toContainText(admin.email);
  await expect(entry).toContainText('EX669123');

  await page.reload();
  await expect(page.getByTestId('timeline-entry').filter({ hasText: 'Microsoft allow-listed the reported IPs' })).toContainText(admin.email);
});
