// GET /api/v1/incidents/{id}/package – the escalation package of an incident, a zip (recipient local parts masked unless an admin asks)
import { auditActorOf } from '@/lib/audit/actor';
import { writeAuditEntry } from '@/lib/audit/write-audit-entry';
import { buildEscalationPackage } from '@/lib/escalation/build-package';
import { packageResolver, showRecipientsFor } from '@/lib/escalation/request';
import { withApi } from '@/lib/http/guard';

export const dynamic = 'force-dynamic';

export const GET = withApi<{ id: string }>('read', async ({ req, org, principal, params }) => {
  const showRecipients = showRecipientsFor(new URL(req.url), principal);
  const pkg = await buildEscalationPackage(org.id, params.id, { showRecipients, resolver: packageResolver() });
  await writeAuditEntry(org.id, auditActorOf(principal), 'package.exported', params.id, { showRecipients, file: pkg.filename });
  return new Response(new Blob([pkg.zip], { type: 'application/zip' }), {
    headers: {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${pkg.filename}"`,
      'cache-control': 'no-store',
    },
  });
});
