import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';
import { IconNetwork } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'IPs' };
export const dynamic = 'force-dynamic';

export default async function IpsPage() {
  await requirePageContext();
  return (
    <>
      <PageHeader title="IPs" description="Volume, deferrals and blocklist status for each IP your servers send from." />
      <EmptyState icon={<IconNetwork />} title="No sending IPs seen yet">
        Every IP your MTAs send from appears here with its volume and its deferral rate per provider, next to its blocklist status, so one throttled or listed IP stands out from the rest of the pool.
      </EmptyState>
    </>
  );
}
