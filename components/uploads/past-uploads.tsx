import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { IconUpload } from '@/components/ui/icons';
import { Skeleton } from '@/components/ui/spinner';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import { listUploads } from '@/lib/ingest/queries/list-uploads';
import { formatBytes, formatCount } from './units';

/** Times in UTC, as mail logs and provider replies give them: "2023-10-11 02:17 UTC". */
function UtcTime({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`}
    </time>
  );
}

const TITLE = 'Past uploads';
const DESCRIPTION = 'Files uploaded to this organisation, newest first; the parts of one file are counted together.';

/** The organisation's past uploads with their totals (server component). */
export async function PastUploads({ organizationId }: { organizationId: string }) {
  const uploads = await listUploads(organizationId);
  return (
    <Card id="past-uploads" title={TITLE} description={DESCRIPTION} flush>
      {uploads.length === 0 ? (
        <EmptyState bare titleAs="h3" icon={<IconUpload />} title="No uploads yet">
          Uploaded files appear here with their detected format and their accepted, duplicate and rejected lines.
        </EmptyState>
      ) : (
        <>
          <ul aria-label={TITLE} className="divide-y divide-line sm:hidden">
            {uploads.map((u) => (
              <li key={u.id} className="space-y-1.5 px-5 py-3">
                <div className="flex items-center justify-between gap-3">
                  <p className="min-w-0 truncate font-medium text-fg" title={u.filename ?? undefined}>
                    {u.filename ?? 'unnamed'}
                  </p>
                  <Badge tone="info">{u.format}</Badge>
                </div>
                <p className="text-xs text-fg-muted tabular-nums">
                  {formatCount(u.accepted)} accepted · {formatCount(u.duplicates)} duplicates ·{' '}
                  <span className={u.rejected > 0 ? 'font-medium text-danger-fg' : undefined}>{formatCount(u.rejected)} rejected</span>
                </p>
                <p className="truncate text-xs text-fg-subtle">
                  {formatBytes(u.bytes)} · {u.uploadedBy ?? '—'} · <UtcTime iso={u.finishedAt} />
                </p>
              </li>
            ))}
          </ul>
          <Table caption={TITLE} className="hidden sm:block">
          <TableHead>
            <tr>
              <TableHeaderCell>File</TableHeaderCell>
              <TableHeaderCell>Format</TableHeaderCell>
              <TableHeaderCell className="text-right">Size</TableHeaderCell>
              <TableHeaderCell className="text-right">Accepted</TableHeaderCell>
              <TableHeaderCell className="text-right">Duplicates</TableHeaderCell>
              <TableHeaderCell className="text-right">Rejected</TableHeaderCell>
              <TableHeaderCell>Uploaded</TableHeaderCell>
            </tr>
          </TableHead>
          <TableBody>
            {uploads.map((u) => (
              <TableRow key={u.id}>
                <TableCell className="max-w-60 truncate font-medium" title={u.filename ?? undefined}>
                  {u.filename ?? <span className="text-fg-subtle">unnamed</span>}
                </TableCell>
                <TableCell>
                  <Badge tone="info">{u.format}</Badge>
                </TableCell>
                <TableCell className="text-right whitespace-nowrap text-fg-muted tabular-nums">{formatBytes(u.bytes)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(u.accepted)}</TableCell>
                <TableCell className="text-right text-fg-muted tabular-nums">{formatCount(u.duplicates)}</TableCell>
                <TableCell className={u.rejected > 0 ? 'text-right font-medium text-danger-fg tabular-nums' : 'text-right text-fg-muted tabular-nums'}>
                  {formatCount(u.rejected)}
                </TableCell>
                <TableCell className="py-2 text-fg-muted">
                  <span className="block whitespace-nowrap">
                    <UtcTime iso={u.finishedAt} />
                  </span>
                  <span className="block max-w-48 truncate text-xs text-fg-subtle" title={u.uploadedBy ?? undefined}>
                    by {u.uploadedBy ?? 'unknown'}
                  </span>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        </>
      )}
    </Card>
  );
}

/** Shown while the past uploads load. */
export function PastUploadsSkeleton() {
  return (
    <Card title={TITLE} description={DESCRIPTION}>
      <div className="space-y-3" aria-busy="true">
        <Skeleton className="h-5 w-full" />
        <Skeleton className="h-5 w-11/12" />
        <Skeleton className="h-5 w-4/5" />
      </div>
    </Card>
  );
}
