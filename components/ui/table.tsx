import type { ComponentProps, ReactNode } from 'react';
import { cx } from './cx';

/** A table in a horizontally scrolling frame; `caption` names it for screen readers. */
export function Table({ caption, className, children }: { caption?: ReactNode; className?: string; children: ReactNode }) {
  return (
    <div className={cx('overflow-x-auto', className)}>
      <table className="w-full border-collapse text-left text-sm">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        {children}
      </table>
    </div>
  );
}

export function TableHead({ className, ...props }: ComponentProps<'thead'>) {
  return <thead className={cx('border-b border-line bg-surface-muted', className)} {...props} />;
}

export function TableBody({ className, ...props }: ComponentProps<'tbody'>) {
  return <tbody className={cx('divide-y divide-line', className)} {...props} />;
}

export function TableRow({ className, ...props }: ComponentProps<'tr'>) {
  return <tr className={cx('transition-colors hover:bg-surface-muted/60', className)} {...props} />;
}

export function TableHeaderCell({ className, scope = 'col', ...props }: ComponentProps<'th'>) {
  return <th scope={scope} className={cx('h-9 px-4 text-xs font-medium whitespace-nowrap text-fg-muted', className)} {...props} />;
}

export function TableCell({ className, ...props }: ComponentProps<'td'>) {
  return <td className={cx('h-11 px-4 align-middle', className)} {...props} />;
}
