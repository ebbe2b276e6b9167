'use client';

import { useActionState } from 'react';
import { loadDemoAction } from '@/app/actions/demo';
import type { FormState } from '@/app/actions/form-state';
import { FormError } from '@/components/ui/callout';
import { SubmitButton } from '@/components/ui/submit-button';

/** "Load demo data": a day of traffic with a Microsoft 365 S77714 incident, into the current organisation. */
export function DemoButton() {
  const [state, formAction] = useActionState<FormState>(loadDemoAction, {});
  return (
    <form action={formAction} className="flex flex-col items-center">
      <SubmitButton pendingLabel="Loading demo data…">Load demo data</SubmitButton>
      <p aria-live="polite" className="mt-2 text-xs text-fg-muted empty:hidden">
        {state.message}
      </p>
      <FormError message={state.error} className="mt-2" />
    </form>
  );
}
