import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LiveRefresh } from '@/components/live/live-refresh';
import { PanelSkeleton, RatesFootnote } from '@/components/metrics/bits';
import { ProviderTable } from '@/components/metrics/provider-table';
import { RangeBar } from '@/components/metrics/range-bar';
import { parseTimeRange, rangeKey, type SearchParams } from '@/components/metrics/time-range';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Providers' };
export const dynamic = 'force-dynamic';

export default async function ProvidersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { org } = await requirePageContext();
  const params = await searchParams;
  const range = parseTimeRange(params, new Date());
  return (
    <>
      <PageHeader title="Providers" description="Deferral, bounce and delivery rates per mailbox provider, compared side by side." actions={<LiveRefresh />} />
      <RangeBar range={range} />
      <Suspense key={rangeKey(params)} fallback={<PanelSkeleton title="Providers" rows={5} />}>
        <ProviderTable organizationId={org.organizationId} range={range} params={params} />
      </Suspense>
      <RatesFootnote />
    </>
  );
}
