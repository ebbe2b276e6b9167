import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/spinner';
import { env } from '@/lib/env';
import type { IncidentDto } from '@/lib/incidents/queries/incident-dto';
import { bucketSeconds } from '@/lib/metrics/buckets';
import { getDeferralSeries } from '@/lib/metrics/queries/get-deferral-series';
import { getQueueSeries } from '@/lib/queue/queries/get-queue-series';
import { chartRows, formatUtc, phaseRanges, providerLabel, timelineMarkers } from './incident-view';

const TITLE = 'Deferral rate and queue depth';

/**
 * The incident's provider over the chart window: deferral rate and queue depth on the same time grid,
 * phases shaded on both, escalations and people's entries marked on the rate (server component; the charts
 * are client leaves).
 */
export async function IncidentChart({ organizationId, incident, from, to }: { organizationId: string; incident: IncidentDto; from: Date; to: Date }) {
  const provider = incident.providers[0] ?? '';
  const deferral = await getDeferralSeries(organizationId, { groupBy: 'provider', provider, from, to });
  const queue = await getQueueSeries(
    organizationId,
    { from: new Date(deferral.from), to: new Date(deferral.to), bucketSeconds: bucketSeconds[deferral.bucket], provider, withOldestAge: false },
    env().QUEUE_MAX_LIFETIME_SECONDS,
  );
  const data = chartRows(deferral.series[0]?.points ?? [], queue.points);
  const shadedRanges = phaseRanges(incident, to);
  const markers = timelineMarkers(incident.timeline, { from, to });
  return (
    <Card
      id="chart"
      title={TITLE}
      description={`${providerLabel(provider)}, ${formatUtc(deferral.from)} – ${formatUtc(deferral.to)}, ${deferral.bucket} buckets. Queue depth is ${queue.source === 'reported' ? 'as the MTA reported it' : 'reconstructed from message lifecycles'}.`}
    >
      <div className="space-y-6" data-testid="incident-chart">
        <div>
          <p className="mb-2 text-xs font-medium text-fg-muted">Deferral rate (per-recipient temporary failures left out)</p>
          <TimeSeriesChart
            data={data}
            series={[{ key: 'deferralRate', label: 'Deferral rate', color: 'var(--color-danger)', unit: '%' }]}
            label={`Deferral rate to ${providerLabel(provider)} during the incident`}
            height={220}
            yDomain={[0, 1]}
            shadedRanges={shadedRanges}
            markers={markers}
          />
        </div>
        <div>
          <p className="mb-2 text-xs font-medium text-fg-muted">Queue depth (messages to {providerLabel(provider)})</p>
          <TimeSeriesChart
            data={data}
            series={[{ key: 'queueDepth', label: 'Queue depth', color: 'var(--color-info)', unit: 'count' }]}
            label={`Messages queued to ${providerLabel(provider)} during the incident`}
            height={180}
            shadedRanges={shadedRanges}
            variant="area"
          />
        </div>
      </div>
    </Card>
  );
}

export function IncidentChartSkeleton() {
  return (
    <Card title={TITLE}>
      <div className="space-y-6" aria-busy="true">
        <Skeleton className="h-[220px] w-full" />
        <Skeleton className="h-[180px] w-full" />
      </div>
    </Card>
  );
}
