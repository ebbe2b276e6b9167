import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card';
import { LoginForm } from '@/components/auth/login-form';
import { countUsers } from '@/lib/auth/accounts';
import { currentUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

const notices = {
  expired: 'Your session has expired. Sign in again.',
  'signed-out': 'You have signed out.',
  'no-organisation': 'Your account is not a member of any organisation yet. Ask an administrator to add you, or sign in with another account.',
  'rate-limited': 'Too many sign-in attempts. Wait a few minutes, then try again.',
} as const;

// Auth.js session cookie names (the __Secure- prefix over https, a .N suffix when chunked).
const SESSION_COOKIE = /^(?:__Secure-)?authjs\.session-token(?:\.\d+)?$/;

/** Only paths on this site, so a crafted link cannot send the user elsewhere after signing in. */
function safeNext(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : undefined;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if ((await countUsers()) === 0) redirect('/setup');
  const params = await searchParams;
  const next = safeNext(params.next);
  const user = await currentUser();
  // A signed-in user without any organisation stays here: the dashboard would send them back.
  if (user && user.memberships.length > 0) redirect(next ?? '/');

  // Auth.js's own endpoint redirects a refused sign-in here with ?error=CredentialsSignin&code=rate_limited.
  const requested = params.code === 'rate_limited' ? 'rate-limited' : params.reason;
  const reason = typeof requested === 'string' && requested in notices ? (requested as keyof typeof notices) : undefined;
  const hasSessionCookie = (await cookies()).getAll().some((c) => SESSION_COOKIE.test(c.name));
  const notice = reason ? notices[reason] : !user && hasSessionCookie ? notices.expired : undefined;

  return (
    <AuthCard title="Sign in" description="Use the e-mail and password your administrator set up.">
      <LoginForm next={next} notice={notice} />
    </AuthCard>
  );
}
