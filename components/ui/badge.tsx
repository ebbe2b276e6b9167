import type { ReactNode } from 'react';
import { cx } from './cx';

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

const tones: Record<Tone, string> = {
  neutral: 'border-line-strong bg-surface-muted text-fg-muted',
  success: 'border-success-line bg-success-subtle text-success-fg',
  warning: 'border-warning-line bg-warning-subtle text-warning-fg',
  danger: 'border-danger-line bg-danger-subtle text-danger-fg',
  info: 'border-info-line bg-info-subtle text-info-fg',
  accent: 'border-transparent bg-accent-subtle text-accent-fg',
};

const dots: Record<Tone, string> = {
  neutral: 'bg-fg-subtle',
  success: 'bg-success',
  warning: 'bg-warning',
  danger: 'bg-danger',
  info: 'bg-info',
  accent: 'bg-accent',
};

/** A short status label. `dot` adds a coloured dot before the text. */
export function Badge({ tone = 'neutral', dot = false, className, children }: { tone?: Tone; dot?: boolean; className?: string; children: ReactNode }) {
  return (
    <span className={cx('inline-flex h-5 items-center gap-1.5 rounded-full border px-2 text-xs font-medium whitespace-nowrap', tones[tone], className)}>
      {dot ? <span aria-hidden="true" className={cx('size-1.5 rounded-full', dots[tone])} /> : null}
      {children}
    </span>
  );
}
