import { formatDuration } from '@/components/charts/format';
import { providerLabel } from '@/components/incidents/incident-view';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { getRetryBehaviour, STORM_INTERVAL_SECONDS } from '@/lib/metrics/queries/get-retry-behaviour';
import { Stat } from './bits';
import { formatCount } from './format';
import type { TimeRange } from './time-range';

/** How our MTAs retry deferred mail to a provider, flagging retry storms and IP rotation. */
export async function RetryPanel({ organizationId, range, provider }: { organizationId: string; range: TimeRange; provider: string }) {
  const dto = await getRetryBehaviour(organizationId, { from: range.from, to: range.to, provider });
  const p = dto.providers.find((x) => x.provider === provider);
  return (
    <Card title="Retry behaviour" description={`${dto.sample.description.charAt(0).toUpperCase()}${dto.sample.description.slice(1)}.`}>
      {!p ? (
        <EmptyState bare titleAs="h3" title="No deferred messages in this range">
          Retry intervals appear once {providerLabel(provider)} defers mail that carries a queue or message id.
        </EmptyState>
      ) : (
        <div className="space-y-4">
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
            <Stat label="Messages">{formatCount(p.messages)}</Stat>
            <Stat label="Attempts per message" hint={`at most ${formatCount(p.attemptsPerMessage.max)}`}>
              {p.attemptsPerMessage.avg.toFixed(1)}
            </Stat>
            <Stat label="Median retry interval">{p.intervals.medianSeconds === null ? <span title="no retries">—</span> : formatDuration(p.intervals.medianSeconds)}</Stat>
            <Stat label="90th percentile">{p.intervals.p90Seconds === null ? <span title="no retries">—</span> : formatDuration(p.intervals.p90Seconds)}</Stat>
          </dl>
          {p.retryStorm ? (
            <Callout tone="warning" title="Retry storm">
              The median retry interval is {formatDuration(p.intervals.medianSeconds ?? 0)} while most deferrals are throttling. Retrying faster than every {formatDuration(STORM_INTERVAL_SECONDS)} keeps the
              throttle on: back off exponentially and lower concurrency towards {providerLabel(provider)}.
            </Callout>
          ) : null}
          {p.ipRotation.flagged ? (
            <Callout tone="warning" title={`${formatCount(p.ipRotation.messages)} deferred message${p.ipRotation.messages === 1 ? ' was' : 's were'} retried from another IP`}>
              <p>Moving delayed mail to new IPs without cause spreads the problem to IPs with no history; keep each message on its IP unless that IP is listed.</p>
              <ul className="mt-2 space-y-0.5 font-mono text-xs">
                {p.ipRotation.examples.map((x) => (
                  <li key={`${x.queueId}-${x.recipient}`} className="break-all">
                    {x.queueId} → {x.recipient}: {x.sendingIps.join(', ')}
                  </li>
                ))}
              </ul>
            </Callout>
          ) : null}
          {!p.retryStorm && !p.ipRotation.flagged ? (
            <Callout tone="success" title="Retries look controlled">
              No retry storm and no message moved between sending IPs.
            </Callout>
          ) : null}
        </div>
      )}
    </Card>
  );
}
