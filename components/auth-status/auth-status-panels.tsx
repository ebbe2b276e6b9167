import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { IconShieldCheck } from '@/components/ui/icons';
import { Skeleton } from '@/components/ui/spinner';
import { getAuthStatus } from '@/lib/auth-status/queries/get-auth-status';
import { getReputation } from '@/lib/auth-status/queries/get-reputation';
import { listOurSendingIps } from '@/lib/auth-status/queries/list-our-sending-ips';
import { listStatusTargets } from '@/lib/auth-status/queries/list-status-targets';
import { DomainCard } from './domain-card';
import { ReputationTable } from './reputation-table';

/** A card per sending domain and the Reputation panel of the sending IPs (server component). */
export async function AuthStatusPanels({ organizationId }: { organizationId: string }) {
  const ourIps = await listOurSendingIps(organizationId);
  const { domains, ips } = await listStatusTargets(organizationId, ourIps);
  if (domains.length === 0 && ips.length === 0) {
    return (
      <EmptyState icon={<IconShieldCheck />} title="No authentication results yet">
        <p>
          Upload DMARC aggregate reports (XML, .gz, .zip or the report e-mail) with <code className="font-mono text-xs">POST /api/v1/dmarc-reports</code> and an ingest token, or add a sending domain
          below; sending IPs come from your MTA logs. Then run the checks: the button above, <code className="font-mono text-xs">npm run auth-checks</code>, or wait for the check every 6 hours.
        </p>
      </EmptyState>
    );
  }
  const [statuses, reputations] = await Promise.all([Promise.all(domains.map((d) => getAuthStatus(organizationId, d, ourIps))), Promise.all(ips.map((ip) => getReputation(organizationId, ip, ourIps)))]);
  return (
    <div className="space-y-6">
      {statuses.map((s) => (
        <DomainCard key={s.domain} status={s} />
      ))}
      {reputations.length > 0 ? <ReputationTable rows={reputations} /> : null}
    </div>
  );
}

/** Shown while the status streams in. */
export function AuthStatusPanelsSkeleton() {
  return (
    <Card title="Sending domains">
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-5 w-full" />
        <Skeleton className="h-5 w-4/5" />
        <Skeleton className="h-5 w-3/5" />
      </div>
    </Card>
  );
}
