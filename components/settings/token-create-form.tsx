'use client';

import { useActionState, useState } from 'react';
import type { FormState } from '@/app/actions/form-state';
import { createTokenAction } from '@/app/actions/tokens';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/callout';
import { cx } from '@/components/ui/cx';
import { Field, FieldError } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { OneTimeSecret } from '@/components/ui/one-time-secret';

const scopes = [
  { value: 'ingest', title: 'ingest', text: 'send events and upload logs' },
  { value: 'read', title: 'read', text: 'read metrics, incidents and packages' },
] as const;

/** Creates an API token; the secret is shown once, until dismissed or the page is left. */
export function TokenCreateForm() {
  const [state, formAction, isPending] = useActionState<FormState, FormData>(createTokenAction, {});
  const [dismissedSecret, setDismissedSecret] = useState<string | null>(null);
  const secret = state.secret !== undefined && state.secret !== dismissedSecret ? state.secret : null;
  const scopeError = state.fieldErrors?.scope;

  return (
    <div className="space-y-5">
      {secret ? (
        <OneTimeSecret
          message={state.message}
          warning={
            <span>
              <strong className="font-semibold text-fg">Copy it now: it will not be shown again.</strong> Keep it in your shipper&apos;s secret store and send it as{' '}
              <code className="font-mono text-xs">Authorization: Bearer …</code>
            </span>
          }
          id="new-token"
          label="New API token"
          value={secret}
          testId="new-token"
          onDismiss={() => setDismissedSecret(secret)}
        />
      ) : null}

      <form action={formAction} noValidate className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,1.4fr)] sm:items-start">
        <Field label="Token name" error={state.fieldErrors?.name} hint="Where the token is used, e.g. “mx1 shipper” or “Grafana”.">
          {(p) => <Input {...p} name="name" maxLength={80} autoComplete="off" />}
        </Field>
        <fieldset aria-describedby={scopeError ? 'token-scope-error' : undefined}>
          <legend className="mb-1.5 text-sm font-medium text-fg">Scope</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {scopes.map((scope, index) => (
              <label
                key={scope.value}
                className={cx(
                  'flex cursor-pointer items-start gap-2.5 rounded-md border border-line-strong bg-surface px-3 py-2 transition-colors hover:bg-surface-muted',
                  'has-checked:border-accent has-checked:bg-accent-subtle has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-focus',
                )}
              >
                <input type="radio" name="scope" value={scope.value} defaultChecked={index === 0} className="mt-0.5 size-4 shrink-0 accent-accent focus-visible:outline-none" />
                <span className="min-w-0 text-sm">
                  <span className="block font-mono font-medium text-fg">{scope.title}</span>
                  <span className="block text-xs text-fg-muted">{scope.text}</span>
                </span>
              </label>
            ))}
          </div>
          <FieldError id="token-scope-error" message={scopeError} />
        </fieldset>
        <div className="sm:col-span-2">
          <FormError message={state.error} className="mb-3" />
          <Button type="submit" variant="primary" isPending={isPending} pendingLabel="Creating…">
            Create token
          </Button>
        </div>
      </form>
    </div>
  );
}
