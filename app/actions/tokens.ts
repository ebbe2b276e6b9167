'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { canManageTokens } from '@/lib/auth/permissions';
import { tokenNameSchema, tokenScopes } from '@/lib/auth/schemas';
import { requirePageContext } from '@/lib/auth/session';
import { createApiToken, revokeApiToken } from '@/lib/auth/tokens';
import type { FormState } from './form-state';

const createSchema = z.object({ name: tokenNameSchema, scope: z.enum(tokenScopes) });

/** Creates an API token in the current organisation (admins only); the token is returned once. */
export async function createTokenAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { user, org } = await requirePageContext();
  if (!canManageTokens(org.role)) return { error: 'Only administrators can create tokens.' };
  const parsed = createSchema.safeParse({ name: form.get('name'), scope: form.get('scope') });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { fieldErrors: { [String(issue?.path[0] ?? 'name')]: issue?.path[0] === 'scope' ? 'Choose ingest or read.' : `Name ${issue?.message ?? 'is invalid'}.` } };
  }
  const { token, record } = await createApiToken({ organizationId: org.organizationId, name: parsed.data.name, scope: parsed.data.scope, createdById: user.id });
  revalidatePath('/settings');
  return { secret: token, message: `Token "${record.name}" (${record.scope}) created.` };
}

/** Revokes a token of the current organisation (admins only). */
export async function revokeTokenAction(form: FormData): Promise<void> {
  const { org } = await requirePageContext();
  if (!canManageTokens(org.role)) return;
  await revokeApiToken(org.organizationId, String(form.get('id') ?? ''));
  revalidatePath('/settings');
}
