// Generates the Prisma client. Prisma's CLI tries to download its native schema engine even for
// `generate`, which does not run it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file
// skips the download. The variable is set for this child process only: set globally it would
// turn `prisma migrate` into a silent no-op.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const prismaBin = path.join(process.cwd(), 'node_modules', '.bin', 'prisma');
const result = spawnSync(prismaBin, ['generate'], {
  stdio: 'inherit',
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
});
process.exit(result.status ?? 1);
