'use server';

import { AuthError } from 'next-auth';
import { signIn, SignInRateLimited, signOut } from '@/lib/auth/config';
import { minutesText } from '@/lib/security/limits';
import type { FormState } from './form-state';

/**
 * Signs in with e-mail and password; the same message for an unknown e-mail and a wrong password. The limits on
 * failed attempts are enforced in the Auth.js `authorize` callback (lib/auth/config.ts); this only words them.
 */
export async function signInAction(_prev: FormState, form: FormData): Promise<FormState> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const fieldErrors: Record<string, string> = {};
  if (!email) fieldErrors.email = 'Enter your e-mail address.';
  if (!password) fieldErrors.password = 'Enter your password.';
  if (Object.keys(fieldErrors).length) return { fieldErrors };
  const next = String(form.get('next') ?? '/');
  try {
    await signIn('credentials', { email, password, redirectTo: next.startsWith('/') && !next.startsWith('//') ? next : '/' });
  } catch (error) {
    if (error instanceof SignInRateLimited) return { error: `Too many sign-in attempts. Try again in ${minutesText(error.retryAfterSeconds)}.` };
    if (error instanceof AuthError) {
      return { error: error.type === 'CredentialsSignin' ? 'Wrong e-mail or password.' : 'Sign-in failed. Try again.' };
    }
    throw error;
  }
  return {};
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/login?reason=signed-out' });
}
