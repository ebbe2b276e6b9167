import { randomUUID } from 'node:crypto';
import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { encodeLiveMessage, LIVE_CHANNEL } from '@/lib/live/channel';
import type { Category } from '@/lib/smtp/types';
import { BASELINE_DAYS, detectIncidents, OPEN_AFTER_MINUTES } from './detect';
import { listIncidentStates } from './queries/list-incident-states';
import { toSettings, type IncidentSettingRow } from './settings';
import type { BaselineRow, DetectionAction, MetricRow, QueueInput, RegionRow, RetryInput, SignatureRow } from './types';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** How far back a run evaluates when it has never run or was stopped for long, in minutes. */
export const LOOKBACK_MINUTES = 360;
/** A message retried at least this often, less than a minute apart on average, is part of a retry storm. */
const STORM_MIN_ATTEMPTS = 5;

type Tx = Prisma.TransactionClient;

/**
 * Queue depth per provider for detection, plugged in by the caller (reported or reconstructed depth).
 * Without it, an incident is resolved after a quiet period with deliveries.
 */
export type QueueDepthSource = (tx: Tx, args: { organizationId: string; providers: string[]; from: Date; to: Date }) => Promise<Record<string, QueueInput>>;

export interface RunDetectionOptions {
  queueDepth?: QueueDepthSource;
}

export interface DetectionRun {
  evaluatedThrough: string | null;
  opened: string[];
  changed: string[];
  actions: Array<Omit<DetectionAction, 'at' | 'incidentKey'> & { incidentId: string; at: string }>;
}

async function readMetrics(tx: Tx, org: string, from: Date, to: Date): Promise<MetricRow[]> {
  const rows = await tx.$queryRaw<Array<{ t: Date; provider: string; sending_ip: string; recipient_domain: string; category: Category; attempts: number; delivered: number; failed: number }>>`
    SELECT bucket AS t, provider, sending_ip, recipient_domain, category::text AS category, attempts, delivered,
           CASE WHEN category = 'recipient' THEN 0 ELSE deferred - deferred_per_recipient + bounced END AS failed
    FROM metric_minute WHERE organization_id = ${org}::uuid AND bucket >= ${from} AND bucket < ${to}
    ORDER BY bucket, provider, sending_ip, recipient_domain, category`;
  return rows.map((r) => ({ t: r.t.getTime(), provider: r.provider, sendingIp: r.sending_ip, recipientDomain: r.recipient_domain, category: r.category, attempts: r.attempts, delivered: r.delivered, failed: r.failed }));
}

async function readSignatures(tx: Tx, org: string, from: Date, to: Date): Promise<SignatureRow[]> {
  const rows = await tx.$queryRaw<Array<{ t: Date; provider: string; signature: string; kb_rule: string | null; count: bigint; sample_reply: string | null }>>`
    SELECT bucket AS t, provider, signature, min(kb_rule) AS kb_rule, sum(count)::bigint AS count, min(sample_reply) AS sample_reply
    FROM signature_minute WHERE organization_id = ${org}::uuid AND bucket >= ${from} AND bucket < ${to} AND outcome IN ('deferred', 'bounced')
    GROUP BY bucket, provider, signature ORDER BY bucket, provider, signature`;
  return rows.map((r) => ({ t: r.t.getTime(), provider: r.provider, signature: r.signature, kbRule: r.kb_rule, count: Number(r.count), sampleReply: r.sample_reply }));
}

/** Regions are not in the rollups: a bounded drill-down into the raw deferrals of the evaluated period. */
async function readRegions(tx: Tx, org: string, from: Date, to: Date): Promise<RegionRow[]> {
  const rows = await tx.$queryRaw<Array<{ t: Date; provider: string; kb_rule: string | null; region: string; count: bigint }>>`
    SELECT date_trunc('minute', occurred_at) AS t, provider, kb_rule, provider_region AS region, count(*)::bigint AS count
    FROM delivery_event
    WHERE organization_id = ${org}::uuid AND occurred_at >= ${from} AND occurred_at < ${to} AND outcome = 'deferred' AND provider_region IS NOT NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
  return rows.map((r) => ({ t: r.t.getTime(), provider: r.provider, kbRule: r.kb_rule, region: r.region, count: Number(r.count) }));
}

async function readBaseline(tx: Tx, org: string, from: Date, to: Date): Promise<BaselineRow[]> {
  const rows = await tx.$queryRaw<Array<{ provider: string; sending_ip: string | null; day: Date; hour: number; attempts: bigint; failed: bigint }>>`
    SELECT provider, CASE WHEN GROUPING(sending_ip) = 1 THEN NULL ELSE sending_ip END AS sending_ip,
           date_trunc('day', bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, extract(hour FROM bucket AT TIME ZONE 'UTC')::int AS hour,
           sum(attempts)::bigint AS attempts,
           sum(CASE WHEN category = 'recipient' THEN 0 ELSE deferred - deferred_per_recipient + bounced END)::bigint AS failed
    FROM metric_minute WHERE organization_id = ${org}::uuid AND bucket >= ${from} AND bucket < ${to}
    GROUP BY GROUPING SETS ((provider, 3, 4), (provider, sending_ip, 3, 4))`;
  return rows.map((r) => ({ provider: r.provider, sendingIp: r.sending_ip, day: r.day.getTime(), hour: r.hour, attempts: Number(r.attempts), failed: Number(r.failed) }));
}

async function readRetry(tx: Tx, org: string, from: Date, to: Date): Promise<Record<string, RetryInput>> {
  const rows = await tx.$queryRaw<Array<{ provider: string; messages: bigint; rotated: bigint; storm: bigint }>>`
    SELECT provider, count(*)::bigint AS messages,
           count(*) FILTER (WHERE cardinality(sending_ips) > 1)::bigint AS rotated,
           count(*) FILTER (WHERE attempts >= ${STORM_MIN_ATTEMPTS} AND last_attempt_at - first_seen_at < (attempts - 1) * interval '1 minute')::bigint AS storm
    FROM message_state
    WHERE organization_id = ${org}::uuid AND last_attempt_at >= ${from} AND last_attempt_at < ${to} AND deferrals > 0
    GROUP BY provider`;
  return Object.fromEntries(rows.map((r) => [r.provider, { messages: Number(r.messages), rotated: Number(r.rotated), storm: Number(r.storm) }]));
}

const json = (v: unknown) => JSON.stringify(v);
const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * Runs incident detection for one organisation up to `now`: reads the rollups of the period not yet
 * evaluated (plus the 7-day baseline), applies what detection decided in ONE transaction under an
 * advisory lock (two app processes never duplicate an incident), and returns what changed.
 * Call it after each ingest batch and on a timer, so that time passing alone escalates or closes incidents.
 */
export async function runDetection(organizationId: string, now: Date = new Date(), options: RunDetectionOptions = {}): Promise<DetectionRun> {
  return db().$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('incident-detection:' || ${organizationId}::text))::text`;
      const settingRows = await tx.$queryRaw<Array<IncidentSettingRow & { evaluated_through: Date | null }>>`
        SELECT * FROM incident_setting WHERE organization_id = ${organizationId}::uuid`;
      const settings = toSettings(settingRows[0]);
      const nowMs = now.getTime();
      const lookbackStart = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - LOOKBACK_MINUTES * MINUTE_MS;
      const through = settingRows[0]?.evaluated_through?.getTime() ?? null;
      const from = Math.max(lookbackStart, through === null ? lookbackStart : through + MINUTE_MS);
      const run: DetectionRun = { evaluatedThrough: through === null ? null : new Date(through).toISOString(), opened: [], changed: [], actions: [] };
      if (from + MINUTE_MS > nowMs) return run;

      const dataFrom = new Date(from - (Math.max(settings.windowMinutes, settings.drainQuietMinutes) + OPEN_AFTER_MINUTES) * MINUTE_MS);
      const to = new Date(Math.floor(nowMs / MINUTE_MS) * MINUTE_MS);
      const baselineFrom = new Date(Math.floor(from / DAY_MS) * DAY_MS - BASELINE_DAYS * DAY_MS);
      const baselineTo = new Date(Math.floor(nowMs / DAY_MS) * DAY_MS);
      const [metrics, signatures, regions, baseline, incidents, retry] = [
        await readMetrics(tx, organizationId, dataFrom, to),
        await readSignatures(tx, organizationId, dataFrom, to),
        await readRegions(tx, organizationId, dataFrom, to),
        await readBaseline(tx, organizationId, baselineFrom, baselineTo),
        await listIncidentStates(tx, organizationId, new Date(from - settings.reopenWindowMinutes * MINUTE_MS)),
        await readRetry(tx, organizationId, new Date(nowMs - settings.windowMinutes * MINUTE_MS), now),
      ];
      const providers = [...new Set(metrics.map((m) => m.provider))].sort();
      const queue = options.queueDepth ? await options.queueDepth(tx, { organizationId, providers, from: dataFrom, to }) : undefined;

      const result = detectIncidents({ settings, from, now: nowMs, metrics, signatures, regions, baseline, incidents, queue, retry });
      const ids = new Map<string, string>();
      for (const inc of result.changed) {
        const id = inc.id ?? randomUUID();
        ids.set(inc.key, id);
        const values = Prisma.sql`${inc.status}::incident_status, ${inc.scope}::incident_scope, ${inc.escalation}::escalation_level, ${inc.provider}, ${inc.ruleKey},
          ${inc.kbRule}, ${inc.signature}, ${inc.category}::reply_category, ${inc.sampleReply}, ${inc.affectedIps}::text[], ${inc.affectedDomains}::text[], ${inc.regions}::text[],
          ${json(inc.evidence)}::jsonb, ${json(inc.warnings)}::jsonb, ${inc.baselineRate}, ${inc.peakDeferralRate}, ${date(inc.peakAt)}, ${inc.peakQueueDepth}::int, ${date(inc.peakQueueAt)},
          ${date(inc.peakReportedAt)}, ${date(inc.deliveryResumedAt)}, ${date(inc.startedAt)}, ${date(inc.openedAt)}, ${date(inc.lastElevatedAt)}, ${date(inc.mitigatingAt)},
          ${date(inc.recoveredAt)}, ${date(inc.resolvedAt)}, ${inc.resolvedBy}, ${inc.reopenCount}::int`;
        if (inc.id === null) {
          run.opened.push(id);
          await tx.$executeRaw`
            INSERT INTO incident (id, organization_id, status, scope, escalation, provider, rule_key, kb_rule, signature, category, sample_reply, affected_ips,
              affected_domains, regions, evidence, warnings, baseline_rate, peak_deferral_rate, peak_at, peak_queue_depth, peak_queue_at, peak_reported_at,
              delivery_resumed_at, started_at, opened_at, last_elevated_at, mitigating_at, recovered_at, resolved_at, resolved_by, reopen_count, updated_at, updated_by)
            VALUES (${id}::uuid, ${organizationId}::uuid, ${values}, now(), 'system')`;
        } else {
          await tx.$executeRaw`
            UPDATE incident SET (status, scope, escalation, provider, rule_key, kb_rule, signature, category, sample_reply, affected_ips, affected_domains, regions,
              evidence, warnings, baseline_rate, peak_deferral_rate, peak_at, peak_queue_depth, peak_queue_at, peak_reported_at, delivery_resumed_at, started_at,
              opened_at, last_elevated_at, mitigating_at, recovered_at, resolved_at, resolved_by, reopen_count) = (${values}),
              updated_at = now(), updated_by = 'system'
            WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid`;
        }
        run.changed.push(id);
      }
      const ordered = result.timeline.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
      for (const { e } of ordered) {
        await tx.$executeRaw`
          INSERT INTO incident_event (organization_id, incident_id, at, kind, message, data, actor)
          VALUES (${organizationId}::uuid, ${ids.get(e.incidentKey)}::uuid, ${new Date(e.at)}, ${e.kind}, ${e.message}, ${json(e.data)}::jsonb, 'system')`;
      }
      const evaluated = result.evaluatedThrough === null ? null : new Date(result.evaluatedThrough);
      await tx.$executeRaw`
        INSERT INTO incident_setting (organization_id, evaluated_through) VALUES (${organizationId}::uuid, ${evaluated})
        ON CONFLICT (organization_id) DO UPDATE SET evaluated_through = EXCLUDED.evaluated_through`;
      for (const id of run.changed) {
        const change = run.opened.includes(id) ? 'opened' : 'updated';
        await tx.$queryRaw`SELECT pg_notify(${LIVE_CHANNEL}, ${encodeLiveMessage({ type: 'incident', org: organizationId, incidentId: id, change })})::text`;
      }
      run.evaluatedThrough = evaluated?.toISOString() ?? run.evaluatedThrough;
      run.actions = result.actions.map((a) => ({ kind: a.kind, incidentId: ids.get(a.incidentKey) ?? a.incidentKey, at: new Date(a.at).toISOString() }));
      return run;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
