import { isIP } from 'node:net';
import Link from 'next/link';
import { authChangeMarkers } from '@/components/auth-status/format';
import { StackedBarChart } from '@/components/charts/bar-chart';
import { formatDuration } from '@/components/charts/format';
import { Sparkline } from '@/components/charts/sparkline';
import { TimeSeriesChart } from '@/components/charts/time-series-chart';
import { providerLabel } from '@/components/incidents/incident-view';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { listAuthChanges } from '@/lib/auth-status/queries/list-auth-changes';
import { env } from '@/lib/env';
import { bucketSeconds, resolveBuckets } from '@/lib/metrics/buckets';
import { getDeferralSeries, OTHERS_KEY, type DeferralSeriesDto } from '@/lib/metrics/queries/get-deferral-series';
import { deferralRate } from '@/lib/metrics/rates';
import { getQueueSeries } from '@/lib/queue/queries/get-queue-series';
import { ApiLink, isoRange, RateValue, Stat } from './bits';
import { formatCount } from './format';
import { ipVerdict, sumOutcomes } from './provider-groups';
import { hrefWith, type TimeRange } from './time-range';

/** Lines drawn on the per-provider chart of an IP; the rest are folded into one series by the query. */
const IP_CHART_PROVIDERS = 7;

interface Filter {
  provider?: string;
  ip?: string;
}

function seriesTotals(series: DeferralSeriesDto['series']) {
  const t = { attempts: 0, delivered: 0, deferred: 0, bounced: 0, expired: 0, dpr: 0 };
  for (const s of series) {
    t.attempts += s.totals.attempts;
    t.delivered += s.totals.delivered;
    t.deferred += s.totals.deferred;
    t.bounced += s.totals.bounced;
    t.expired += s.totals.expired;
    t.dpr += s.totals.deferredPerRecipient;
  }
  return { ...t, rate: deferralRate(t.attempts, t.deferred, t.dpr) };
}

function seriesName(key: string): string {
  return key === OTHERS_KEY ? 'All other providers' : providerLabel(key);
}

/**
 * Deferral rate and volume over time for a provider or a sending IP, with the range's totals on top.
 * For an IP (`perProvider`), one line per provider and a table that answers "everywhere or only at one?".
 */
export async function DeferralPanel({ organizationId, range, filter, perProvider = false, params }: { organizationId: string; range: TimeRange; filter: Filter; perProvider?: boolean; params: Record<string, string> }) {
  const [dto, changes] = await Promise.all([
    getDeferralSeries(organizationId, { groupBy: 'provider', from: range.from, to: range.to, ...filter, limitSeries: perProvider ? IP_CHART_PROVIDERS : 50 }),
    listAuthChanges(organizationId, { from: range.from, to: range.to }),
  ]);
  // An IP's page shows its own changes and those of the sending domains; other IPs' listings are not its story.
  const markers = authChangeMarkers(filter.ip ? changes.filter((c) => c.target === filter.ip || isIP(c.target) === 0) : changes);
  const totals = seriesTotals(dto.series);
  const api = hrefWith('/api/v1/metrics/deferrals', {}, { groupBy: 'provider', ...filter, ...isoRange(range), limitSeries: perProvider ? String(IP_CHART_PROVIDERS) : '50' });
  const outcomes = sumOutcomes(dto.series);
  const ratePoints = perProvider
    ? outcomes.map((o) => ({ t: o.t, ...Object.fromEntries(dto.series.map((s) => [s.key, s.points.find((p) => p.t === o.t)?.deferralRate ?? null])) }))
    : outcomes.map((o) => ({ t: o.t, rate: o.deferralRate }));
  return (
    <Card title="Deferrals and volume" description={`${range.label}, ${dto.bucket} buckets${markers.length > 0 ? '; dashed lines mark DNS changes' : ''}.`} actions={<ApiLink href={api} />}>
      <dl className="mb-5 grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="range-stats">
        <Stat label="Attempts" testId="stat-attempts">
          {formatCount(totals.attempts)}
        </Stat>
        <Stat label="Deferred" testId="stat-deferred">
          {formatCount(totals.deferred)}
        </Stat>
        <Stat label="Bounced">{formatCount(totals.bounced)}</Stat>
        <Stat label="Deferral rate">
          <RateValue rate={totals.rate} isToned testId="stat-rate" />
        </Stat>
      </dl>
      {totals.attempts === 0 ? (
        <EmptyState bare titleAs="h3" title="No attempts in this range">
          Pick a longer range, or check that events for this {filter.ip ? 'IP' : 'provider'} are being sent.
        </EmptyState>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <div>
            <h3 className="mb-2 text-xs font-medium text-fg-muted">Deferral rate{perProvider ? ' by provider' : ''}</h3>
            <TimeSeriesChart
              label={`Deferral rate, ${range.label}`}
              data={ratePoints}
              series={perProvider ? dto.series.map((s) => ({ key: s.key, label: seriesName(s.key), unit: '%' as const })) : [{ key: 'rate', label: 'Deferral rate', unit: '%' }]}
              height={220}
              markers={markers}
            />
          </div>
          {/* relative + overflow-hidden: the chart's visually hidden table (display: table ignores the 1 px sr-only box) must not stretch the page. */}
          <div className="relative overflow-hidden">
            <h3 className="mb-2 text-xs font-medium text-fg-muted">Attempts by outcome</h3>
            <StackedBarChart
              label={`Attempts by outcome, ${range.label}`}
              xFormat="time"
              data={outcomes.map((o) => ({ x: o.t, delivered: o.delivered, deferred: o.deferred, bounced: o.bounced, expired: o.expired }))}
              series={[
                { key: 'delivered', label: 'Delivered', tone: 'ok' },
                { key: 'deferred', label: 'Deferred', tone: 'warning' },
                { key: 'bounced', label: 'Bounced', tone: 'danger' },
                { key: 'expired', label: 'Expired', tone: 'info' },
              ]}
              height={220}
            />
          </div>
        </div>
      )}
      {perProvider && totals.attempts > 0 ? <ProviderSplit series={dto.series} ip={filter.ip ?? ''} params={params} /> : null}
    </Card>
  );
}

function VerdictCallout({ series }: { series: DeferralSeriesDto['series'] }) {
  const v = ipVerdict(series.map((s) => ({ key: s.key, attempts: s.totals.attempts, deferralRate: s.totals.deferralRate })));
  const names = (keys: string[]) => keys.map(providerLabel).join(', ');
  switch (v.kind) {
    case 'no-data':
      return <Callout title="Too few attempts to judge">No provider received enough attempts from this IP in the range to compare.</Callout>;
    case 'healthy':
      return <Callout tone="success" title="Healthy at every provider">No provider defers this IP at 5 % or more.</Callout>;
    case 'everywhere':
      return (
        <Callout tone="danger" title="Deferred at every provider">
          {names(v.providers)} all defer this IP: look at the IP itself (blocklists, volume changes, authentication) before blaming a provider.
        </Callout>
      );
    case 'some':
      return (
        <Callout tone="warning" title={`Deferred only at ${names(v.elevated)}`}>
          {v.healthy.length > 0 ? `${names(v.healthy)} accept${v.healthy.length === 1 ? 's' : ''} this IP normally, so the problem is how ${names(v.elevated)} treat${v.elevated.length === 1 ? 's' : ''} it.` : 'No other provider received enough attempts from this IP to compare.'}
        </Callout>
      );
  }
}

function ProviderSplit({ series, ip, params }: { series: DeferralSeriesDto['series']; ip: string; params: Record<string, string> }) {
  return (
    <div className="mt-6 space-y-3 border-t border-line pt-5">
      <h3 className="text-sm font-semibold">This IP at each provider</h3>
      <VerdictCallout series={series} />
      <Table caption="This IP's attempts and deferral rate per provider">
        <TableHead>
          <tr>
            <TableHeaderCell>Provider</TableHeaderCell>
            <TableHeaderCell className="text-right">Attempts</TableHeaderCell>
            <TableHeaderCell className="hidden text-right sm:table-cell">Deferred</TableHeaderCell>
            <TableHeaderCell className="text-right">Rate</TableHeaderCell>
            <TableHeaderCell className="hidden sm:table-cell">Trend</TableHeaderCell>
          </tr>
        </TableHead>
        <TableBody>
          {series.map((s) => (
            <TableRow key={s.key} data-testid="ip-provider-row" data-key={s.key}>
              <TableCell className="font-medium">
                {s.key === OTHERS_KEY ? (
                  seriesName(s.key)
                ) : (
                  <Link href={hrefWith('/events', params, { provider: s.key, ip })} className="hover:text-accent-fg hover:underline">
                    {seriesName(s.key)}
                  </Link>
                )}
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatCount(s.totals.attempts)}</TableCell>
              <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatCount(s.totals.deferred)}</TableCell>
              <TableCell className="text-right">
                <RateValue rate={s.totals.deferralRate} isToned />
              </TableCell>
              <TableCell className="hidden sm:table-cell">
                <Sparkline values={s.points.map((p) => p.deferralRate)} label={`${seriesName(s.key)} deferral rate`} unit="%" tone="warning" />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** Queue depth and oldest-message age over the range, with where the numbers come from and what stops counting. */
export async function QueuePanel({ organizationId, range, filter }: { organizationId: string; range: TimeRange; filter: Filter }) {
  const spec = resolveBuckets({ from: range.from, to: range.to });
  const lifetimeSeconds = env().QUEUE_MAX_LIFETIME_SECONDS;
  const q = await getQueueSeries(organizationId, { from: spec.from, to: spec.to, bucketSeconds: bucketSeconds[spec.bucket], ...filter }, lifetimeSeconds);
  const api = hrefWith('/api/v1/metrics/queue', {}, { ...filter, ...isoRange(range), bucket: spec.bucket });
  const last = q.points.findLast((p) => p.depth !== null) ?? null;
  const hasQueue = q.points.some((p) => (p.depth ?? 0) > 0);
  return (
    <Card
      title="Queue"
      description={q.source === 'reported' ? 'Depth and oldest message as your MTA reported them.' : 'Reconstructed from each message’s attempts: queued from its first attempt until delivered, bounced or expired.'}
      actions={<ApiLink href={api} />}
    >
      <dl className="mb-4 grid grid-cols-2 gap-4 sm:grid-cols-3">
        <Stat label="Queued now" testId="stat-queue">
          {last?.depth == null ? <span title="no queue data">—</span> : formatCount(last.depth)}
        </Stat>
        <Stat label="Oldest message">{last?.oldestAgeSeconds == null ? <span title="nothing queued">—</span> : formatDuration(last.oldestAgeSeconds)}</Stat>
        <Stat label="Aged out in range" hint={`unknown fate, after ${formatDuration(q.lifetimeSeconds)}`}>
          {formatCount(q.agedOutInRange)}
        </Stat>
      </dl>
      {hasQueue ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <TimeSeriesChart label={`Queue depth, ${range.label}`} data={q.points.map((p) => ({ t: p.t, depth: p.depth }))} series={[{ key: 'depth', label: 'Queued messages', unit: 'count' }]} variant="area" height={180} />
          <TimeSeriesChart label={`Oldest queued message, ${range.label}`} data={q.points.map((p) => ({ t: p.t, age: p.oldestAgeSeconds }))} series={[{ key: 'age', label: 'Oldest message age', unit: 's' }]} height={180} />
        </div>
      ) : (
        <p className="text-sm text-fg-muted">Nothing was queued in this range.</p>
      )}
      <p className="mt-3 text-xs text-fg-subtle">
        Messages of unknown fate stop counting after {formatDuration(q.lifetimeSeconds)} (QUEUE_MAX_LIFETIME_SECONDS); {formatCount(q.agedOutInRange)} aged out in this range.
      </p>
    </Card>
  );
}
