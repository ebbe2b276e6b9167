'use client';

import { useActionState, useState } from 'react';
import type { FormState } from '@/app/actions/form-state';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/callout';
import { Field } from '@/components/ui/field';
import { IconCheckCircle } from '@/components/ui/icons';
import { Input, Select } from '@/components/ui/input';
import { OneTimeSecret } from '@/components/ui/one-time-secret';
import { createAlertEndpointAction } from './actions';

/** Adds a webhook endpoint; a generated secret is shown once, until dismissed. */
export function EndpointForm() {
  const [state, formAction, isPending] = useActionState<FormState, FormData>(createAlertEndpointAction, {});
  const [dismissed, setDismissed] = useState<string | null>(null);
  const secret = state.secret !== undefined && state.secret !== dismissed ? state.secret : null;
  return (
    <div className="space-y-5">
      {state.message && !secret ? (
        <p role="status" className="flex items-center gap-2 text-sm font-medium text-success-fg">
          <IconCheckCircle className="size-4 shrink-0" />
          {state.message}
        </p>
      ) : null}
      {secret ? (
        <OneTimeSecret
          message={state.message}
          warning={<strong className="font-semibold text-fg">Copy the signing secret now: it will not be shown again.</strong>}
          id="new-alert-secret"
          label="Signing secret"
          value={secret}
          testId="new-alert-secret"
          onDismiss={() => setDismissed(secret)}
        />
      ) : null}
      <form action={formAction} noValidate className="grid gap-4 sm:grid-cols-2" aria-label="Add an endpoint">
        <Field label="Name" error={state.fieldErrors?.name} hint="E.g. “#mail-ops channel” or “pager”.">
          {(p) => <Input {...p} name="name" maxLength={80} autoComplete="off" />}
        </Field>
        <Field label="Format" error={state.fieldErrors?.kind} hint="Slack: an incoming-webhook message. Generic: the alert as JSON.">
          {(p) => (
            <Select {...p} name="kind" defaultValue="slack">
              <option value="slack">Slack (text and blocks)</option>
              <option value="generic">Generic JSON</option>
            </Select>
          )}
        </Field>
        <Field label="URL" error={state.fieldErrors?.url} hint="Where alerts are POSTed (http or https)." className="sm:col-span-2">
          {(p) => <Input {...p} name="url" type="url" inputMode="url" maxLength={2000} autoComplete="off" placeholder="https://hooks.slack.com/services/…" />}
        </Field>
        <Field label="Signing secret (optional)" error={state.fieldErrors?.secret} hint="At least 16 characters; leave empty to generate one." className="sm:col-span-2">
          {(p) => <Input {...p} name="secret" type="password" maxLength={200} autoComplete="new-password" />}
        </Field>
        <div className="sm:col-span-2">
          <FormError message={state.error} className="mb-3" />
          <Button type="submit" variant="primary" isPending={isPending} pendingLabel="Adding…">
            Add endpoint
          </Button>
        </div>
      </form>
    </div>
  );
}
