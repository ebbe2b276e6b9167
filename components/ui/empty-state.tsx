import type { ReactNode } from 'react';
import { cx } from './cx';

export interface EmptyStateProps {
  title: ReactNode;
  icon?: ReactNode;
  /** One or two sentences: what will appear here and how to get it. */
  children?: ReactNode;
  /** Buttons or links. */
  action?: ReactNode;
  /** Wider content under the text, left-aligned (a code sample, a short list). */
  details?: ReactNode;
  titleAs?: 'h2' | 'h3';
  /** Without the dashed frame, for use inside a card. */
  bare?: boolean;
  className?: string;
}

export function EmptyState({ title, icon, children, action, details, titleAs: Title = 'h2', bare = false, className }: EmptyStateProps) {
  return (
    <div className={cx('flex flex-col items-center px-4 py-12 text-center sm:px-6', !bare && 'rounded-lg border border-dashed border-line-strong bg-surface', className)}>
      {icon ? (
        <div aria-hidden="true" className="mb-4 flex size-10 items-center justify-center rounded-lg border border-line bg-surface-muted text-fg-muted [&>svg]:size-5">
          {icon}
        </div>
      ) : null}
      <Title className="text-base font-semibold text-fg">{title}</Title>
      {children ? <div className="mt-1.5 max-w-lg text-sm text-pretty text-fg-muted">{children}</div> : null}
      {details ? <div className="mt-5 w-full max-w-2xl min-w-0 text-left">{details}</div> : null}
      {action ? <div className="mt-5 flex flex-wrap items-center justify-center gap-2">{action}</div> : null}
    </div>
  );
}
