import { expect, test, type Page } from '@playwright/test';
import { signIn } from './support';

// The reference reply of DESIGN.md.
const S77714 =
  '451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]';

/** The value shown next to a term of the explanation's definition list. */
function field(page: Page, term: string) {
  return page.getByTestId('reply-fields').getByRole('term').getByText(term, { exact: true }).locator('xpath=following-sibling::dd[1]');
}

test('a pasted Microsoft S77714 reply is explained: throttling, token, region and correlation id', async ({ page }) => {
  await signIn(page);
  await page.goto('/replies');
  await expect(page.getByRole('heading', { level: 1, name: 'Reply lookup' })).toBeVisible();
  await page.getByLabel('SMTP reply').fill(S77714);
  await page.getByRole('button', { name: 'Explain' }).click();

  await expect(page.getByTestId('reply-category')).toHaveText('throttling');
  await expect(field(page, 'Provider token')).toHaveText('S77714');
  await expect(field(page, 'Region')).toHaveText('NAM');
  await expect(field(page, 'Correlation id')).toHaveText('08DBC41AE3EEAC91');
  await expect(field(page, 'Enhanced code')).toHaveText('4.7.500');
  await expect(field(page, 'Sending IP')).toHaveText('203.0.113.7');
  await expect(page.getByText('microsoft.server-busy')).toBeVisible();
  await expect(page.getByRole('link', { name: /learn\.microsoft\.com/ })).toBeVisible();
});

test('an example fills the form, and a reply no rule knows is said so honestly', async ({ page }) => {
  await signIn(page);
  await page.goto('/replies');
  await page.getByRole('button', { name: /Yahoo/ }).click();
  await expect(page.getByLabel('SMTP reply')).toHaveValue(/\[TSS04\]/);
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(field(page, 'Provider token')).toHaveText('TSS04');
  await expect(field(page, 'Provider')).toHaveText('yahoo');

  await page.getByLabel('SMTP reply').fill('250 2.0.0 Ok: queued as 4BQ9Xh0cZkz9t');
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(page.getByText('No knowledge-base rule matches this reply')).toBeVisible();
  await expect(page.getByTestId('reply-category')).toHaveText('unknown');
});
