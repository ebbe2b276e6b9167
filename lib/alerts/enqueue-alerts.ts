import { randomUUID } from 'node:crypto';
import { Prisma } from '@/lib/generated/prisma/client';
import type { DetectionActionKind } from '@/lib/incidents/types';
import type { AlertEvent, AlertPayload } from './payload';

/** A detection action as runDetection reports it (incident ids already assigned). */
export interface AlertableAction {
  kind: DetectionActionKind;
  incidentId: string;
  /** ISO 8601 time of the minute the action happened in */
  at: string;
}

interface IncidentRow {
  id: string;
  provider: string;
  status: string;
  scope: string;
  escalation: string;
  kb_rule: string | null;
  signature: string;
  started_at: Date;
  recovered_at: Date | null;
  affected_ips: string[] | null;
  affected_domains: string[] | null;
}

interface EntryRow {
  incident_id: string;
  at: Date;
  kind: string;
  data: Record<string, unknown>;
}

/**
 * The alert an action raises, if any. Phase actions alert only for a recovery (mitigating and worsened
 * are too frequent to page on): the timeline entry of that minute says which phase it was, else the
 * incident's own recovery time does.
 */
function eventOf(a: AlertableAction, inc: IncidentRow, entries: EntryRow[]): { event: AlertEvent; escalation: string } | null {
  const atMs = Date.parse(a.at);
  const entry = (kind: string) => entries.find((e) => e.incident_id === a.incidentId && e.kind === kind && e.at.getTime() === atMs);
  switch (a.kind) {
    case 'open':
      return { event: 'incident.opened', escalation: inc.escalation };
    case 'reopen':
      return { event: 'incident.reopened', escalation: inc.escalation };
    case 'escalate': {
      const to = entry('escalation_changed')?.data.to;
      return { event: 'incident.escalated', escalation: typeof to === 'string' ? to : inc.escalation };
    }
    case 'phase':
      return entry('recovered') || inc.recovered_at?.getTime() === atMs ? { event: 'incident.recovered', escalation: inc.escalation } : null;
    case 'close':
      return { event: 'incident.resolved', escalation: inc.escalation };
    case 'extend':
    case 'scope':
    case 'warn':
      return null;
  }
}

/**
 * Writes the alerts that detection actions raise — incident opened or reopened, escalation changed,
 * recovered, resolved — to the outbox, one row per endpoint of the organisation. Call it inside the
 * transaction that applies the actions, after the incidents and their timeline are written: the alert
 * commits with the change or not at all, and the unique key (endpoint, incident, event, time) keeps a
 * replayed action from queueing it twice. Historical incidents (found in an uploaded old log, their
 * period long over) raise none. Returns how many rows were queued.
 */
export async function enqueueAlerts(tx: Prisma.TransactionClient, organizationId: string, actions: AlertableAction[]): Promise<number> {
  const relevant = actions.filter((a) => a.kind === 'open' || a.kind === 'reopen' || a.kind === 'escalate' || a.kind === 'phase' || a.kind === 'close');
  if (relevant.length === 0) return 0;
  const endpoints = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text FROM alert_endpoint WHERE organization_id = ${organizationId}::uuid ORDER BY created_at, id`;
  if (endpoints.length === 0) return 0;
  const ids = [...new Set(relevant.map((a) => a.incidentId))];
  const incidents = await tx.$queryRaw<IncidentRow[]>`
    SELECT id::text, provider, status::text, scope::text, escalation::text, kb_rule, signature, started_at, recovered_at, affected_ips, affected_domains
    FROM incident WHERE organization_id = ${organizationId}::uuid AND id = ANY(${ids}::uuid[]) AND NOT is_historical`;
  const times = [...new Set(relevant.map((a) => a.at))].map((t) => new Date(t));
  const entries = await tx.$queryRaw<EntryRow[]>`
    SELECT incident_id::text, at, kind, data FROM incident_event
    WHERE organization_id = ${organizationId}::uuid AND incident_id = ANY(${ids}::uuid[]) AND at = ANY(${times}::timestamptz[])
      AND kind IN ('escalation_changed', 'recovered')`;

  const rows: Prisma.Sql[] = [];
  for (const a of relevant) {
    const inc = incidents.find((i) => i.id === a.incidentId);
    if (!inc) continue;
    const raised = eventOf(a, inc, entries);
    if (!raised) continue;
    const payload: AlertPayload = {
      event: raised.event,
      at: new Date(a.at).toISOString(),
      incident: {
        id: inc.id,
        path: `/incidents/${inc.id}`,
        provider: inc.provider,
        status: inc.status,
        scope: inc.scope,
        escalation: raised.escalation,
        kbRule: inc.kb_rule,
        signature: inc.signature,
        startedAt: inc.started_at.toISOString(),
        affectedIps: inc.affected_ips ?? [],
        affectedDomains: inc.affected_domains ?? [],
      },
    };
    for (const e of endpoints) {
      rows.push(Prisma.sql`(${randomUUID()}::uuid, ${organizationId}::uuid, ${e.id}::uuid, ${inc.id}::uuid, ${raised.event}, ${new Date(a.at)}, ${JSON.stringify(payload)}::jsonb)`);
    }
  }
  if (rows.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO alert_outbox (id, organization_id, endpoint_id, incident_id, event, at, payload)
    VALUES ${Prisma.join(rows)}
    ON CONFLICT (organization_id, endpoint_id, incident_id, event, at) DO NOTHING`;
}
