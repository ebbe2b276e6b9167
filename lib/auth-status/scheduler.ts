import { getServers } from 'node:dns';
import { db } from '@/lib/db/client';
import { env } from '@/lib/env';
import { createDnsResolver, type DnsResolver } from './dns/resolver';
import { runAuthChecks, type AuthCheckRun } from './run-checks';

/** DNS checks re-run every 6 hours: records and listings rarely change faster, and blocklists rate-limit frequent queries. */
export const AUTH_CHECK_INTERVAL_MS = 6 * 3600 * 1000;

const globalForAuthChecks = globalThis as unknown as { ddAuthCheckInterval?: ReturnType<typeof setInterval> };

/** The resolver the product uses: DNS_SERVERS (comma-separated host[:port]), else the system's resolvers. */
export function resolverFromEnv(): DnsResolver {
  const configured = env().DNS_SERVERS.split(',').map((s) => s.trim()).filter(Boolean);
  return createDnsResolver({ servers: configured.length > 0 ? configured : getServers() });
}

/** Runs the checks for every organisation in turn; one organisation's failure is logged and does not stop the others. */
export async function runAuthChecksForAllOrganizations(resolver: DnsResolver = resolverFromEnv()): Promise<Array<{ organizationId: string; run: AuthCheckRun | null }>> {
  const orgs = await db().organization.findMany({ select: { id: true }, orderBy: { createdAt: 'asc' } });
  const runs: Array<{ organizationId: string; run: AuthCheckRun | null }> = [];
  for (const org of orgs) {
    try {
      runs.push({ organizationId: org.id, run: await runAuthChecks(org.id, { resolver }) });
    } catch (error) {
      console.error(`[auth-status] checks failed for ${org.id}: ${error instanceof Error ? error.message : String(error)}`);
      runs.push({ organizationId: org.id, run: null });
    }
  }
  return runs;
}

/** Starts the per-process timer re-running the DNS checks of every organisation (idempotent). */
export function startAuthCheckTimer(): void {
  if (globalForAuthChecks.ddAuthCheckInterval) return;
  const tick = async () => {
    try {
      await runAuthChecksForAllOrganizations();
    } catch (error) {
      console.error(`[auth-status] check timer: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  globalForAuthChecks.ddAuthCheckInterval = setInterval(() => void tick(), AUTH_CHECK_INTERVAL_MS);
  globalForAuthChecks.ddAuthCheckInterval.unref?.();
}
