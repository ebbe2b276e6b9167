import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, newNonce } from '@/lib/security/csp';

const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];
/** Pages a visitor without a session may open. */
const PUBLIC_PAGES = /^\/(login|setup)(\/|$)/;
const isDev = process.env.NODE_ENV === 'development';

/**
 * Every page request gets a fresh CSP nonce: on the request (Next.js reads it from the Content-Security-Policy
 * request header and puts it on its scripts) and on the response. Visitors without a session cookie are sent to
 * /login; that is a convenience, not the security boundary: pages and handlers verify the session themselves.
 */
export function proxy(req: NextRequest): NextResponse {
  const csp = contentSecurityPolicy({ nonce: newNonce(), isDev });
  const { pathname, search } = req.nextUrl;
  if (!PUBLIC_PAGES.test(pathname) && !SESSION_COOKIES.some((name) => req.cookies.has(name))) {
    const url = new URL('/login', req.nextUrl);
    if (pathname !== '/') url.searchParams.set('next', `${pathname}${search}`);
    const redirect = NextResponse.redirect(url);
    redirect.headers.set('Content-Security-Policy', csp);
    return redirect;
  }
  const headers = new Headers(req.headers);
  headers.set('Content-Security-Policy', csp);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('Content-Security-Policy', csp);
  return res;
}

export const config = {
  // Pages only: the API answers 401 itself and carries the nonce-less policy of next.config.ts; static files need none.
  matcher: ['/((?!api/|_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
