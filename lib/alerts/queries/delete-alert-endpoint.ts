import { db } from '@/lib/db/client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Removes an endpoint of the organisation with its queued alerts and delivery log; false when there was none. */
export async function deleteAlertEndpoint(organizationId: string, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const [, , deleted] = await db().$transaction([
    db().$executeRaw`DELETE FROM alert_outbox WHERE organization_id = ${organizationId}::uuid AND endpoint_id = ${id}::uuid`,
    db().$executeRaw`DELETE FROM alert_attempt WHERE organization_id = ${organizationId}::uuid AND endpoint_id = ${id}::uuid`,
    db().$executeRaw`DELETE FROM alert_endpoint WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid`,
  ]);
  return deleted > 0;
}
