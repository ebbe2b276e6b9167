// GET /api/v1/metrics/deferrals – deferral series by provider, sending IP or recipient domain, gap-filled (default: last 24 h)
import { withApi } from '@/lib/http/guard';
import { parseQuery } from '@/lib/http/query';
import { deferralSeriesQuery, getDeferralSeries } from '@/lib/metrics/queries/get-deferral-series';

export const dynamic = 'force-dynamic';

const DEFAULT_RANGE_MS = 24 * 3600 * 1000;

export const GET = withApi('read', async ({ req, org }) => {
  const q = parseQuery(req, deferralSeriesQuery);
  const to = q.to ?? new Date();
  return Response.json(await getDeferralSeries(org.id, { ...q, to, from: q.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS) }));
});
