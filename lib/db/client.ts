import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from '@/lib/generated/prisma/client';
import { databaseUrl, env } from '@/lib/env';
import { Slots } from './slots';

// One pool and one Prisma client per process, kept on globalThis so dev-mode reloads reuse them.
const globalForDb = globalThis as unknown as { ddPool?: pg.Pool; ddPrisma?: PrismaClient; ddIngestSlots?: Slots };

/** The process-wide pg pool, for COPY and other work Prisma does not do. */
export function pool(): pg.Pool {
  if (!globalForDb.ddPool) {
    // JIT off for the app's sessions: dashboard reads touch thousands of rollup rows, but their CTEs are estimated far
    // larger, past jit_above_cost, and compiling them took PostgreSQL about 50 ms in bench:queries, longer than the
    // queries; a per-query SET LOCAL needed a transaction, which under load waited for a connection and failed.
    const created = new pg.Pool({ connectionString: databaseUrl(), max: env().DATABASE_POOL_SIZE, connectionTimeoutMillis: 5_000, options: '-c jit=off' });
    // An idle connection dropped by a database restart must not crash the process: the pool replaces it.
    created.on('error', (error) => console.error(`[db] idle connection lost: ${error.message}`));
    // A connection lost while checked out fails the query in flight (answered 503); it must not also crash the process.
    created.on('connect', (client) => client.on('error', (error) => console.error(`[db] connection lost: ${error.message}`)));
    globalForDb.ddPool = created;
  }
  return globalForDb.ddPool;
}

/**
 * Rows of a `Prisma.sql` statement read straight from the pg pool: for reads answering thousands of rows, where Prisma's
 * conversion of raw results took longer than PostgreSQL (bench:queries, the 24 h series by domain). Columns come as
 * pg gives them: timestamptz as Date, int4 and float8 as number, bigint and numeric as string.
 */
export async function queryRows<T extends pg.QueryResultRow>(statement: Prisma.Sql): Promise<T[]> {
  return (await pool().query<T>(statement.text, statement.values)).rows;
}

/** The process-wide Prisma client, over the same pool. */
export function db(): PrismaClient {
  globalForDb.ddPrisma ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return globalForDb.ddPrisma;
}

/** How long a batch waits for an ingest slot before it is answered 503. */
const INGEST_SLOT_WAIT_MS = 60_000;

/** The process-wide limit on ingest batches writing at once (INGEST_CONCURRENCY), leaving pooled connections for reads. */
export function ingestSlots(): Slots {
  globalForDb.ddIngestSlots ??= new Slots(env().INGEST_CONCURRENCY, INGEST_SLOT_WAIT_MS);
  return globalForDb.ddIngestSlots;
}
