import { expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

withAppDatabase();

async function setup() {
  const { createOrganization } = await import('@/lib/auth/accounts');
  const { createApiToken, revokeApiToken } = await import('@/lib/auth/tokens');
  const acme = await createOrganization({ slug: 'acme' });
  const other = await createOrganization({ slug: 'other' });
  const ingest = await createApiToken({ organizationId: acme.id, name: 'mx1', scope: 'ingest' });
  const read = await createApiToken({ organizationId: acme.id, name: 'grafana', scope: 'read' });
  const revoked = await createApiToken({ organizationId: acme.id, name: 'old', scope: 'read' });
  await revokeApiToken(acme.id, revoked.record.id);
  const otherRead = await createApiToken({ organizationId: other.id, name: 'theirs', scope: 'read' });
  return { acme, other, ingest: ingest.token, read: read.token, revoked: revoked.token, otherRead: otherRead.token };
}

let tokens: Awaited<ReturnType<typeof setup>>;

async function call(action: 'identify' | 'read' | 'ingest', token: string | null, url = 'http://localhost/api/v1/test') {
  const { withApi } = await import('./guard');
  const handler = withApi(action, async ({ org, principal }) => Response.json({ org: org.slug, principal }));
  const headers: Record<string, string> = token === null ? {} : { authorization: token };
  const res = await handler(new Request(url, { headers }), { params: Promise.resolve({}) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; org?: string } };
}

test('tokens authenticate, carry their organisation and are checked against the scope', async () => {
  tokens = await setup();
  expect(await call('ingest', `Bearer ${tokens.ingest}`)).toMatchObject({ status: 200, body: { org: 'acme' } });
  expect(await call('read', `Bearer ${tokens.read}`)).toMatchObject({ status: 200, body: { org: 'acme' } });
  const wrongScope = await call('read', `Bearer ${tokens.ingest}`);
  expect(wrongScope.status).toBe(403);
  expect(wrongScope.body.error?.message).toMatch(/"ingest" scope/);
  expect((await call('ingest', `Bearer ${tokens.read}`)).status).toBe(403);
  expect((await call('identify', `Bearer ${tokens.ingest}`)).status).toBe(200);
});

test('malformed, unknown and revoked tokens are 401 with a clear message', async () => {
  const malformed = await call('read', 'Bearer not-a-token');
  expect(malformed).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  expect(malformed.body.error?.message).toMatch(/Malformed API token/);
  expect((await call('read', 'Basic abc')).body.error?.message).toMatch(/Malformed Authorization header/);
  const unknown = await call('read', `Bearer dd_${'A'.repeat(43)}`);
  expect(unknown).toMatchObject({ status: 401, body: { error: { message: 'Unknown API token.' } } });
  expect((await call('read', `Bearer ${tokens.revoked}`)).body.error?.message).toMatch(/revoked/);
});

test("a token cannot act on another organisation's data", async () => {
  const res = await call('read', `Bearer ${tokens.otherRead}`, 'http://localhost/api/v1/test?org=acme');
  expect(res.status).toBe(403);
  expect(res.body.error?.message).toMatch(/another organisation/);
  expect((await call('read', `Bearer ${tokens.otherRead}`)).body.org).toBe('other');
});

test('token use records the last-used time', async () => {
  const { db } = await import('@/lib/db/client');
  const row = await db().apiToken.findFirstOrThrow({ where: { name: 'mx1' } });
  expect(row.lastUsedAt).toBeInstanceOf(Date);
  const unused = await db().apiToken.findFirstOrThrow({ where: { name: 'old' } });
  expect(unused.lastUsedAt).toBeNull();
});
