import Link from 'next/link';
import type { ComponentProps, ReactNode } from 'react';
import { cx } from './cx';
import { Spinner } from './spinner';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';
/** `icon-sm` / `icon` are square, for icon-only buttons (give them an aria-label). */
export type ButtonSize = 'sm' | 'md' | 'lg' | 'icon-sm' | 'icon';

const base =
  'inline-flex shrink-0 items-center justify-center gap-1.5 rounded-md font-medium whitespace-nowrap transition-colors select-none focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-focus disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60';

const variants: Record<ButtonVariant, string> = {
  primary: 'bg-accent text-on-accent shadow-sm hover:bg-accent-hover',
  secondary: 'border border-line-strong bg-surface text-fg shadow-xs hover:bg-surface-muted',
  danger: 'border border-danger-line bg-surface text-danger-fg shadow-xs hover:border-danger hover:bg-danger-subtle',
  ghost: 'text-fg-muted hover:bg-surface-muted hover:text-fg',
};

const sizes: Record<ButtonSize, string> = {
  sm: 'h-7 px-2.5 text-xs',
  md: 'h-8 px-3 text-sm',
  lg: 'h-10 px-4 text-sm',
  'icon-sm': 'size-7',
  icon: 'size-8',
};

/** The classes of a button, for elements that must look like one (links, summary). */
export function buttonClasses({ variant = 'secondary', size = 'md', className }: { variant?: ButtonVariant; size?: ButtonSize; className?: string } = {}): string {
  return cx(base, variants[variant], sizes[size], className);
}

export interface ButtonProps extends ComponentProps<'button'> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Shows a spinner, disables the button and marks it busy. */
  isPending?: boolean;
  /** Text shown instead of the children while pending ("Signing in…"). */
  pendingLabel?: ReactNode;
  icon?: ReactNode;
}

export function Button({ variant, size, isPending = false, pendingLabel, icon, className, children, disabled, type = 'button', ...props }: ButtonProps) {
  return (
    <button type={type} disabled={disabled || isPending} aria-busy={isPending || undefined} className={buttonClasses({ variant, size, className })} {...props}>
      {isPending ? <Spinner className="size-3.5" /> : icon}
      {isPending && pendingLabel ? pendingLabel : children}
    </button>
  );
}

export interface ButtonLinkProps extends ComponentProps<typeof Link> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  icon?: ReactNode;
}

/** A link styled as a button (navigation, not an action). */
export function ButtonLink({ variant, size, icon, className, children, ...props }: ButtonLinkProps) {
  return (
    <Link className={buttonClasses({ variant, size, className })} {...props}>
      {icon}
      {children}
    </Link>
  );
}
