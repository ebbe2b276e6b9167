'use server';

import { revalidatePath } from 'next/cache';
import type { FormState } from '@/app/actions/form-state';
import { deleteAlertEndpoint } from '@/lib/alerts/queries/delete-alert-endpoint';
import { writeAlertEndpoint } from '@/lib/alerts/queries/write-alert-endpoint';
import { alertEndpointInputSchema } from '@/lib/alerts/schemas';
import { roleAllows } from '@/lib/auth/permissions';
import { requirePageContext } from '@/lib/auth/session';

const PATH = '/settings/alerts';

const optionalText = (form: FormData, name: string): string | undefined => {
  const v = form.get(name);
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
};

/** Adds a webhook endpoint (admins only); a generated secret is returned once. */
export async function createAlertEndpointAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { user, org } = await requirePageContext();
  if (!roleAllows(org.role, 'admin')) return { error: 'Only administrators can add alert endpoints.' };
  const parsed = alertEndpointInputSchema.safeParse({
    name: optionalText(form, 'name') ?? '',
    url: (optionalText(form, 'url') ?? '').trim(),
    kind: form.get('kind'),
    secret: optionalText(form, 'secret'),
  });
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'name');
      fieldErrors[field] ??= field === 'kind' ? 'Choose Slack or generic JSON.' : `${field === 'url' ? 'URL' : field === 'secret' ? 'Secret' : 'Name'} ${issue.message}.`;
    }
    return { fieldErrors };
  }
  const { secret } = await writeAlertEndpoint(org.organizationId, parsed.data, user.email);
  revalidatePath(PATH);
  return parsed.data.secret ? { message: `Endpoint "${parsed.data.name}" added.` } : { message: `Endpoint "${parsed.data.name}" added with a generated secret.`, secret };
}

/** Removes an endpoint with its queued alerts and log (admins only). */
export async function deleteAlertEndpointAction(form: FormData): Promise<void> {
  const { org } = await requirePageContext();
  if (!roleAllows(org.role, 'admin')) return;
  await deleteAlertEndpoint(org.organizationId, String(form.get('id') ?? ''));
  revalidatePath(PATH);
}
