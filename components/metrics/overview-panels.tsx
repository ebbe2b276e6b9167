import Link from 'next/link';
import { Sparkline } from '@/components/charts/sparkline';
import { formatDuration } from '@/components/charts/format';
import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { authChangeMarkers } from '@/components/auth-status/format';
import { EscalationBadge, ScopeBadge, StatusBadge } from '@/components/incidents/incident-badges';
import { formatUtc, providerLabel } from '@/components/incidents/incident-view';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { IconActivity, IconCheckCircle, IconSiren } from '@/components/ui/icons';
import { listAuthChanges } from '@/lib/auth-status/queries/list-auth-changes';
import { env } from '@/lib/env';
import { listIncidents } from '@/lib/incidents/queries/list-incidents';
import { getDeferralSeries } from '@/lib/metrics/queries/get-deferral-series';
import { getProviderSummaries, WINDOW_MINUTES, type ProviderSummaryDto } from '@/lib/metrics/queries/get-provider-summaries';
import { RATE_EXCLUDES } from '@/lib/metrics/rates';
import { getQueueSeries, type QueuePoint } from '@/lib/queue/queries/get-queue-series';
import { ApiLink, isoRange, RateValue } from './bits';
import { changeTone, formatCount, formatPercent, formatPoints } from './format';
import { compareProviderGroups, comparisonGroups } from './provider-groups';
import { hrefWith, type TimeRange } from './time-range';

/** Queue depth on a card: the latest sample or reconstruction within this many minutes. */
const QUEUE_LOOKBACK_MINUTES = 15;
const MINUTE_MS = 60_000;
/** Incidents listed on the overview per status; the incident list has the rest. */
const OPEN_INCIDENTS_SHOWN = 5;

/** Open and mitigating incidents, on top of the overview; a quiet line when there are none. */
export async function OpenIncidents({ organizationId }: { organizationId: string }) {
  const [open, mitigating] = await Promise.all([
    listIncidents(organizationId, { status: 'open', limit: OPEN_INCIDENTS_SHOWN }),
    listIncidents(organizationId, { status: 'mitigating', limit: OPEN_INCIDENTS_SHOWN }),
  ]);
  const incidents = [...open.incidents, ...mitigating.incidents];
  if (incidents.length === 0) {
    return (
      <p className="mb-6 flex items-center gap-2 text-sm text-fg-muted" data-testid="no-open-incidents">
        <IconCheckCircle className="size-4 text-success-fg" />
        No open incidents.
      </p>
    );
  }
  return (
    <Card
      title={`${incidents.length} active incident${incidents.length === 1 ? '' : 's'}`}
      className="mb-6 border-danger-line"
      flush
      actions={
        <Link href="/incidents" className="text-sm text-accent-fg hover:underline">
          All incidents
        </Link>
      }
    >
      <ul className="divide-y divide-line" data-testid="open-incidents">
        {incidents.map((inc) => (
          <li key={inc.id} className="flex flex-wrap items-center gap-x-3 gap-y-1.5 px-5 py-3">
            <IconSiren className="size-4 shrink-0 text-danger-fg" />
            <Link href={`/incidents/${inc.id}`} className="font-medium text-fg hover:text-accent-fg hover:underline">
              {inc.providers.map(providerLabel).join(', ')}
            </Link>
            <StatusBadge status={inc.status} />
            <ScopeBadge scope={inc.scope} />
            <EscalationBadge escalation={inc.escalation} />
            <span className="text-xs text-fg-muted">
              since <time dateTime={inc.startedAt}>{formatUtc(inc.startedAt)}</time> · peak {formatPercent(inc.peakDeferralRate)}
            </span>
            <p className="w-full truncate pl-7 font-mono text-xs text-fg-subtle" title={inc.signature}>
              {inc.signature}
            </p>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function latestQueue(points: QueuePoint[]): QueuePoint | null {
  return points.findLast((p) => p.depth !== null) ?? null;
}

/** One card per provider seen lately: current deferral rate against its own baseline, a 6 h sparkline, queue and top reply. */
export async function ProviderCards({ organizationId, now, params }: { organizationId: string; now: Date; params: Record<string, string> }) {
  const summaries = await getProviderSummaries(organizationId, { now });
  const lifetimeSeconds = env().QUEUE_MAX_LIFETIME_SECONDS;
  const queues = await Promise.all(
    summaries.providers.map((p) =>
      getQueueSeries(organizationId, { from: new Date(now.getTime() - QUEUE_LOOKBACK_MINUTES * MINUTE_MS), to: now, bucketSeconds: 60, provider: p.provider }, lifetimeSeconds),
    ),
  );
  if (summaries.providers.length === 0) {
    return (
      <EmptyState icon={<IconActivity />} title="No traffic in the last hours" className="mb-6">
        The cards show each provider&apos;s last {WINDOW_MINUTES} minutes against its usual rate. Nothing was sent in the last 6 hours or in this hour of the past week; pick a longer range below to see older traffic.
      </EmptyState>
    );
  }
  return (
    <section aria-labelledby="provider-cards-title" className="mb-6">
      <h2 id="provider-cards-title" className="sr-only">
        Providers now
      </h2>
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        {summaries.providers.map((p, i) => (
          <ProviderCard key={p.provider} summary={p} queue={latestQueue(queues[i]?.points ?? [])} href={hrefWith(`/providers/${encodeURIComponent(p.provider)}`, params, {})} />
        ))}
      </ul>
    </section>
  );
}

function ProviderCard({ summary: p, queue, href }: { summary: ProviderSummaryDto; queue: QueuePoint | null; href: string }) {
  const label = providerLabel(p.provider);
  const tone = changeTone(p.changePoints);
  return (
    <li className="flex min-w-0 flex-col gap-3 rounded-lg border border-line bg-surface p-4 shadow-xs" data-testid="provider-card" data-provider={p.provider}>
      <div className="flex items-start justify-between gap-2">
        <h3 className="min-w-0 truncate text-sm font-semibold">
          <Link href={href} className="text-fg hover:text-accent-fg hover:underline">
            {label}
          </Link>
        </h3>
        <span title={`Change against ${p.baseline.description}: ${formatPercent(p.baseline.rate)} over ${formatCount(p.baseline.attempts)} attempts`}>
          <Badge tone={tone === 'neutral' ? 'neutral' : tone}>
            <span data-testid="card-change">{formatPoints(p.changePoints)}</span>
            <span className="sr-only"> against the baseline</span>
          </Badge>
        </span>
      </div>
      <div className="flex items-end justify-between gap-3">
        <div className="min-w-0">
          <p className="text-2xl font-semibold tracking-tight">
            <RateValue rate={p.deferralRate} isToned testId="card-rate" />
          </p>
          <p className="text-xs text-fg-muted">
            <span data-testid="card-deferred">{formatCount(p.deferred)}</span> of <span data-testid="card-attempts">{formatCount(p.attempts)}</span> attempt{p.attempts === 1 ? '' : 's'} deferred, last{' '}
            {WINDOW_MINUTES} min
            {p.deferredPerRecipient > 0 ? <span title={`Not in the rate: ${RATE_EXCLUDES}`}> ({formatCount(p.deferredPerRecipient)} per-recipient, not counted)</span> : null}
          </p>
        </div>
        <Sparkline values={p.sparkline.map((s) => s.deferralRate)} label={`${label} deferral rate, last 6 hours`} unit="%" tone="warning" width={112} height={36} />
      </div>
      <dl className="grid grid-cols-3 gap-2 border-t border-line pt-3 text-xs">
        <div>
          <dt className="text-fg-muted">Baseline</dt>
          <dd className="font-medium tabular-nums" title={p.baseline.description}>
            <RateValue rate={p.baseline.rate} />
          </dd>
        </div>
        <div>
          <dt className="text-fg-muted">Queue</dt>
          <dd className="font-medium tabular-nums" data-testid="card-queue">
            {queue?.depth === null || queue === null ? <span title="no queue data">—</span> : formatCount(queue.depth)}
          </dd>
        </div>
        <div>
          <dt className="text-fg-muted">Oldest</dt>
          <dd className="font-medium tabular-nums">{queue?.oldestAgeSeconds == null ? <span title="nothing queued">—</span> : formatDuration(queue.oldestAgeSeconds)}</dd>
        </div>
      </dl>
      {p.topSignature ? (
        <p className="truncate font-mono text-xs text-fg-subtle" title={p.topSignature.sampleReply ?? p.topSignature.signature}>
          <span className="sr-only">Top reply, last 6 hours: </span>
          {formatCount(p.topSignature.count)}× {p.topSignature.signature}
        </p>
      ) : (
        <p className="text-xs text-fg-subtle">No deferrals or bounces in the last 6 hours.</p>
      )}
    </li>
  );
}

/** Microsoft, Google, Yahoo and everyone else on one axis: is it one provider or everyone? */
export async function ProviderComparison({ organizationId, range }: { organizationId: string; range: TimeRange }) {
  const [series, changes] = await Promise.all([
    getDeferralSeries(organizationId, { groupBy: 'provider', from: range.from, to: range.to, limitSeries: 50 }),
    listAuthChanges(organizationId, { from: range.from, to: range.to }),
  ]);
  const { points, totals } = compareProviderGroups(series.series);
  const api = hrefWith('/api/v1/metrics/deferrals', {}, { groupBy: 'provider', ...isoRange(range), limitSeries: '50' });
  return (
    <Card
      title="One provider or everyone?"
      description={`Deferral rate per provider group, ${range.label.toLowerCase()}, in ${series.bucket} buckets${changes.length > 0 ? '; dashed lines mark DNS changes (SPF, DKIM, DMARC, blocklists)' : ''}.`} actions={<ApiLink href={api} />}>
      {totals.every((g) => g.attempts === 0) ? (
        <EmptyState bare titleAs="h3" title="No attempts in this range">
          Pick a longer range, or send events.
        </EmptyState>
      ) : (
        <>
          <TimeSeriesChart
            label={`Deferral rate by provider group, ${range.label}`}
            data={points}
            series={comparisonGroups.map((g) => ({ key: g.key, label: g.label, unit: '%' as const }))}
            height={260}
            markers={authChangeMarkers(changes)}
          />
          <dl className="mt-4 grid grid-cols-2 gap-3 border-t border-line pt-4 text-sm sm:grid-cols-4" data-testid="comparison-totals">
            {totals.map((g) => (
              <div key={g.key}>
                <dt className="text-xs text-fg-muted">{g.label}</dt>
                <dd className="font-medium">
                  <RateValue rate={g.deferralRate} isToned /> <span className="text-xs font-normal text-fg-subtle">of {formatCount(g.attempts)}</span>
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </Card>
  );
}
