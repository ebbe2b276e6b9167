import { db } from '@/lib/db/client';

/** Whether any DNS check was ever stored for the organisation (else "no DNS change" would be a claim without evidence). */
export async function countAuthChecks(organizationId: string): Promise<number> {
  const rows = await db().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM (SELECT 1 FROM auth_check WHERE organization_id = ${organizationId}::uuid LIMIT 1) c`;
  return rows[0]?.n ?? 0;
}
