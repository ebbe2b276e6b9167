import type { ReactNode } from 'react';
import { CopyButton } from './copy-button';

export interface CopyFieldProps {
  /** Visible label of the value. */
  label: ReactNode;
  value: string;
  /** data-testid of the element holding the value (its text content is exactly `value`). */
  testId?: string;
  id?: string;
}

/** A read-only monospace value with a Copy button; the value is selectable as text. */
export function CopyField({ label, value, testId, id = 'copy-field' }: CopyFieldProps) {
  const labelId = `${id}-label`;
  return (
    <div>
      <p id={labelId} className="mb-1.5 text-sm font-medium text-fg">
        {label}
      </p>
      <div className="flex items-center gap-2">
        <code
          role="textbox"
          aria-readonly="true"
          aria-labelledby={labelId}
          tabIndex={0}
          data-testid={testId}
          className="flex h-10 min-w-0 flex-1 items-center overflow-x-auto rounded-md border border-line-strong bg-surface-sunken px-3 font-mono text-[13px] whitespace-nowrap text-fg select-all"
        >
          {value}
        </code>
        <CopyButton value={value} size="lg" />
      </div>
    </div>
  );
}
