import { pool } from '@/lib/db/client';
import { env } from '@/lib/env';
import { QUEUE_LOCK_SQL, queueFoldSql } from '@/lib/queue/queue-sql';
import { metricMinuteUpsert, signatureMinuteUpsert } from './rollup-sql';

/**
 * Recomputes an organisation's rollups and queue state from its raw events, in one transaction (readers see the old
 * rollups until it commits). Uses the same statements as the ingest path, so the numbers are identical.
 */
export async function writeRebuildRollups(organizationId: string, queueLifetimeSeconds = env().QUEUE_MAX_LIFETIME_SECONDS): Promise<{ metricRows: number; signatureRows: number }> {
  const client = await pool().connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM metric_minute WHERE organization_id = $1::uuid', [organizationId]);
    await client.query('DELETE FROM signature_minute WHERE organization_id = $1::uuid', [organizationId]);
    const metrics = await client.query(metricMinuteUpsert('delivery_event', '$1'), [organizationId]);
    const signatures = await client.query(signatureMinuteUpsert('delivery_event', '$1'), [organizationId]);
    await client.query(QUEUE_LOCK_SQL, [organizationId]);
    await client.query('DELETE FROM message_state WHERE organization_id = $1::uuid', [organizationId]);
    await client.query('DELETE FROM queue_delta_minute WHERE organization_id = $1::uuid', [organizationId]);
    await client.query(queueFoldSql('delivery_event'), [organizationId, queueLifetimeSeconds]);
    await client.query('COMMIT');
    return { metricRows: metrics.rowCount ?? 0, signatureRows: signatures.rowCount ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
