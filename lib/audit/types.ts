/** Security-relevant actions the audit log records. */
export const auditActions = [
  'sign-in',
  'sign-in.failed',
  'token.created',
  'token.revoked',
  'member.role-changed',
  'incident.resolved',
  'package.exported',
  'settings.detection-changed',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who acted: a signed-in user, an API token, or the product itself (e.g. automatic resolution). */
export type AuditActor = { kind: 'user'; id: string; email: string } | { kind: 'token'; id: string; name?: string } | { kind: 'system' };

export interface AuditEntryDto {
  id: string;
  occurredAt: string;
  actorKind: AuditActor['kind'];
  actorLabel: string;
  action: string;
  target: string | null;
  details: unknown;
  ip: string | null;
}
