import type { AuthSign } from '@/lib/auth-status/signs';
import type { Category } from '@/lib/smtp/types';

/** Values exactly as the API and the database enums spell them. */
export const incidentStatuses = ['open', 'mitigating', 'recovered', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];
export const incidentScopes = ['receiver', 'sender', 'unknown'] as const;
export type IncidentScope = (typeof incidentScopes)[number];
export const escalationLevels = ['monitor', 'tune', 'escalate'] as const;
export type EscalationLevel = (typeof escalationLevels)[number];

/** Timeline entry kinds: automatic ones from detection, manual ones from people. */
export const automaticKinds = [
  'first_deferral',
  'opened',
  'ip_joined',
  'domain_joined',
  'region_joined',
  'scope_changed',
  'escalation_changed',
  'peak_deferral_rate',
  'peak_queue',
  'first_delivery_after_peak',
  'mitigating',
  'worsened',
  'recovered',
  'queue_drained',
  'reopened',
  'warning',
  /** the incident was found in data that arrived after its period was over (an uploaded old log) */
  'historical',
  /** late data re-evaluated: the failures no longer make an incident */
  'withdrawn',
] as const;
export const manualKinds = ['note', 'acknowledged', 'assigned', 'resolved'] as const;
export type TimelineKind = (typeof automaticKinds)[number] | (typeof manualKinds)[number];

/** One point of the receiver/sender verdict; `strong` points decide alone, weak ones only together. */
export interface EvidencePoint {
  side: 'receiver' | 'sender' | 'neutral';
  strength: 'strong' | 'weak';
  finding: string;
  /** defects of our own the finding names (a DNS check's bad sign), each one thing to fix */
  fix?: string[];
}

export interface IncidentWarning {
  kind: 'retry_storm' | 'ip_rotation';
  message: string;
}

/** Thresholds of detection; per organisation, defaults in `defaultDetectionSettings`. */
export interface DetectionSettings {
  /** Sliding window the rates are computed over, in minutes. */
  windowMinutes: number;
  /** Attempts to a provider in the window before its rate counts. */
  minAttempts: number;
  /** Failure rate that is always needed, whatever the baseline (0..1). */
  minDeferralRate: number;
  /** How many times its baseline a provider must fail. */
  baselineFactor: number;
  tuneAfterMinutes: number;
  escalateAfterMinutes: number;
  /** A recovered incident flaring up again within this many minutes reopens. */
  reopenWindowMinutes: number;
  /** Without queue depth: minutes without failures of the incident's kind, with deliveries, before it is resolved. */
  drainQuietMinutes: number;
}

export const defaultDetectionSettings: DetectionSettings = {
  windowMinutes: 10,
  minAttempts: 20,
  minDeferralRate: 0.2,
  baselineFactor: 3,
  tuneAfterMinutes: 15,
  escalateAfterMinutes: 60,
  reopenWindowMinutes: 120,
  drainQuietMinutes: 15,
};

/** Per-minute counters of one provider × IP × recipient domain × category (times in ms since the epoch, minute starts). */
export interface MetricRow {
  t: number;
  provider: string;
  /** '' when unknown */
  sendingIp: string;
  /** '' when unknown */
  recipientDomain: string;
  category: Category;
  attempts: number;
  delivered: number;
  /** deferrals that are not per-recipient, plus bounces that are not about the recipient */
  failed: number;
}

/** Per-minute failures of one reply signature at a provider. */
export interface SignatureRow {
  t: number;
  provider: string;
  signature: string;
  kbRule: string | null;
  count: number;
  sampleReply: string | null;
}

/** Per-minute failures seen from one provider region (Microsoft front ends: NAM, EUR, APC …). */
export interface RegionRow {
  t: number;
  provider: string;
  kbRule: string | null;
  region: string;
  count: number;
}

/** Attempts and failures of one earlier day and hour, per provider (`sendingIp` null) and per provider × IP. */
export interface BaselineRow {
  provider: string;
  sendingIp: string | null;
  /** UTC day start, ms */
  day: number;
  /** UTC hour 0..23 */
  hour: number;
  attempts: number;
  failed: number;
}

/**
 * Queue depth of one provider, when known (reported by the MTA or reconstructed): with it an incident is
 * resolved when the queue is back to its baseline; without it, after a quiet period with deliveries.
 */
export interface QueueInput {
  points: Array<{ t: number; depth: number }>;
  baselineDepth: number;
}

/** Retry behaviour towards one provider in the recent window (from message lifecycles). */
export interface RetryInput {
  /** messages deferred in the window */
  messages: number;
  /** of which tried from more than one sending IP */
  rotated: number;
  /** of which retried faster than once a minute on average over several attempts */
  storm: number;
}

/** An incident as detection sees it; times in ms since the epoch. `id` is null until stored. */
export interface IncidentState {
  id: string | null;
  /** stable handle for actions and timeline entries: the id, or `new:<n>` */
  key: string;
  status: IncidentStatus;
  scope: IncidentScope;
  escalation: EscalationLevel;
  provider: string;
  ruleKey: string;
  kbRule: string | null;
  signature: string;
  category: Category;
  sampleReply: string | null;
  affectedIps: string[];
  affectedDomains: string[];
  regions: string[];
  evidence: EvidencePoint[];
  warnings: IncidentWarning[];
  baselineRate: number;
  peakDeferralRate: number;
  peakAt: number;
  peakReportedAt: number | null;
  peakQueueDepth: number | null;
  peakQueueAt: number | null;
  deliveryResumedAt: number | null;
  startedAt: number;
  openedAt: number;
  lastElevatedAt: number;
  mitigatingAt: number | null;
  recoveredAt: number | null;
  resolvedAt: number | null;
  /** who resolved it: `system` when the queue drained, else a person */
  resolvedBy: string | null;
  reopenCount: number;
}

export interface TimelineDraft {
  incidentKey: string;
  at: number;
  kind: TimelineKind;
  message: string;
  data: Record<string, unknown>;
}

export type DetectionActionKind = 'open' | 'extend' | 'phase' | 'escalate' | 'scope' | 'close' | 'reopen' | 'warn';

export interface DetectionAction {
  kind: DetectionActionKind;
  incidentKey: string;
  at: number;
  /** index of the timeline entry recorded with it */
  entry: number;
}

/** A resolution by a person, replayed when detection re-evaluates the period it falls in. */
export interface ManualResolution {
  provider: string;
  ruleKey: string;
  at: number;
  by: string;
}

export interface DetectionInput {
  settings: DetectionSettings;
  /** first minute to evaluate (minute start, ms) */
  from: number;
  /** minutes that have ended by `now` are evaluated */
  now: number;
  metrics: MetricRow[];
  signatures: SignatureRow[];
  regions: RegionRow[];
  baseline: BaselineRow[];
  incidents: IncidentState[];
  queue?: Record<string, QueueInput>;
  retry?: Record<string, RetryInput>;
  /** applied at their minute to the open incident of the same provider and rule */
  resolutions?: ManualResolution[];
  /** DNS checks and DMARC reports of our sending domains and IPs, as of now (live evaluations only) */
  auth?: AuthFacts;
}

/** The healthy/bad signs of our sending identity (lib/auth-status getAuthSummary) the verdict weighs. */
export interface AuthFacts {
  domains: Array<{ target: string; signs: AuthSign[] }>;
  ips: Array<{ target: string; signs: AuthSign[] }>;
}

export interface DetectionResult {
  /** incidents created or changed, in their final state */
  changed: IncidentState[];
  timeline: TimelineDraft[];
  actions: DetectionAction[];
  /** the last minute evaluated, or null when none had ended */
  evaluatedThrough: number | null;
}
