import { findUserForSignIn, getUserWithMemberships } from '@/lib/auth/accounts';
import { checkCredentials } from '@/lib/auth/sign-in';
import { writeAuditEntry } from '@/lib/audit/write-audit-entry';
import { SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_IP } from './limits';
import { checkRateLimit, recordRateLimitHit, resetRateLimit, type RateLimitState } from './rate-limit';

export type SignInAttempt =
  | { outcome: 'signed-in'; user: { id: string; email: string } }
  | { outcome: 'wrong-credentials' }
  | { outcome: 'rate-limited'; retryAfterSeconds: number };

function blockedFor(states: RateLimitState[]): number | null {
  const blocked = states.filter((s) => s.isBlocked);
  return blocked.length ? Math.max(...blocked.map((s) => s.retryAfterSeconds)) : null;
}

async function auditSignIn(userId: string, email: string, action: 'sign-in' | 'sign-in.failed', ip: string): Promise<void> {
  const user = await getUserWithMemberships(userId);
  if (!user) return;
  await writeAuditEntry(user.memberships.map((m) => m.organizationId), { kind: 'user', id: user.id, email }, action, email, null, ip);
}

/**
 * One sign-in attempt under the per-account and per-IP failure limits: refused unchecked while either is used
 * up; a failure counts against both, and the failure that uses one up already answers "rate-limited". Success
 * clears the account's count (not the address's: one valid account must not reset a guesser's budget).
 * Sign-ins and failed sign-ins of existing users are audited in each of their organisations.
 */
export async function attemptSignIn(emailInput: string, password: string, ip: string): Promise<SignInAttempt> {
  const email = emailInput.trim().toLowerCase().slice(0, 254);
  const before = blockedFor(await Promise.all([checkRateLimit(SIGN_IN_PER_ACCOUNT, email), checkRateLimit(SIGN_IN_PER_IP, ip)]));
  if (before !== null) return { outcome: 'rate-limited', retryAfterSeconds: before };
  const user = await checkCredentials(email, password);
  if (user) {
    await resetRateLimit(SIGN_IN_PER_ACCOUNT, email);
    await auditSignIn(user.id, user.email, 'sign-in', ip);
    return { outcome: 'signed-in', user };
  }
  const after = await Promise.all([recordRateLimitHit(SIGN_IN_PER_ACCOUNT, email), recordRateLimitHit(SIGN_IN_PER_IP, ip)]);
  const known = await findUserForSignIn(email);
  if (known) await auditSignIn(known.id, known.email, 'sign-in.failed', ip);
  const blocked = blockedFor(after);
  return blocked === null ? { outcome: 'wrong-credentials' } : { outcome: 'rate-limited', retryAfterSeconds: blocked };
}
