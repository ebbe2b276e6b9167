import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { providerLabel } from '@/components/incidents/incident-view';
import { LiveRefresh } from '@/components/live/live-refresh';
import { PanelSkeleton, RatesFootnote } from '@/components/metrics/bits';
import { BreakdownTable } from '@/components/metrics/breakdown-table';
import { RangeBar } from '@/components/metrics/range-bar';
import { RetryPanel } from '@/components/metrics/retry-panel';
import { DeferralPanel, QueuePanel } from '@/components/metrics/series-panels';
import { SignaturesPanel } from '@/components/metrics/signatures-panel';
import { hrefWith, parseTimeRange, rangeKey, rangeParams, type SearchParams } from '@/components/metrics/time-range';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ provider: string }>; searchParams: Promise<SearchParams> };

/** Provider groups are lower-case words joined by hyphens ("microsoft-365"); anything else is no provider page. */
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: providerLabel(decodeURIComponent((await params).provider)) };
}

export default async function ProviderPage({ params, searchParams }: Props) {
  const { org } = await requirePageContext();
  const provider = decodeURIComponent((await params).provider);
  if (!PROVIDER_ID.test(provider)) notFound();
  const query = await searchParams;
  const range = parseTimeRange(query, new Date());
  const pathname = `/providers/${encodeURIComponent(provider)}`;
  const organizationId = org.organizationId;
  const key = rangeKey(query);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-fg-muted">
        <Link href={hrefWith('/providers', rangeParams(query), {})} className="hover:text-fg hover:underline">
          Providers
        </Link>
      </nav>
      <PageHeader title={providerLabel(provider)} description="Deferral rate and volume, queue, sending IPs, recipient domains, top replies and retry behaviour for this provider." actions={<LiveRefresh />} />
      <RangeBar range={range}>
        <Link href={hrefWith('/events', rangeParams(query), { provider })} className="text-sm text-accent-fg hover:underline">
          Events of this provider
        </Link>
      </RangeBar>
      <div className="space-y-6">
        <Suspense key={`d${key}`} fallback={<PanelSkeleton title="Deferrals and volume" rows={5} />}>
          <DeferralPanel organizationId={organizationId} range={range} filter={{ provider }} params={rangeParams(query)} />
        </Suspense>
        <Suspense key={`q${key}`} fallback={<PanelSkeleton title="Queue" />}>
          <QueuePanel organizationId={organizationId} range={range} filter={{ provider }} />
        </Suspense>
        <Suspense key={`i${key}`} fallback={<PanelSkeleton title="By sending IP" rows={4} />}>
          <BreakdownTable organizationId={organizationId} by="ip" provider={provider} range={range} params={query} pathname={pathname} prefix="ip" title="By sending IP" />
        </Suspense>
        <Suspense key={`m${key}`} fallback={<PanelSkeleton title="By recipient domain" rows={4} />}>
          <BreakdownTable organizationId={organizationId} by="domain" provider={provider} range={range} params={query} pathname={pathname} prefix="dom" limit={25} title="By recipient domain" />
        </Suspense>
        <div className="grid gap-6 xl:grid-cols-2">
          <Suspense key={`s${key}`} fallback={<PanelSkeleton title="Top replies" rows={4} />}>
            <SignaturesPanel organizationId={organizationId} range={range} params={query} provider={provider} />
          </Suspense>
          <Suspense key={`r${key}`} fallback={<PanelSkeleton title="Retry behaviour" />}>
            <RetryPanel organizationId={organizationId} range={range} provider={provider} />
          </Suspense>
        </div>
      </div>
      <RatesFootnote />
    </>
  );
}
