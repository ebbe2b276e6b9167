import Link from 'next/link';
import { Sparkline } from '@/components/charts/sparkline';
import { providerLabel } from '@/components/incidents/incident-view';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableBody, TableCell, TableHead, TableRow } from '@/components/ui/table';
import { getDeferralSeries, OTHERS_KEY } from '@/lib/metrics/queries/get-deferral-series';
import { ApiLink, isoRange, RateValue, SortHeader } from './bits';
import { formatCount } from './format';
import { parseTableSort, sortRows } from './table-sort';
import { hrefWith, rangeParams, type SearchParams, type TimeRange } from './time-range';

const columns = ['provider', 'attempts', 'deferred', 'bounced', 'deferralRate'] as const;
type Column = (typeof columns)[number];
const TEXT_COLUMNS: readonly Column[] = ['provider'];
/** Every provider group gets its own row (there are fewer than this). */
const MAX_PROVIDERS = 50;

/** Every provider with attempts in the range, sortable through the URL, each linking to its page. */
export async function ProviderTable({ organizationId, range, params }: { organizationId: string; range: TimeRange; params: SearchParams }) {
  const dto = await getDeferralSeries(organizationId, { groupBy: 'provider', from: range.from, to: range.to, limitSeries: MAX_PROVIDERS });
  const sort = parseTableSort(params, 'p', columns, 'attempts', TEXT_COLUMNS);
  const rows = sortRows(
    dto.series.filter((s) => s.key !== OTHERS_KEY),
    sort,
    (s, c) => (c === 'provider' ? providerLabel(s.key) : s.totals[c]),
    (s) => s.key,
  );
  const api = hrefWith('/api/v1/metrics/deferrals', {}, { groupBy: 'provider', ...isoRange(range), limitSeries: String(MAX_PROVIDERS) });
  const header = (label: string, column: Column, className?: string) => (
    <SortHeader label={label} column={column} sort={sort} prefix="p" pathname="/providers" params={params} textColumns={TEXT_COLUMNS} className={className} />
  );
  return (
    <Card title="Providers" description={`${range.label}, ${dto.bucket} buckets in the trend.`} actions={<ApiLink href={api} />} flush>
      {rows.length === 0 ? (
        <EmptyState bare titleAs="h3" title="No provider traffic in this range">
          Pick a longer range, or send events: each mailbox provider — Microsoft 365, Outlook.com, Gmail, Yahoo, Apple and the rest — gets a row here.
        </EmptyState>
      ) : (
        <Table caption="Providers">
          <TableHead>
            <tr>
              {header('Provider', 'provider')}
              {header('Attempts', 'attempts', 'text-right')}
              {header('Deferred', 'deferred', 'hidden text-right sm:table-cell')}
              {header('Bounced', 'bounced', 'hidden text-right md:table-cell')}
              {header('Rate', 'deferralRate', 'text-right')}
              <th scope="col" className="hidden h-9 px-4 text-xs font-medium text-fg-muted md:table-cell">
                Trend
              </th>
            </tr>
          </TableHead>
          <TableBody>
            {rows.map((s) => (
              <TableRow key={s.key} data-testid="provider-row" data-key={s.key}>
                <TableCell className="font-medium">
                  <Link href={hrefWith(`/providers/${encodeURIComponent(s.key)}`, rangeParams(params), {})} className="text-fg hover:text-accent-fg hover:underline">
                    {providerLabel(s.key)}
                  </Link>
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(s.totals.attempts)}</TableCell>
                <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatCount(s.totals.deferred)}</TableCell>
                <TableCell className="hidden text-right tabular-nums md:table-cell">{formatCount(s.totals.bounced)}</TableCell>
                <TableCell className="text-right">
                  <RateValue rate={s.totals.deferralRate} isToned />
                </TableCell>
                <TableCell className="hidden md:table-cell">
                  <Sparkline values={s.points.map((p) => p.deferralRate)} label={`${providerLabel(s.key)} deferral rate`} unit="%" tone="warning" />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
