import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { Suspense } from 'react';
import { LiveRefresh } from '@/components/live/live-refresh';
import { PanelSkeleton, RatesFootnote } from '@/components/metrics/bits';
import { DemoButton } from '@/components/metrics/demo-button';
import { OpenIncidents, ProviderCards, ProviderComparison } from '@/components/metrics/overview-panels';
import { RangeBar } from '@/components/metrics/range-bar';
import { parseTimeRange, rangeKey, rangeParams, type SearchParams } from '@/components/metrics/time-range';
import { ButtonLink } from '@/components/ui/button';
import { CodeBlock } from '@/components/ui/code-block';
import { EmptyState } from '@/components/ui/empty-state';
import { IconActivity, IconKey, IconUpload } from '@/components/ui/icons';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/spinner';
import { canIngest } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';
import { listEvents } from '@/lib/ingest/queries/list-events';

export const metadata: Metadata = { title: 'Overview' };
export const dynamic = 'force-dynamic';

/** The address this instance is reached at, for copy-paste examples. */
async function siteOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const proto = h.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return `${proto}://${host}`;
}

async function NoEventsYet({ canLoadDemo }: { canLoadDemo: boolean }) {
  const curl = [
    `curl -X POST "${await siteOrigin()}/api/v1/events?format=auto" \\`,
    `  -H "Authorization: Bearer $DEFERRAL_DESK_TOKEN" \\`,
    `  --data-binary @/var/log/mail.log`,
  ].join('\n');
  return (
    <EmptyState
      icon={<IconActivity />}
      title="No delivery events yet"
      details={<CodeBlock caption="Send a log file with an ingest token" code={curl} />}
      action={
        <>
          <ButtonLink href="/uploads" variant="primary" icon={<IconUpload className="size-4" />}>
            Upload logs
          </ButtonLink>
          <ButtonLink href="/settings#api-tokens" icon={<IconKey className="size-4" />}>
            Create an ingest token
          </ButtonLink>
          {canLoadDemo ? <DemoButton /> : null}
        </>
      }
    >
      Upload MTA logs (Postfix, Exim, PowerMTA, KumoMTA) or ESP event exports on the Uploads page, or send them from your servers with an ingest token. Deferral rates, queue depth and incidents appear here as soon as
      events arrive. {canLoadDemo ? (
        <>
          Or load a demo day with a Microsoft 365 throttling incident (from a shell: <code className="font-mono text-xs">npm run demo</code>).
        </>
      ) : null}
    </EmptyState>
  );
}

function CardsSkeleton() {
  return (
    <div className="mb-6 grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-busy="true">
      {[0, 1, 2].map((i) => (
        <Skeleton key={i} className="h-56 w-full rounded-lg" />
      ))}
    </div>
  );
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { org } = await requirePageContext();
  const params = await searchParams;
  const now = new Date();
  const range = parseTimeRange(params, now);
  const { events } = await listEvents(org.organizationId, { limit: 1 });
  return (
    <>
      <PageHeader title="Overview" description={`Delivery health of ${org.name} across mailbox providers and sending IPs.`} actions={<LiveRefresh />} />
      {events.length === 0 ? (
        <NoEventsYet canLoadDemo={canIngest(org.role)} />
      ) : (
        <>
          <Suspense fallback={<Skeleton className="mb-6 h-6 w-48" />}>
            <OpenIncidents organizationId={org.organizationId} />
          </Suspense>
          <Suspense fallback={<CardsSkeleton />}>
            <ProviderCards organizationId={org.organizationId} now={now} params={rangeParams(params)} />
          </Suspense>
          <RangeBar range={range} />
          <Suspense key={rangeKey(params)} fallback={<PanelSkeleton title="One provider or everyone?" rows={4} />}>
            <ProviderComparison organizationId={org.organizationId} range={range} />
          </Suspense>
          <RatesFootnote />
        </>
      )}
    </>
  );
}
