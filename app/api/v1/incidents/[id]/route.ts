// GET /api/v1/incidents/{id} – one incident: verdict with evidence, recommendations, timeline
import { withApi } from '@/lib/http/guard';
import { getIncidentOrThrow } from '@/lib/incidents/queries/get-incident-or-throw';

export const dynamic = 'force-dynamic';

export const GET = withApi<{ id: string }>('read', async ({ org, params }) => Response.json(await getIncidentOrThrow(org.id, params.id)));
