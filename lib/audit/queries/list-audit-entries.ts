import { db } from '@/lib/db/client';
import type { AuditEntryDto } from '../types';

/** The newest audit entries of one organisation, newest first (at most `limit`, 1–500). */
export async function listAuditEntries(organizationId: string, options: { limit?: number; before?: Date } = {}): Promise<AuditEntryDto[]> {
  const limit = Math.min(500, Math.max(1, options.limit ?? 200));
  const rows = await db().auditEntry.findMany({
    where: { organizationId, ...(options.before ? { occurredAt: { lt: options.before } } : {}) },
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
  return rows.map((r) => ({
    id: r.id,
    occurredAt: r.occurredAt.toISOString(),
    actorKind: r.actorKind as AuditEntryDto['actorKind'],
    actorLabel: r.actorLabel,
    action: r.action,
    target: r.target,
    details: r.details,
    ip: r.ip,
  }));
}
