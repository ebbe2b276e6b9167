'use client';

import { useActionState } from 'react';
import type { FormState } from '@/app/actions/form-state';
import { FormError } from '@/components/ui/callout';
import { SubmitButton } from '@/components/ui/submit-button';
import { runChecksAction } from './actions';

/** "Run checks now": runs the DNS checks of the organisation and says what changed. */
export function RunChecksButton() {
  const [state, formAction] = useActionState<FormState>(runChecksAction, {});
  return (
    <form action={formAction} className="flex max-w-xl flex-col items-end gap-2">
      <SubmitButton variant="primary" pendingLabel="Checking DNS…">
        Run checks now
      </SubmitButton>
      <p aria-live="polite" className="text-right text-xs text-fg-muted">
        {state.message}
      </p>
      <FormError message={state.error} />
    </form>
  );
}
