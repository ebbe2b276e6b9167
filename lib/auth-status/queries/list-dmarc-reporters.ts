import { db } from '@/lib/db/client';
import { dmarcScopeSql, type DmarcScope } from './dmarc-scope';

export interface DmarcReporterRow {
  /** microsoft | google | yahoo | other */
  reporterKind: string;
  reporterOrg: string;
  reports: number;
  messages: number;
  spfAlignedPass: number;
  dkimAlignedPass: number;
  dmarcPass: number;
  /** 0..1 */
  dmarcPassRate: number | null;
  /** messages by disposition applied: none, quarantine, reject (and RFC 9990 pass) */
  dispositions: Record<string, number>;
}

/** DMARC results of a domain or an IP by reporting organisation (Microsoft, Google, Yahoo …), most messages first. */
export async function listDmarcReporters(organizationId: string, scope: DmarcScope): Promise<DmarcReporterRow[]> {
  const rows = await db().$queryRaw<Array<{ reporter_kind: string; reporter_org: string; reports: number; messages: number; spf: number; dkim: number; dmarc: number; dispositions: Record<string, number> }>>`
    WITH d AS (
      SELECT r.reporter_kind, r.reporter_org, r.disposition, r.report_id, r.count, r.spf_aligned, r.dkim_aligned, r.dmarc_pass
      FROM dmarc_record r WHERE ${dmarcScopeSql(organizationId, scope)}
    ), by_disposition AS (
      SELECT reporter_kind, reporter_org, jsonb_object_agg(disposition, n) AS dispositions
      FROM (SELECT reporter_kind, reporter_org, disposition, sum(count)::int AS n FROM d GROUP BY 1, 2, 3) x
      GROUP BY 1, 2
    )
    SELECT d.reporter_kind, d.reporter_org, count(DISTINCT d.report_id)::int AS reports, sum(d.count)::int AS messages,
      coalesce(sum(d.count) FILTER (WHERE d.spf_aligned), 0)::int AS spf, coalesce(sum(d.count) FILTER (WHERE d.dkim_aligned), 0)::int AS dkim,
      coalesce(sum(d.count) FILTER (WHERE d.dmarc_pass), 0)::int AS dmarc, b.dispositions
    FROM d JOIN by_disposition b USING (reporter_kind, reporter_org)
    GROUP BY d.reporter_kind, d.reporter_org, b.dispositions
    ORDER BY messages DESC, reporter_org`;
  return rows.map((r) => ({
    reporterKind: r.reporter_kind,
    reporterOrg: r.reporter_org,
    reports: r.reports,
    messages: r.messages,
    spfAlignedPass: r.spf,
    dkimAlignedPass: r.dkim,
    dmarcPass: r.dmarc,
    dmarcPassRate: r.messages > 0 ? r.dmarc / r.messages : null,
    dispositions: r.dispositions,
  }));
}
