import { checkPtr } from '@/lib/auth-status/dns/ptr';
import type { DnsResolver } from '@/lib/auth-status/dns/resolver';

/** The whole reverse-DNS pass gives up after this long: DNS may be unreachable and the package must not hang. */
export const PTR_DEADLINE_MS = 2_500;

/** What the package says about one IP's reverse DNS. */
export type PtrEvidence =
  | { status: 'checked'; ptr: string | null; names: string[]; forwardConfirmed: boolean; problems: string[] }
  | { status: 'not-available'; reason: string };

/** A stored earlier check of an IP (auth_check kind ptr), used when DNS does not answer now. */
export interface StoredPtr {
  checkedAt: string;
  summary: string;
}

function notAvailable(reason: string, stored: StoredPtr | undefined): PtrEvidence {
  return { status: 'not-available', reason: stored ? `${reason}; last stored check ${stored.checkedAt}: ${stored.summary}` : reason };
}

/**
 * PTR and forward confirmation of each IP through `resolver`, all at once and never longer than `deadlineMs`.
 * A lookup that fails for a temporary reason or runs out of time is "not available" (with the stored check if any),
 * never a guess.
 */
export async function lookupPtrs(ips: string[], opts: { resolver: DnsResolver | null; stored: Map<string, StoredPtr>; deadlineMs?: number }): Promise<Map<string, PtrEvidence>> {
  const result = new Map<string, PtrEvidence>();
  if (opts.resolver === null) {
    for (const ip of ips) result.set(ip, notAvailable('DNS lookups are switched off for this package', opts.stored.get(ip)));
    return result;
  }
  const resolver = opts.resolver;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.deadlineMs ?? PTR_DEADLINE_MS);
  });
  const lookups = ips.map(async (ip) => {
    const check = await checkPtr(ip, { resolver });
    const isTemporary = check.names.length === 0 && check.problems.some((p) => p.startsWith('could not look up'));
    result.set(ip, isTemporary ? notAvailable(`DNS did not answer (${check.problems.join('; ')})`, opts.stored.get(ip)) : { status: 'checked', ...pick(check) });
  });
  try {
    await Promise.race([Promise.all(lookups), deadline]);
  } finally {
    clearTimeout(timer);
  }
  const answered = new Map<string, PtrEvidence>();
  for (const ip of ips) answered.set(ip, result.get(ip) ?? notAvailable(`DNS did not answer within ${(opts.deadlineMs ?? PTR_DEADLINE_MS) / 1000} s`, opts.stored.get(ip)));
  return answered;
}

function pick(c: { ptr: string | null; names: string[]; forwardConfirmed: boolean; problems: string[] }) {
  return { ptr: c.ptr, names: c.names, forwardConfirmed: c.forwardConfirmed, problems: c.problems };
}
