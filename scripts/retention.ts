// npm run retention [-- <org-slug>] [--days N] [--batch-size N] – delete raw events older than RETENTION_DAYS (default 90) in batches.
import { parseArgs } from 'node:util';
import { getOrganizationBySlugOrThrow } from '@/lib/auth/accounts';
import { db, pool } from '@/lib/db/client';
import { openScriptDatabase } from '@/lib/db/script-database';
import { DEFAULT_BATCH_SIZE, retentionDays, runRetention } from '@/lib/retention/run-retention';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { days: { type: 'string' }, 'batch-size': { type: 'string', default: String(DEFAULT_BATCH_SIZE) } },
  });
  const database = await openScriptDatabase();
  try {
    const olderThanDays = values.days === undefined ? retentionDays() : Number(values.days);
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(olderThanDays) || olderThanDays < 1) throw new Error('--days must be a whole number of days ≥ 1');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive integer');
    const slug = positionals[0];
    const orgId = slug === undefined ? undefined : (await getOrganizationBySlugOrThrow(slug)).id;
    const t0 = Date.now();
    const r = await runRetention(orgId, { olderThanDays, batchSize });
    for (const o of r.organizations) {
      console.log(`${o.organizationId}: ${o.deletedEvents} events and ${o.deletedBatches} batch records deleted before ${o.deletedBefore}, ${o.deletedContexts} stale Postfix context rows (${o.statements} statements)`);
    }
    console.log(`Retention of ${olderThanDays} days (cutoff ${r.cutoff}): ${r.deletedEvents} events deleted in ${((Date.now() - t0) / 1000).toFixed(1)} s; rollups untouched.`);
  } finally {
    await db().$disconnect();
    await pool().end();
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
