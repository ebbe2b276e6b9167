import { db } from '@/lib/db/client';

/** Days of delivery data, counted back from the newest event, whose senders and sending IPs count as ours. */
export const RECENT_SENDING_DAYS = 30;

/**
 * The IPs our MTAs sent from in the latest RECENT_SENDING_DAYS of data, read from the per-minute
 * rollup (derived from delivery_event.sending_ip) so that pages do not scan raw events.
 */
export async function listOurSendingIps(organizationId: string): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ ip: string }>>`
    SELECT DISTINCT sending_ip AS ip FROM metric_minute
    WHERE organization_id = ${organizationId}::uuid AND sending_ip <> ''
      AND bucket >= (SELECT max(bucket) FROM metric_minute WHERE organization_id = ${organizationId}::uuid) - make_interval(days => ${RECENT_SENDING_DAYS}::int)
    ORDER BY 1`;
  return rows.map((r) => r.ip);
}
