import type { RoleName, TokenScopeName } from './schemas';

/**
 * What a caller may do. Viewers read; analysts also ingest data and annotate incidents; admins also
 * manage tokens, members and settings. Tokens are narrower: `ingest` tokens only write events,
 * `read` tokens only read.
 */
/** `identify` only tells callers who they are, and is open to every valid credential. */
export type Action = 'identify' | 'read' | 'ingest' | 'annotate' | 'admin';

export function roleAllows(role: RoleName, action: Action): boolean {
  switch (action) {
    case 'identify':
    case 'read':
      return true;
    case 'ingest':
    case 'annotate':
      return role === 'admin' || role === 'analyst';
    case 'admin':
      return role === 'admin';
  }
}

export function tokenAllows(scope: TokenScopeName, action: Action): boolean {
  return action === 'identify' || (action === 'read' && scope === 'read') || (action === 'ingest' && scope === 'ingest');
}

export const canManageTokens = (role: RoleName): boolean => roleAllows(role, 'admin');
export const canIngest = (role: RoleName): boolean => roleAllows(role, 'ingest');
export const canAnnotateIncident = (role: RoleName): boolean => roleAllows(role, 'annotate');
