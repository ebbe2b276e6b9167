'use client';

import { useActionState, type ReactNode } from 'react';
import type { FormState } from '@/app/actions/form-state';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { Callout, FormError } from '@/components/ui/callout';
import { Field } from '@/components/ui/field';
import { Input, Textarea } from '@/components/ui/input';

export type AnnotateAction = (prev: FormState, form: FormData) => Promise<FormState>;

/** The success line of a form, announced politely; it stays mounted so the next one is heard too. */
function Done({ state }: { state: FormState }) {
  return <div aria-live="polite">{state.message ? <p className="text-sm font-medium text-success-fg">{state.message}</p> : null}</div>;
}

/** A timeline note with its own time (UTC) and the provider's reference, e.g. a Microsoft ticket EX669123. */
export function NoteForm({ action }: { action: AnnotateAction }) {
  const [state, formAction, isPending] = useActionState<FormState, FormData>(action, {});
  return (
    <form action={formAction} noValidate className="space-y-4" aria-label="Add a note">
      <Field label="Note" error={state.fieldErrors?.text} hint="What happened, what you did, what the provider said.">
        {(p) => <Textarea {...p} name="text" rows={3} maxLength={4000} required />}
      </Field>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Time (UTC, optional)" error={state.fieldErrors?.at} hint="When it happened; empty means now.">
          {(p) => <Input {...p} name="at" type="datetime-local" />}
        </Field>
        <Field label="Provider reference (optional)" error={state.fieldErrors?.providerReference} hint="Ticket or case number, e.g. EX669123.">
          {(p) => <Input {...p} name="providerReference" maxLength={200} autoComplete="off" />}
        </Field>
      </div>
      <FormError message={state.error} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" isPending={isPending} pendingLabel="Adding…">
          Add note
        </Button>
        <Done state={state} />
      </div>
    </form>
  );
}

/** One small form: an optional or required text field and a button. */
function ActionForm({
  action,
  label,
  name,
  fieldLabel,
  hint,
  required,
  variant = 'secondary',
  pendingLabel,
}: {
  action: AnnotateAction;
  label: string;
  name: string;
  fieldLabel: ReactNode;
  hint?: ReactNode;
  required?: boolean;
  variant?: ButtonVariant;
  pendingLabel: string;
}) {
  const [state, formAction, isPending] = useActionState<FormState, FormData>(action, {});
  return (
    <form action={formAction} noValidate className="space-y-3" aria-label={label}>
      <Field label={fieldLabel} error={state.fieldErrors?.[name]} hint={hint} required={required}>
        {(p) => <Input {...p} name={name} maxLength={name === 'assignee' ? 320 : 2000} autoComplete="off" />}
      </Field>
      <FormError message={state.error} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant={variant} isPending={isPending} pendingLabel={pendingLabel}>
          {label}
        </Button>
        <Done state={state} />
      </div>
    </form>
  );
}

export function AcknowledgeForm({ action }: { action: AnnotateAction }) {
  return <ActionForm action={action} label="Acknowledge" name="reason" fieldLabel="Comment (optional)" hint="E.g. “looking into it”." pendingLabel="Saving…" />;
}

export function AssignForm({ action }: { action: AnnotateAction }) {
  return <ActionForm action={action} label="Assign" name="assignee" fieldLabel="Assignee" hint="E-mail or name of who handles it." required pendingLabel="Assigning…" />;
}

export function ResolveForm({ action, isResolved }: { action: AnnotateAction; isResolved: boolean }) {
  if (isResolved) return <Callout tone="success">This incident is resolved.</Callout>;
  return <ActionForm action={action} label="Resolve" name="reason" fieldLabel="Reason" hint="Why it is over, e.g. “Microsoft reverted the change; queue drained”." required variant="danger" pendingLabel="Resolving…" />;
}
