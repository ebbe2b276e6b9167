import { db } from '@/lib/db/client';
import { ApiError } from '@/lib/http/errors';
import { generateToken, hashToken, isWellFormedToken } from './token-format';
import { tokenNameSchema, type TokenScopeName } from './schemas';

export interface ApiTokenDto {
  id: string;
  name: string;
  scope: TokenScopeName;
  displayPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Creates a token; the returned `token` is the only time it is ever shown. */
export async function createApiToken(input: { organizationId: string; name: string; scope: TokenScopeName; createdById?: string | null }): Promise<{ token: string; record: ApiTokenDto }> {
  const name = tokenNameSchema.parse(input.name);
  const { token, hash, displayPrefix } = generateToken();
  const row = await db().apiToken.create({
    data: { organizationId: input.organizationId, name, scope: input.scope, tokenHash: hash, displayPrefix, createdById: input.createdById ?? null },
  });
  return { token, record: toDto(row) };
}

export async function listApiTokens(organizationId: string): Promise<ApiTokenDto[]> {
  const rows = await db().apiToken.findMany({ where: { organizationId }, orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }] });
  return rows.map(toDto);
}

/** Revokes a token of this organisation; 404 for a token of another organisation. */
export async function revokeApiToken(organizationId: string, tokenId: string): Promise<void> {
  const { count } = await db().apiToken.updateMany({ where: { id: tokenId, organizationId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) {
    const exists = await db().apiToken.findFirst({ where: { id: tokenId, organizationId }, select: { id: true } });
    if (!exists) throw new ApiError('not_found', 'No such token in this organisation.');
  }
}

export interface TokenPrincipal {
  tokenId: string;
  organizationId: string;
  organizationSlug: string;
  scope: TokenScopeName;
}

/** Last-used time is written at most once a minute per token, to keep hot ingest paths free of writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The principal behind a bearer token, or an ApiError: 401 for malformed, unknown or revoked tokens.
 */
export async function authenticateToken(token: string): Promise<TokenPrincipal> {
  if (!isWellFormedToken(token)) throw new ApiError('unauthorized', 'Malformed API token: expected "Authorization: Bearer dd_…".');
  const row = await db().apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, organizationId: true, scope: true, revokedAt: true, lastUsedAt: true, organization: { select: { slug: true } } },
  });
  if (!row) throw new ApiError('unauthorized', 'Unknown API token.');
  if (row.revokedAt) throw new ApiError('unauthorized', 'This API token has been revoked.');
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { tokenId: row.id, organizationId: row.organizationId, organizationSlug: row.organization.slug, scope: row.scope };
}

function toDto(row: { id: string; name: string; scope: TokenScopeName; displayPrefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    displayPrefix: row.displayPrefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
