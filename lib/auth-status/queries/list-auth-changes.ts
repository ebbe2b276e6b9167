import { db } from '@/lib/db/client';
import type { CheckKind, CheckStatus } from '../check-outcome';

export interface AuthChangeDto {
  at: string;
  kind: CheckKind;
  target: string;
  fromStatus: CheckStatus;
  toStatus: CheckStatus;
  summary: string;
}

/** DNS changes (record edited, IP listed or delisted) in a time range, oldest first: markers for the SMTP time axis. */
export async function listAuthChanges(organizationId: string, range: { from: Date; to: Date; targets?: string[] }): Promise<AuthChangeDto[]> {
  const targets = range.targets ?? null;
  const rows = await db().$queryRaw<Array<{ at: Date; kind: CheckKind; target: string; from_status: CheckStatus; to_status: CheckStatus; summary: string }>>`
    SELECT at, kind, target, from_status, to_status, summary FROM auth_change
    WHERE organization_id = ${organizationId}::uuid AND at >= ${range.from} AND at < ${range.to}
      AND (${targets}::text[] IS NULL OR target = ANY(${targets}::text[]))
    ORDER BY at, id`;
  return rows.map((r) => ({ at: r.at.toISOString(), kind: r.kind, target: r.target, fromStatus: r.from_status, toStatus: r.to_status, summary: r.summary }));
}
