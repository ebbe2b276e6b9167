import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/test-support/db';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

function admin(args: string[], input?: string) {
  const r = spawnSync('npx', ['tsx', 'scripts/admin.ts', ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: database.url },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('create-org, create-user with the password on stdin, create-token printing the token last', async () => {
  expect(admin(['create-org', 'acme', '--name', 'Acme Mail'])).toMatchObject({ code: 0 });
  const user = admin(['create-user', '--org', 'acme', '--email', 'ops@acme.test', '--password-stdin', '--role', 'analyst'], 'a long password\n');
  expect(user.code).toBe(0);
  expect(user.stdout).toMatch(/Created user ops@acme\.test \(analyst\)/);
  const token = admin(['create-token', '--org', 'acme', '--name', 'mx1', '--scope', 'read']);
  expect(token.code).toBe(0);
  const lastLine = token.stdout.trimEnd().split('\n').at(-1);
  expect(lastLine).toMatch(/^dd_[A-Za-z0-9_-]{43}$/);

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ scope: string; token_hash: string; display_prefix: string }>('SELECT scope, token_hash, display_prefix FROM api_token');
  const users = await client.query<{ email: string; role: string; password_hash: string }>('SELECT u.email, m.role, u.password_hash FROM app_user u JOIN membership m ON m.user_id = u.id');
  await client.end();
  expect(rows).toHaveLength(1);
  expect(rows[0]?.scope).toBe('read');
  expect(rows[0]?.token_hash).not.toContain(lastLine);
  expect(lastLine?.startsWith(rows[0]?.display_prefix ?? '?')).toBe(true);
  expect(users.rows).toMatchObject([{ email: 'ops@acme.test', role: 'analyst' }]);
  expect(users.rows[0]?.password_hash).not.toContain('a long password');
}, 120_000);

test('bad invocations explain themselves and exit non-zero', () => {
  const noRole = admin(['create-user', '--org', 'acme', '--email', 'x@acme.test', '--password-stdin', '--role', 'owner'], 'a long password');
  expect(noRole.code).toBe(1);
  expect(noRole.stderr).toMatch(/--role must be one of admin, analyst, viewer/);
  const shortPassword = admin(['create-user', '--org', 'acme', '--email', 'x@acme.test', '--password-stdin', '--role', 'viewer'], 'short');
  expect(shortPassword.code).toBe(1);
  expect(shortPassword.stderr).toMatch(/at least 10 characters/);
  const unknownOrg = admin(['create-token', '--org', 'nope', '--name', 'x']);
  expect(unknownOrg.code).toBe(1);
  expect(unknownOrg.stderr).toMatch(/No organisation "nope"/);
  expect(admin(['create-org', 'acme']).stderr).toMatch(/already exists/);
  expect(admin(['frobnicate']).stderr).toMatch(/Unknown command "frobnicate"/);
}, 120_000);
