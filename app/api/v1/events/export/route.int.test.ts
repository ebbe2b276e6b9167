import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

withAppDatabase();
let tokens: { ingest: string; read: string; otherRead: string };

const IP = '203.0.113.7';
const MINUTE_MS = 60_000;
const S77714 = (at: Date) => `451 4.7.500 Server busy. Please try again later from [${IP}]. (S77714) [MW2NAM12FT080.eop-nam12.prod.protection.outlook.com ${at.toISOString()} 08DBC41AE3EEAC91]`;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const { createApiToken } = await import('@/lib/auth/tokens');
  const acme = await createOrganization({ slug: 'acme' });
  const other = await createOrganization({ slug: 'other' });
  tokens = {
    ingest: (await createApiToken({ organizationId: acme.id, name: 'mx1', scope: 'ingest' })).token,
    read: (await createApiToken({ organizationId: acme.id, name: 'sheet', scope: 'read' })).token,
    otherRead: (await createApiToken({ organizationId: other.id, name: 'theirs', scope: 'read' })).token,
  };
  const start = Date.parse('2023-10-11T02:00:00Z');
  const lines = Array.from({ length: 30 }, (_, n) => {
    const at = new Date(start + n * MINUTE_MS);
    const isDeferred = n % 3 !== 0;
    return JSON.stringify({
      occurredAt: at.toISOString(),
      source: 'generic',
      // A host name a spreadsheet would run as a formula if it were written as is.
      sourceHost: n === 1 ? '=HYPERLINK("http://attacker.example","mx1")' : 'mx1',
      queueId: `EXP${n}`,
      recipient: `user${n}@contoso.com`,
      mxHost: 'contoso-com.mail.protection.outlook.com',
      sendingIp: IP,
      outcome: isDeferred ? 'deferred' : 'delivered',
      reply: isDeferred ? S77714(at) : '250 2.6.0 Queued mail for delivery',
    });
  });
  const { POST } = await import('../route');
  const res = await POST(new Request('http://localhost/api/v1/events?format=ndjson', { method: 'POST', body: lines.join('\n'), headers: { authorization: `Bearer ${tokens.ingest}` } }), { params: Promise.resolve({}) });
  expect(await res.json()).toMatchObject({ accepted: 30, rejected: 0 });
});

async function exportCsv(query: string, token = tokens.read) {
  const { GET } = await import('./route');
  return GET(new Request(`http://localhost/api/v1/events/export?${query}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
}

test('the filtered set streams as CSV, newest first, with the same filters as GET /api/v1/events', async () => {
  const res = await exportCsv('outcome=deferred&from=2023-10-11T02:00:00Z&to=2023-10-11T02:20:00Z');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="deferral-desk-events-acme-\d{4}-\d{2}-\d{2}T\d{6}\.csv"$/);
  const lines = (await res.text()).split('\r\n');
  expect(lines.at(-1)).toBe('');
  const rows = lines.slice(1, -1);
  // Minutes 0..19, deferred where n % 3 !== 0: 20 - 7.
  expect(rows).toHaveLength(13);
  expect(rows[0]).toContain('EXP19');
  expect(rows.every((r) => r.includes(',deferred,451,4.7.500,') && r.includes('(S77714)'))).toBe(true);
});

test('a cell that looks like a formula is written as text', async () => {
  const text = await (await exportCsv('outcome=deferred')).text();
  const row = text.split('\r\n').find((l) => l.includes('EXP1,'));
  expect(row).toContain(`,"'=HYPERLINK(""http://attacker.example"",""mx1"")",`);
});

test('another organisation exports nothing of ours; a bad filter is a 422 envelope, not a broken file', async () => {
  const theirs = (await (await exportCsv('', tokens.otherRead)).text()).split('\r\n');
  expect(theirs).toEqual([expect.stringMatching(/^id,occurredAt,/), '']);
  const bad = await exportCsv('outcome=lost');
  expect(bad.status).toBe(422);
  expect(await bad.json()).toMatchObject({ error: { code: 'unprocessable' } });
});
