import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { signIn, s77714Reply } from './support';

const MINUTE_MS = 60_000;
/** How long the spec waits for detection (it runs 2 s after the last of a burst of batches, 10 s at most after the first, and every 60 s). */
const DETECTION_WAIT_MS = 30_000;

const IPS = ['203.0.113.7', '203.0.113.8', '203.0.113.9'];
const TENANTS = ['contoso.com', 'fabrikam.com', 'northwind.com', 'adatum.com'];

/** An S77714 episode of about 90 minutes ending now: two of three IPs deferred by Microsoft 365, Gmail fine. */
function episode(now: number): string {
  const start = Math.floor(now / MINUTE_MS) * MINUTE_MS - 90 * MINUTE_MS;
  const lines: string[] = [];
  for (let m = 0; m < 90; m += 1) {
    for (const ip of IPS) {
      for (let n = 0; n < 8; n += 1) {
        const at = new Date(start + m * MINUTE_MS + n * 5_000);
        const toGmail = n >= 6;
        const domain = toGmail ? 'gmail.com' : TENANTS[n % TENANTS.length]!;
        const deferred = ip !== IPS[2] && m >= 5 && !toGmail;
        lines.push(
          JSON.stringify({
            occurredAt: at.toISOString(),
            source: 'generic',
            sourceHost: 'e2e-pkg',
            queueId: `PKG${now}-${ip}-${n}-${Math.floor(m / 5)}`,
            sender: 'news@example.org',
            recipient: `person${n}@${domain}`,
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

test('the escalation package of an S77714 incident is previewed on its page, downloads as a zip and opens', async ({ page }) => {
  await signIn(page);
  const answer = await page.request.post('/api/v1/events?format=ndjson', { data: episode(Date.now()), headers: { 'content-type': 'application/x-ndjson' } });
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toMatchObject({ format: 'ndjson', accepted: 90 * 3 * 8, rejected: 0 });

  await page.goto('/incidents');
  const row = page.getByTestId('incident-row').filter({ hasText: 'microsoft.server-busy' });
  await expect(async () => {
    await page.reload();
    await expect(row.first()).toBeVisible({ timeout: 500 });
  }).toPass({ intervals: [2_000], timeout: DETECTION_WAIT_MS });
  await page.getByRole('link', { name: /Microsoft 365/ }).first().click();
  await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
  const incidentId = page.url().split('/').at(-1)!;

  const preview = page.getByTestId('package-preview');
  await expect(preview).toBeVisible({ timeout: 20_000 });
  const support = page.getByTestId('package-file').filter({ hasText: 'support-form.txt' });
  await support.locator('summary').click();
  await expect(support).toContainText('Sending IP addresses:');
  await expect(support).toContainText('203.0.113.7');
  await expect(page.getByTestId('package-file').filter({ hasText: 'summary.pdf' })).toContainText(/\d B|KB|MB/);

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download escalation package' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe(`escalation-acme-mail-ops-${incidentId}.zip`);
  const files = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { incidentId: string; productVersion: string; files: Array<{ name: string; sha256: string }> };
  expect(manifest.incidentId).toBe(incidentId);
  expect(manifest.productVersion).toMatch(/^\d+\.\d+\.\d+/);
  expect(manifest.files.map((f) => f.name)).toEqual(expect.arrayContaining(['summary.md', 'summary.pdf', 'transcripts.csv', 'support-form.txt', 'charts/deferral-rate.svg']));
  expect(Object.keys(files).sort()).toEqual([...manifest.files.map((f) => f.name), 'manifest.json'].sort());
  expect(strFromU8(files['summary.pdf']!.subarray(0, 5))).toBe('%PDF-');
  expect(strFromU8(files['transcripts.csv']!)).toContain('S77714');
  expect(strFromU8(files['transcripts.csv']!)).toMatch(/[a-z]\*\*\*@(contoso|fabrikam|northwind|adatum)\.com/);

  // A signed-in admin may ask for the full recipients; the API answers the zip.
  const full = await page.request.get(`/api/v1/incidents/${incidentId}/package?showRecipients=1`);
  expect(full.status()).toBe(200);
  expect(full.headers()['content-type']).toBe('application/zip');
  expect(strFromU8(unzipSync(new Uint8Array(await full.body()))['transcripts.csv']!)).toMatch(/(user|person)\d+@(contoso|fabrikam|northwind|adatum)\.com/);
});
