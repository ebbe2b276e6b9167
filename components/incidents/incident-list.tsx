import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { IconSiren } from '@/components/ui/icons';
import { Skeleton } from '@/components/ui/spinner';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { listIncidentSummaries } from '@/lib/incidents/queries/list-incident-summaries';
import { EscalationBadge, ScopeBadge, StatusBadge } from './incident-badges';
import { IncidentFilterForm } from './incident-filters';
import { formatDuration, formatUtc, incidentDurationMs, providerLabel, type IncidentFilters } from './incident-view';

/** Rows shown; older incidents are reached through the filters. */
const LIST_LIMIT = 100;
const TITLE = 'Incidents';

/** The organisation's incidents, active first, filtered by the URL (server component). */
export async function IncidentList({ organizationId, filters }: { organizationId: string; filters: IncidentFilters }) {
  const { incidents, providers } = await listIncidentSummaries(organizationId, { ...filters, limit: LIST_LIMIT });
  const isFiltered = Boolean(filters.status ?? filters.provider ?? filters.scope);
  const now = new Date();
  if (incidents.length === 0 && !isFiltered) {
    return (
      <EmptyState icon={<IconSiren />} title="No incidents yet">
        <p>
          Detection runs a few seconds after every batch of delivery events and once a minute. When a provider defers or bounces well above its own baseline for the same hours of the past week — by default at
          least 20 % of attempts and three times the usual rate over ten minutes, with one dominant reply — an incident opens here with its scope verdict (receiver- or sender-side), escalation level,
          timeline and the evidence to send the provider.
        </p>
      </EmptyState>
    );
  }
  return (
    <Card id="incident-list" flush>
      <div className="space-y-3 border-b border-line px-5 py-4">
        <IncidentFilterForm filters={filters} providers={providers} />
        <p className="text-xs text-fg-muted" aria-live="polite">
          {isFiltered ? `${incidents.length} matching incident${incidents.length === 1 ? '' : 's'}` : `${incidents.length} incident${incidents.length === 1 ? '' : 's'}`}
          {' · open and mitigating first, then recovered, then resolved; newest first within each.'}
        </p>
      </div>
      {incidents.length === 0 ? (
        <EmptyState bare titleAs="h3" icon={<IconSiren />} title="No incident matches these filters">
          Clear a filter to see more.
        </EmptyState>
      ) : (
        <Table caption={TITLE}>
          <TableHead>
            <tr>
              <TableHeaderCell>Provider and reply</TableHeaderCell>
              <TableHeaderCell className="hidden sm:table-cell">Scope</TableHeaderCell>
              <TableHeaderCell className="hidden sm:table-cell">Escalation</TableHeaderCell>
              <TableHeaderCell className="hidden sm:table-cell">Status</TableHeaderCell>
              <TableHeaderCell className="hidden sm:table-cell">Started</TableHeaderCell>
              <TableHeaderCell className="hidden text-right sm:table-cell">Duration</TableHeaderCell>
              <TableHeaderCell className="hidden md:table-cell">Affected</TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {incidents.map((inc) => (
              <TableRow key={inc.id} data-testid="incident-row">
                <TableCell className="max-w-[16rem] py-2.5 sm:max-w-xs">
                  <Link href={`/incidents/${inc.id}`} className="font-medium text-fg hover:text-accent-fg hover:underline focus-visible:outline-2 focus-visible:outline-focus">
                    {providerLabel(inc.provider)}
                    {inc.kbRule ? <span className="ml-2 font-mono text-xs font-normal text-fg-muted">{inc.kbRule}</span> : null}
                  </Link>
                  <p className="mt-0.5 truncate font-mono text-xs text-fg-subtle" title={inc.signature}>
                    {inc.signature}
                  </p>
                  <div className="mt-2 flex flex-wrap items-center gap-1.5 sm:hidden">
                    <StatusBadge status={inc.status} />
                    <ScopeBadge scope={inc.scope} />
                    <EscalationBadge escalation={inc.escalation} />
                    <span className="text-xs text-fg-muted">
                      {formatUtc(inc.startedAt).slice(5)} · {formatDuration(incidentDurationMs(inc, now))}
                    </span>
                  </div>
                </TableCell>
                <TableCell className="hidden sm:table-cell">
                  <ScopeBadge scope={inc.scope} />
                </TableCell>
                <TableCell className="hidden sm:table-cell">
                  <EscalationBadge escalation={inc.escalation} />
                </TableCell>
                <TableCell className="hidden sm:table-cell">
                  <StatusBadge status={inc.status} />
                </TableCell>
                <TableCell className="hidden whitespace-nowrap text-fg-muted sm:table-cell">
                  <time dateTime={inc.startedAt} title={formatUtc(inc.startedAt)}>
                    {formatUtc(inc.startedAt).slice(5)}
                  </time>
                </TableCell>
                <TableCell className="hidden text-right whitespace-nowrap tabular-nums sm:table-cell">
                  {formatDuration(incidentDurationMs(inc, now))}
                  {inc.endedAt === null ? <span className="sr-only"> and counting</span> : null}
                </TableCell>
                <TableCell className="hidden whitespace-nowrap text-fg-muted tabular-nums md:table-cell">
                  {inc.affectedIpCount} IP{inc.affectedIpCount === 1 ? '' : 's'} · {inc.affectedDomainCount} domain{inc.affectedDomainCount === 1 ? '' : 's'}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}

/** Shown while the list loads. */
export function IncidentListSkeleton() {
  return (
    <Card>
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-9 w-full" />
        <Skeleton className="h-11 w-full" />
        <Skeleton className="h-11 w-full" />
        <Skeleton className="h-11 w-2/3" />
      </div>
    </Card>
  );
}
