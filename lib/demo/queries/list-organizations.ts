import { db } from '@/lib/db/client';
import type { OrganizationDto } from '@/lib/auth/accounts';

/** Every organisation, oldest first (for command-line tools that pick one). */
export async function listOrganizations(): Promise<OrganizationDto[]> {
  return db().organization.findMany({ select: { id: true, slug: true, name: true }, orderBy: { createdAt: 'asc' } });
}
