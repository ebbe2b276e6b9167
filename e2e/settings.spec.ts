import { expect, test } from '@playwright/test';
import { admin, signIn } from './support';

test('an administrator changes the escalation thresholds: a bad value is refused at its field, a good one is kept and audited', async ({ page }) => {
  await signIn(page);
  await page.goto('/settings');
  await page.getByRole('link', { name: 'Detection thresholds' }).click();
  await expect(page.getByRole('heading', { name: 'Detection thresholds' })).toBeVisible();
  await expect(page.getByText('The defaults apply.')).toBeVisible();

  const tune = page.getByLabel('Tune retries after');
  const escalate = page.getByLabel('Escalate after');
  await expect(tune).toHaveValue('15');
  await expect(escalate).toHaveValue('60');
  await expect(page.getByLabel('Minimum deferral rate')).toHaveValue('20');

  await escalate.fill('10');
  await page.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(page.getByText('Must be more than “Tune retries after” (15 min).')).toBeVisible();
  await expect(escalate).toHaveAttribute('aria-invalid', 'true');
  await expect(escalate).toHaveValue('10');

  await page.getByLabel('Rate window').fill('0');
  await page.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(page.getByText('Enter a whole number from 1 to 120.')).toBeVisible();

  await page.getByLabel('Rate window').fill('10');
  await tune.fill('20');
  await escalate.fill('45');
  await page.getByLabel('Minimum deferral rate').fill('12.5');
  await page.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Thresholds saved.' })).toBeVisible();

  await page.reload();
  await expect(tune).toHaveValue('20');
  await expect(escalate).toHaveValue('45');
  await expect(page.getByLabel('Minimum deferral rate')).toHaveValue('12.5');
  await expect(page.getByTestId('thresholds-changed')).toContainText(`by ${admin.email}`);

  const api = await (await page.request.get('/api/v1/settings/detection')).json();
  expect(api.settings).toMatchObject({ tuneAfterMinutes: 20, escalateAfterMinutes: 45, minDeferralRate: 0.125, windowMinutes: 10 });

  await page.goto('/settings/audit');
  await expect(page.getByText('escalateAfterMinutes: 60 → 45')).toBeVisible();

  await page.goto('/settings/detection');
  await page.getByRole('button', { name: 'Restore defaults' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Defaults restored.' })).toBeVisible();
  await page.reload();
  await expect(tune).toHaveValue('15');
  await expect(escalate).toHaveValue('60');
});
