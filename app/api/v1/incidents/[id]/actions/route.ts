// POST /api/v1/incidents/{id}/actions – acknowledge, assign or resolve by hand (with a reason), recorded on the timeline
import { withApi } from '@/lib/http/guard';
import { actorOf, jsonBody } from '@/lib/incidents/actor';
import { writeIncidentAnnotation } from '@/lib/incidents/queries/write-incident-annotation';
import { incidentActionSchema } from '@/lib/incidents/schemas';

export const dynamic = 'force-dynamic';

export const POST = withApi<{ id: string }>('annotate', async ({ req, org, principal, params }) => {
  const action = incidentActionSchema.parse(await jsonBody(req));
  return Response.json(await writeIncidentAnnotation(org.id, params.id, actorOf(principal), action));
});
