'use client';

import { useActionState, useState, type ChangeEvent } from 'react';
import type { FormState } from '@/app/actions/form-state';
import { createFirstAdminAction } from '@/app/actions/setup';
import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/callout';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { slugify } from './slugify';

/** First-run form: the first organisation and its administrator. */
export function SetupForm() {
  const [state, formAction, isPending] = useActionState<FormState, FormData>(createFirstAdminAction, {});
  // Controlled so values survive the form reset after a rejected submission.
  const [values, setValues] = useState({ orgName: '', slug: '', email: '', password: '', confirm: '' });
  // The short name follows the organisation name until the user edits it (or empties it again).
  const [isSlugEdited, setIsSlugEdited] = useState(false);
  const errors = state.fieldErrors ?? {};

  const set = (field: keyof typeof values) => (event: ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [field]: event.target.value }));

  function onOrgName(event: ChangeEvent<HTMLInputElement>) {
    const orgName = event.target.value;
    setValues((v) => ({ ...v, orgName, slug: isSlugEdited ? v.slug : slugify(orgName) }));
  }

  function onSlug(event: ChangeEvent<HTMLInputElement>) {
    const slug = event.target.value;
    setIsSlugEdited(slug !== '');
    setValues((v) => ({ ...v, slug }));
  }

  return (
    <form action={formAction} noValidate className="space-y-6">
      <fieldset className="space-y-4">
        <legend className="mb-3 text-xs font-semibold tracking-wide text-fg-subtle uppercase">Organisation</legend>
        <Field label="Organisation name" error={errors.orgName} hint="Your company or team, as people will see it.">
          {(p) => <Input {...p} name="orgName" autoComplete="organization" maxLength={100} value={values.orgName} onChange={onOrgName} />}
        </Field>
        <Field label="Short name" error={errors.slug} hint="Lower-case letters, digits and dashes; used by the API and the admin command.">
          {(p) => <Input {...p} name="slug" autoCapitalize="none" spellCheck={false} maxLength={40} className="font-mono" value={values.slug} onChange={onSlug} />}
        </Field>
      </fieldset>
      <hr className="border-line" />
      <fieldset className="space-y-4">
        <legend className="mb-3 text-xs font-semibold tracking-wide text-fg-subtle uppercase">Administrator</legend>
        <Field label="E-mail" error={errors.email}>
          {(p) => <Input {...p} name="email" type="email" autoComplete="username" inputMode="email" autoCapitalize="none" spellCheck={false} value={values.email} onChange={set('email')} />}
        </Field>
        <Field label="Password" error={errors.password} hint="At least 10 characters.">
          {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" value={values.password} onChange={set('password')} />}
        </Field>
        <Field label="Confirm password" error={errors.confirm}>
          {(p) => <Input {...p} name="confirm" type="password" autoComplete="new-password" value={values.confirm} onChange={set('confirm')} />}
        </Field>
      </fieldset>
      <div>
        <FormError message={state.error} className="mb-3" />
        <Button type="submit" variant="primary" size="lg" className="w-full" isPending={isPending} pendingLabel="Creating…">
          Create administrator and organisation
        </Button>
      </div>
    </form>
  );
}
