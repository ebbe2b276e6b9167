import { describe, expect, it } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { db, pool } from './client';

withAppDatabase();

describe('the app database client', () => {
  it('opens its sessions with JIT compilation off, for Prisma and for raw pool work alike', async () => {
    const [viaPrisma] = await db().$queryRaw<Array<{ jit: string }>>`SHOW jit`;
    const viaPool = await pool().query<{ jit: string }>('SHOW jit');
    expect(viaPrisma?.jit).toBe('off');
    expect(viaPool.rows[0]?.jit).toBe('off');
  });
});
