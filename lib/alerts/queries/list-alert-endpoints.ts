import { db } from '@/lib/db/client';
import type { AlertEndpointKind } from '../payload';

/** An endpoint as the settings page shows it: never its secret. */
export interface AlertEndpointDto {
  id: string;
  name: string;
  url: string;
  kind: AlertEndpointKind;
  createdBy: string;
  createdAt: string;
  pending: number;
  delivered: number;
  failed: number;
}

/** The organisation's webhook endpoints, oldest first, with their outbox counts. */
export async function listAlertEndpoints(organizationId: string): Promise<AlertEndpointDto[]> {
  const rows = await db().$queryRaw<Array<{ id: string; name: string; url: string; kind: AlertEndpointKind; created_by: string; created_at: Date; pending: number; delivered: number; failed: number }>>`
    SELECT e.id::text, e.name, e.url, e.kind::text, e.created_by, e.created_at,
           count(o.id) FILTER (WHERE o.status = 'pending')::int AS pending,
           count(o.id) FILTER (WHERE o.status = 'delivered')::int AS delivered,
           count(o.id) FILTER (WHERE o.status = 'failed')::int AS failed
    FROM alert_endpoint e
    LEFT JOIN alert_outbox o ON o.organization_id = e.organization_id AND o.endpoint_id = e.id
    WHERE e.organization_id = ${organizationId}::uuid
    GROUP BY e.organization_id, e.id ORDER BY e.created_at, e.id`;
  return rows.map((r) => ({ id: r.id, name: r.name, url: r.url, kind: r.kind, createdBy: r.created_by, createdAt: r.created_at.toISOString(), pending: r.pending, delivered: r.delivered, failed: r.failed }));
}
