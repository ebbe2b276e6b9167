import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import type { EscalationLevel, IncidentScope, IncidentStatus } from '../types';

export interface IncidentSummaryFilter {
  status?: IncidentStatus | undefined;
  provider?: string | undefined;
  scope?: IncidentScope | undefined;
  limit: number;
}

/** One row of the incidents list: what triage needs at a glance, no timeline. */
export interface IncidentSummaryDto {
  id: string;
  status: IncidentStatus;
  scope: IncidentScope;
  escalation: EscalationLevel;
  provider: string;
  signature: string;
  kbRule: string | null;
  startedAt: string;
  /** when the failures ended (recovery, else a resolution by hand); null while they go on */
  endedAt: string | null;
  affectedIpCount: number;
  affectedDomainCount: number;
  peakDeferralRate: number;
  acknowledgedBy: string | null;
  assignee: string | null;
}

export interface IncidentSummaryList {
  incidents: IncidentSummaryDto[];
  /** every provider that has had an incident in the organisation, for the filter */
  providers: string[];
}

interface Row {
  id: string;
  status: IncidentStatus;
  scope: IncidentScope;
  escalation: EscalationLevel;
  provider: string;
  signature: string;
  kb_rule: string | null;
  started_at: Date;
  ended_at: Date | null;
  ip_count: number;
  domain_count: number;
  peak_deferral_rate: number;
  acknowledged_by: string | null;
  assignee: string | null;
}

/**
 * The incidents list: active ones (open, mitigating) first, then recovered, then resolved; newest first
 * within each. Filters by status, provider and scope; at most `limit` rows.
 */
export async function listIncidentSummaries(organizationId: string, f: IncidentSummaryFilter): Promise<IncidentSummaryList> {
  const filters: Prisma.Sql[] = [];
  if (f.status) filters.push(Prisma.sql`AND status = ${f.status}::incident_status`);
  if (f.provider) filters.push(Prisma.sql`AND provider = ${f.provider}`);
  if (f.scope) filters.push(Prisma.sql`AND scope = ${f.scope}::incident_scope`);
  const rows = await db().$queryRaw<Row[]>`
    SELECT id::text, status::text, scope::text, escalation::text, provider, signature, kb_rule, started_at,
           coalesce(recovered_at, resolved_at) AS ended_at, coalesce(cardinality(affected_ips), 0) AS ip_count,
           coalesce(cardinality(affected_domains), 0) AS domain_count, peak_deferral_rate, acknowledged_by, assignee
    FROM incident
    WHERE organization_id = ${organizationId}::uuid ${filters.length > 0 ? Prisma.join(filters, ' ') : Prisma.empty}
    ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'mitigating' THEN 0 WHEN 'recovered' THEN 1 ELSE 2 END, started_at DESC, id
    LIMIT ${f.limit}`;
  const providers = await db().$queryRaw<Array<{ provider: string }>>`
    SELECT DISTINCT provider FROM incident WHERE organization_id = ${organizationId}::uuid ORDER BY provider`;
  return {
    incidents: rows.map((r) => ({
      id: r.id,
      status: r.status,
      scope: r.scope,
      escalation: r.escalation,
      provider: r.provider,
      signature: r.signature,
      kbRule: r.kb_rule,
      startedAt: r.started_at.toISOString(),
      endedAt: r.ended_at ? r.ended_at.toISOString() : null,
      affectedIpCount: r.ip_count,
      affectedDomainCount: r.domain_count,
      peakDeferralRate: r.peak_deferral_rate,
      acknowledgedBy: r.acknowledged_by,
      assignee: r.assignee,
    })),
    providers: providers.map((p) => p.provider),
  };
}
