import Link from 'next/link';
import { providerLabel } from '@/components/incidents/incident-view';
import { Badge, type Tone } from '@/components/ui/badge';
import { Button, ButtonLink } from '@/components/ui/button';
import { Callout } from '@/components/ui/callout';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { IconArrowRight, IconFile } from '@/components/ui/icons';
import { Input, Label, Select } from '@/components/ui/input';
import { outcomes } from '@/lib/ingest/types';
import { listEvents, type EventDto, type EventFilter } from '@/lib/ingest/queries/list-events';
import { providerGroups } from '@/lib/smtp/types';
import { MAX_EXPORT_ROWS } from './events-csv';
import { eventApiParams } from './event-filter';
import { formatCount } from './format';
import { hrefWith, rangeParams, type SearchParams } from './time-range';

const outcomeTone: Record<string, Tone> = { delivered: 'success', deferred: 'warning', bounced: 'danger', expired: 'info' };

/** The explorer's filters as a plain GET form: a filtered view is a URL, and it works before JavaScript loads. */
export function EventFilterForm({ params }: { params: SearchParams }) {
  const value = (name: string) => {
    const v = params[name];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  const hasFilter = ['provider', 'ip', 'domain', 'outcome', 'signature', 'kbRule'].some((f) => value(f) !== '');
  const text = (name: string, label: string, placeholder: string, className = '') => (
    <div className={className}>
      <Label htmlFor={`ev-${name}`} className="mb-1 text-xs text-fg-muted">
        {label}
      </Label>
      <Input id={`ev-${name}`} name={name} defaultValue={value(name)} placeholder={placeholder} className="h-8" autoComplete="off" spellCheck={false} />
    </div>
  );
  return (
    <form method="get" action="/events" role="search" aria-label="Filter events" className="grid grid-cols-2 items-end gap-3 md:grid-cols-4 xl:grid-cols-6">
      {Object.entries(rangeParams(params)).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <div>
        <Label htmlFor="ev-provider" className="mb-1 text-xs text-fg-muted">
          Provider
        </Label>
        <Select id="ev-provider" name="provider" defaultValue={value('provider')} compact className="[&_select]:h-8 [&_select]:text-sm">
          <option value="">Any provider</option>
          {providerGroups.map((p) => (
            <option key={p} value={p}>
              {providerLabel(p)}
            </option>
          ))}
        </Select>
      </div>
      <div>
        <Label htmlFor="ev-outcome" className="mb-1 text-xs text-fg-muted">
          Outcome
        </Label>
        <Select id="ev-outcome" name="outcome" defaultValue={value('outcome')} compact className="[&_select]:h-8 [&_select]:text-sm">
          <option value="">Any outcome</option>
          {outcomes.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </Select>
      </div>
      {text('ip', 'Sending IP', '203.0.113.7')}
      {text('domain', 'Recipient domain', 'contoso.com')}
      {text('kbRule', 'Knowledge-base rule', 'microsoft.server-busy')}
      {text('signature', 'Reply signature', 'exact signature', 'col-span-2 md:col-span-3 xl:col-span-1')}
      <div className="col-span-2 flex gap-2 md:col-span-1">
        <Button type="submit" className="h-8">
          Apply
        </Button>
        {hasFilter ? (
          <ButtonLink href={hrefWith('/events', rangeParams(params), {})} variant="ghost" className="h-8">
            Clear
          </ButtonLink>
        ) : null}
      </div>
    </form>
  );
}

/** One page of events, newest first, each with its full reply; keyset pagination and a CSV export of the whole filtered set. */
export async function EventList({ organizationId, filter, params, isFiltered }: { organizationId: string; filter: EventFilter; params: SearchParams; isFiltered: boolean }) {
  const { events, nextCursor } = await listEvents(organizationId, filter);
  const apiParams = eventApiParams(filter);
  const exportHref = hrefWith('/api/v1/events/export', {}, apiParams);
  return (
    <Card
      flush
      title="Events"
      description={filter.cursor ? 'Older events of the filtered set, newest first.' : 'Newest first.'}
      actions={
        <>
          <a href={hrefWith('/api/v1/events', {}, apiParams)} className="text-xs text-fg-subtle hover:text-accent-fg hover:underline">
            API
          </a>
          <ButtonLink href={exportHref} prefetch={false} size="sm" icon={<IconFile className="size-3.5" />} title={`The whole filtered set as CSV, at most ${formatCount(MAX_EXPORT_ROWS)} rows`}>
            Export CSV
          </ButtonLink>
        </>
      }
    >
      {events.length === 0 ? (
        <EmptyState bare titleAs="h3" title={filter.cursor ? 'No older events' : 'No events match'}>
          {isFiltered ? 'Clear a filter or pick a longer range.' : 'Nothing was received in this range. Pick a longer range, or send events.'}
        </EmptyState>
      ) : (
        <ol className="divide-y divide-line" data-testid="event-list">
          {events.map((e) => (
            <EventItem key={e.id} e={e} />
          ))}
        </ol>
      )}
      {filter.cursor || nextCursor ? (
        <nav aria-label="Pages" className="flex items-center justify-between gap-2 border-t border-line px-5 py-3">
          {filter.cursor ? (
            <Link href={hrefWith('/events', params, { cursor: null })} className="text-sm text-accent-fg hover:underline">
              Newest events
            </Link>
          ) : (
            <span />
          )}
          {nextCursor ? (
            <ButtonLink href={hrefWith('/events', params, { cursor: nextCursor })} size="sm" icon={<IconArrowRight className="size-3.5" />}>
              Older events
            </ButtonLink>
          ) : null}
        </nav>
      ) : null}
    </Card>
  );
}

function EventItem({ e }: { e: EventDto }) {
  return (
    <li className="space-y-1.5 px-5 py-3" data-testid="event-row">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
        <time dateTime={e.occurredAt} className="font-mono text-fg-muted tabular-nums" title={e.occurredAt}>
          {`${e.occurredAt.slice(0, 10)} ${e.occurredAt.slice(11, 19)} UTC`}
        </time>
        <Badge tone={outcomeTone[e.outcome] ?? 'neutral'}>{e.outcome}</Badge>
        <span className="font-medium text-fg">{providerLabel(e.provider)}</span>
        {e.sendingIp ? <span className="font-mono text-fg-muted">from {e.sendingIp}</span> : null}
        {e.recipientDomain ? <span className="font-mono text-fg-muted">to {e.recipient ?? e.recipientDomain}</span> : null}
        {e.kbRule ? <span className="font-mono text-accent-fg">{e.kbRule}</span> : null}
        {e.delaySeconds !== null ? <span className="text-fg-subtle">delay {formatCount(e.delaySeconds)} s</span> : null}
      </div>
      {e.reply ? (
        <p className="font-mono text-xs break-words whitespace-pre-wrap text-fg" data-testid="event-reply">
          {e.reply}
        </p>
      ) : (
        <p className="text-xs text-fg-subtle">No reply text recorded.</p>
      )}
      <p className="text-[11px] text-fg-subtle">
        {e.source}
        {e.sourceHost ? ` · ${e.sourceHost}` : ''}
        {e.queueId ? ` · queue ${e.queueId}` : ''}
        {e.mxHost ? ` · MX ${e.mxHost}` : ''}
      </p>
    </li>
  );
}

/** The explorer's filter errors, by field. */
export function EventFilterErrors({ errors }: { errors: string[] }) {
  return (
    <Callout tone="warning" title="These filters cannot be used">
      <ul className="list-disc pl-4">
        {errors.map((e) => (
          <li key={e}>{e}</li>
        ))}
      </ul>
    </Callout>
  );
}
