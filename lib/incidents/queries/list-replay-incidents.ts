import type { Prisma } from '@/lib/generated/prisma/client';
import type { StoredIncident } from '../reconcile';
import type { IncidentState } from '../types';
import { incidentStateColumns, toIncidentState, type IncidentStateRow } from './incident-state-row';

export interface ReplayIncidents {
  /** incidents that changed during the period or are active in it: recomputed from scratch, with their timeline keys */
  touched: StoredIncident[];
  /** unchanged since before the period, and still able to change in it: recovered (waiting for the drain), or resolved by the system recently enough to reopen */
  prior: IncidentState[];
}

/**
 * The incidents a re-evaluation of [from, to) works on. An incident last changed when it was resolved or
 * recovered; an open one is still changing, unless it is historical: its data ended, so it counts as over
 * a reopen window after it last failed. A live re-evaluation leaves historical incidents out.
 * Read inside the detection transaction.
 */
export async function listReplayIncidents(
  tx: Prisma.TransactionClient,
  organizationId: string,
  o: { from: Date; to: Date; reopenSince: Date; reopenWindowMinutes: number; includeHistorical: boolean },
): Promise<ReplayIncidents> {
  const touchedRows = await tx.$queryRaw<IncidentStateRow[]>`
    SELECT ${incidentStateColumns} FROM incident
    WHERE organization_id = ${organizationId}::uuid AND started_at < ${o.to} AND (${o.includeHistorical} OR NOT is_historical)
      AND coalesce(resolved_at, CASE WHEN status = 'recovered' THEN recovered_at
                                     WHEN is_historical THEN last_elevated_at + make_interval(mins => ${o.reopenWindowMinutes}::int)
                                     ELSE 'infinity'::timestamptz END) >= ${o.from}
    ORDER BY started_at, id`;
  const priorRows = await tx.$queryRaw<IncidentStateRow[]>`
    SELECT ${incidentStateColumns} FROM incident
    WHERE organization_id = ${organizationId}::uuid AND (${o.includeHistorical} OR NOT is_historical)
      AND ((status = 'recovered' AND recovered_at < ${o.from})
        OR (status = 'resolved' AND resolved_by = 'system' AND resolved_at < ${o.from} AND recovered_at >= ${o.reopenSince}))
    ORDER BY opened_at, id`;
  const ids = touchedRows.map((r) => r.id);
  const entries =
    ids.length === 0
      ? []
      : await tx.$queryRaw<Array<{ incident_id: string; at: Date; entry_key: string }>>`
          SELECT incident_id::text, at, entry_key FROM incident_event
          WHERE organization_id = ${organizationId}::uuid AND incident_id = ANY(${ids}::uuid[]) AND entry_key IS NOT NULL`;
  return {
    touched: touchedRows.map((r) => ({
      state: toIncidentState(r),
      isHistorical: r.is_historical,
      entries: entries.filter((e) => e.incident_id === r.id).map((e) => ({ at: e.at.getTime(), entryKey: e.entry_key })),
    })),
    prior: priorRows.map(toIncidentState),
  };
}
