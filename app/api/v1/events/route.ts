// POST /api/v1/events – ingest one batch of SMTP events (log text, NDJSON, JSON, CSV, provider payloads; gzip ok)
// GET  /api/v1/events – normalized events, newest first, filtered, cursor-paginated
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { formatQuery, ingestAnswer, ingestRequest } from '@/lib/ingest/http';
import { eventFilterFromSearchParams, listEvents } from '@/lib/ingest/queries/list-events';

export const dynamic = 'force-dynamic';

export const POST = withApi('ingest', async ({ req, org, principal }) => {
  const { format } = parseQuery(req, formatQuery);
  const result = await ingestRequest(req, { organizationId: org.id, principal, channel: 'api', format });
  return Response.json(ingestAnswer(result));
});

export const GET = withApi('read', async ({ req, org }) => {
  return Response.json(await listEvents(org.id, eventFilterFromSearchParams(new URL(req.url).searchParams)));
});
