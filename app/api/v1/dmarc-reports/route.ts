// POST /api/v1/dmarc-reports – one DMARC aggregate report (XML, .gz, .zip or an .eml carrying one) as the raw body
import { z } from 'zod';
import { env } from '@/lib/env';
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { readBody } from '@/lib/http/read-body';
import { ingestDmarcReport } from '@/lib/auth-status/write-dmarc-report';

export const dynamic = 'force-dynamic';

const reportQuery = z.object({ filename: z.string().trim().min(1).max(255).optional() });

export const POST = withApi('ingest', async ({ req, org }) => {
  const q = parseQuery(req, reportQuery);
  const result = await ingestDmarcReport(org.id, await readBody(req, env().MAX_BODY_BYTES), q.filename);
  return Response.json(result, { status: result.stored ? 201 : 200 });
});
