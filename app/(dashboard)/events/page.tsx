import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LiveRefresh } from '@/components/live/live-refresh';
import { PanelSkeleton } from '@/components/metrics/bits';
import { eventFilterFromPage } from '@/components/metrics/event-filter';
import { EventFilterErrors, EventFilterForm, EventList } from '@/components/metrics/events-explorer';
import { RangeBar } from '@/components/metrics/range-bar';
import { parseTimeRange, type SearchParams } from '@/components/metrics/time-range';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Events' };
export const dynamic = 'force-dynamic';

export default async function EventsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { org } = await requirePageContext();
  const params = await searchParams;
  const range = parseTimeRange(params, new Date());
  const parsed = eventFilterFromPage(params, range);
  return (
    <>
      <PageHeader title="Events" description="Every delivery attempt, newest first, with the provider's full reply. Filter, share the address, or export the filtered set as CSV." actions={<LiveRefresh />} />
      <RangeBar range={range} />
      <Card className="mb-5">
        <EventFilterForm params={params} />
      </Card>
      {parsed.ok ? (
        <Suspense key={JSON.stringify(params)} fallback={<PanelSkeleton title="Events" rows={6} />}>
          <EventList organizationId={org.organizationId} filter={parsed.filter} params={params} isFiltered={parsed.isFiltered} />
        </Suspense>
      ) : (
        <EventFilterErrors errors={parsed.errors} />
      )}
    </>
  );
}
