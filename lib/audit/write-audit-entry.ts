import { db } from '@/lib/db/client';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { AuditAction, AuditActor } from './types';

function actorColumns(actor: AuditActor): { actorKind: string; actorId: string | null; actorLabel: string } {
  switch (actor.kind) {
    case 'user':
      return { actorKind: 'user', actorId: actor.id, actorLabel: actor.email };
    case 'token':
      return { actorKind: 'token', actorId: actor.id, actorLabel: actor.name ? `token "${actor.name}"` : 'API token' };
    case 'system':
      return { actorKind: 'system', actorId: null, actorLabel: 'system' };
  }
}

/**
 * Appends one audit entry to each given organisation (an action on a user, such as a sign-in, concerns every
 * organisation they belong to; none when they belong to none). Entries carry the organisation id like every
 * tenant row, so the log distributes with the rest of the data (DESIGN.md, Scale path).
 */
export async function writeAuditEntry(
  orgId: string | readonly string[],
  actor: AuditActor,
  action: AuditAction,
  target: string | null,
  details: Prisma.InputJsonObject | null = null,
  ip: string | null = null,
): Promise<void> {
  const orgIds = typeof orgId === 'string' ? [orgId] : orgId;
  if (orgIds.length === 0) return;
  const common = { ...actorColumns(actor), action, target, ip, ...(details ? { details } : {}) };
  await db().auditEntry.createMany({ data: orgIds.map((organizationId) => ({ organizationId, ...common })) });
}
