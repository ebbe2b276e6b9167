import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LiveRefresh } from '@/components/live/live-refresh';
import { PanelSkeleton, RatesFootnote } from '@/components/metrics/bits';
import { BreakdownTable } from '@/components/metrics/breakdown-table';
import { RangeBar } from '@/components/metrics/range-bar';
import { parseTimeRange, rangeKey, type SearchParams } from '@/components/metrics/time-range';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'IPs' };
export const dynamic = 'force-dynamic';

/** Sending IPs listed; a pool larger than this is reached by sorting. */
const IP_LIMIT = 200;

export default async function IpsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { org } = await requirePageContext();
  const params = await searchParams;
  const range = parseTimeRange(params, new Date());
  return (
    <>
      <PageHeader title="IPs" description="Volume and deferral rate of each IP your servers send from; open one to see it at every provider." actions={<LiveRefresh />} />
      <RangeBar range={range} />
      <Suspense key={rangeKey(params)} fallback={<PanelSkeleton title="Sending IPs" rows={5} />}>
        <BreakdownTable
          organizationId={org.organizationId}
          by="ip"
          range={range}
          params={params}
          pathname="/ips"
          prefix="ip"
          limit={IP_LIMIT}
          title="Sending IPs"
          description={`All providers, ${range.label.toLowerCase()}; the sending IP comes from the log record or, failing that, the reply text.`}
        />
      </Suspense>
      <RatesFootnote />
    </>
  );
}
