import { NextResponse } from 'next/server';
import { auth } from '@/lib/auth/config';

/**
 * Convenience redirect of signed-out visitors to /login. Pages and handlers check the session again
 * where they read data; this is not the security boundary.
 */
export const proxy = auth((req) => {
  if (req.auth) return;
  const { pathname, search } = req.nextUrl;
  const url = new URL('/login', req.nextUrl);
  if (pathname !== '/') url.searchParams.set('next', `${pathname}${search}`);
  return NextResponse.redirect(url);
});

export const config = {
  // Everything but the API (its routes answer 401 themselves), sign-in pages and static files.
  matcher: ['/((?!api/|login|setup|_next/|favicon.ico|robots.txt).*)'],
};
