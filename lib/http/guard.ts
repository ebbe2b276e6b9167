import { cookies } from 'next/headers';
import { currentUser, ORG_COOKIE, pickMembership } from '@/lib/auth/session';
import { authenticateToken } from '@/lib/auth/tokens';
import { roleAllows, tokenAllows, type Action } from '@/lib/auth/permissions';
import type { RoleName, TokenScopeName } from '@/lib/auth/schemas';
import { ApiError, errorResponse } from './errors';

export type Principal =
  | { kind: 'user'; userId: string; email: string; role: RoleName }
  | { kind: 'token'; tokenId: string; scope: TokenScopeName };

export interface ApiContext<P> {
  req: Request;
  org: { id: string; slug: string };
  principal: Principal;
  params: P;
}

type RouteContext<P> = { params: Promise<P> };

/** The organisation a request names: `?org=<slug>` or the `X-Organization` header. */
function requestedOrg(req: Request): string | null {
  return new URL(req.url).searchParams.get('org') ?? req.headers.get('x-organization');
}

export interface GuardOptions {
  /** Also accept the token as `?token=` (webhook URLs configured in an ESP cannot send headers). */
  queryToken?: boolean;
}

async function resolve(req: Request, action: Action, options: GuardOptions): Promise<{ org: { id: string; slug: string }; principal: Principal }> {
  const queryToken = options.queryToken ? new URL(req.url).searchParams.get('token') : null;
  const header = req.headers.get('authorization') ?? (queryToken ? `Bearer ${queryToken}` : null);
  const asked = requestedOrg(req);
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new ApiError('unauthorized', 'Malformed Authorization header: expected "Bearer <token>".');
    const token = await authenticateToken(match[1]);
    if (asked && asked.toLowerCase() !== token.organizationSlug) {
      throw new ApiError('forbidden', `This token belongs to another organisation and cannot act on "${asked}".`);
    }
    if (!tokenAllows(token.scope, action)) {
      throw new ApiError('forbidden', `This token has the "${token.scope}" scope; this request needs ${action === 'read' ? 'a "read"' : action === 'ingest' ? 'an "ingest"' : 'a signed-in user with the right role, not a'} token.`);
    }
    return { org: { id: token.organizationId, slug: token.organizationSlug }, principal: { kind: 'token', tokenId: token.tokenId, scope: token.scope } };
  }
  const user = await currentUser();
  if (!user) throw new ApiError('unauthorized', 'Sign in or send "Authorization: Bearer <token>".');
  const membership = pickMembership(user, asked ?? (await cookies()).get(ORG_COOKIE)?.value) ?? (asked ? undefined : user.memberships[0]);
  if (!membership) throw new ApiError('forbidden', asked ? `You are not a member of "${asked}".` : 'You are not a member of any organisation.');
  if (!roleAllows(membership.role, action)) {
    throw new ApiError('forbidden', `Your role (${membership.role}) does not allow this in "${membership.slug}".`);
  }
  return {
    org: { id: membership.organizationId, slug: membership.slug },
    principal: { kind: 'user', userId: user.id, email: user.email, role: membership.role },
  };
}

/**
 * Wraps an /api/v1 route handler: authenticates a session or a bearer token, checks the action
 * against role or scope, and maps every error to the envelope.
 */
export function withApi<P = Record<string, never>>(action: Action, handler: (ctx: ApiContext<P>) => Promise<Response>, options: GuardOptions = {}) {
  return async (req: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const { org, principal } = await resolve(req, action, options);
      return await handler({ req, org, principal, params: await context.params });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
