import { db } from '@/lib/db/client';
import type { DmarcTally } from '../signs';
import { dmarcScopeSql, type DmarcScope } from './dmarc-scope';

interface TallyRow {
  messages: number | null;
  spf_aligned_pass: number | null;
  dkim_aligned_pass: number | null;
  dmarc_pass: number | null;
  spf_pass: number | null;
  spf_error: number | null;
  spf_fail: number | null;
  no_dkim_signature: number | null;
  first_at: Date | null;
  last_at: Date | null;
}

/** Message counts of the DMARC report rows of a domain or an IP over the latest report window (see DmarcTally). */
export async function getDmarcTally(organizationId: string, scope: DmarcScope & { isOurIpsOnly: boolean }): Promise<DmarcTally> {
  const rows = await db().$queryRaw<TallyRow[]>`
    SELECT sum(r.count)::int AS messages,
      (sum(r.count) FILTER (WHERE r.spf_aligned))::int AS spf_aligned_pass,
      (sum(r.count) FILTER (WHERE r.dkim_aligned))::int AS dkim_aligned_pass,
      (sum(r.count) FILTER (WHERE r.dmarc_pass))::int AS dmarc_pass,
      (sum(r.count) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(r.spf_results) e WHERE e->>'result' = 'pass')))::int AS spf_pass,
      (sum(r.count) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(r.spf_results) e WHERE e->>'result' IN ('permerror', 'temperror'))))::int AS spf_error,
      (sum(r.count) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(r.spf_results) e WHERE e->>'result' IN ('fail', 'softfail'))))::int AS spf_fail,
      (sum(r.count) FILTER (WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(r.dkim_results) e WHERE coalesce(e->>'result', 'none') <> 'none')))::int AS no_dkim_signature,
      min(r.begin_at) AS first_at, max(r.begin_at) AS last_at
    FROM dmarc_record r WHERE ${dmarcScopeSql(organizationId, scope)}`;
  const row = rows[0];
  return {
    messages: row?.messages ?? 0,
    spfAlignedPass: row?.spf_aligned_pass ?? 0,
    dkimAlignedPass: row?.dkim_aligned_pass ?? 0,
    dmarcPass: row?.dmarc_pass ?? 0,
    spfPass: row?.spf_pass ?? 0,
    spfError: row?.spf_error ?? 0,
    spfFail: row?.spf_fail ?? 0,
    noDkimSignature: row?.no_dkim_signature ?? 0,
    isOurIpsOnly: scope.isOurIpsOnly,
    from: row?.first_at?.toISOString() ?? null,
    to: row?.last_at?.toISOString() ?? null,
  };
}
