import type { Metadata } from 'next';
import { EmptyState } from '@/components/ui/empty-state';
import { IconInbox } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Providers' };
export const dynamic = 'force-dynamic';

export default async function ProvidersPage() {
  await requirePageContext();
  return (
    <>
      <PageHeader title="Providers" description="Deferral, bounce and delivery rates per mailbox provider, compared side by side." />
      <EmptyState icon={<IconInbox />} title="No provider traffic yet">
        Once delivery events arrive, each mailbox provider — Microsoft 365, Outlook.com, Gmail, Yahoo, Apple and the rest — gets a row with its attempts, deferral and bounce rates and its most frequent replies, so a provider-wide throttle stands apart from a problem on your side.
      </EmptyState>
    </>
  );
}
