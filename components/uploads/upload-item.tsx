'use client';

import { Badge, type Tone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cx } from '@/components/ui/cx';
import { IconAlertCircle, IconFile } from '@/components/ui/icons';
import type { UploadSnapshot, UploadStatus } from './file-upload';
import { rejectedCsvName, rejectedLinesCsv } from './rejected-csv';
import { formatBytes, formatCount, perSecond } from './units';

/** Rejected lines listed under a file; all of them are in the CSV. */
const SHOWN_REJECTS = 5;

const statusLook: Record<UploadStatus, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Uploading', tone: 'info' },
  done: { label: 'Done', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
};

export interface UploadItemProps {
  name: string;
  size: number;
  snapshot: UploadSnapshot;
  onRetry: () => void;
}

function downloadCsv(name: string, snapshot: UploadSnapshot) {
  const url = URL.createObjectURL(new Blob([rejectedLinesCsv(snapshot.errors)], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = rejectedCsvName(name);
  link.click();
  // Revoked on the next tick: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function ProgressBar({ name, snapshot, size }: { name: string; snapshot: UploadSnapshot; size: number }) {
  const percent = size > 0 ? Math.min(100, Math.round((snapshot.fileBytesDone / size) * 100)) : 100;
  const bar = snapshot.status === 'failed' ? 'bg-danger' : snapshot.status === 'done' ? 'bg-success' : 'bg-accent';
  return (
    <div
      role="progressbar"
      aria-label={`Upload of ${name}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      className="h-1.5 w-full overflow-hidden rounded-full bg-surface-muted"
    >
      <div className={cx('h-full rounded-full transition-[width] duration-300 motion-reduce:transition-none', bar)} style={{ width: `${percent}%` }} />
    </div>
  );
}

function Rates({ snapshot, size }: { snapshot: UploadSnapshot; size: number }) {
  const events = snapshot.accepted + snapshot.duplicates + snapshot.rejected;
  const eventsPerSecond = perSecond(events, snapshot.runningMs);
  const bytesPerSecond = perSecond(snapshot.fileBytesDone, snapshot.runningMs);
  const parts = [`${formatBytes(snapshot.fileBytesDone)} of ${formatBytes(size)}`];
  if (snapshot.status === 'running' && eventsPerSecond !== null && bytesPerSecond !== null) {
    parts.push(`${formatCount(eventsPerSecond)} events/s`, `${formatBytes(bytesPerSecond)}/s`);
  }
  if (snapshot.status === 'done') parts.push(`${(snapshot.runningMs / 1000).toFixed(1)} s`);
  return <p className="text-xs text-fg-subtle tabular-nums">{parts.join(' · ')}</p>;
}

function Count({ label, value, testId, tone }: { label: string; value: number; testId: string; tone?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-fg-subtle">{label}</dt>
      <dd data-testid={testId} className={cx('text-base font-semibold tabular-nums', tone ?? 'text-fg')}>
        {formatCount(value)}
      </dd>
    </div>
  );
}

function RejectedLines({ name, snapshot }: { name: string; snapshot: UploadSnapshot }) {
  const listed = snapshot.errors.length;
  return (
    <div className="space-y-2 rounded-md border border-line bg-surface-sunken px-3 py-2.5">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs font-medium text-fg-muted">
          {listed < snapshot.rejected ? `First rejected lines (${formatCount(listed)} of ${formatCount(snapshot.rejected)} listed by the server)` : 'Rejected lines'}
        </p>
        <Button size="sm" variant="secondary" onClick={() => downloadCsv(name, snapshot)} disabled={listed === 0}>
          Download rejected lines (CSV)
        </Button>
      </div>
      <ol aria-label="Rejected lines" className="space-y-1 font-mono text-xs">
        {snapshot.errors.slice(0, SHOWN_REJECTS).map((e, i) => (
          <li key={`${e.line}-${i}`} className="flex gap-3">
            <span className="w-16 shrink-0 text-right text-fg-subtle tabular-nums">line {e.line}</span>
            <span className="min-w-0 break-words text-fg">{e.reason}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** One file of the upload list: progress while it runs, then its result, rejected lines or error. */
export function UploadItem({ name, size, snapshot, onRetry }: UploadItemProps) {
  const look = statusLook[snapshot.status];
  const hasResult = snapshot.chunksDone > 0;
  return (
    <li data-testid="upload-item" aria-label={name} className="space-y-3 px-5 py-4">
      <div className="flex items-start gap-3">
        <span aria-hidden="true" className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-md border border-line bg-surface-muted text-fg-muted">
          <IconFile />
        </span>
        <div className="min-w-0 flex-1 space-y-0.5">
          <div className="flex items-start justify-between gap-3">
            <p className="min-w-0 truncate font-medium text-fg" title={name}>
              {name}
            </p>
            <Badge tone={look.tone} dot={snapshot.status === 'running'}>
              <span data-testid="upload-status">{look.label}</span>
            </Badge>
          </div>
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-fg-muted">
            <span className="tabular-nums">{formatBytes(size)}</span>
            {snapshot.format ? (
              <>
                <span aria-hidden="true">·</span>
                <span title={snapshot.formatReason ?? undefined} className="inline-flex items-center gap-1.5">
                  <span className="text-fg-subtle">format</span>
                  <Badge tone="info">
                    <span data-testid="upload-format">{snapshot.format}</span>
                  </Badge>
                </span>
                {snapshot.formatReason ? <span className="min-w-0 truncate text-fg-subtle">{snapshot.formatReason}</span> : null}
              </>
            ) : null}
          </p>
        </div>
      </div>

      <div className="space-y-1.5 sm:pl-11">
        <ProgressBar name={name} snapshot={snapshot} size={size} />
        <Rates snapshot={snapshot} size={size} />
      </div>

      {hasResult ? (
        <dl className="grid grid-cols-3 gap-3 sm:max-w-md sm:pl-11">
          <Count label="Accepted" value={snapshot.accepted} testId="accepted" tone={snapshot.accepted > 0 ? 'text-success-fg' : 'text-fg-muted'} />
          <Count label="Duplicates" value={snapshot.duplicates} testId="duplicates" tone="text-fg-muted" />
          <Count label="Rejected" value={snapshot.rejected} testId="rejected" tone={snapshot.rejected > 0 ? 'text-danger-fg' : 'text-fg-muted'} />
        </dl>
      ) : null}

      {snapshot.rejected > 0 ? (
        <div className="sm:pl-11">
          <RejectedLines name={name} snapshot={snapshot} />
        </div>
      ) : null}

      {snapshot.error ? (
        <div className="flex flex-wrap items-start justify-between gap-3 rounded-md border border-danger-line bg-danger-subtle px-3 py-2.5 text-sm text-danger-fg sm:ml-11">
          <p className="flex min-w-0 items-start gap-2">
            <IconAlertCircle className="mt-0.5 size-4 shrink-0" />
            <span data-testid="upload-error" className="min-w-0 break-words">
              {snapshot.error.message}
            </span>
          </p>
          {snapshot.error.canRetry ? (
            <Button size="sm" variant="secondary" onClick={onRetry}>
              Retry
            </Button>
          ) : null}
        </div>
      ) : null}
      <p aria-live="polite" className="sr-only">
        {snapshot.status === 'done' ? `${name} uploaded.` : snapshot.error ? `${name} failed: ${snapshot.error.message}` : ''}
      </p>
    </li>
  );
}
