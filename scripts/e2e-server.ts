// The server Playwright tests run against: a fresh database on the test server, the production
// build, `npm start`'s own start-up path (migrate, build if stale, next start).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '@/lib/test-support/db';
import { e2eDnsServer, e2ePort } from '../e2e/ports';

async function main(): Promise<void> {
  const database = await createTestDatabase('dd_e2e');
  console.log(`[e2e-server] database ${database.name}`);
  const child = spawn('npx', ['tsx', 'scripts/start.ts'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      PORT: String(e2ePort),
      // e2e/authentication.spec.ts serves its test zones there; until then lookups fail at once (closed port).
      DNS_SERVERS: e2eDnsServer,
      E2E_DATABASE_URL: database.url,
    },
  });
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => {
    void database.drop().catch(() => undefined).finally(() => process.exit(code ?? 0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
