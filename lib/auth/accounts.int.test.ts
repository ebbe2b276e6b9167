import { expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';

withAppDatabase();

test('the first administrator is created once, even when two requests race', async () => {
  const { createFirstAdmin, countUsers } = await import('./accounts');
  const input = { orgName: 'Acme', slug: 'acme', email: 'Admin@Acme.test', password: 'long enough password' };
  const results = await Promise.allSettled([createFirstAdmin(input), createFirstAdmin({ ...input, orgName: 'Acme again' })]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const rejected = results.find((r) => r.status === 'rejected');
  expect(rejected && String((rejected as PromiseRejectedResult).reason.message)).toMatch(/already exists/);
  expect(await countUsers()).toBe(1);
});

test('passwords are stored hashed and checked', async () => {
  const { checkCredentials } = await import('./sign-in');
  const { db } = await import('@/lib/db/client');
  const row = await db().user.findUniqueOrThrow({ where: { email: 'admin@acme.test' } });
  expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
  expect(row.passwordHash).not.toContain('long enough password');
  expect(await checkCredentials('ADMIN@acme.test', 'long enough password')).toMatchObject({ email: 'admin@acme.test' });
  expect(await checkCredentials('admin@acme.test', 'wrong password!')).toBeNull();
  expect(await checkCredentials('nobody@acme.test', 'long enough password')).toBeNull();
});

test('an existing user joins another organisation with a role; duplicates are refused', async () => {
  const { createOrganization, createUser, getUserWithMemberships } = await import('./accounts');
  await createOrganization({ slug: 'beta', name: 'Beta Corp' });
  const joined = await createUser({ orgSlug: 'beta', email: 'admin@acme.test', password: 'ignored-for-existing', role: 'viewer' });
  expect(joined.created).toBe(false);
  const user = await getUserWithMemberships(joined.id);
  expect(user?.memberships.map((m) => [m.slug, m.role])).toEqual([
    ['acme', 'admin'],
    ['beta', 'viewer'],
  ]);
  await expect(createUser({ orgSlug: 'beta', email: 'admin@acme.test', password: 'x'.repeat(12), role: 'viewer' })).rejects.toThrow(/already a member/);
  await expect(createOrganization({ slug: 'beta' })).rejects.toThrow(/already exists/);
  await expect(createOrganization({ slug: '-bad-' })).rejects.toThrow(/lower-case/);
  await expect(createUser({ orgSlug: 'nope', email: 'a@b.test', password: 'x'.repeat(12), role: 'viewer' })).rejects.toThrow(/No organisation "nope"/);
});
