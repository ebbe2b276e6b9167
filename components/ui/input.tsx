import type { ComponentProps } from 'react';
import { cx } from './cx';
import { IconChevronDown } from './icons';

/** Shared look of text-like controls; `aria-invalid` turns the border red. */
export const controlClasses =
  'block w-full rounded-md border border-line-strong bg-surface text-fg shadow-xs transition-colors placeholder:text-fg-subtle hover:border-fg-subtle focus-visible:border-focus focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-focus/40 disabled:cursor-not-allowed disabled:bg-surface-muted disabled:text-fg-muted aria-invalid:border-danger aria-invalid:focus-visible:outline-danger/40';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return <input className={cx(controlClasses, 'h-9 px-3 text-sm', className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<'textarea'>) {
  return <textarea className={cx(controlClasses, 'min-h-20 px-3 py-2 text-sm', className)} {...props} />;
}

/** A native select with a chevron; `className` sizes the wrapper, `compact` makes it 28 px high. */
export function Select({ className, compact = false, children, ...props }: ComponentProps<'select'> & { compact?: boolean }) {
  return (
    <div className={cx('relative', className)}>
      <select className={cx(controlClasses, 'appearance-none pr-8', compact ? 'h-7 pl-2 text-xs' : 'h-9 pl-3 text-sm')} {...props}>
        {children}
      </select>
      <IconChevronDown className="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-fg-subtle" />
    </div>
  );
}

export function Label({ className, ...props }: ComponentProps<'label'>) {
  return <label className={cx('block text-sm font-medium text-fg', className)} {...props} />;
}
