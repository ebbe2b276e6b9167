import { Card } from '@/components/ui/card';
import { cx } from '@/components/ui/cx';
import { Skeleton } from '@/components/ui/spinner';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { getIncidentBreakdown, type BreakdownItem } from '@/lib/incidents/queries/get-incident-breakdown';
import { formatRate, formatUtc, providerLabel } from './incident-view';

const count = (n: number) => n.toLocaleString('en-US');

function BreakdownTable({ caption, keyLabel, items, affected, testId }: { caption: string; keyLabel: string; items: BreakdownItem[]; affected: string[]; testId: string }) {
  if (items.length === 0) return <p className="px-5 py-4 text-sm text-fg-muted">No attempts in this window.</p>;
  const hasBounces = items.some((i) => i.bounced > 0);
  return (
    <Table caption={caption}>
      <TableHead>
        <tr>
          <TableHeaderCell>{keyLabel}</TableHeaderCell>
          <TableHeaderCell className="text-right">Attempts</TableHeaderCell>
          <TableHeaderCell className="text-right">Deferred</TableHeaderCell>
          {hasBounces ? <TableHeaderCell className="text-right">Bounced</TableHeaderCell> : null}
          <TableHeaderCell className="text-right">Rate</TableHeaderCell>
        </tr>
      </TableHead>
      <TableBody data-testid={testId}>
        {items.map((i) => (
          <TableRow key={i.key}>
            <TableCell className="font-mono text-[13px] whitespace-nowrap">
              <span className="inline-flex items-center gap-2">
                <span aria-hidden="true" className={cx('size-2 shrink-0 rounded-full', affected.includes(i.key) ? 'bg-danger' : 'bg-success')} />
                {i.key || <span className="font-sans text-fg-subtle">unknown</span>}
                {affected.includes(i.key) ? <span className="sr-only">(affected)</span> : null}
              </span>
            </TableCell>
            <TableCell className="text-right tabular-nums">{count(i.attempts)}</TableCell>
            <TableCell className="text-right tabular-nums">{count(i.deferred)}</TableCell>
            {hasBounces ? <TableCell className="text-right text-fg-muted tabular-nums">{count(i.bounced)}</TableCell> : null}
            <TableCell className="text-right whitespace-nowrap tabular-nums">{formatRate(i.deferralRate)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * Per sending IP and per recipient domain: attempts and failures towards the incident's provider in
 * the chart window, affected ones marked. Unaffected IPs are shown too: they are scope evidence.
 */
export async function IncidentBreakdown({ organizationId, provider, affectedIps, affectedDomains, from, to }: { organizationId: string; provider: string; affectedIps: string[]; affectedDomains: string[]; from: Date; to: Date }) {
  const b = await getIncidentBreakdown(organizationId, { provider, from, to });
  const window = `${providerLabel(provider)}, ${formatUtc(b.from)} – ${formatUtc(b.to)}`;
  return (
    <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
      <Card id="ips" title="Sending IPs" description={`${window}. Red: affected by the incident.`} flush>
        <BreakdownTable caption="Sending IPs" keyLabel="IP" items={b.ips} affected={affectedIps} testId="breakdown-ips" />
      </Card>
      <Card id="domains" title="Recipient domains" description={`${window}. Red: affected by the incident.`} flush>
        <BreakdownTable caption="Recipient domains" keyLabel="Domain" items={b.domains} affected={affectedDomains} testId="breakdown-domains" />
      </Card>
    </div>
  );
}

export function IncidentBreakdownSkeleton() {
  return (
    <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
      {['Sending IPs', 'Recipient domains'].map((t) => (
        <Card key={t} title={t}>
          <div className="space-y-3" aria-busy="true">
            <Skeleton className="h-5 w-full" />
            <Skeleton className="h-5 w-full" />
            <Skeleton className="h-5 w-2/3" />
          </div>
        </Card>
      ))}
    </div>
  );
}
