import type { Prisma } from '@/lib/generated/prisma/client';
import type { IncidentState } from '../types';
import { incidentStateColumns, toIncidentState, type IncidentStateRow } from './incident-state-row';

/**
 * The live incidents detection still works on: active or recovered ones, and those resolved by the system
 * recently enough to reopen. Historical ones (from back-dated data) are left out: their period is over.
 * Read inside the detection transaction.
 */
export async function listIncidentStates(tx: Prisma.TransactionClient, organizationId: string, reopenSince: Date): Promise<IncidentState[]> {
  const rows = await tx.$queryRaw<IncidentStateRow[]>`
    SELECT ${incidentStateColumns}
    FROM incident
    WHERE organization_id = ${organizationId}::uuid AND NOT is_historical
      AND (status IN ('open', 'mitigating', 'recovered') OR (status = 'resolved' AND resolved_by = 'system' AND recovered_at >= ${reopenSince}))
    ORDER BY opened_at, id`;
  return rows.map(toIncidentState);
}
