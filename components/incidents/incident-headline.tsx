import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import type { IncidentDto } from '@/lib/incidents/queries/incident-dto';
import type { EvidencePoint } from '@/lib/incidents/types';
import { EscalationBadge, ScopeBadge, StatusBadge } from './incident-badges';
import { formatDuration, formatRate, formatUtc, incidentDurationMs, incidentsHref, providerLabel, scopeLabel } from './incident-view';

const sideText: Record<EvidencePoint['side'], string> = { receiver: 'points to the provider', sender: 'points to us', neutral: 'neither side' };
const sideTone = { receiver: 'info', sender: 'warning', neutral: 'neutral' } as const;

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-fg-subtle">{term}</dt>
      <dd className="mt-1 text-sm text-fg">{children}</dd>
    </div>
  );
}

/** Who did something and when, or a dash. */
function ByAt({ by, at }: { by: string | null; at: string | null }) {
  if (!by) return <span className="text-fg-subtle">—</span>;
  return (
    <span className="break-words">
      {by}
      {at ? (
        <span className="text-fg-muted">
          {' · '}
          <time dateTime={at}>{formatUtc(at)}</time>
        </span>
      ) : null}
    </span>
  );
}

/** The incident at a glance: provider, reply, verdict with its evidence, escalation, duration, who handles it. */
export function IncidentHeadline({ incident: inc, now }: { incident: IncidentDto; now: Date }) {
  return (
    <Card id="headline" title="Summary" titleAs="h2">
      <div className="space-y-5" data-testid="incident-headline">
        <div className="flex flex-wrap items-center gap-2">
          <StatusBadge status={inc.status} />
          <ScopeBadge scope={inc.scope} />
          <EscalationBadge escalation={inc.escalation} />
          {inc.reopenCount > 0 ? <Badge tone="warning">reopened {inc.reopenCount}×</Badge> : null}
        </div>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-4 sm:gap-x-6 lg:grid-cols-4">
          <Fact term="Provider">
            <span data-testid="incident-provider" className="font-medium">
              {inc.providers.map((p, i) => (
                <span key={p}>
                  {i > 0 ? ', ' : null}
                  <Link href={incidentsHref({ provider: p })} className="hover:text-accent-fg hover:underline" title={`All incidents at ${providerLabel(p)}`}>
                    {providerLabel(p)}
                  </Link>
                </span>
              ))}
            </span>
          </Fact>
          <Fact term="Knowledge-base rule">{inc.kbRule ? <code className="font-mono text-[13px]">{inc.kbRule}</code> : <span className="text-fg-muted">no rule matches</span>}</Fact>
          <Fact term="Started">
            <time dateTime={inc.startedAt}>{formatUtc(inc.startedAt)}</time>
          </Fact>
          <Fact term={inc.endedAt ? 'Duration' : 'Duration so far'}>
            <span className="tabular-nums">{formatDuration(incidentDurationMs(inc, now))}</span>
            {inc.endedAt ? (
              <span className="text-fg-muted">
                {' · ended '}
                <time dateTime={inc.endedAt}>{formatUtc(inc.endedAt)}</time>
              </span>
            ) : null}
          </Fact>
          <Fact term="Peak failure rate">
            <span className="tabular-nums">{formatRate(inc.peakDeferralRate)}</span>
            <span className="text-fg-muted"> · baseline {formatRate(inc.baselineRate)}</span>
          </Fact>
          <Fact term="Peak queue">{inc.peakQueueDepth === null ? <span className="text-fg-muted">unknown</span> : <span className="tabular-nums">{inc.peakQueueDepth.toLocaleString('en-US')} messages</span>}</Fact>
          <Fact term="Affected">
            {inc.affectedIps.length} sending IP{inc.affectedIps.length === 1 ? '' : 's'} · {inc.affectedDomains.length} domain{inc.affectedDomains.length === 1 ? '' : 's'}
            {inc.regions.length > 0 ? <span className="text-fg-muted"> · regions {inc.regions.join(', ')}</span> : null}
          </Fact>
          <Fact term="Acknowledged">
            <ByAt by={inc.acknowledgedBy} at={inc.acknowledgedAt} />
          </Fact>
          <Fact term="Assignee">{inc.assignee ?? <span className="text-fg-subtle">nobody yet</span>}</Fact>
          {inc.status === 'resolved' ? (
            <Fact term="Resolved">
              <ByAt by={inc.resolvedBy === 'system' ? 'detection (queue drained)' : inc.resolvedBy} at={inc.resolvedAt} />
              {inc.resolveReason ? <p className="mt-0.5 text-fg-muted">“{inc.resolveReason}”</p> : null}
            </Fact>
          ) : null}
          <Fact term="Last change">
            <ByAt by={inc.updatedBy === 'system' ? 'detection' : inc.updatedBy} at={inc.updatedAt} />
          </Fact>
        </dl>
        <div>
          <p className="mb-1 text-xs font-medium text-fg-subtle">Dominant reply</p>
          <p className="rounded-md border border-line bg-surface-sunken px-3 py-2 font-mono text-[13px] break-words text-fg">{inc.signature}</p>
        </div>
        <section aria-labelledby="verdict-title">
          <h3 id="verdict-title" className="text-sm font-semibold text-fg">
            Scope verdict: <span data-testid="incident-scope">{scopeLabel[inc.scope]}</span>
          </h3>
          <p className="mt-0.5 text-xs text-fg-muted">Strong points decide alone; weak points decide only when three or more agree and none disagrees.</p>
          {inc.evidence.length === 0 ? (
            <p className="mt-2 text-sm text-fg-muted">No evidence recorded yet.</p>
          ) : (
            <ol className="mt-3 space-y-2" data-testid="incident-evidence">
              {inc.evidence.map((e) => (
                <li key={`${e.side}-${e.finding}`} className="flex flex-wrap items-start gap-x-3 gap-y-1 text-sm sm:flex-nowrap">
                  <span className="flex shrink-0 gap-1.5 sm:w-52">
                    <Badge tone={sideTone[e.side]}>{sideText[e.side]}</Badge>
                    <Badge tone={e.strength === 'strong' ? 'accent' : 'neutral'}>{e.strength}</Badge>
                  </span>
                  <span className="min-w-0 text-fg">{e.finding}</span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </Card>
  );
}
