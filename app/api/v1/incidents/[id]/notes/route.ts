// POST /api/v1/incidents/{id}/notes – a timeline note with its own time and an optional provider reference
import { withApi } from '@/lib/http/guard';
import { actorOf, jsonBody } from '@/lib/incidents/actor';
import { writeIncidentAnnotation } from '@/lib/incidents/queries/write-incident-annotation';
import { incidentNoteSchema } from '@/lib/incidents/schemas';

export const dynamic = 'force-dynamic';

export const POST = withApi<{ id: string }>('annotate', async ({ req, org, principal, params }) => {
  const note = incidentNoteSchema.parse(await jsonBody(req));
  return Response.json(await writeIncidentAnnotation(org.id, params.id, actorOf(principal), { action: 'note', ...note }), { status: 201 });
});
