import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { createWorld, type World } from './fixtures';

withAppDatabase();
let world: World;

beforeAll(async () => {
  world = await createWorld();
});

test('entries are written per organisation, listed newest first, and never shown to another organisation', async () => {
  const { writeAuditEntry } = await import('@/lib/audit/write-audit-entry');
  const { listAuditEntries } = await import('@/lib/audit/queries/list-audit-entries');
  const admin = { kind: 'user' as const, id: world.users.admin, email: 'admin@acme.test' };
  // Times have millisecond resolution: a pause keeps the expected order unambiguous.
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  await writeAuditEntry(world.acme.id, admin, 'token.created', 'grafana', { scope: 'read' }, '192.0.2.1');
  await tick();
  await writeAuditEntry(world.acme.id, { kind: 'token', id: 't1', name: 'ci' }, 'package.exported', 'incident 42');
  await tick();
  await writeAuditEntry([world.acme.id, world.other.id], { kind: 'system' }, 'incident.resolved', 'incident 7');
  await writeAuditEntry([], admin, 'sign-in', 'nobody');

  const acme = await listAuditEntries(world.acme.id);
  expect(acme.map((e) => [e.action, e.actorLabel, e.target])).toEqual([
    ['incident.resolved', 'system', 'incident 7'],
    ['package.exported', 'token "ci"', 'incident 42'],
    ['token.created', 'admin@acme.test', 'grafana'],
  ]);
  expect(acme[2]).toMatchObject({ actorKind: 'user', details: { scope: 'read' }, ip: '192.0.2.1' });
  expect((await listAuditEntries(world.other.id)).map((e) => e.action)).toEqual(['incident.resolved']);
  expect(await listAuditEntries(world.acme.id, { limit: 1 })).toHaveLength(1);
  expect(await listAuditEntries(world.acme.id, { before: new Date(acme[2]!.occurredAt) })).toEqual([]);
});

test('markup in an audited name is stored as written, for the page to show as text', async () => {
  const { writeAuditEntry } = await import('@/lib/audit/write-audit-entry');
  const { listAuditEntries } = await import('@/lib/audit/queries/list-audit-entries');
  await writeAuditEntry(world.other.id, { kind: 'user', id: world.users.otherAdmin, email: 'admin@other.test' }, 'token.revoked', '<img src=x onerror=alert(1)>');
  expect((await listAuditEntries(world.other.id))[0]?.target).toBe('<img src=x onerror=alert(1)>');
});
