'use server';

import { AuthError } from 'next-auth';
import { z } from 'zod';
import { createFirstAdmin } from '@/lib/auth/accounts';
import { signIn } from '@/lib/auth/config';
import { emailSchema, orgNameSchema, passwordSchema, slugSchema } from '@/lib/auth/schemas';
import { ApiError } from '@/lib/http/errors';
import type { FormState } from './form-state';

const setupSchema = z
  .object({
    orgName: orgNameSchema,
    slug: slugSchema,
    email: emailSchema,
    password: passwordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'does not match the password' });

const fieldLabels: Record<string, string> = { orgName: 'Organisation name', slug: 'Short name', email: 'E-mail', password: 'Password', confirm: 'Confirmation' };

/** First run only: creates the organisation and its first administrator, then signs them in. */
export async function createFirstAdminAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = setupSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'form');
      fieldErrors[field] ??= `${fieldLabels[field] ?? field}: ${issue.message}.`;
    }
    return { fieldErrors };
  }
  try {
    await createFirstAdmin(parsed.data);
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
  try {
    await signIn('credentials', { email: parsed.data.email, password: parsed.data.password, redirectTo: '/' });
  } catch (error) {
    if (error instanceof AuthError) return { error: 'The administrator was created, but signing in failed. Sign in on the login page.' };
    throw error;
  }
  return {};
}
