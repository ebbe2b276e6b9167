import { currentUser, ORG_COOKIE, pickMembership } from '@/lib/auth/session';
import { authenticateToken, type TokenPrincipal } from '@/lib/auth/tokens';
import { roleAllows, tokenAllows, type Action } from '@/lib/auth/permissions';
import type { RoleName, TokenScopeName } from '@/lib/auth/schemas';
import { clientIp } from '@/lib/security/client-ip';
import { minutesText, TOKEN_FAILURES_PER_IP } from '@/lib/security/limits';
import { checkRateLimit, recordRateLimitHit } from '@/lib/security/rate-limit';
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

/**
 * One cookie of the request, read from its header so the guard works outside Next's request scope too. Not
 * percent-decoded: the organisation cookie holds a slug, and a malformed escape must not throw.
 */
function requestCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function tooManyTokenFailures(retryAfterSeconds: number): ApiError {
  return new ApiError('rate_limited', `Too many failed token attempts from this address. Try again in ${minutesText(retryAfterSeconds)}.`, undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/**
 * Authenticates a bearer token unless its client address has used up its failure budget; a malformed, unknown or
 * revoked token counts one failure. A blocked address is refused before the lookup, so guesses stop being checked.
 */
async function authenticateBearer(req: Request, header: string): Promise<TokenPrincipal> {
  const ip = clientIp(req.headers);
  const state = await checkRateLimit(TOKEN_FAILURES_PER_IP, ip);
  if (state.isBlocked) throw tooManyTokenFailures(state.retryAfterSeconds);
  try {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new ApiError('unauthorized', 'Malformed Authorization header: expected "Bearer <token>".');
    return await authenticateToken(match[1]);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'unauthorized') await recordRateLimitHit(TOKEN_FAILURES_PER_IP, ip);
    throw error;
  }
}

async function resolve(req: Request, action: Action, options: GuardOptions): Promise<{ org: { id: string; slug: string }; principal: Principal }> {
  const queryToken = options.queryToken ? new URL(req.url).searchParams.get('token') : null;
  const header = req.headers.get('authorization') ?? (queryToken ? `Bearer ${queryToken}` : null);
  const asked = requestedOrg(req);
  if (header) {
    const token = await authenticateBearer(req, header);
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
  const membership = pickMembership(user, asked ?? requestCookie(req, ORG_COOKIE)) ?? (asked ? undefined : user.memberships[0]);
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
