import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { createWorld, dmarcXml, type World } from './fixtures';

// Hostile input through the real route handlers: formula cells in CSV exports, compression bombs, archive entry
// names that climb out of a directory, and markup in texts and file names.

const ROOT = path.resolve(__dirname, '../..');
const MAX_BODY_BYTES = 1024 * 1024;

withAppDatabase();
let world: World;

beforeAll(async () => {
  // Small limits so the bombs stay small here; the limits scale the same way at their defaults.
  process.env.MAX_BODY_BYTES = String(MAX_BODY_BYTES);
  process.env.MAX_UPLOAD_BYTES = String(MAX_BODY_BYTES);
  world = await createWorld();
});

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function post(route: string, query: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const mod = (await import(/* @vite-ignore */ `@/app/api/v1/${route}/route.ts`)) as { POST: Handler };
  const req = new Request(`http://localhost/api/v1/${route}${query}`, { method: 'POST', body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]), headers: { authorization: `Bearer ${world.tokens.ingestToken}`, ...headers } });
  const res = await mod.POST(req, { params: Promise.resolve({}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string; details?: { code?: string } } } };
}

/** `bytes` of log-like lines: compresses about 1000:1. */
const bombText = (bytes: number) => new TextEncoder().encode('x'.repeat(99).concat('\n').repeat(Math.ceil(bytes / 100)));

test('CSV export cells that a spreadsheet would run as formulas are neutralised with a leading apostrophe', async () => {
  const hostile = ['=HYPERLINK("http://evil.example","click")', '+1+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1:A9)'];
  const lines = hostile.map((reply, i) =>
    JSON.stringify({ occurredAt: `2023-10-11T04:0${i}:00Z`, source: 'generic', sourceHost: '=cmd', queueId: `H${i}`, recipient: 'a@contoso.com', outcome: 'deferred', reply: `451 ${reply}`, sendingIp: '203.0.113.7' }),
  );
  expect((await post('events', '?format=ndjson', lines.join('\n'))).body).toMatchObject({ accepted: 4 });
  const { GET } = await import('@/app/api/v1/events/export/route');
  const res = await GET(new Request('http://localhost/api/v1/events/export', { headers: { authorization: `Bearer ${world.tokens.readToken}` } }), { params: Promise.resolve({}) });
  const csv = await res.text();
  // No cell (after a separator or at a line start) begins with a formula character.
  expect(csv.split('\n').slice(1).join('\n')).not.toMatch(/(^|,)"?[=+\-@]/m);
  expect(csv).toContain("'=cmd");
});

test('a gzip bomb posted as events is refused with 413 once it expands past the limit', async () => {
  const bomb = gzipSync(bombText(64 * MAX_BODY_BYTES));
  expect(bomb.byteLength).toBeLessThan(MAX_BODY_BYTES);
  const res = await post('events', '?format=postfix', bomb, { 'content-encoding': 'gzip', 'content-type': 'application/gzip' });
  expect(res.status).toBe(413);
  expect(res.body.error?.message).toMatch(/gzip body expands beyond/);
});

test('a gzip bomb uploaded as a file is refused with 413', async () => {
  const res = await post('uploads', '?filename=mail.log.gz&format=postfix', gzipSync(bombText(64 * MAX_BODY_BYTES)));
  expect(res.body.error?.message).toMatch(/gzip body expands beyond/);
  expect(res.status).toBe(413);
});

test('zip and gzip bombs posted as DMARC reports are refused as too large', async () => {
  // 60 MB is past the 50 MB a DMARC report may expand to (lib/auth-status/dmarc/unpack.ts).
  const big = bombText(60 * 1024 * 1024);
  for (const bomb of [zipSync({ 'report.xml': big }, { level: 9 }), gzipSync(big)]) {
    expect(bomb.byteLength).toBeLessThan(MAX_BODY_BYTES);
    const res = await post('dmarc-reports', '', bomb);
    expect(res.status).toBe(422);
    expect(res.body.error?.details?.code).toBe('too_large');
  }
});

test('a zip entry named to climb out of a directory is read as data only: nothing is written anywhere', async () => {
  const marker = `dd-traversal-${process.pid}-${Date.now()}`;
  const entry = `../../../../../../tmp/${marker}.xml`;
  const res = await post('dmarc-reports', `?filename=${encodeURIComponent('<b>x</b>.zip')}`, zipSync({ [entry]: new TextEncoder().encode(dmarcXml(marker)) }));
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ reportId: marker, stored: true });
  expect(existsSync(`/tmp/${marker}.xml`)).toBe(false);
  expect(existsSync(path.resolve(ROOT, entry))).toBe(false);
});

/** Every .ts/.tsx file under a folder of the repository. */
function sources(dir: string): string[] {
  return (readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => /\.tsx?$/.test(f)).map((f) => path.join(dir, f));
}

test('no page or component writes HTML from data: React escapes every text, so markup in replies and file names stays text', () => {
  const files = [...sources('app'), ...sources('components')];
  expect(files.length).toBeGreaterThan(30);
  const raw = files.filter((f) => /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML|document\.write\(/.test(readFileSync(path.join(ROOT, f), 'utf8')));
  expect(raw).toEqual([]);
});
