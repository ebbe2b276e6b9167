// GET /api/v1/settings/detection – the organisation's incident-detection thresholds and their defaults
// PATCH /api/v1/settings/detection – change some of them (administrators)
import { auditActorOf } from '@/lib/audit/actor';
import { withApi } from '@/lib/http/guard';
import { jsonBody } from '@/lib/incidents/actor';
import { getDetectionSettings, writeDetectionSettings } from '@/lib/incidents/queries/detection-settings';
import { scheduleDetection } from '@/lib/incidents/scheduler';
import { detectionSettingsPatchSchema } from '@/lib/incidents/schemas';
import { clientIp } from '@/lib/security/client-ip';

export const dynamic = 'force-dynamic';

export const GET = withApi('read', async ({ org }) => Response.json(await getDetectionSettings(org.id)));

export const PATCH = withApi('admin', async ({ req, org, principal }) => {
  const patch = detectionSettingsPatchSchema.parse(await jsonBody(req));
  const result = await writeDetectionSettings(org.id, patch, auditActorOf(principal), clientIp(req.headers));
  scheduleDetection(org.id);
  return Response.json(result);
});
