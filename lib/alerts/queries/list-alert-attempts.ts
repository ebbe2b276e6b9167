import { db } from '@/lib/db/client';

/** One delivery attempt in the log. */
export interface AlertAttemptDto {
  id: string;
  attemptedAt: string;
  endpointName: string;
  event: string;
  incidentId: string;
  /** null when no answer came */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** the alert's state now: pending (will retry), delivered or failed */
  alertStatus: string;
  /** attempts made for this alert so far, this one included */
  alertAttempts: number;
}

/** The organisation's latest delivery attempts, newest first. */
export async function listAlertAttempts(organizationId: string, limit: number): Promise<AlertAttemptDto[]> {
  const rows = await db().$queryRaw<
    Array<{ id: bigint; attempted_at: Date; name: string; event: string; incident_id: string; status_code: number | null; error: string | null; duration_ms: number; alert_status: string; alert_attempts: number }>
  >`
    SELECT a.id, a.attempted_at, e.name, o.event, o.incident_id::text, a.status_code, a.error, a.duration_ms, o.status::text AS alert_status, o.attempts AS alert_attempts
    FROM alert_attempt a
    JOIN alert_outbox o ON o.organization_id = a.organization_id AND o.id = a.outbox_id
    JOIN alert_endpoint e ON e.organization_id = a.organization_id AND e.id = a.endpoint_id
    WHERE a.organization_id = ${organizationId}::uuid
    ORDER BY a.attempted_at DESC, a.id DESC LIMIT ${limit}`;
  return rows.map((r) => ({
    id: r.id.toString(),
    attemptedAt: r.attempted_at.toISOString(),
    endpointName: r.name,
    event: r.event,
    incidentId: r.incident_id,
    statusCode: r.status_code,
    error: r.error,
    durationMs: r.duration_ms,
    alertStatus: r.alert_status,
    alertAttempts: r.alert_attempts,
  }));
}
