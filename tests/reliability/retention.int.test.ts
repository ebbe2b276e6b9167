import { beforeAll, expect, test } from 'vitest';
import { withAppDatabase } from '@/lib/test-support/app-database';
import { count, dayAgo, derivedSnapshot, ingestBody, postfixChunks } from './support';

withAppDatabase();
let orgId: string;
let otherOrgId: string;

beforeAll(async () => {
  const { createOrganization } = await import('@/lib/auth/accounts');
  orgId = (await createOrganization({ slug: 'acme' })).id;
  otherOrgId = (await createOrganization({ slug: 'other' })).id;
});

const DAY_MS = 24 * 3600 * 1000;
const eventsBefore = (t: Date) => count(`SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1 AND occurred_at < '${t.toISOString()}'`, orgId);
const contexts = (organizationId: string) => count('SELECT count(*) AS n FROM postfix_context WHERE organization_id = $1', organizationId);

async function openIncident(startedAt: Date): Promise<string> {
  const { pool } = await import('@/lib/db/client');
  const { rows } = await pool().query<{ id: string }>(
    `INSERT INTO incident (id, organization_id, status, scope, escalation, provider, rule_key, signature, category, baseline_rate, peak_deferral_rate,
                           peak_at, started_at, opened_at, last_elevated_at, updated_by)
     VALUES (gen_random_uuid(), $1, 'open', 'receiver', 'escalate', 'microsoft-365', 'microsoft.server-busy', 'sig', 'throttling', 0.01, 0.7, $2, $2, $2, $2, 'test')
     RETURNING id::text`,
    [orgId, startedAt],
  );
  return rows[0]?.id ?? '';
}

test('old raw events go in batches, rollups and queue state stay identical, events of an unresolved incident stay until it is resolved', async () => {
  const now = new Date();
  // Three days of traffic: 200, 120 and 10 days old; one more organisation with old traffic of its own.
  // Without qmgr's `removed` lines (as from a shipper that drops them), the context of every message is kept.
  const withoutRemoved = (data: Buffer) => Buffer.from(data.toString('latin1').replace(/^.*: removed\n/gm, ''), 'latin1');
  for (const daysAgo of [200, 120, 10]) for (const c of postfixChunks(dayAgo(daysAgo, now.getTime()), 1200, 1200, daysAgo)) await ingestBody(orgId, withoutRemoved(c.data));
  for (const c of postfixChunks(dayAgo(200, now.getTime()), 600, 600, 7)) await ingestBody(otherOrgId, withoutRemoved(c.data));
  const { pool } = await import('@/lib/db/client');
  // Batch records are dated by ingestion; age half of them as if the 200-day-old day had been sent back then.
  await pool().query(`UPDATE ingest_batch SET created_at = now() - interval '200 days' WHERE organization_id = $1 AND id IN (SELECT id FROM ingest_batch WHERE organization_id = $1 ORDER BY created_at LIMIT 1)`, [orgId]);

  const cutoff = new Date(now.getTime() - 90 * DAY_MS);
  const incidentStart = new Date(now.getTime() - 150 * DAY_MS);
  const incidentId = await openIncident(incidentStart);
  const total = await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', orgId);
  const oldest = await eventsBefore(incidentStart);
  const protectedOld = (await eventsBefore(cutoff)) - oldest;
  expect(oldest).toBeGreaterThan(100);
  expect(protectedOld).toBeGreaterThan(100);
  const derived = await derivedSnapshot(orgId);
  expect(derived.metric_minute?.length).toBeGreaterThan(0);
  const otherBefore = await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', otherOrgId);
  // Context no batch wrote for longer than a queue lifetime + 2 h (5 days + 2 h by default) goes, whatever the age of its log lines.
  const keptContexts = await contexts(orgId);
  await pool().query(`UPDATE postfix_context SET updated_at = now() - interval '6 days' WHERE organization_id = $1 AND first_seen_at < $2`, [orgId, incidentStart]);
  await pool().query(`UPDATE postfix_context SET updated_at = now() - interval '6 days' WHERE organization_id = $1`, [otherOrgId]);
  const staleContexts = await count(`SELECT count(*) AS n FROM postfix_context WHERE organization_id = $1 AND updated_at < now() - interval '5 days 2 hours'`, orgId);
  expect(staleContexts).toBeGreaterThan(100);
  expect(keptContexts - staleContexts).toBeGreaterThan(100);
  const otherContexts = await contexts(otherOrgId);
  expect(otherContexts).toBeGreaterThan(0);

  const { runRetention } = await import('@/lib/retention/run-retention');
  const first = await runRetention(orgId, { olderThanDays: 90, batchSize: 50, pauseMs: 1, now });
  expect(first.deletedEvents).toBe(oldest);
  expect(first.organizations[0]?.deletedBefore).toBe(incidentStart.toISOString());
  expect(first.deletedContexts).toBe(staleContexts);
  // Batches of 50: as many statements as it takes, plus the last short one, for the events and the stale context; one for the batch records.
  expect(first.organizations[0]?.statements).toBe(Math.floor(oldest / 50) + 1 + 1 + Math.floor(staleContexts / 50) + 1);
  expect(await contexts(orgId)).toBe(keptContexts - staleContexts);
  expect(await contexts(otherOrgId)).toBe(otherContexts);
  expect(await eventsBefore(incidentStart)).toBe(0);
  expect(await eventsBefore(cutoff)).toBe(protectedOld);
  expect(await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', orgId)).toBe(total - oldest);
  expect(await derivedSnapshot(orgId)).toEqual(derived);
  expect(await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', otherOrgId)).toBe(otherBefore);
  expect(first.deletedBatches).toBe(1);

  // Once the incident is resolved its window may go too; running again without one deletes nothing more.
  await pool().query(`UPDATE incident SET status = 'resolved', resolved_at = now() WHERE organization_id = $1 AND id = $2`, [orgId, incidentId]);
  const second = await runRetention(orgId, { olderThanDays: 90, batchSize: 1000, pauseMs: 1, now });
  expect(second.deletedEvents).toBe(protectedOld);
  expect(await eventsBefore(cutoff)).toBe(0);
  expect(await derivedSnapshot(orgId)).toEqual(derived);
  expect((await runRetention(orgId, { olderThanDays: 90, batchSize: 1000, pauseMs: 1, now })).deletedEvents).toBe(0);

  // The rollups keep the removed days: a rebuild from the raw events left would lose them, so it refuses.
  const { writeRebuildRollups } = await import('@/lib/metrics/write-rebuild-rollups');
  await expect(writeRebuildRollups(orgId)).rejects.toThrow(/retention removed the older events.*nothing was changed/s);
  expect(await derivedSnapshot(orgId)).toEqual(derived);

  // Without an organisation, every organisation is swept.
  const all = await runRetention(undefined, { olderThanDays: 90, batchSize: 1000, pauseMs: 1, now });
  expect(all.organizations.map((o) => o.organizationId).sort()).toEqual([orgId, otherOrgId].sort());
  expect(await count('SELECT count(*) AS n FROM delivery_event WHERE organization_id = $1', otherOrgId)).toBe(0);
  expect(all.deletedContexts).toBe(otherContexts);
  expect(await contexts(otherOrgId)).toBe(0);
  expect(await contexts(orgId)).toBe(keptContexts - staleContexts);
});

test('the age and batch size are checked', async () => {
  const { runRetention } = await import('@/lib/retention/run-retention');
  await expect(runRetention(orgId, { olderThanDays: 0 })).rejects.toThrow(/olderThanDays/);
  await expect(runRetention(orgId, { olderThanDays: 90, batchSize: 0 })).rejects.toThrow(/batchSize/);
  await expect(runRetention(orgId, { olderThanDays: 90, contextMaxAgeSeconds: 0 })).rejects.toThrow(/contextMaxAgeSeconds/);
});
