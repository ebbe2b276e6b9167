import { db } from '@/lib/db/client';

/** The slug and name of an organisation, for the package's manifest and summary. */
export async function getOrganizationLabel(organizationId: string): Promise<{ id: string; slug: string; name: string }> {
  const rows = await db().$queryRaw<Array<{ slug: string; name: string }>>`SELECT slug, name FROM organization WHERE id = ${organizationId}::uuid`;
  const row = rows[0];
  return { id: organizationId, slug: row?.slug ?? '', name: row?.name ?? '' };
}
