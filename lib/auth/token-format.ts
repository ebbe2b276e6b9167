import { createHash, randomBytes } from 'node:crypto';

/**
 * API tokens: `dd_` + 43 characters of base64url (32 random bytes). Only the sha256 of the whole
 * token is stored; the first 11 characters are kept to tell tokens apart in the UI.
 */
const TOKEN_PATTERN = /^dd_[A-Za-z0-9_-]{43}$/;

export function generateToken(): { token: string; hash: string; displayPrefix: string } {
  const token = `dd_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), displayPrefix: token.slice(0, 11) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}
