// GET /api/v1/reputation?ip= – reverse DNS, blocklist status and DMARC results of a sending IP, with evidence
import { isIP } from 'node:net';
import { z } from 'zod';
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { getReputation } from '@/lib/auth-status/queries/get-reputation';

export const dynamic = 'force-dynamic';

const reputationQuery = z.object({ ip: z.string().trim().refine((ip) => isIP(ip) !== 0, 'must be an IPv4 or IPv6 address') });

export const GET = withApi('read', async ({ req, org }) => {
  const q = parseQuery(req, reputationQuery);
  return Response.json(await getReputation(org.id, q.ip));
});
