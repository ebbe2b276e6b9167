import { expect, type Page } from '@playwright/test';

/** The first administrator, created by 00-foundation.spec.ts, which runs before every other spec. */
export const admin = { email: 'admin@acme.test', password: 'correct horse battery' };

/** Signs in as the first administrator and waits until the dashboard has taken over from the login page. */
export async function signIn(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** The reference reply of DESIGN.md, with the attempt's own IP, Microsoft front end and time. */
export const s77714Reply = (ip: string, region: 'NAM' | 'EUR', at: Date): string =>
  `451 4.7.500 Server busy. Please try again later from [${ip}]. (S77714) [${region === 'NAM' ? 'MW2NAM12FT080.eop-nam12' : 'AM6EUR05FT012.eop-eur05'}.prod.protection.outlook.com ${at.toISOString()} 08DBC41AE3EEAC91]`;
