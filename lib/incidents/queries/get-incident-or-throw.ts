import { db } from '@/lib/db/client';
import { ApiError } from '@/lib/http/errors';
import { eventColumns, incidentColumns, toIncidentDto, type EventRow, type IncidentDto, type IncidentRow } from './incident-dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One incident with its timeline (oldest entry first); 404 when the organisation has no such incident. */
export async function getIncidentOrThrow(organizationId: string, id: string): Promise<IncidentDto> {
  if (!UUID.test(id)) throw new ApiError('not_found', `No incident ${id}.`);
  const rows = await db().$queryRaw<IncidentRow[]>`
    SELECT ${incidentColumns} FROM incident WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid`;
  const row = rows[0];
  if (!row) throw new ApiError('not_found', `No incident ${id}.`);
  const events = await db().$queryRaw<EventRow[]>`
    SELECT ${eventColumns} FROM incident_event WHERE organization_id = ${organizationId}::uuid AND incident_id = ${id}::uuid ORDER BY at, id`;
  return toIncidentDto(row, events);
}
