// npm run db:rebuild-rollups [-- <org-slug>] – recompute per-minute rollups from raw events.
import { db } from '@/lib/db/client';
import { openScriptDatabase } from '@/lib/db/script-database';
import { RebuildWouldLoseHistory, writeRebuildRollups } from '@/lib/metrics/write-rebuild-rollups';

/** Rebuilds every organisation (or the one named); one whose raw events were cut by retention is skipped and reported. */
async function main(): Promise<void> {
  const database = await openScriptDatabase();
  try {
    const slug = process.argv[2];
    const orgs = await db().organization.findMany({ where: slug ? { slug } : {}, select: { id: true, slug: true } });
    if (slug && orgs.length === 0) throw new Error(`No organisation "${slug}".`);
    const refused: string[] = [];
    for (const org of orgs) {
      const t0 = Date.now();
      try {
        const r = await writeRebuildRollups(org.id);
        console.log(`${org.slug}: ${r.metricRows} metric rows, ${r.signatureRows} signature rows rebuilt in ${Date.now() - t0} ms`);
      } catch (error) {
        if (!(error instanceof RebuildWouldLoseHistory)) throw error;
        console.error(`${org.slug}: not rebuilt. ${error.message}`);
        refused.push(org.slug);
      }
    }
    if (refused.length > 0) throw new Error(`${refused.length} organisation(s) not rebuilt: ${refused.join(', ')}`);
  } finally {
    await db().$disconnect();
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
