'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { currentUser, ORG_COOKIE } from '@/lib/auth/session';

/** Switches the organisation the dashboard shows; only to one the user belongs to. */
export async function switchOrganization(form: FormData): Promise<void> {
  const user = await currentUser();
  if (!user) redirect('/login');
  const slug = String(form.get('slug') ?? '');
  if (!user.memberships.some((m) => m.slug === slug)) return;
  (await cookies()).set(ORG_COOKIE, slug, { httpOnly: true, sameSite: 'lax', path: '/', secure: process.env.NODE_ENV === 'production' && process.env.AUTH_URL?.startsWith('https') === true });
  redirect('/');
}
