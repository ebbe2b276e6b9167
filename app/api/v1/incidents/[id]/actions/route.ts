// POST /api/v1/incidents/{id}/actions – acknowledge, assign or resolve by hand (with a reason), recorded on the timeline
import { auditActorOf } from '@/lib/audit/actor';
import { writeAuditEntry } from '@/lib/audit/write-audit-entry';
import { withApi } from '@/lib/http/guard';
import { actorOf, jsonBody } from '@/lib/incidents/actor';
import { writeIncidentAnnotation } from '@/lib/incidents/queries/write-incident-annotation';
import { incidentActionSchema } from '@/lib/incidents/schemas';

export const dynamic = 'force-dynamic';

export const POST = withApi<{ id: string }>('annotate', async ({ req, org, principal, params }) => {
  const action = incidentActionSchema.parse(await jsonBody(req));
  const incident = await writeIncidentAnnotation(org.id, params.id, actorOf(principal), action);
  if (action.action === 'resolve') await writeAuditEntry(org.id, auditActorOf(principal), 'incident.resolved', params.id, { reason: action.reason });
  return Response.json(incident);
});
