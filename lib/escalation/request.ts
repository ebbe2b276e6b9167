import { getServers } from 'node:dns';
import { createDnsResolver, type DnsResolver } from '@/lib/auth-status/dns/resolver';
import { env } from '@/lib/env';
import type { Principal } from '@/lib/http/guard';
import { ApiError } from '@/lib/http/errors';

/**
 * Whether the package shows full recipient addresses: only when `?showRecipients=1` is asked, and only for a signed-in
 * administrator (tokens and other roles get 403: masking is the default, not a preference).
 */
export function showRecipientsFor(url: URL, principal: Principal): boolean {
  const asked = url.searchParams.get('showRecipients');
  if (asked === null || asked === '0' || asked === 'false') return false;
  if (asked !== '1' && asked !== 'true') throw new ApiError('unprocessable', 'showRecipients: expected 1 or 0', [{ field: 'showRecipients', message: 'expected 1 or 0' }]);
  if (principal.kind !== 'user' || principal.role !== 'admin') throw new ApiError('forbidden', 'Only administrators may see full recipient addresses; the package masks them by default.');
  return true;
}

/** The product's resolver (DNS_SERVERS, else the system's) with one short try per query: the package must not wait on DNS. */
export function packageResolver(): DnsResolver {
  const configured = env().DNS_SERVERS.split(',').map((s) => s.trim()).filter(Boolean);
  return createDnsResolver({ servers: configured.length > 0 ? configured : getServers(), timeoutMs: 1_000, tries: 1 });
}
