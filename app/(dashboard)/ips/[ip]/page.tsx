import { isIP } from 'node:net';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { IpReputationPanel } from '@/components/auth-status/ip-reputation-panel';
import { LiveRefresh } from '@/components/live/live-refresh';
import { PanelSkeleton, RatesFootnote } from '@/components/metrics/bits';
import { BreakdownTable } from '@/components/metrics/breakdown-table';
import { RangeBar } from '@/components/metrics/range-bar';
import { DeferralPanel, QueuePanel } from '@/components/metrics/series-panels';
import { SignaturesPanel } from '@/components/metrics/signatures-panel';
import { hrefWith, parseTimeRange, rangeKey, rangeParams, type SearchParams } from '@/components/metrics/time-range';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageContext } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ ip: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `IP ${decodeURIComponent((await params).ip)}` };
}

export default async function IpPage({ params, searchParams }: Props) {
  const { org } = await requirePageContext();
  const ip = decodeURIComponent((await params).ip);
  if (isIP(ip) === 0) notFound();
  const query = await searchParams;
  const range = parseTimeRange(query, new Date());
  const pathname = `/ips/${encodeURIComponent(ip)}`;
  const organizationId = org.organizationId;
  const key = rangeKey(query);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-fg-muted">
        <Link href={hrefWith('/ips', rangeParams(query), {})} className="hover:text-fg hover:underline">
          IPs
        </Link>
      </nav>
      <PageHeader title={<span className="font-mono">{ip}</span>} description="This sending IP across providers: is it the problem everywhere, or only at one provider?" actions={<LiveRefresh />} />
      <RangeBar range={range}>
        <Link href={hrefWith('/events', rangeParams(query), { ip })} className="text-sm text-accent-fg hover:underline">
          Events from this IP
        </Link>
      </RangeBar>
      <div className="space-y-6">
        <Suspense key={`d${key}`} fallback={<PanelSkeleton title="Deferrals and volume" rows={6} />}>
          <DeferralPanel organizationId={organizationId} range={range} filter={{ ip }} perProvider params={rangeParams(query)} />
        </Suspense>
        <Suspense fallback={<PanelSkeleton title="Reputation" rows={2} />}>
          <IpReputationPanel organizationId={organizationId} ip={ip} />
        </Suspense>
        <Suspense key={`q${key}`} fallback={<PanelSkeleton title="Queue" />}>
          <QueuePanel organizationId={organizationId} range={range} filter={{ ip }} />
        </Suspense>
        <Suspense key={`m${key}`} fallback={<PanelSkeleton title="By recipient domain" rows={4} />}>
          <BreakdownTable organizationId={organizationId} by="domain" ip={ip} range={range} params={query} pathname={pathname} prefix="dom" limit={25} title="By recipient domain" />
        </Suspense>
        <Suspense key={`s${key}`} fallback={<PanelSkeleton title="Top replies" rows={4} />}>
          <SignaturesPanel organizationId={organizationId} range={range} params={query} ip={ip} />
        </Suspense>
      </div>
      <RatesFootnote />
    </>
  );
}
