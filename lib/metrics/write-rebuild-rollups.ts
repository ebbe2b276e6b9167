import { pool } from '@/lib/db/client';
import { env } from '@/lib/env';
import { QUEUE_LOCK_SQL, queueFoldSql, queueRollupTables } from '@/lib/queue/queue-sql';
import { fineCountersSql, rollupTables, rollupUpserts } from './rollup-sql';

export type RollupTable = (typeof rollupTables)[number];

/** Raised when the raw events no longer reach back as far as the rollups: a rebuild would shorten the history. */
export class RebuildWouldLoseHistory extends Error {
  override name = 'RebuildWouldLoseHistory';
}

/**
 * Recomputes an organisation's rollups (per minute and per hour) and queue state from its raw events, in one transaction
 * (readers see the old rollups until it commits). Uses the same statements as the ingest path, so the numbers are identical.
 * Refuses, changing nothing, when the rollups reach back before the oldest raw event: retention removed older events
 * and keeps their rollups, which a rebuild cannot recompute.
 */
export async function writeRebuildRollups(
  organizationId: string,
  queueLifetimeSeconds = env().QUEUE_MAX_LIFETIME_SECONDS,
): Promise<{ metricRows: number; signatureRows: number; rowsByTable: Record<RollupTable, number> }> {
  const client = await pool().connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ rolled_from: Date | null; raw_from: Date | null }>(
      `SELECT (SELECT min(bucket) FROM metric_minute WHERE organization_id = $1::uuid) AS rolled_from,
              (SELECT date_trunc('minute', min(occurred_at)) FROM delivery_event WHERE organization_id = $1::uuid) AS raw_from`,
      [organizationId],
    );
    const { rolled_from: rolledFrom, raw_from: rawFrom } = rows[0] ?? { rolled_from: null, raw_from: null };
    if (rolledFrom && (!rawFrom || rolledFrom < rawFrom)) {
      throw new RebuildWouldLoseHistory(
        `Rollups reach back to ${rolledFrom.toISOString()} but the oldest raw event left is ${rawFrom ? `from ${rawFrom.toISOString()}` : 'gone'}: ` +
          'retention removed the older events. A rebuild would cut the dashboards\' history to the events left, so nothing was changed.',
      );
    }
    const rowsByTable = {} as Record<RollupTable, number>;
    // The fine counters once for every counter rollup, as the ingest statement does per batch.
    await client.query(`CREATE TEMP TABLE rebuild_fine ON COMMIT DROP AS ${fineCountersSql('delivery_event', '$1')}`, [organizationId]);
    for (const { table, sql } of rollupUpserts('rebuild_fine', 'delivery_event', '$1')) {
      await client.query(`DELETE FROM ${table} WHERE organization_id = $1::uuid`, [organizationId]);
      rowsByTable[table] = (await client.query(sql, [organizationId])).rowCount ?? 0;
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
