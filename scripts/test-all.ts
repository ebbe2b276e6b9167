// npm test – every check, in the order CI runs them: types, lint, unit, integration (real PostgreSQL),
// production build + Playwright end-to-end in Chromium. Stops at the first failing step.
import { spawnSync } from 'node:child_process';

const steps: Array<{ name: string; command: string[] }> = [
  { name: 'type-check', command: ['npx', 'tsc', '--noEmit', '-p', '.'] },
  { name: 'lint', command: ['npx', 'eslint', '--max-warnings', '0', '.'] },
  { name: 'migrations match schema.prisma', command: ['npx', 'tsx', 'scripts/check-migrations.ts'] },
  { name: 'unit tests', command: ['npx', 'vitest', 'run', '--project', 'unit'] },
  { name: 'integration tests', command: ['npx', 'tsx', 'scripts/with-test-db.ts', 'npx', 'vitest', 'run', '--project', 'integration'] },
  { name: 'end-to-end tests', command: ['npx', 'tsx', 'scripts/with-test-db.ts', 'npx', 'playwright', 'test'] },
];

const results: Array<{ name: string; seconds: number; ok: boolean }> = [];
let failed = false;
for (const step of steps) {
  console.log(`\n=== ${step.name} ===`);
  const t0 = Date.now();
  const [cmd, ...args] = step.command;
  const r = spawnSync(cmd as string, args, { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  const ok = r.status === 0;
  results.push({ name: step.name, seconds: (Date.now() - t0) / 1000, ok });
  if (!ok) {
    failed = true;
    break;
  }
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)} s)`);
const passed = results.filter((r) => r.ok).length;
console.log(`steps: ${passed} passed, ${results.length - passed + (failed ? steps.length - results.length : 0)} failed`);
process.exit(failed ? 1 : 0);
