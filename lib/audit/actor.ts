import type { Principal } from '@/lib/http/guard';
import type { AuditActor } from './types';

/** The audit actor behind an API call. */
export function auditActorOf(principal: Principal): AuditActor {
  return principal.kind === 'user' ? { kind: 'user', id: principal.userId, email: principal.email } : { kind: 'token', id: principal.tokenId };
}
