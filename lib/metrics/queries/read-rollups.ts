import { db } from '@/lib/db/client';
import type { Prisma } from '@/lib/generated/prisma/client';

/**
 * Runs a dashboard read of the rollups with JIT compilation off. Such a statement reads thousands of rows, but its
 * CTEs (generated grids, UNION ALL branches behind one-time filters) are estimated far larger, past jit_above_cost, and
 * compiling it took PostgreSQL 15 about 50 ms in bench:queries: longer than the whole query.
 */
export async function readRollups<T>(sql: Prisma.Sql): Promise<T> {
  const [, rows] = await db().$transaction([db().$executeRaw`SET LOCAL jit = off`, db().$queryRaw<T>(sql)]);
  return rows;
}
