// GET /api/v1/incidents?status=&limit= – the organisation's incidents, newest first, with their timelines
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { listIncidents } from '@/lib/incidents/queries/list-incidents';
import { incidentListQuerySchema } from '@/lib/incidents/schemas';

export const dynamic = 'force-dynamic';

export const GET = withApi('read', async ({ req, org }) => Response.json(await listIncidents(org.id, parseQuery(req, incidentListQuerySchema))));
