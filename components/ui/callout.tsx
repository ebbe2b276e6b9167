import type { ReactNode } from 'react';
import { cx } from './cx';
import { IconAlertCircle, IconAlertTriangle, IconCheckCircle, IconInfo } from './icons';

export type CalloutTone = 'info' | 'success' | 'warning' | 'danger';

const tones: Record<CalloutTone, { box: string; icon: ReactNode }> = {
  info: { box: 'border-info-line bg-info-subtle text-info-fg', icon: <IconInfo /> },
  success: { box: 'border-success-line bg-success-subtle text-success-fg', icon: <IconCheckCircle /> },
  warning: { box: 'border-warning-line bg-warning-subtle text-warning-fg', icon: <IconAlertTriangle /> },
  danger: { box: 'border-danger-line bg-danger-subtle text-danger-fg', icon: <IconAlertCircle /> },
};

export interface CalloutProps {
  tone?: CalloutTone;
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
}

/**
 * A boxed message. Info and success are announced politely (role="status"); warnings and errors are
 * plain text, put them inside a live container (FormError does) when they appear after an action.
 * role="alert" is avoided on purpose: Next's route announcer uses it too.
 */
export function Callout({ tone = 'info', title, children, className }: CalloutProps) {
  const { box, icon } = tones[tone];
  return (
    <div role={tone === 'info' || tone === 'success' ? 'status' : undefined} className={cx('flex gap-2.5 rounded-md border px-3.5 py-3 text-sm', box, className)}>
      <span className="mt-0.5 shrink-0 [&>svg]:size-4">{icon}</span>
      <div className="min-w-0 space-y-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className={title ? 'text-fg-muted' : undefined}>{children}</div> : null}
      </div>
    </div>
  );
}

/**
 * The form-level error of a server action. The live container stays mounted (and takes no space
 * while empty) so a new error is announced; `className` styles the message box.
 */
export function FormError({ message, className }: { message?: string; className?: string }) {
  return <div aria-live="polite">{message ? <Callout tone="danger" className={className}>{message}</Callout> : null}</div>;
}
