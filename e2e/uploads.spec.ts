import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test, type Page, type Response } from '@playwright/test';
import { corpusPath } from '../lib/test-support/corpus';
import { signIn } from './support';

const MAILU = 'postfix/github-issues/Mailu-Mailu-3013.log';
const RETRY = 'postfix/lightmeter/6_deferred_message_retry.log';
// Postfix lines quoted without their syslog date: detected as Postfix, every status line rejected.
const QUOTED = 'postfix/jonjensen-check_postfix_blocked-comment-lines.log';

interface Answer {
  format: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line: number; reason: string }>;
}

/** The next upload answer for one file name (each file here is small enough for one chunk). */
function answerFor(page: Page, filename: string): Promise<Response> {
  return page.waitForResponse((r) => {
    const url = new URL(r.url());
    return r.request().method() === 'POST' && url.pathname === '/api/v1/uploads' && url.searchParams.get('filename') === filename;
  });
}

/** The page's result numbers for one file equal the server's answer. */
async function expectShown(page: Page, index: number, answer: Answer) {
  const item = page.getByTestId('upload-item').nth(index);
  await expect(item.getByTestId('upload-status')).toHaveText('Done');
  await expect(item.getByTestId('accepted')).toHaveText(answer.accepted.toLocaleString('en-US'));
  await expect(item.getByTestId('duplicates')).toHaveText(answer.duplicates.toLocaleString('en-US'));
  await expect(item.getByTestId('rejected')).toHaveText(answer.rejected.toLocaleString('en-US'));
  await expect(item.getByTestId('upload-format')).toHaveText(answer.format);
}

test('two files at once, one of them gzip; the same file again counts only duplicates; undetectable data is refused', async ({ page }, testInfo) => {
  const gzPath = testInfo.outputPath('retry.log.gz');
  writeFileSync(gzPath, gzipSync(readFileSync(corpusPath(RETRY))));
  // The PNG signature and the start of an IHDR chunk: binary, no log format.
  const pngPath = testInfo.outputPath('logo.png');
  writeFileSync(pngPath, Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));

  await signIn(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Uploads' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Uploads' })).toBeVisible();
  const input = page.getByLabel('Choose files');

  const [mailuResponse, gzResponse] = [answerFor(page, 'Mailu-Mailu-3013.log'), answerFor(page, 'retry.log.gz')];
  await input.setInputFiles([corpusPath(MAILU), gzPath]);
  const mailu = (await (await mailuResponse).json()) as Answer;
  const retry = (await (await gzResponse).json()) as Answer;
  expect(mailu.format).toBe('postfix');
  expect(retry.format).toBe('postfix');
  expect(mailu.accepted).toBeGreaterThan(0);
  expect(retry.accepted).toBeGreaterThan(0);
  await expectShown(page, 0, mailu);
  await expectShown(page, 1, retry);
  await expect(page.getByTestId('upload-item').nth(1).getByText('retry.log.gz', { exact: true })).toBeVisible();

  // Past uploads refreshes once the files are done.
  const past = page.getByRole('table', { name: 'Past uploads' });
  await expect(past.getByRole('row', { name: /retry\.log\.gz/ })).toBeVisible();
  await expect(past.getByRole('row', { name: /Mailu-Mailu-3013\.log/ })).toHaveCount(1);

  const againResponse = answerFor(page, 'Mailu-Mailu-3013.log');
  await input.setInputFiles(corpusPath(MAILU));
  const again = (await (await againResponse).json()) as Answer;
  expect(again.accepted).toBe(0);
  expect(again.duplicates).toBe(mailu.accepted + mailu.duplicates);
  await expectShown(page, 2, again);
  await expect(past.getByRole('row', { name: /Mailu-Mailu-3013\.log/ })).toHaveCount(2);

  const pngResponse = answerFor(page, 'logo.png');
  await input.setInputFiles(pngPath);
  const refused = await pngResponse;
  expect(refused.status()).toBe(422);
  const message = ((await refused.json()) as { error: { message: string } }).error.message;
  expect(message).toMatch(/^Could not detect the format/);
  const failed = page.getByTestId('upload-item').nth(3);
  await expect(failed.getByTestId('upload-status')).toHaveText('Failed');
  await expect(failed.getByTestId('upload-error')).toHaveText(message);
  await expect(failed.getByRole('button', { name: 'Retry' })).toHaveCount(0);
});

test('rejected lines are listed with their line numbers and download as CSV', async ({ page }) => {
  await signIn(page);
  await page.goto('/uploads');
  const filename = path.basename(QUOTED);
  const response = answerFor(page, filename);
  await page.getByLabel('Choose files').setInputFiles(corpusPath(QUOTED));
  const answer = (await (await response).json()) as Answer;
  expect(answer.rejected).toBeGreaterThan(0);
  await expectShown(page, 0, answer);

  const item = page.getByTestId('upload-item').first();
  const rows = item.getByRole('list', { name: 'Rejected lines' }).getByRole('listitem');
  const shown = answer.errors.slice(0, 5);
  await expect(rows).toHaveCount(shown.length);
  for (const [i, e] of shown.entries()) {
    await expect(rows.nth(i)).toContainText(`line ${e.line}`);
    await expect(rows.nth(i)).toContainText(e.reason);
  }

  const downloading = page.waitForEvent('download');
  await item.getByRole('button', { name: 'Download rejected lines (CSV)' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('jonjensen-check_postfix_blocked-comment-lines-rejected.csv');
  const csv = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
  expect(csv[0]).toBe('line,reason');
  expect(csv.slice(1).map((row) => Number(row.split(',')[0]))).toEqual(answer.errors.map((e) => e.line));
});

test('a large file goes up in parts; after a network failure, Retry resumes with the failed part', async ({ page }, testInfo) => {
  // About 9 MB: three parts of at most 4 MiB. The repeated lines are duplicates of each other.
  const bigPath = testInfo.outputPath('retry-x750.log');
  writeFileSync(bigPath, readFileSync(corpusPath(RETRY), 'utf8').repeat(750));
  await signIn(page);
  await page.goto('/uploads');

  const sent: Array<{ offset: number; status: number }> = [];
  const answers: Answer[] = [];
  page.on('response', async (r) => {
    const url = new URL(r.url());
    if (r.request().method() !== 'POST' || url.pathname !== '/api/v1/uploads') return;
    sent.push({ offset: Number(url.searchParams.get('offset')), status: r.status() });
    if (r.ok()) answers.push((await r.json()) as Answer);
  });
  let abortedOffset: number | null = null;
  await page.route('**/api/v1/uploads?*', async (route) => {
    const offset = Number(new URL(route.request().url()).searchParams.get('offset'));
    if (offset > 0 && abortedOffset === null) {
      abortedOffset = offset;
      await route.abort('connectionreset');
      return;
    }
    await route.continue();
  });

  await page.getByLabel('Choose files').setInputFiles(bigPath);
  const item = page.getByTestId('upload-item').first();
  await expect(item.getByTestId('upload-status')).toHaveText('Failed');
  await expect(item.getByTestId('upload-error')).toContainText('connection to the server failed');
  await expect(item.getByTestId('accepted')).toBeVisible();
  await item.getByRole('button', { name: 'Retry' }).click();
  await expect(item.getByTestId('upload-status')).toHaveText('Done');

  // The listener above reads each answer's body after the page has: the last one may still be on its way.
  await expect.poll(() => answers.length).toBe(3);
  const offsets = sent.map((s) => s.offset);
  // The aborted part never got an answer; Retry sent it again, and not the first part.
  expect(offsets).toHaveLength(3);
  expect(offsets[0]).toBe(0);
  expect(offsets[1]).toBe(abortedOffset);
  expect(offsets[2]).toBeGreaterThan(offsets[1] ?? 0);
  const total = (key: 'accepted' | 'duplicates' | 'rejected') => answers.reduce((n, a) => n + a[key], 0);
  await expect(item.getByTestId('accepted')).toHaveText(total('accepted').toLocaleString('en-US'));
  await expect(item.getByTestId('duplicates')).toHaveText(total('duplicates').toLocaleString('en-US'));
  await expect(item.getByTestId('rejected')).toHaveText(total('rejected').toLocaleString('en-US'));
  await expect(item.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
});
