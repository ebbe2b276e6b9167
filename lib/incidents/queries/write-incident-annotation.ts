import { enqueueAlerts } from '@/lib/alerts/enqueue-alerts';
import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { ApiError } from '@/lib/http/errors';
import type { IncidentActionInput, IncidentNoteInput } from '../schemas';
import { getIncidentOrThrow } from './get-incident-or-throw';
import type { IncidentDto } from './incident-dto';

export type IncidentAnnotation = ({ action: 'note' } & IncidentNoteInput) | IncidentActionInput;

/**
 * Records what a person did to an incident — a note, acknowledge, assign, resolve — as a timeline entry
 * with who and when, and updates the incident. Serialised with detection by the same advisory lock,
 * so a manual resolution is never overwritten by a detection run in flight.
 */
export async function writeIncidentAnnotation(organizationId: string, id: string, actor: string, input: IncidentAnnotation, now: Date = new Date()): Promise<IncidentDto> {
  await getIncidentOrThrow(organizationId, id);
  await db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('incident-detection:' || ${organizationId}::text))::text`;
    const current = await tx.$queryRaw<Array<{ status: string }>>`
      SELECT status::text FROM incident WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid FOR UPDATE`;
    const status = current[0]?.status;
    if (!status) throw new ApiError('not_found', `No incident ${id}.`);
    let entry: { at: Date; kind: string; message: string; data: Record<string, unknown> };
    let set: Prisma.Sql;
    switch (input.action) {
      case 'note':
        entry = { at: input.at ? new Date(input.at) : now, kind: 'note', message: input.text, data: input.providerReference ? { providerReference: input.providerReference } : {} };
        set = Prisma.empty;
        break;
      case 'acknowledge':
        entry = { at: now, kind: 'acknowledged', message: input.reason ?? `Acknowledged by ${actor}.`, data: {} };
        set = Prisma.sql`acknowledged_at = ${now}, acknowledged_by = ${actor},`;
        break;
      case 'assign':
        entry = { at: now, kind: 'assigned', message: `Assigned to ${input.assignee}.`, data: { assignee: input.assignee } };
        set = Prisma.sql`assignee = ${input.assignee},`;
        break;
      case 'resolve':
        if (status === 'resolved') throw new ApiError('conflict', 'This incident is already resolved.');
        entry = { at: now, kind: 'resolved', message: input.reason, data: { from: status } };
        set = Prisma.sql`status = 'resolved', resolved_at = ${now}, resolved_by = ${actor}, resolve_reason = ${input.reason},`;
        break;
    }
    await tx.$executeRaw`UPDATE incident SET ${set} updated_at = ${now}, updated_by = ${actor} WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid`;
    await tx.$executeRaw`
      INSERT INTO incident_event (organization_id, incident_id, at, kind, message, data, actor, created_at)
      VALUES (${organizationId}::uuid, ${id}::uuid, ${entry.at}, ${entry.kind}, ${entry.message}, ${JSON.stringify(entry.data)}::jsonb, ${actor}, ${now})`;
    // A resolution by hand alerts like one by detection, in the same transaction.
    if (input.action === 'resolve') await enqueueAlerts(tx, organizationId, [{ kind: 'close', incidentId: id, at: now.toISOString() }]);
  });
  return getIncidentOrThrow(organizationId, id);
}
