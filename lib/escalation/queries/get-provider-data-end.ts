import { db } from '@/lib/db/client';

/**
 * The end of the newest minute with any attempt to a provider (from the rollup, one index probe), or null.
 * The package of a running incident ends there rather than at the wall clock, so the same data gives the same package.
 */
export async function getProviderDataEnd(organizationId: string, provider: string): Promise<Date | null> {
  const rows = await db().$queryRaw<Array<{ last: Date | null }>>`
    SELECT max(bucket) + interval '1 minute' AS last FROM metric_minute WHERE organization_id = ${organizationId}::uuid AND provider = ${provider}`;
  return rows[0]?.last ?? null;
}
