import { Prisma } from '@/lib/generated/prisma/client';
import type { Category } from '@/lib/smtp/types';
import type { EscalationLevel, EvidencePoint, IncidentScope, IncidentState, IncidentStatus, IncidentWarning } from '../types';

/** An incident row as detection reads it. */
export interface IncidentStateRow {
  id: string;
  status: IncidentStatus;
  scope: IncidentScope;
  escalation: EscalationLevel;
  provider: string;
  rule_key: string;
  kb_rule: string | null;
  signature: string;
  category: Category;
  sample_reply: string | null;
  affected_ips: string[] | null;
  affected_domains: string[] | null;
  regions: string[] | null;
  evidence: EvidencePoint[];
  warnings: IncidentWarning[];
  baseline_rate: number;
  peak_deferral_rate: number;
  peak_at: Date;
  peak_reported_at: Date | null;
  peak_queue_depth: number | null;
  peak_queue_at: Date | null;
  delivery_resumed_at: Date | null;
  started_at: Date;
  opened_at: Date;
  last_elevated_at: Date;
  mitigating_at: Date | null;
  recovered_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  reopen_count: number;
  is_historical: boolean;
}

export const incidentStateColumns = Prisma.sql`id::text, status::text, scope::text, escalation::text, provider, rule_key, kb_rule, signature, category::text, sample_reply,
  affected_ips, affected_domains, regions, evidence, warnings, baseline_rate, peak_deferral_rate, peak_at, peak_reported_at, peak_queue_depth, peak_queue_at,
  delivery_resumed_at, started_at, opened_at, last_elevated_at, mitigating_at, recovered_at, resolved_at, resolved_by, reopen_count, is_historical`;

const ms = (d: Date | null) => (d ? d.getTime() : null);

/** The row as detection's state (times in ms), keyed by its id. */
export function toIncidentState(r: IncidentStateRow): IncidentState & { id: string } {
  return {
    id: r.id,
    key: r.id,
    status: r.status,
    scope: r.scope,
    escalation: r.escalation,
    provider: r.provider,
    ruleKey: r.rule_key,
    kbRule: r.kb_rule,
    signature: r.signature,
    category: r.category,
    sampleReply: r.sample_reply,
    affectedIps: r.affected_ips ?? [],
    affectedDomains: r.affected_domains ?? [],
    regions: r.regions ?? [],
    evidence: r.evidence,
    warnings: r.warnings,
    baselineRate: r.baseline_rate,
    peakDeferralRate: r.peak_deferral_rate,
    peakAt: r.peak_at.getTime(),
    peakReportedAt: ms(r.peak_reported_at),
    peakQueueDepth: r.peak_queue_depth,
    peakQueueAt: ms(r.peak_queue_at),
    deliveryResumedAt: ms(r.delivery_resumed_at),
    startedAt: r.started_at.getTime(),
    openedAt: r.opened_at.getTime(),
    lastElevatedAt: r.last_elevated_at.getTime(),
    mitigatingAt: ms(r.mitigating_at),
    recoveredAt: ms(r.recovered_at),
    resolvedAt: ms(r.resolved_at),
    resolvedBy: r.resolved_by,
    reopenCount: r.reopen_count,
  };
}
