'use client';

import { useEffect, useState } from 'react';
import { Button, type ButtonSize, type ButtonVariant } from './button';
import { IconCheck, IconCopy } from './icons';

const COPIED_FEEDBACK_MS = 2000;

/** Copies `value` to the clipboard and says so for two seconds (announced politely). */
export function CopyButton({ value, label = 'Copy', variant = 'secondary', size = 'sm', className }: { value: string; label?: string; variant?: ButtonVariant; size?: ButtonSize; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), COPIED_FEEDBACK_MS);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      // Clipboard access needs a secure context (https or localhost); the value stays selectable.
      setState('failed');
    }
  }

  return (
    <>
      <Button variant={variant} size={size} className={className} onClick={copy} icon={state === 'copied' ? <IconCheck className="size-3.5 text-success-fg" /> : <IconCopy className="size-3.5" />}>
        {state === 'copied' ? 'Copied' : label}
      </Button>
      <span aria-live="polite" className="sr-only">
        {state === 'copied' ? 'Copied to the clipboard.' : state === 'failed' ? 'Copying failed: select the text and copy it by hand.' : ''}
      </span>
    </>
  );
}
