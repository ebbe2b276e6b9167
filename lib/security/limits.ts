import type { RateLimitRule } from './rate-limit';

// Sign-in: OWASP's Authentication Cheat Sheet asks for throttling per account and per source, without locking an
// account for good (that hands attackers a denial of service). 10 failures per e-mail per 15 min slows a guesser to
// ~1 000 guesses a day; the per-IP budget is larger because an office NAT puts many people behind one address.

/** Failed sign-ins per e-mail address (known or not, so the answer does not reveal which exist). */
export const SIGN_IN_PER_ACCOUNT: RateLimitRule = { name: 'sign-in-account', limit: 10, windowSeconds: 15 * 60 };

/** Failed sign-ins per client address. */
export const SIGN_IN_PER_IP: RateLimitRule = { name: 'sign-in-ip', limit: 50, windowSeconds: 15 * 60 };

/**
 * Failed bearer-token authentications (malformed, unknown, revoked) per client address. Tokens carry 256 random
 * bits, so guessing is hopeless anyway; the limit stops a misconfigured or hostile client from hammering the
 * token lookup. Once reached, every bearer request from the address is refused until the window ends.
 */
export const TOKEN_FAILURES_PER_IP: RateLimitRule = { name: 'token-ip', limit: 30, windowSeconds: 10 * 60 };

/** "N minutes", rounded up, for messages. */
export function minutesText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
