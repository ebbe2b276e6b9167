import type { ReactNode } from 'react';
import { cx } from './cx';

export interface CardProps {
  title?: ReactNode;
  description?: ReactNode;
  /** Buttons or links at the right of the title. */
  actions?: ReactNode;
  titleAs?: 'h2' | 'h3';
  /** Remove the body padding, e.g. for a table that runs edge to edge. */
  flush?: boolean;
  className?: string;
  id?: string;
  children?: ReactNode;
}

/** A bordered surface with an optional header; a titled card is a labelled section. */
export function Card({ title, description, actions, titleAs: Title = 'h2', flush = false, className, id, children }: CardProps) {
  const hasHeader = title !== undefined || description !== undefined || actions !== undefined;
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section id={id} aria-labelledby={title !== undefined ? headingId : undefined} className={cx('rounded-lg border border-line bg-surface shadow-xs', className)}>
      {hasHeader ? (
        <header className="flex flex-wrap items-start justify-between gap-3 border-b border-line px-5 py-4">
          <div className="min-w-0 space-y-1">
            {title !== undefined ? (
              <Title id={headingId} className="text-sm font-semibold text-fg">
                {title}
              </Title>
            ) : null}
            {description !== undefined ? <p className="text-sm text-fg-muted">{description}</p> : null}
          </div>
          {actions !== undefined ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
        </header>
      ) : null}
      {children !== undefined ? <div className={flush ? undefined : 'px-5 py-4'}>{children}</div> : null}
    </section>
  );
}
