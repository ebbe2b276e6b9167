import Link from 'next/link';
import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { cx } from '@/components/ui/cx';
import { Skeleton } from '@/components/ui/spinner';
import { TableHeaderCell } from '@/components/ui/table';
import { RATE_EXCLUDES } from '@/lib/metrics/rates';
import { formatPercent, rateTone } from './format';
import { sortChange, type TableSort } from './table-sort';
import { hrefWith, type SearchParams } from './time-range';

const toneText = { danger: 'text-danger-fg', warning: 'text-warning-fg', success: 'text-fg', neutral: 'text-fg-muted' } as const;

/** A deferral rate as a percentage; no rate (no attempts) is a dash with a tooltip saying so. */
export function RateValue({ rate, isToned = false, className, testId }: { rate: number | null; isToned?: boolean; className?: string; testId?: string }) {
  if (rate === null) {
    return (
      <span title="no attempts" data-testid={testId} className={cx('text-fg-subtle', className)}>
        <span aria-hidden="true">—</span>
        <span className="sr-only">no attempts</span>
      </span>
    );
  }
  return (
    <span data-testid={testId} className={cx('tabular-nums', isToned && toneText[rateTone(rate)], className)}>
      {formatPercent(rate)}
    </span>
  );
}

/** A labelled headline number. */
export function Stat({ label, children, hint, testId }: { label: string; children: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-fg-muted">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tracking-tight text-fg tabular-nums" data-testid={testId}>
        {children}
      </dd>
      {hint ? <dd className="mt-0.5 text-xs text-fg-subtle">{hint}</dd> : null}
    </div>
  );
}

/** A column header that sorts the table through the URL (server-side sort); aria-sort tells which column is sorted. */
export function SortHeader<C extends string>({
  label,
  column,
  sort,
  prefix,
  pathname,
  params,
  textColumns,
  className,
}: {
  label: string;
  column: C;
  sort: TableSort<C>;
  prefix: string;
  pathname: string;
  params: SearchParams;
  textColumns?: readonly C[];
  className?: string;
}) {
  const isSorted = sort.column === column;
  return (
    <TableHeaderCell aria-sort={isSorted ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined} className={className}>
      <Link
        href={hrefWith(pathname, params, sortChange(prefix, sort, column, textColumns))}
        scroll={false}
        className={cx('inline-flex items-center gap-1 rounded-sm hover:text-fg focus-visible:outline-2 focus-visible:outline-focus', isSorted && 'text-fg')}
      >
        {label}
        <span aria-hidden="true" className={cx('text-[10px]', !isSorted && 'opacity-0')}>
          {sort.order === 'asc' ? '▲' : '▼'}
        </span>
      </Link>
    </TableHeaderCell>
  );
}

/** What every rate on the page leaves out (lib/metrics/rates.ts). */
export function RatesFootnote() {
  return <p className="mt-6 text-xs text-fg-subtle">Deferral rates leave out {RATE_EXCLUDES}: those say nothing about your standing with the provider.</p>;
}

/** A small link to the API call that returns the numbers of a panel. */
export function ApiLink({ href }: { href: string }) {
  return (
    <a href={href} className="text-xs text-fg-subtle hover:text-accent-fg hover:underline" title="The same numbers as JSON from the API">
      API
    </a>
  );
}

/** Shown while a panel streams in. */
export function PanelSkeleton({ title, rows = 3, className }: { title?: string; rows?: number; className?: string }) {
  return (
    <Card title={title} className={className}>
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-5 w-1/3" />
        {Array.from({ length: rows }, (_, i) => (
          <Skeleton key={i} className={cx('h-10', i === rows - 1 ? 'w-2/3' : 'w-full')} />
        ))}
      </div>
    </Card>
  );
}

/** ISO times for API links, so the link returns exactly the range the page shows. */
export function isoRange(range: { from: Date; to: Date }): { from: string; to: string } {
  return { from: range.from.toISOString(), to: range.to.toISOString() };
}
