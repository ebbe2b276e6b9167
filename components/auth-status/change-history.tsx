import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { KIND_LABEL } from '@/lib/auth-status/check-outcome';
import { listAuthChanges } from '@/lib/auth-status/queries/list-auth-changes';
import { checkTone, formatUtc } from './format';

/** Days of DNS changes the Authentication page lists. */
const HISTORY_DAYS = 30;
/** Rows shown, newest first. */
const HISTORY_LIMIT = 50;

/** Records edited, IPs listed or delisted: the changes between scheduled checks, newest first (server component). */
export async function AuthChangeHistory({ organizationId, now }: { organizationId: string; now: Date }) {
  const changes = (await listAuthChanges(organizationId, { from: new Date(now.getTime() - HISTORY_DAYS * 86_400_000), to: now })).reverse().slice(0, HISTORY_LIMIT);
  return (
    <Card
      id="changes"
      title="Changes"
      description={`What changed between two checks in the last ${HISTORY_DAYS} days, newest first. Each change is also a dashed marker on the deferral charts and an entry on the timeline of any open incident.`}
      flush
    >
      {changes.length === 0 ? (
        <p className="px-5 py-4 text-sm text-fg-muted">No change between checks in the last {HISTORY_DAYS} days.</p>
      ) : (
        <Table caption="DNS changes">
          <TableHead>
            <tr>
              <TableHeaderCell>When</TableHeaderCell>
              <TableHeaderCell>Check</TableHeaderCell>
              <TableHeaderCell>Domain or IP</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>What changed</TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody data-testid="auth-changes">
            {changes.map((c) => (
              <TableRow key={`${c.at}-${c.kind}-${c.target}`}>
                <TableCell className="whitespace-nowrap text-fg-muted">
                  <time dateTime={c.at}>{formatUtc(c.at)}</time>
                </TableCell>
                <TableCell className="whitespace-nowrap">{KIND_LABEL[c.kind]}</TableCell>
                <TableCell className="font-mono text-xs">{c.target}</TableCell>
                <TableCell className="whitespace-nowrap">
                  <Badge tone={checkTone[c.fromStatus]}>{c.fromStatus}</Badge>
                  <span className="mx-1 text-fg-subtle">→</span>
                  <Badge tone={checkTone[c.toStatus]}>{c.toStatus}</Badge>
                </TableCell>
                <TableCell className="min-w-64 text-xs text-fg-muted">{c.summary}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
