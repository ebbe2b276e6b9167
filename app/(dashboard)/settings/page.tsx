import type { Metadata } from 'next';
import { TokenPanel } from '@/components/settings/token-panel';
import { Badge } from '@/components/ui/badge';
import { ButtonLink } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { canManageTokens } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';
import { listApiTokens } from '@/lib/auth/tokens';

export const metadata: Metadata = { title: 'Settings' };
export const dynamic = 'force-dynamic';

const roleText = {
  admin: 'manages tokens, members and settings',
  analyst: 'uploads data and annotates incidents',
  viewer: 'reads dashboards and incidents',
} as const;

export default async function SettingsPage() {
  const { org } = await requirePageContext();
  const tokens = await listApiTokens(org.organizationId);
  return (
    <>
      <PageHeader title="Settings" description="Your organisation and the API tokens that send and read its data." />
      <div className="space-y-6">
        <Card id="organisation" title="Organisation">
          <dl className="grid gap-x-6 gap-y-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-xs font-medium text-fg-subtle">Name</dt>
              <dd className="mt-1 font-medium text-fg">{org.name}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-fg-subtle">Short name</dt>
              <dd className="mt-1 font-mono text-fg">{org.slug}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-fg-subtle">Your role</dt>
              <dd className="mt-1 flex flex-wrap items-center gap-2 text-fg-muted">
                <Badge tone="accent">{org.role}</Badge>
                <span className="text-xs">{roleText[org.role]}</span>
              </dd>
            </div>
          </dl>
        </Card>
        <Card id="api-tokens" title="API tokens" description="Bearer tokens for log shippers (ingest) and scripts or dashboards (read). Each token belongs to this organisation only." flush>
          <TokenPanel tokens={tokens} canManage={canManageTokens(org.role)} />
        </Card>
        <Card id="detection" title="Incident detection" description="Deferral rate, volume and baseline that open an incident; the minutes after which it moves to tune and to escalate.">
          <ButtonLink href="/settings/detection" variant="secondary">
            Detection thresholds
          </ButtonLink>
        </Card>
        {canManageTokens(org.role) ? (
          <Card id="administration" title="Administration" description="Outbound incident alerts and the record of security-relevant actions.">
            <div className="flex flex-wrap gap-3">
              <ButtonLink href="/settings/alerts" variant="secondary">
                Alert webhooks
              </ButtonLink>
              <ButtonLink href="/settings/audit" variant="secondary">
                Audit log
              </ButtonLink>
            </div>
          </Card>
        ) : null}
      </div>
    </>
  );
}
