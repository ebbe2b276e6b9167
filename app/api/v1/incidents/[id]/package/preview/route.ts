// GET /api/v1/incidents/{id}/package/preview – each file of the escalation package with its size and first lines, as JSON
import { buildEscalationPackage } from '@/lib/escalation/build-package';
import { previewFiles } from '@/lib/escalation/preview';
import { packageResolver, showRecipientsFor } from '@/lib/escalation/request';
import { withApi } from '@/lib/http/guard';

export const dynamic = 'force-dynamic';

export const GET = withApi<{ id: string }>('read', async ({ req, org, principal, params }) => {
  const showRecipients = showRecipientsFor(new URL(req.url), principal);
  const pkg = await buildEscalationPackage(org.id, params.id, { showRecipients, resolver: packageResolver() });
  return Response.json({ filename: pkg.filename, generatedAt: pkg.generatedAt, bytes: pkg.zip.length, files: previewFiles(pkg.files) });
});
