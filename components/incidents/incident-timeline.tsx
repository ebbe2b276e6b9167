import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import type { TimelineEntryDto } from '@/lib/incidents/queries/incident-dto';
import { manualKinds } from '@/lib/incidents/types';
import { formatUtc } from './incident-view';

const kindLabel: Record<string, string> = {
  first_deferral: 'First failure',
  opened: 'Opened',
  ip_joined: 'IP affected',
  domain_joined: 'Domain affected',
  region_joined: 'Region affected',
  scope_changed: 'Scope changed',
  escalation_changed: 'Escalation',
  peak_deferral_rate: 'Peak',
  peak_queue: 'Peak queue',
  first_delivery_after_peak: 'Deliveries resume',
  mitigating: 'Mitigating',
  worsened: 'Worsened',
  recovered: 'Recovered',
  queue_drained: 'Queue drained',
  reopened: 'Reopened',
  warning: 'Warning',
  note: 'Note',
  acknowledged: 'Acknowledged',
  assigned: 'Assigned',
  resolved: 'Resolved',
  historical: 'From past data',
  withdrawn: 'Withdrawn',
  auth_change: 'DNS change',
};

const isManual = (kind: string) => (manualKinds as readonly string[]).includes(kind);

/** Every entry, automatic and by people, oldest first, each with who and when (and when it was written, if that differs). */
export function IncidentTimeline({ timeline }: { timeline: TimelineEntryDto[] }) {
  return (
    <Card id="timeline" title="Timeline" description="Detection's entries and what people recorded; times in UTC.">
      {timeline.length === 0 ? (
        <p className="text-sm text-fg-muted">Nothing recorded yet.</p>
      ) : (
        <ol className="relative space-y-4 border-l border-line pl-5" data-testid="incident-timeline">
          {timeline.map((e) => {
            const manual = isManual(e.kind);
            const reference = typeof e.data.providerReference === 'string' ? e.data.providerReference : null;
            const writtenLater = manual && Math.abs(Date.parse(e.recordedAt) - Date.parse(e.at)) >= 60_000;
            return (
              <li key={e.id} className="relative" data-testid="timeline-entry" data-kind={e.kind}>
                <span aria-hidden="true" className={`absolute top-1.5 -left-[25px] size-2.5 rounded-full border-2 border-surface ${manual ? 'bg-accent' : 'bg-fg-subtle'}`} />
                <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-fg-muted">
                  <time dateTime={e.at} className="font-medium text-fg tabular-nums">
                    {formatUtc(e.at)}
                  </time>
                  <Badge tone={manual ? 'accent' : 'neutral'}>{kindLabel[e.kind] ?? e.kind}</Badge>
                  <span>
                    by <span className={manual ? 'font-medium text-fg' : undefined}>{e.actor === 'system' ? 'detection' : e.actor}</span>
                  </span>
                  {writtenLater ? (
                    <span>
                      · written <time dateTime={e.recordedAt}>{formatUtc(e.recordedAt)}</time>
                    </span>
                  ) : null}
                </div>
                <p className="mt-1 text-sm break-words whitespace-pre-line text-fg">{e.message}</p>
                {reference ? (
                  <p className="mt-1 text-xs text-fg-muted">
                    Provider reference <code className="font-mono text-fg">{reference}</code>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
