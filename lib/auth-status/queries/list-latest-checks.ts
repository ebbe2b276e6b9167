import { db } from '@/lib/db/client';
import type { CheckKind, CheckStatus } from '../check-outcome';

export interface AuthCheckDto {
  kind: CheckKind;
  target: string;
  status: CheckStatus;
  summary: string;
  checkedAt: string;
  /** the check's full result as lib/auth-status/dns returned it */
  evidence: unknown;
}

/** The newest check of each kind and target of an organisation (all targets, or those given). */
export async function listLatestChecks(organizationId: string, targets?: string[]): Promise<AuthCheckDto[]> {
  const rows = await db().$queryRaw<Array<{ kind: CheckKind; target: string; status: CheckStatus; summary: string; checked_at: Date; evidence: { detail?: unknown } }>>`
    SELECT DISTINCT ON (kind, target) kind, target, status, summary, checked_at, evidence
    FROM auth_check
    WHERE organization_id = ${organizationId}::uuid AND (${targets ?? null}::text[] IS NULL OR target = ANY(${targets ?? null}::text[]))
    ORDER BY kind, target, checked_at DESC, id DESC`;
  return rows.map((r) => ({ kind: r.kind, target: r.target, status: r.status, summary: r.summary, checkedAt: r.checked_at.toISOString(), evidence: r.evidence.detail ?? null }));
}
