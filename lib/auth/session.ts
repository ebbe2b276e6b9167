import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { auth } from './config';
import { countUsers, getUserWithMemberships, type MembershipDto, type UserDto } from './accounts';

/** Cookie holding the slug of the organisation the user is looking at. */
export const ORG_COOKIE = 'dd_org';

export interface PageContext {
  user: UserDto;
  org: MembershipDto;
}

/** The signed-in user, re-read from the database; null when signed out, expired or deleted. */
export async function currentUser(): Promise<UserDto | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return getUserWithMemberships(id);
}

/** Picks the organisation: the requested slug, else the cookie, else the first membership. */
export function pickMembership(user: UserDto, requested: string | null | undefined): MembershipDto | undefined {
  if (requested) return user.memberships.find((m) => m.slug === requested);
  return user.memberships[0];
}

/**
 * For every dashboard page: the user and their current organisation, or a redirect to /setup
 * (no user exists yet) or /login. The check is made here, where data is read, not only in proxy.ts.
 */
export async function requirePageContext(): Promise<PageContext> {
  const user = await currentUser();
  if (!user) {
    if ((await countUsers()) === 0) redirect('/setup');
    redirect('/login');
  }
  const cookieSlug = (await cookies()).get(ORG_COOKIE)?.value;
  const org = pickMembership(user, cookieSlug) ?? user.memberships[0];
  if (!org) redirect('/login?reason=no-organisation');
  return { user, org };
}
