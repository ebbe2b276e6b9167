import { Prisma } from '@/lib/generated/prisma/client';
import { recommend, type Recommendations } from '../recommend';
import type { EscalationLevel, EvidencePoint, IncidentScope, IncidentStatus, IncidentWarning } from '../types';

export interface TimelineEntryDto {
  id: string;
  at: string;
  kind: string;
  message: string;
  data: Record<string, unknown>;
  actor: string;
  recordedAt: string;
}

/** An incident as the API and the pages show it. */
export interface IncidentDto {
  id: string;
  status: IncidentStatus;
  scope: IncidentScope;
  escalation: EscalationLevel;
  providers: string[];
  affectedIps: string[];
  affectedDomains: string[];
  regions: string[];
  signature: string;
  kbRule: string | null;
  category: string;
  sampleReply: string | null;
  startedAt: string;
  openedAt: string;
  mitigatingAt: string | null;
  recoveredAt: string | null;
  resolvedAt: string | null;
  /** when the failures ended: recovery, else a resolution by hand */
  endedAt: string | null;
  baselineRate: number;
  peakDeferralRate: number;
  peakAt: string;
  peakQueueDepth: number | null;
  evidence: EvidencePoint[];
  warnings: IncidentWarning[];
  recommendations: Recommendations;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  resolvedBy: string | null;
  resolveReason: string | null;
  reopenCount: number;
  /** found in data that arrived after its period was over (an uploaded old log); never alerted */
  isHistorical: boolean;
  updatedAt: string;
  updatedBy: string;
  timeline: TimelineEntryDto[];
}

export interface IncidentRow {
  id: string;
  status: IncidentStatus;
  scope: IncidentScope;
  escalation: EscalationLevel;
  provider: string;
  affected_ips: string[] | null;
  affected_domains: string[] | null;
  regions: string[] | null;
  signature: string;
  kb_rule: string | null;
  category: string;
  sample_reply: string | null;
  started_at: Date;
  opened_at: Date;
  mitigating_at: Date | null;
  recovered_at: Date | null;
  resolved_at: Date | null;
  baseline_rate: number;
  peak_deferral_rate: number;
  peak_at: Date;
  peak_queue_depth: number | null;
  evidence: EvidencePoint[];
  warnings: IncidentWarning[];
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  assignee: string | null;
  resolved_by: string | null;
  resolve_reason: string | null;
  reopen_count: number;
  is_historical: boolean;
  updated_at: Date;
  updated_by: string;
}

export const incidentColumns = Prisma.sql`id::text, status::text, scope::text, escalation::text, provider, affected_ips, affected_domains, regions, signature, kb_rule,
  category::text, sample_reply, started_at, opened_at, mitigating_at, recovered_at, resolved_at, baseline_rate, peak_deferral_rate, peak_at, peak_queue_depth,
  evidence, warnings, acknowledged_at, acknowledged_by, assignee, resolved_by, resolve_reason, reopen_count, is_historical, updated_at, updated_by`;

export interface EventRow {
  id: bigint;
  incident_id: string;
  at: Date;
  kind: string;
  message: string;
  data: Record<string, unknown>;
  actor: string;
  created_at: Date;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toIncidentDto(r: IncidentRow, events: EventRow[]): IncidentDto {
  return {
    id: r.id,
    status: r.status,
    scope: r.scope,
    escalation: r.escalation,
    providers: [r.provider],
    affectedIps: r.affected_ips ?? [],
    affectedDomains: r.affected_domains ?? [],
    regions: r.regions ?? [],
    signature: r.signature,
    kbRule: r.kb_rule,
    category: r.category,
    sampleReply: r.sample_reply,
    startedAt: r.started_at.toISOString(),
    openedAt: r.opened_at.toISOString(),
    mitigatingAt: iso(r.mitigating_at),
    recoveredAt: iso(r.recovered_at),
    resolvedAt: iso(r.resolved_at),
    endedAt: iso(r.recovered_at ?? r.resolved_at),
    baselineRate: r.baseline_rate,
    peakDeferralRate: r.peak_deferral_rate,
    peakAt: r.peak_at.toISOString(),
    peakQueueDepth: r.peak_queue_depth,
    evidence: r.evidence,
    warnings: r.warnings,
    recommendations: recommend(r.kb_rule, r.scope, r.warnings, r.evidence),
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
    assignee: r.assignee,
    resolvedBy: r.resolved_by,
    resolveReason: r.resolve_reason,
    reopenCount: r.reopen_count,
    isHistorical: r.is_historical,
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
    timeline: events.map((e) => ({ id: e.id.toString(), at: e.at.toISOString(), kind: e.kind, message: e.message, data: e.data, actor: e.actor, recordedAt: e.created_at.toISOString() })),
  };
}

export const eventColumns = Prisma.sql`id, incident_id::text, at, kind, message, data, actor, created_at`;
