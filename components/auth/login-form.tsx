'use client';

import { useActionState, useState } from 'react';
import { signInAction } from '@/app/actions/auth';
import type { FormState } from '@/app/actions/form-state';
import { Button } from '@/components/ui/button';
import { Callout, FormError } from '@/components/ui/callout';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

export interface LoginFormProps {
  /** Where to go after signing in (a path on this site). */
  next?: string;
  /** A message shown above the form, e.g. why the user is here. */
  notice?: string;
}

export function LoginForm({ next, notice }: LoginFormProps) {
  const [state, formAction, isPending] = useActionState<FormState, FormData>(signInAction, {});
  // Controlled so the address survives the form reset React does after each submission.
  const [email, setEmail] = useState('');
  return (
    <form action={formAction} noValidate className="space-y-4">
      {notice ? <Callout tone="info">{notice}</Callout> : null}
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <Field label="E-mail" error={state.fieldErrors?.email}>
        {(p) => <Input {...p} name="email" type="email" autoComplete="username" inputMode="email" autoCapitalize="none" spellCheck={false} value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <Field label="Password" error={state.fieldErrors?.password}>
        {(p) => <Input {...p} name="password" type="password" autoComplete="current-password" />}
      </Field>
      <div className="pt-1">
        <FormError message={state.error} className="mb-3" />
        <Button type="submit" variant="primary" size="lg" className="w-full" isPending={isPending} pendingLabel="Signing in…">
          Sign in
        </Button>
      </div>
    </form>
  );
}
