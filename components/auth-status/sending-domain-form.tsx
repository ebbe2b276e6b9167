'use client';

import { useActionState } from 'react';
import type { FormState } from '@/app/actions/form-state';
import { FormError } from '@/components/ui/callout';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { SubmitButton } from '@/components/ui/submit-button';
import { addSendingDomainAction } from './actions';

/** Adds a sending domain with the DKIM selectors it signs with, so the checks cover it before any DMARC report names it. */
export function SendingDomainForm() {
  const [state, formAction] = useActionState<FormState, FormData>(addSendingDomainAction, {});
  return (
    <form action={formAction} noValidate className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-start">
      <Field label="Sending domain" error={state.fieldErrors?.domain} hint="The domain in the From address, e.g. example.com.">
        {(p) => <Input {...p} name="domain" autoComplete="off" maxLength={253} />}
      </Field>
      <Field label="DKIM selectors" hint="Comma-separated, e.g. s1, google. Selectors seen in DMARC reports are checked anyway.">
        {(p) => <Input {...p} name="selectors" autoComplete="off" />}
      </Field>
      <SubmitButton className="sm:mt-6.5">Add domain</SubmitButton>
      <p aria-live="polite" className="text-sm text-success-fg sm:col-span-3">
        {state.message}
      </p>
      <FormError message={state.error} className="sm:col-span-3" />
    </form>
  );
}
