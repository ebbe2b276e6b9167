// npm run demo [-- --org <slug>] – loads a day of demo traffic with a Microsoft 365 S77714 incident into one organisation.
import { parseArgs } from 'node:util';
import type { OrganizationDto } from '@/lib/auth/accounts';
import { pool } from '@/lib/db/client';
import { openScriptDatabase } from '@/lib/db/script-database';
import { loadDemo } from '@/lib/demo/load-demo';
import { listOrganizations } from '@/lib/demo/queries/list-organizations';
import { ApiError } from '@/lib/http/errors';

class UsageError extends Error {}

function pickOrganization(orgs: OrganizationDto[], slug: string | undefined): OrganizationDto {
  if (orgs.length === 0) throw new UsageError('There is no organisation yet: create the first admin in the browser or with npm run admin first.');
  if (slug) {
    const org = orgs.find((o) => o.slug === slug.toLowerCase());
    if (!org) throw new UsageError(`No organisation "${slug}". Organisations: ${orgs.map((o) => o.slug).join(', ')}.`);
    return org;
  }
  const [only] = orgs;
  if (orgs.length > 1 || !only) throw new UsageError(`There are ${orgs.length} organisations (${orgs.map((o) => o.slug).join(', ')}): name one with npm run demo -- --org <slug>.`);
  return only;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { org: { type: 'string' } } });
  const database = await openScriptDatabase();
  try {
    const org = pickOrganization(await listOrganizations(), values.org);
    const started = Date.now();
    const r = await loadDemo(org.id);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`Demo data for "${org.slug}": ${r.events} events in ${r.batches} batches (${seconds} s): ${r.accepted} stored, ${r.duplicates} already there, ${r.rejected} rejected.`);
    console.log(`The day ends at ${r.anchor.toISOString()}. Microsoft 365 S77714 incident: ${r.timeline.incidentStart.toISOString()} → reversion ${r.timeline.reversion.toISOString()}, queues drained by ${r.timeline.drainEnd.toISOString()}.`);
    console.log('Timeline notes for the incident:');
    for (const note of r.notes) console.log(`  ${note.at.toISOString()}  ${note.text}${note.providerReference ? ` [${note.providerReference}]` : ''}`);
    if (r.rejected > 0) console.error(r.errors.map((e) => `  line ${e.line}: ${e.reason}`).join('\n'));
  } finally {
    await pool().end();
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ApiError) console.error(error.message);
    else console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
