import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { authSecret } from '@/lib/env';

/** Sessions last 12 hours: one working day of incident handling, then sign in again. */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

class WrongCredentials extends CredentialsSignin {
  override code = 'wrong_credentials';
}

/** Too many failed sign-ins for the e-mail or from the address; `retryAfterSeconds` until the window ends. */
export class SignInRateLimited extends CredentialsSignin {
  override code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

/**
 * Auth.js (next-auth v5) with e-mail + password. Credentials sign-in requires JWT sessions; the user
 * is re-read from the database wherever data is read, so a deleted user or a revoked membership takes
 * effect at once. Built lazily so the secret is read at run time, not at build time.
 */
export const { handlers, auth, signIn, signOut } = NextAuth((): NextAuthConfig => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: '/login', error: '/login' },
  providers: [
    Credentials({
      credentials: { email: { label: 'E-mail', type: 'email' }, password: { label: 'Password', type: 'password' } },
      // Every credentials sign-in passes here, from the form's server action and from a direct POST to
      // /api/auth/callback/credentials alike, so the limits are enforced here.
      async authorize(credentials, request) {
        // Imported here so the proxy (which only decodes the session) does not load the database.
        const [{ attemptSignIn }, { clientIp }] = await Promise.all([import('@/lib/security/sign-in-attempt'), import('@/lib/security/client-ip')]);
        const attempt = await attemptSignIn(String(credentials.email ?? ''), String(credentials.password ?? ''), clientIp(request.headers));
        if (attempt.outcome === 'rate-limited') throw new SignInRateLimited(attempt.retryAfterSeconds);
        if (attempt.outcome === 'wrong-credentials') throw new WrongCredentials();
        return attempt.user;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.uid = user.id;
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === 'string') session.user.id = token.uid;
      return session;
    },
  },
  // Failed sign-ins are expected events, not errors: log one line, never a stack trace.
  logger: {
    error(error) {
      if (error.name === 'CredentialsSignin' || error.name === 'WrongCredentials' || error.name === 'SignInRateLimited') return;
      console.error(`[auth] ${error.name}: ${error.message}`);
    },
    warn() {},
    debug() {},
  },
}));
