'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { canManageTokens } from '@/lib/auth/permissions';
import { tokenNameSchema, tokenScopes } from '@/lib/auth/schemas';
import { requirePageContext } from '@/lib/auth/session';
import { createApiToken, listApiTokens, revokeApiToken } from '@/lib/auth/tokens';
import { writeAuditEntry } from '@/lib/audit/write-audit-entry';
import { requestIp } from '@/lib/security/request-ip';
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
  await writeAuditEntry(org.organizationId, { kind: 'user', id: user.id, email: user.email }, 'token.created', record.name, { tokenId: record.id, scope: record.scope, prefix: record.displayPrefix }, await requestIp());
  revalidatePath('/settings');
  return { secret: token, message: `Token "${record.name}" (${record.scope}) created.` };
}

/** Revokes a token of the current organisation (admins only). */
export async function revokeTokenAction(form: FormData): Promise<void> {
  const { user, org } = await requirePageContext();
  if (!canManageTokens(org.role)) return;
  const tokenId = String(form.get('id') ?? '');
  const token = (await listApiTokens(org.organizationId)).find((t) => t.id === tokenId);
  await revokeApiToken(org.organizationId, tokenId);
  // Revoking an already revoked token changes nothing and is not audited again.
  if (token && !token.revokedAt) {
    await writeAuditEntry(org.organizationId, { kind: 'user', id: user.id, email: user.email }, 'token.revoked', token.name, { tokenId, scope: token.scope, prefix: token.displayPrefix }, await requestIp());
  }
  revalidatePath('/settings');
}
