// npm run auth-checks [-- <org-slug>] – run the DNS checks (SPF, DMARC, DKIM, MX, PTR, blocklists) once, through DNS_SERVERS.
import { db } from '@/lib/db/client';
import { openScriptDatabase } from '@/lib/db/script-database';
import { runAuthChecks } from '@/lib/auth-status/run-checks';
import { resolverFromEnv } from '@/lib/auth-status/scheduler';

async function main(): Promise<void> {
  const database = await openScriptDatabase();
  try {
    const slug = process.argv[2];
    const orgs = await db().organization.findMany({ where: slug ? { slug } : {}, select: { id: true, slug: true } });
    if (slug && orgs.length === 0) throw new Error(`No organisation "${slug}".`);
    const resolver = resolverFromEnv();
    for (const org of orgs) {
      const t0 = Date.now();
      const run = await runAuthChecks(org.id, { resolver });
      console.log(`${org.slug}: ${run.domains.length} domain(s), ${run.ips.length} IP(s), ${run.checks} checks, ${run.changes.length} change(s) in ${Date.now() - t0} ms`);
      for (const change of run.changes) console.log(`  ${change.summary} (${change.fromStatus} → ${change.toStatus})`);
    }
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
