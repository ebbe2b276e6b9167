import { db } from '@/lib/db/client';
import { DEMO_FILENAME_PREFIX, parseDemoFilename } from '../demo-batch';

/** The anchor time and seed of the first demo loaded into an organisation, or null when none was. */
export async function getDemoAnchor(organizationId: string): Promise<{ anchor: Date; seed: number } | null> {
  const batch = await db().ingestBatch.findFirst({
    where: { organizationId, filename: { startsWith: DEMO_FILENAME_PREFIX } },
    orderBy: { createdAt: 'asc' },
    select: { filename: true },
  });
  return batch?.filename ? parseDemoFilename(batch.filename) : null;
}
