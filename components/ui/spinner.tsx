import { cx } from './cx';

/** A spinning ring (size-4 unless className sizes it). Decorative unless `label` is given, then announced as a status. */
export function Spinner({ className, label }: { className?: string; label?: string }) {
  return (
    <span role={label ? 'status' : undefined} className="inline-flex items-center">
      <svg viewBox="0 0 24 24" fill="none" aria-hidden="true" className={cx('animate-spin motion-reduce:animate-[spin_1.5s_linear_infinite]', className ?? 'size-4')}>
        <circle cx="12" cy="12" r="9" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
        <path d="M21 12a9 9 0 0 0-9-9" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
      {label ? <span className="sr-only">{label}</span> : null}
    </span>
  );
}

/** A placeholder block shown while content streams in; size it with className (h-4 w-32 …). */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cx('animate-pulse rounded-md bg-surface-muted', className)} />;
}
