import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { alertBody, alertPayloadSchema, backoffSeconds, EVENT_HEADER, IDEMPOTENCY_HEADER, isRetryable, MAX_ALERT_ATTEMPTS, signBody, SIGNATURE_HEADER, type AlertEndpointKind } from './payload';

/** Alerts taken per run. */
const DEFAULT_BATCH = 20;
/** An endpoint that has not answered after this long counts as not answering. */
const DEFAULT_TIMEOUT_MS = 10_000;
/** A claimed row is held this much longer than its batch can take; a worker that died leaves it to the next run. */
const LOCK_MARGIN_SECONDS = 60;

export interface DeliveryOptions {
  now?: Date;
  limit?: number;
  timeoutMs?: number;
}

export interface DeliveryReport {
  attempted: number;
  delivered: number;
  /** failed this time, tried again later */
  retrying: number;
  /** given up: a refusal (4xx) or too many attempts */
  failed: number;
}

interface Claimed {
  id: string;
  organization_id: string;
  endpoint_id: string;
  at: Date;
  payload: unknown;
  attempts: number;
}

/** POSTs one body; the status code, or null with the reason when no answer came. */
async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ statusCode: number | null; error: string | null }> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    // Read the answer so the connection is released; its content is not needed.
    await res.arrayBuffer().catch(() => undefined);
    return { statusCode: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (error) {
    const reason = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error.cause instanceof Error ? error.cause.message : error.message)) : String(error);
    return { statusCode: null, error: reason.slice(0, 500) };
  }
}

/**
 * Delivers due alerts from the outbox: claims a batch (SKIP LOCKED, so parallel workers never send the
 * same row at once), POSTs each with its HMAC signature and the outbox id as idempotency key, logs
 * every attempt, and marks the row delivered (2xx), due again after an exponential backoff (no answer,
 * 5xx, 408, 429), or failed (other answers, or MAX_ALERT_ATTEMPTS reached). A delivered row is never
 * sent again; a worker dying between the POST and the update means one resend with the same key.
 */
export async function deliverPendingAlerts(options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limit = options.limit ?? DEFAULT_BATCH;
  // Alerts of one endpoint go one after the other: the whole batch may wait on one slow endpoint.
  const lockUntil = new Date(now.getTime() + limit * timeoutMs + LOCK_MARGIN_SECONDS * 1000);
  const claimed = await db().$queryRaw<Claimed[]>`
    WITH due AS (
      SELECT organization_id, id FROM alert_outbox
      WHERE status = 'pending' AND next_attempt_at <= ${now} AND (locked_until IS NULL OR locked_until <= ${now})
      ORDER BY next_attempt_at, at, id LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    UPDATE alert_outbox o SET locked_until = ${lockUntil}, attempts = o.attempts + 1
    FROM due WHERE o.organization_id = due.organization_id AND o.id = due.id
    RETURNING o.id::text, o.organization_id::text, o.endpoint_id::text, o.at, o.payload, o.attempts`;
  const report: DeliveryReport = { attempted: claimed.length, delivered: 0, retrying: 0, failed: 0 };
  if (claimed.length === 0) return report;
  const keys = claimed.map((c) => Prisma.sql`(${c.organization_id}::uuid, ${c.endpoint_id}::uuid)`);
  const endpoints = await db().$queryRaw<Array<{ organization_id: string; id: string; url: string; kind: AlertEndpointKind; secret: string }>>`
    SELECT organization_id::text, id::text, url, kind::text, secret FROM alert_endpoint WHERE (organization_id, id) IN (${Prisma.join(keys)})`;

  const deliver = async (c: Claimed) => {
    const endpoint = endpoints.find((e) => e.organization_id === c.organization_id && e.id === c.endpoint_id);
    const payload = alertPayloadSchema.safeParse(c.payload);
    let outcome: { statusCode: number | null; error: string | null; durationMs: number };
    if (!endpoint || !payload.success) {
      outcome = { statusCode: null, error: endpoint ? 'the stored alert is malformed' : 'the endpoint was removed', durationMs: 0 };
    } else {
      const body = alertBody(endpoint.kind, c.id, payload.data);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'DeferralDesk-Alerts/1',
        [SIGNATURE_HEADER]: signBody(endpoint.secret, body),
        [IDEMPOTENCY_HEADER]: c.id,
        [EVENT_HEADER]: payload.data.event,
      };
      const started = performance.now();
      outcome = { ...(await post(endpoint.url, headers, body, timeoutMs)), durationMs: Math.round(performance.now() - started) };
    }
    const isDelivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const retry = !isDelivered && endpoint !== undefined && payload.success && isRetryable(outcome.statusCode) && c.attempts < MAX_ALERT_ATTEMPTS;
    const status = isDelivered ? 'delivered' : retry ? 'pending' : 'failed';
    const next = new Date(now.getTime() + backoffSeconds(c.attempts) * 1000);
    if (isDelivered) report.delivered += 1;
    else if (retry) report.retrying += 1;
    else report.failed += 1;
    await db().$transaction([
      db().$executeRaw`
        INSERT INTO alert_attempt (organization_id, outbox_id, endpoint_id, attempted_at, status_code, error, duration_ms)
        VALUES (${c.organization_id}::uuid, ${c.id}::uuid, ${c.endpoint_id}::uuid, ${now}, ${outcome.statusCode}::int, ${outcome.error}, ${outcome.durationMs}::int)`,
      db().$executeRaw`
        UPDATE alert_outbox SET status = ${status}::alert_status, locked_until = NULL, last_error = ${outcome.error},
          delivered_at = ${isDelivered ? now : null}, next_attempt_at = ${retry ? next : now}
        WHERE organization_id = ${c.organization_id}::uuid AND id = ${c.id}::uuid AND locked_until = ${lockUntil}`,
    ]);
  };
  // Endpoints are served in parallel; each one gets its alerts one at a time, oldest change first.
  const byEndpoint = new Map<string, Claimed[]>();
  for (const c of [...claimed].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const key = `${c.organization_id}/${c.endpoint_id}`;
    byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), c]);
  }
  await Promise.all(
    [...byEndpoint.values()].map(async (queue) => {
      for (const c of queue) await deliver(c);
    }),
  );
  return report;
}
