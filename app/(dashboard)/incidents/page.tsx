import type { Metadata } from 'next';
import { Suspense } from 'react';
import { IncidentList, IncidentListSkeleton } from '@/components/incidents/incident-list';
import { parseIncidentFilters } from '@/components/incidents/incident-view';
import { LiveRefresh } from '@/components/live/live-refresh';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Incidents' };
export const dynamic = 'force-dynamic';

export default async function IncidentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org } = await requirePageContext();
  const filters = parseIncidentFilters(await searchParams);
  return (
    <>
      <PageHeader title="Incidents" description="Periods when a provider defers well above its usual rate, with the scope verdict and the evidence for escalation." actions={<LiveRefresh />} />
      <Suspense key={JSON.stringify(filters)} fallback={<IncidentListSkeleton />}>
        <IncidentList organizationId={org.organizationId} filters={filters} />
      </Suspense>
    </>
  );
}
