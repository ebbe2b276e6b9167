import { pool } from '@/lib/db/client';
import { env } from '@/lib/env';
import { QUEUE_LOCK_SQL, queueFoldSql, queueRollupTables } from '@/lib/queue/queue-sql';
import { rollups } from './rollup-sql';

export type RollupTable = (typeof rollups)[number]['table'];

/**
 * Recomputes an organisation's rollups (per minute and per hour) and queue state from its raw events, in one transaction
 * (readers see the old rollups until it commits). Uses the same statements as the ingest path, so the numbers are identical.
 */
export async function writeRebuildRollups(
  organizationId: string,
  queueLifetimeSeconds = env().QUEUE_MAX_LIFETIME_SECONDS,
): Promise<{ metricRows: number; signatureRows: number; rowsByTable: Record<RollupTable, number> }> {
  const client = await pool().connect();
  try {
    await client.query('BEGIN');
    const rowsByTable = {} as Record<RollupTable, number>;
    for (const { table, upsert } of rollups) {
      await client.query(`DELETE FROM ${table} WHERE organization_id = $1::uuid`, [organizationId]);
      rowsByTable[table] = (await client.query(upsert('delivery_event', '$1'), [organizationId])).rowCount ?? 0;
    }
    await client.query(QUEUE_LOCK_SQL, [organizationId]);
    await client.query('DELETE FROM message_state WHERE organization_id = $1::uuid', [organizationId]);
    for (const table of queueRollupTables) await client.query(`DELETE FROM ${table} WHERE organization_id = $1::uuid`, [organizationId]);
    await client.query(queueFoldSql('delivery_event'), [organizationId, queueLifetimeSeconds]);
    await client.query('COMMIT');
    return { metricRows: rowsByTable.metric_minute, signatureRows: rowsByTable.signature_minute, rowsByTable };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
