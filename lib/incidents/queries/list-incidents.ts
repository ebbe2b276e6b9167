import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import type { IncidentStatus } from '../types';
import { eventColumns, incidentColumns, toIncidentDto, type EventRow, type IncidentDto, type IncidentRow } from './incident-dto';

export interface IncidentListFilter {
  status?: IncidentStatus;
  limit: number;
}

/** Incidents of an organisation, newest first, each with its timeline. */
export async function listIncidents(organizationId: string, f: IncidentListFilter): Promise<{ incidents: IncidentDto[] }> {
  const status = f.status ? Prisma.sql`AND status = ${f.status}::incident_status` : Prisma.empty;
  const rows = await db().$queryRaw<IncidentRow[]>`
    SELECT ${incidentColumns} FROM incident WHERE organization_id = ${organizationId}::uuid ${status}
    ORDER BY started_at DESC, id LIMIT ${f.limit}`;
  if (rows.length === 0) return { incidents: [] };
  const events = await db().$queryRaw<EventRow[]>`
    SELECT ${eventColumns} FROM incident_event
    WHERE organization_id = ${organizationId}::uuid AND incident_id = ANY(${rows.map((r) => r.id)}::uuid[])
    ORDER BY at, id`;
  return { incidents: rows.map((r) => toIncidentDto(r, events.filter((e) => e.incident_id === r.id))) };
}
