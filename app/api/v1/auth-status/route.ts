// GET /api/v1/auth-status?domain= – SPF, DKIM, DMARC, MX and blocklist status of a sending domain, with DMARC report results and evidence
import { z } from 'zod';
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { getAuthStatus } from '@/lib/auth-status/queries/get-auth-status';
import { isHostName } from '@/lib/auth-status/queries/list-sending-targets';

export const dynamic = 'force-dynamic';

const statusQuery = z.object({
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .refine(isHostName, 'must be a domain name such as example.com'),
});

export const GET = withApi('read', async ({ req, org }) => {
  const q = parseQuery(req, statusQuery);
  return Response.json(await getAuthStatus(org.id, q.domain));
});
