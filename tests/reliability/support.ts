import { generatePostfixLog } from '@/lib/bench/postfix-log';
import type { IngestOptions, IngestResult } from '@/lib/ingest/pipeline';

/** Shared by the reliability tests: generated Postfix logs, in-process ingestion and database snapshots. */

const DAY_MS = 24 * 3600 * 1000;

/** The UTC day `daysAgo` days before now, `YYYY-MM-DD`, for the log generator. */
export function dayAgo(daysAgo: number, now = Date.now()): string {
  return new Date(now - daysAgo * DAY_MS).toISOString().slice(0, 10);
}

/** A deterministic Postfix log of one day as chunks (see lib/bench/postfix-log.ts). */
export function postfixChunks(day: string, totalLines: number, chunkLines: number, seed = 1): Array<{ data: Buffer<ArrayBuffer>; deliveryLines: number }> {
  return [...generatePostfixLog({ totalLines, chunkLines, seed, day })].map((c) => ({ data: c.data, deliveryLines: c.deliveryLines }));
}

export async function* byteChunks(data: Buffer, size = 16 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

/** Ingests a body in-process through the real pipeline (one transaction). */
export async function ingestBody(organizationId: string, data: Buffer | AsyncIterable<Uint8Array>, opts: Partial<IngestOptions> = {}): Promise<IngestResult> {
  const { ingestStream } = await import('@/lib/ingest/pipeline');
  const source = Buffer.isBuffer(data) ? byteChunks(data) : data;
  return ingestStream(source, { organizationId, channel: 'api', format: 'postfix', maxBytes: 256 * 1024 * 1024, ...opts });
}

/** One number from a query on the app's pool, `$1` being the organisation id. */
export async function count(sql: string, organizationId: string): Promise<number> {
  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ n: string | null }>(sql, [organizationId]);
  return Number(rows[0]?.n ?? 0);
}

/** Every derived row of an organisation (rollups and queue state), as text, in a stable order. */
export async function derivedSnapshot(organizationId: string): Promise<Record<string, string[]>> {
  const { pool } = await import('@/lib/db/client');
  const { derivedRows } = await import('@/lib/metrics/derived-rows');
  return derivedRows(pool(), organizationId);
}
