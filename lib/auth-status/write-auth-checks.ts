import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { describeChange, type CheckKind, type CheckOutcome, type CheckStatus, type Essence } from './check-outcome';
import type { AuthChangeDto } from './queries/list-auth-changes';

/** Incidents not yet resolved get each change as an automatic timeline entry of this kind. */
export const AUTH_CHANGE_TIMELINE_KIND = 'auth_change';

interface Previous {
  kind: CheckKind;
  target: string;
  status: CheckStatus;
  fingerprint: string;
  essence: Essence | null;
}

/**
 * Stores one run of DNS checks as history and records a change wherever a check's fingerprint differs
 * from the latest earlier check of the same kind and target that had an answer. A check without an
 * answer (status unknown) is kept but never compared, so a timeout is not taken for a record edit.
 * Each change also becomes a timeline entry of every incident of the organisation not yet resolved.
 */
export async function writeAuthChecks(organizationId: string, outcomes: CheckOutcome[], now: Date): Promise<AuthChangeDto[]> {
  if (outcomes.length === 0) return [];
  return db().$transaction(async (tx) => {
    // One run at a time per organisation (timer and "Run checks now" may overlap), so a change is recorded once.
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('auth-checks:' || ${organizationId}::text))::text`;
    const previous = await tx.$queryRaw<Previous[]>`
      SELECT t.kind, t.target, p.status, p.fingerprint, p.essence
      FROM unnest(${outcomes.map((o) => o.kind)}::text[], ${outcomes.map((o) => o.target)}::text[]) AS t(kind, target)
      CROSS JOIN LATERAL (
        SELECT c.status, c.fingerprint, c.evidence->'essence' AS essence FROM auth_check c
        WHERE c.organization_id = ${organizationId}::uuid AND c.kind = t.kind AND c.target = t.target AND c.status <> 'unknown'
        ORDER BY c.checked_at DESC, c.id DESC LIMIT 1
      ) AS p`;
    const before = new Map(previous.map((p) => [`${p.kind} ${p.target}`, p]));
    const changes: AuthChangeDto[] = [];
    const changeDetails: Array<{ before: Essence; after: Essence }> = [];
    for (const o of outcomes) {
      const prev = before.get(`${o.kind} ${o.target}`);
      if (o.status === 'unknown' || prev === undefined || prev.fingerprint === o.fingerprint) continue;
      const was = prev.essence ?? {};
      changes.push({ at: now.toISOString(), kind: o.kind, target: o.target, fromStatus: prev.status, toStatus: o.status, summary: describeChange(o.kind, o.target, was, o.essence) });
      changeDetails.push({ before: was, after: o.essence });
    }
    const rows = outcomes.map(
      (o) => Prisma.sql`(${organizationId}::uuid, ${o.kind}, ${o.target}, ${now}, ${o.status}, ${o.summary}, ${JSON.stringify({ essence: o.essence, detail: o.evidence })}::jsonb, ${o.fingerprint})`,
    );
    await tx.$executeRaw`INSERT INTO auth_check (organization_id, kind, target, checked_at, status, summary, evidence, fingerprint) VALUES ${Prisma.join(rows)}`;
    if (changes.length === 0) return changes;
    const changeRows = changes.map(
      (c, i) => Prisma.sql`(${organizationId}::uuid, ${now}, ${c.kind}, ${c.target}, ${c.fromStatus}, ${c.toStatus}, ${c.summary}, ${JSON.stringify(changeDetails[i])}::jsonb)`,
    );
    await tx.$executeRaw`INSERT INTO auth_change (organization_id, at, kind, target, from_status, to_status, summary, details) VALUES ${Prisma.join(changeRows)}`;
    // The incident code serialises its own writes with this lock (lib/incidents/queries/write-incident-annotation.ts).
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('incident-detection:' || ${organizationId}::text))::text`;
    const timelineRows = changes.map(
      (c) => Prisma.sql`(${c.kind}, ${c.target}, ${c.fromStatus}, ${c.toStatus}, ${c.summary})`,
    );
    await tx.$executeRaw`
      INSERT INTO incident_event (organization_id, incident_id, at, kind, message, data, actor, created_at)
      SELECT i.organization_id, i.id, ${now}, ${AUTH_CHANGE_TIMELINE_KIND}, c.summary,
        jsonb_build_object('check', c.kind, 'target', c.target, 'from', c.from_status, 'to', c.to_status), 'system', ${now}
      FROM incident i CROSS JOIN (VALUES ${Prisma.join(timelineRows)}) AS c(kind, target, from_status, to_status, summary)
      WHERE i.organization_id = ${organizationId}::uuid AND i.status <> 'resolved'`;
    return changes;
  });
}
