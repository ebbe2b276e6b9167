import { randomUUID } from 'node:crypto';
import { enqueueAlerts } from '@/lib/alerts/enqueue-alerts';
import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { encodeLiveMessage, LIVE_CHANNEL } from '@/lib/live/channel';
import type { Category } from '@/lib/smtp/types';
import { BASELINE_DAYS, detectIncidents, OPEN_AFTER_MINUTES } from './detect';
import { listIncidentStates } from './queries/list-incident-states';
import { listReplayIncidents } from './queries/list-replay-incidents';
import { reconcile, type ActionRef, type ReconcilePlan, type StoredIncident } from './reconcile';
import { toSettings, type IncidentSettingRow } from './settings';
import { getAuthSummary } from '@/lib/auth-status/queries/get-auth-summary';
import type { AuthFacts, BaselineRow, DetectionAction, DetectionSettings, IncidentState, MetricRow, QueueInput, RegionRow, RetryInput, SignatureRow } from './types';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/**
 * How far back a run evaluates when it has never run or was stopped for long, in minutes. Data older than
 * this when it arrives (an uploaded old log) is evaluated as history: its incidents are marked and never alerted.
 */
export const LOOKBACK_MINUTES = 360;
/** The longest period one re-evaluation covers (a week): longer back-dated spans continue in the next run. */
export const MAX_REPLAY_MINUTES = 7 * 24 * 60;
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
  actions: Array<Omit<DetectionAction, 'at' | 'incidentKey' | 'entry'> & { incidentId: string; at: string }>;
  /** alert rows written to the outbox */
  alertsQueued: number;
  /** back-dated data is left for the next run */
  hasHistoryPending: boolean;
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


/** The time spans of the batches stored since the last run, claimed by this run: each batch is taken into account once. */
async function claimBatchSpans(tx: Tx, org: string): Promise<Array<{ first: number; last: number }>> {
  const rows = await tx.$queryRaw<Array<{ first_at: Date | null; last_at: Date | null }>>`
    WITH claimed AS (
      UPDATE ingest_batch SET detected_at = now() WHERE organization_id = ${org}::uuid AND detected_at IS NULL RETURNING id, accepted)
    SELECT s.first_at, s.last_at FROM claimed c
    CROSS JOIN LATERAL (
      SELECT min(occurred_at) AS first_at, max(occurred_at) AS last_at FROM delivery_event d WHERE d.organization_id = ${org}::uuid AND d.batch_id = c.id) s
    WHERE c.accepted > 0`;
  return rows.flatMap((r) => (r.first_at && r.last_at ? [{ first: r.first_at.getTime(), last: r.last_at.getTime() }] : []));
}

/**
 * When the oldest active live incident started: data from then on belongs to the live evaluation. A
 * recovered incident older than the lookback (its traffic stopped before the drain) no longer counts.
 */
async function readLiveStart(tx: Tx, org: string, lookbackStart: Date): Promise<number | null> {
  const rows = await tx.$queryRaw<Array<{ t: Date | null }>>`
    SELECT min(started_at) AS t FROM incident
    WHERE organization_id = ${org}::uuid AND NOT is_historical AND (status IN ('open', 'mitigating') OR (status = 'recovered' AND recovered_at >= ${lookbackStart}))`;
  return rows[0]?.t?.getTime() ?? null;
}

const json = (v: unknown) => JSON.stringify(v);
const date = (ms: number | null) => (ms === null ? null : new Date(ms));
const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/** Writes a reconciled result: incidents, then stale entries out and entries in (same key: updated in place). */
async function applyPlan(tx: Tx, organizationId: string, plan: ReconcilePlan): Promise<void> {
  for (const { state: inc, isNew, isHistorical } of plan.incidents) {
    const values = Prisma.sql`${inc.status}::incident_status, ${inc.scope}::incident_scope, ${inc.escalation}::escalation_level, ${inc.provider}, ${inc.ruleKey},
      ${inc.kbRule}, ${inc.signature}, ${inc.category}::reply_category, ${inc.sampleReply}, ${inc.affectedIps}::text[], ${inc.affectedDomains}::text[], ${inc.regions}::text[],
      ${json(inc.evidence)}::jsonb, ${json(inc.warnings)}::jsonb, ${inc.baselineRate}, ${inc.peakDeferralRate}, ${date(inc.peakAt)}, ${inc.peakQueueDepth}::int, ${date(inc.peakQueueAt)},
      ${date(inc.peakReportedAt)}, ${date(inc.deliveryResumedAt)}, ${date(inc.startedAt)}, ${date(inc.openedAt)}, ${date(inc.lastElevatedAt)}, ${date(inc.mitigatingAt)},
      ${date(inc.recoveredAt)}, ${date(inc.resolvedAt)}, ${inc.resolvedBy}, ${inc.reopenCount}::int`;
    if (isNew) {
      await tx.$executeRaw`
        INSERT INTO incident (id, organization_id, status, scope, escalation, provider, rule_key, kb_rule, signature, category, sample_reply, affected_ips,
          affected_domains, regions, evidence, warnings, baseline_rate, peak_deferral_rate, peak_at, peak_queue_depth, peak_queue_at, peak_reported_at,
          delivery_resumed_at, started_at, opened_at, last_elevated_at, mitigating_at, recovered_at, resolved_at, resolved_by, reopen_count, updated_at, updated_by, is_historical)
        VALUES (${inc.id}::uuid, ${organizationId}::uuid, ${values}, now(), 'system', ${isHistorical})`;
    } else {
      await tx.$executeRaw`
        UPDATE incident SET (status, scope, escalation, provider, rule_key, kb_rule, signature, category, sample_reply, affected_ips, affected_domains, regions,
          evidence, warnings, baseline_rate, peak_deferral_rate, peak_at, peak_queue_depth, peak_queue_at, peak_reported_at, delivery_resumed_at, started_at,
          opened_at, last_elevated_at, mitigating_at, recovered_at, resolved_at, resolved_by, reopen_count) = (${values}),
          updated_at = now(), updated_by = 'system'
        WHERE organization_id = ${organizationId}::uuid AND id = ${inc.id}::uuid`;
    }
  }
  if (plan.staleEntries.length > 0) {
    await tx.$executeRaw`
      DELETE FROM incident_event e
      USING unnest(${plan.staleEntries.map((s) => s.incidentId)}::uuid[], ${plan.staleEntries.map((s) => new Date(s.at))}::timestamptz[], ${plan.staleEntries.map((s) => s.entryKey)}::text[])
        AS s(incident_id, at, entry_key)
      WHERE e.organization_id = ${organizationId}::uuid AND e.actor = 'system' AND e.incident_id = s.incident_id AND e.at = s.at AND e.entry_key = s.entry_key`;
  }
  if (plan.entries.length === 0) return;
  // One statement, in time order (ids follow it); of entries with the same key the last one counts.
  const byKey = new Map<string, ReconcilePlan['entries'][number]>();
  for (const e of plan.entries) byKey.set(`${e.incidentId}\u0000${e.at}\u0000${e.entryKey}`, e);
  const ordered = [...byKey.values()].sort((a, b) => a.at - b.at);
  await tx.$executeRaw`
    INSERT INTO incident_event (organization_id, incident_id, at, kind, message, data, actor, entry_key)
    SELECT ${organizationId}::uuid, e.incident_id, e.at, e.kind, e.message, e.data::jsonb, 'system', e.entry_key
    FROM unnest(${ordered.map((e) => e.incidentId)}::uuid[], ${ordered.map((e) => new Date(e.at))}::timestamptz[], ${ordered.map((e) => e.kind)}::text[],
                ${ordered.map((e) => e.message)}::text[], ${ordered.map((e) => json(e.data))}::text[], ${ordered.map((e) => e.entryKey)}::text[])
      WITH ORDINALITY AS e(incident_id, at, kind, message, data, entry_key, n)
    ORDER BY e.n
    ON CONFLICT (organization_id, incident_id, at, entry_key) DO UPDATE SET message = EXCLUDED.message, data = EXCLUDED.data
      WHERE (incident_event.message, incident_event.data) IS DISTINCT FROM (EXCLUDED.message, EXCLUDED.data)`;
}

interface Pass {
  tx: Tx;
  organizationId: string;
  settings: DetectionSettings;
  options: RunDetectionOptions;
  now: number;
  lookbackStart: number;
}

interface Evaluation {
  from: number;
  /** minutes ending by then are evaluated */
  to: number;
  incidents: IncidentState[];
  touched: StoredIncident[];
  isHistorical: boolean;
}

/**
 * The current authentication and blocklist signs of our sending domains and of the IPs sending in the evaluated
 * data (they count as ours for DMARC report tallies), for the verdict of live incidents.
 */
async function readAuthFacts(organizationId: string, metrics: MetricRow[]): Promise<AuthFacts> {
  const ips = [...new Set(metrics.map((m) => m.sendingIp).filter((ip) => ip !== ''))].sort();
  const summary = await getAuthSummary(organizationId, { ips, ourIps: ips });
  return { domains: summary.domains, ips: summary.ips };
}

/** Reads the rollups around [from, to), runs detection, reconciles its result with what is stored and writes it. */
async function evaluate(p: Pass, e: Evaluation): Promise<{ plan: ReconcilePlan; evaluatedThrough: number | null }> {
  const { tx, organizationId: org, settings } = p;
  const dataFrom = new Date(e.from - (Math.max(settings.windowMinutes, settings.drainQuietMinutes) + OPEN_AFTER_MINUTES) * MINUTE_MS);
  const dataTo = new Date(floorMinute(e.to));
  const baselineFrom = new Date(Math.floor(e.from / DAY_MS) * DAY_MS - BASELINE_DAYS * DAY_MS);
  const baselineTo = new Date(Math.floor(e.to / DAY_MS) * DAY_MS);
  const [metrics, signatures, regions, baseline] = [
    await readMetrics(tx, org, dataFrom, dataTo),
    await readSignatures(tx, org, dataFrom, dataTo),
    await readRegions(tx, org, dataFrom, dataTo),
    await readBaseline(tx, org, baselineFrom, baselineTo),
  ];
  // Retry behaviour describes the present: it belongs to live evaluations only.
  const retry = e.isHistorical ? undefined : await readRetry(tx, org, new Date(p.now - settings.windowMinutes * MINUTE_MS), new Date(p.now));
  const providers = [...new Set(metrics.map((m) => m.provider))].sort();
  const queue = p.options.queueDepth ? await p.options.queueDepth(tx, { organizationId: org, providers, from: dataFrom, to: dataTo }) : undefined;
  const resolutions = e.touched.flatMap((t) =>
    t.state.status === 'resolved' && t.state.resolvedBy !== null && t.state.resolvedBy !== 'system' && t.state.resolvedAt !== null
      ? [{ provider: t.state.provider, ruleKey: t.state.ruleKey, at: t.state.resolvedAt, by: t.state.resolvedBy }]
      : [],
  );
  const auth = e.isHistorical ? undefined : await readAuthFacts(org, metrics);
  const result = detectIncidents({ settings, from: e.from, now: e.to, metrics, signatures, regions, baseline, incidents: e.incidents, queue, retry, resolutions, auth });
  const plan = reconcile({
    result,
    touched: e.touched,
    isHistorical: e.isHistorical,
    // Historical incidents never alert: their period is over, a page about it would be noise. Live
    // changes older than the lookback are old news too.
    alertFrom: e.isHistorical ? Infinity : p.lookbackStart,
    evaluatedTo: result.evaluatedThrough ?? e.from,
    now: p.now,
    newId: randomUUID,
  });
  await applyPlan(tx, org, plan);
  return { plan, evaluatedThrough: result.evaluatedThrough };
}

/**
 * Re-evaluates [from, to) from scratch: the incidents the period overlaps are recomputed from their
 * beginning (which may overlap earlier ones in turn) and, for history, to their end (so the replay
 * reaches what the last evaluation saw): never beyond `maxTo`, nor more than MAX_REPLAY_MINUTES before
 * `to` or after `from`.
 */
async function replay(p: Pass, from: number, to: number, maxTo: number, isHistorical: boolean): Promise<{ plan: ReconcilePlan; evaluatedThrough: number | null }> {
  const margin = (p.settings.windowMinutes + OPEN_AFTER_MINUTES) * MINUTE_MS;
  const reopenMs = p.settings.reopenWindowMinutes * MINUTE_MS;
  /** Where the last evaluation of a stored incident ended, at the least. */
  const endOf = (t: StoredIncident) =>
    t.state.resolvedAt ?? (t.state.status === 'recovered' ? t.state.recoveredAt : null) ?? (t.isHistorical ? t.state.lastElevatedAt + reopenMs : maxTo);
  const floor = floorMinute(to) - MAX_REPLAY_MINUTES * MINUTE_MS;
  const ceiling = Math.min(maxTo, from + MAX_REPLAY_MINUTES * MINUTE_MS);
  let start = from;
  let end = to;
  for (;;) {
    const found = await listReplayIncidents(p.tx, p.organizationId, {
      from: new Date(start),
      to: new Date(end),
      reopenSince: new Date(start - reopenMs),
      reopenWindowMinutes: p.settings.reopenWindowMinutes,
      includeHistorical: isHistorical,
    });
    const nextStart = Math.max(floorMinute(Math.min(start, ...found.touched.map((t) => t.state.startedAt - margin))), floor);
    const nextEnd = Math.min(Math.max(end, ...found.touched.map((t) => floorMinute(endOf(t)) + margin)), ceiling);
    if (nextStart >= start && nextEnd <= end) return evaluate(p, { from: start, to: end, incidents: found.prior, touched: found.touched, isHistorical });
    start = Math.min(start, nextStart);
    end = Math.max(end, nextEnd);
  }
}

/**
 * Runs incident detection for one organisation up to `now`, in ONE transaction under an advisory lock (two
 * app processes never duplicate an incident or an alert). It takes the batches stored since the last run:
 * minutes not yet evaluated are evaluated; late data for minutes already evaluated re-evaluates them (the
 * incidents they overlap are recomputed, their timeline rewritten by key, nothing duplicated); data older
 * than the lookback is evaluated as history, at most MAX_REPLAY_MINUTES per run. The alerts of what is news
 * go to the outbox in the same transaction. Call it after each ingest batch and on a timer, so that time
 * passing alone escalates or closes incidents.
 */
export async function runDetection(organizationId: string, now: Date = new Date(), options: RunDetectionOptions = {}): Promise<DetectionRun> {
  return db().$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('incident-detection:' || ${organizationId}::text))::text`;
      const settingRows = await tx.$queryRaw<Array<IncidentSettingRow & { evaluated_through: Date | null; history_from: Date | null; history_to: Date | null }>>`
        SELECT * FROM incident_setting WHERE organization_id = ${organizationId}::uuid`;
      const row = settingRows[0];
      const settings = toSettings(row);
      const nowMs = now.getTime();
      const lookbackStart = floorMinute(nowMs) - LOOKBACK_MINUTES * MINUTE_MS;
      const through = row?.evaluated_through?.getTime() ?? null;
      const liveFrom = through === null ? lookbackStart : Math.max(lookbackStart, through + MINUTE_MS);
      const liveStart = await readLiveStart(tx, organizationId, new Date(lookbackStart));
      // Data from the oldest open live incident on is live; older data is history.
      const horizon = liveStart === null ? lookbackStart : Math.min(lookbackStart, floorMinute(liveStart));

      let rewindTo: number | null = null;
      let history = row?.history_from && row.history_to ? { from: row.history_from.getTime(), to: row.history_to.getTime() } : null;
      for (const span of await claimBatchSpans(tx, organizationId)) {
        const first = floorMinute(span.first);
        const last = floorMinute(span.last);
        const liveFirst = Math.max(first, horizon);
        if (last >= horizon && liveFirst < liveFrom) rewindTo = Math.min(rewindTo ?? liveFirst, liveFirst);
        if (first < horizon) {
          const to = Math.min(last, horizon - MINUTE_MS);
          history = history ? { from: Math.min(history.from, first), to: Math.max(history.to, to) } : { from: first, to };
        }
      }

      const pass: Pass = { tx, organizationId, settings, options, now: nowMs, lookbackStart };
      const plans: ReconcilePlan[] = [];
      // History first: it ends before the live period, which may then recompute what it shares with it.
      if (history) {
        const to = Math.min(history.to + (settings.windowMinutes + 1) * MINUTE_MS, horizon, history.from + MAX_REPLAY_MINUTES * MINUTE_MS);
        if (to > history.from) {
          plans.push((await replay(pass, history.from, to, horizon, true)).plan);
          history = to > history.to ? null : { from: to, to: history.to };
        } else {
          history = null;
        }
      }
      let evaluatedThrough = through;
      if (rewindTo !== null || liveFrom + MINUTE_MS <= nowMs) {
        const live =
          rewindTo !== null
            ? await replay(pass, rewindTo, nowMs, nowMs, false)
            : await evaluate(pass, {
                from: liveFrom,
                to: nowMs,
                incidents: await listIncidentStates(tx, organizationId, new Date(liveFrom - settings.reopenWindowMinutes * MINUTE_MS)),
                touched: [],
                isHistorical: false,
              });
        plans.push(live.plan);
        evaluatedThrough = live.evaluatedThrough ?? through;
      }
      await tx.$executeRaw`
        INSERT INTO incident_setting (organization_id, evaluated_through, history_from, history_to)
        VALUES (${organizationId}::uuid, ${date(evaluatedThrough)}, ${date(history?.from ?? null)}, ${date(history?.to ?? null)})
        ON CONFLICT (organization_id) DO UPDATE
          SET evaluated_through = EXCLUDED.evaluated_through, history_from = EXCLUDED.history_from, history_to = EXCLUDED.history_to`;

      const alerts: ActionRef[] = plans.flatMap((p) => p.alerts);
      // After the timeline writes (enqueueAlerts reads the escalation level from them): the alerts commit with the change or not at all.
      const alertsQueued = await enqueueAlerts(tx, organizationId, alerts.map((a) => ({ kind: a.kind, incidentId: a.incidentId, at: new Date(a.at).toISOString() })));
      const writes = plans.flatMap((p) => p.incidents);
      const opened = [...new Set(writes.filter((w) => w.isNew).map((w) => w.state.id))];
      const changed = [...new Set(writes.map((w) => w.state.id))];
      for (const id of changed) {
        const change = opened.includes(id) ? 'opened' : 'updated';
        await tx.$queryRaw`SELECT pg_notify(${LIVE_CHANNEL}, ${encodeLiveMessage({ type: 'incident', org: organizationId, incidentId: id, change })})::text`;
      }
      return {
        evaluatedThrough: evaluatedThrough === null ? null : new Date(evaluatedThrough).toISOString(),
        opened,
        changed,
        actions: plans.flatMap((p) => p.actions).map((a) => ({ kind: a.kind, incidentId: a.incidentId, at: new Date(a.at).toISOString() })),
        alertsQueued,
        hasHistoryPending: history !== null,
      };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
