import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];

/**
 * Convenience redirect of visitors without a session cookie to /login. Pages and handlers verify the
 * session itself where they read data; this is not the security boundary.
 */
export function proxy(req: NextRequest): NextResponse | undefined {
  if (SESSION_COOKIES.some((name) => req.cookies.has(name))) return undefined;
  const { pathname, search } = req.nextUrl;
  const url = new URL('/login', req.nextUrl);
  if (pathname !== '/') url.searchParams.set('next', `${pathname}${search}`);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but the API (its routes answer 401 themselves), sign-in pages and static files.
  matcher: ['/((?!api/|login|setup|_next/|favicon.ico|robots.txt).*)'],
};
