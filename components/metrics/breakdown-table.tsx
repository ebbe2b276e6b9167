import Link from 'next/link';
import { Sparkline } from '@/components/charts/sparkline';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableBody, TableCell, TableHead, TableRow } from '@/components/ui/table';
import { breakdownSortColumns, getBreakdown, type BreakdownSort } from '@/lib/metrics/queries/get-breakdown';
import { UNKNOWN_KEY } from '@/lib/metrics/queries/get-deferral-series';
import { RateValue, SortHeader } from './bits';
import { formatCount } from './format';
import { parseTableSort } from './table-sort';
import { hrefWith, rangeParams, type SearchParams, type TimeRange } from './time-range';

const TEXT_COLUMNS: readonly BreakdownSort[] = ['key'];

export interface BreakdownTableProps {
  organizationId: string;
  by: 'ip' | 'domain';
  range: TimeRange;
  /** The page's URL parameters and path: sort links keep everything else. */
  params: SearchParams;
  pathname: string;
  /** Prefix of this table's sort parameters (two tables on a page sort independently). */
  prefix: string;
  provider?: string;
  ip?: string;
  limit?: number;
  title: string;
  description?: string;
}

/**
 * Rows by sending IP or recipient domain, sorted on the server by the column named in the URL, each
 * with a deferral-rate sparkline. An IP links to its page; a domain to its events.
 */
export async function BreakdownTable({ organizationId, by, range, params, pathname, prefix, provider, ip, limit = 50, title, description }: BreakdownTableProps) {
  const sort = parseTableSort(params, prefix, breakdownSortColumns, 'attempts', TEXT_COLUMNS);
  const dto = await getBreakdown(organizationId, { by, provider, ip, from: range.from, to: range.to, sort: sort.column, order: sort.order, limit });
  const keyLabel = by === 'ip' ? 'Sending IP' : 'Recipient domain';
  const header = (label: string, column: BreakdownSort, className?: string) => (
    <SortHeader label={label} column={column} sort={sort} prefix={prefix} pathname={pathname} params={params} textColumns={TEXT_COLUMNS} className={className} />
  );
  const linkOf = (key: string): string | null => {
    if (key === UNKNOWN_KEY) return null;
    if (by === 'ip') return hrefWith(`/ips/${encodeURIComponent(key)}`, rangeParams(params), {});
    return hrefWith('/events', rangeParams(params), { provider: provider ?? null, ip: ip ?? null, domain: key });
  };
  return (
    <Card title={title} description={description ?? `Top ${limit} by the sorted column, ${range.label.toLowerCase()}.`} flush>
      {dto.rows.length === 0 ? (
        <EmptyState bare titleAs="h3" title={`No ${by === 'ip' ? 'sending IPs' : 'recipient domains'} in this range`}>
          Pick a longer range to see older traffic.
        </EmptyState>
      ) : (
        <Table caption={title}>
          <TableHead>
            <tr>
              {header(keyLabel, 'key')}
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
            {dto.rows.map((r) => {
              const href = linkOf(r.key);
              return (
                <TableRow key={r.key} data-testid={`breakdown-row-${by}`} data-key={r.key}>
                  <TableCell className="max-w-[11rem] truncate font-mono text-xs sm:max-w-xs">
                    {href ? (
                      <Link href={href} className="text-fg hover:text-accent-fg hover:underline" title={r.key}>
                        {r.key}
                      </Link>
                    ) : (
                      <span className="text-fg-muted" title="Not recorded in the log or the reply">
                        {r.key}
                      </span>
                    )}
                  </TableCell>
                  <TableCell className="text-right tabular-nums" data-testid="row-attempts">
                    {formatCount(r.attempts)}
                  </TableCell>
                  <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatCount(r.deferred)}</TableCell>
                  <TableCell className="hidden text-right tabular-nums md:table-cell">{formatCount(r.bounced)}</TableCell>
                  <TableCell className="text-right">
                    <RateValue rate={r.deferralRate} isToned />
                  </TableCell>
                  <TableCell className="hidden md:table-cell">
                    <Sparkline values={r.sparkline.map((p) => p.deferralRate)} label={`${r.key} deferral rate per ${dto.sparklineBucket}`} unit="%" tone="warning" />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
