import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuthChangeHistory } from '@/components/auth-status/change-history';
import { AuthStatusPanels, AuthStatusPanelsSkeleton } from '@/components/auth-status/auth-status-panels';
import { RunChecksButton } from '@/components/auth-status/run-checks-button';
import { SendingDomainForm } from '@/components/auth-status/sending-domain-form';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { canIngest, roleAllows } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Authentication' };
export const dynamic = 'force-dynamic';

export default async function AuthenticationPage() {
  const { org } = await requirePageContext();
  return (
    <>
      <PageHeader
        title="Authentication"
        description="SPF, DKIM and DMARC of your sending domains from DMARC reports and DNS, and reverse DNS and blocklists of your sending IPs: the evidence to rule a sender-side cause in or out."
        actions={canIngest(org.role) ? <RunChecksButton /> : null}
      />
      <div className="space-y-6">
        <Suspense fallback={<AuthStatusPanelsSkeleton />}>
          <AuthStatusPanels organizationId={org.organizationId} />
        </Suspense>
        <Suspense fallback={null}>
          <AuthChangeHistory organizationId={org.organizationId} now={new Date()} />
        </Suspense>
        {roleAllows(org.role, 'admin') ? (
          <Card title="Add a sending domain" description="Checked with the others from the next run; useful before any DMARC report names it.">
            <SendingDomainForm />
          </Card>
        ) : null}
      </div>
    </>
  );
}
