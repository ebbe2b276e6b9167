'use client';

import type { ReactNode } from 'react';
import { Button } from './button';
import { CopyField } from './copy-field';
import { IconAlertTriangle, IconCheckCircle } from './icons';

/** A secret shown once after it was created (API token, signing secret), with what to do with it, until dismissed. */
export function OneTimeSecret({ message, warning, id, label, value, testId, onDismiss }: { message?: string; warning: ReactNode; id: string; label: string; value: string; testId: string; onDismiss: () => void }) {
  return (
    <div className="space-y-3 rounded-lg border border-line-strong bg-surface-muted p-4">
      <p role="status" className="flex items-center gap-2 text-sm font-medium text-success-fg">
        <IconCheckCircle className="size-4 shrink-0" />
        {message}
      </p>
      <p className="flex items-start gap-2 text-sm text-fg-muted">
        <IconAlertTriangle className="mt-0.5 size-4 shrink-0 text-warning-fg" />
        {warning}
      </p>
      <CopyField id={id} label={label} value={value} testId={testId} />
      <div className="flex justify-end">
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          I have copied it
        </Button>
      </div>
    </div>
  );
}
