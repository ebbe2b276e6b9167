import { db } from '@/lib/db/client';
import { dmarcScopeSql, type DmarcScope } from './dmarc-scope';

export interface DmarcSeriesPoint {
  /** start of the UTC day */
  t: string;
  messages: number;
  spfAlignedPass: number;
  dkimAlignedPass: number;
  dmarcPass: number;
  /** 0..1; null on a day without messages (a gap, not 0 %) */
  dmarcPassRate: number | null;
}

/** Daily DMARC volume and pass counts of a domain or an IP (by report period start), gap-filled over the report window. */
export async function getDmarcSeries(organizationId: string, scope: DmarcScope): Promise<DmarcSeriesPoint[]> {
  const rows = await db().$queryRaw<Array<{ t: Date; messages: number; spf: number; dkim: number; dmarc: number }>>`
    WITH d AS (SELECT r.* FROM dmarc_record r WHERE ${dmarcScopeSql(organizationId, scope)}),
    days AS (SELECT generate_series(date_trunc('day', min(begin_at), 'UTC'), date_trunc('day', max(begin_at), 'UTC'), interval '1 day') AS t FROM d)
    SELECT days.t, coalesce(sum(d.count), 0)::int AS messages,
      coalesce(sum(d.count) FILTER (WHERE d.spf_aligned), 0)::int AS spf, coalesce(sum(d.count) FILTER (WHERE d.dkim_aligned), 0)::int AS dkim,
      coalesce(sum(d.count) FILTER (WHERE d.dmarc_pass), 0)::int AS dmarc
    FROM days LEFT JOIN d ON date_trunc('day', d.begin_at, 'UTC') = days.t
    GROUP BY days.t ORDER BY days.t`;
  return rows.map((r) => ({ t: r.t.toISOString(), messages: r.messages, spfAlignedPass: r.spf, dkimAlignedPass: r.dkim, dmarcPass: r.dmarc, dmarcPassRate: r.messages > 0 ? r.dmarc / r.messages : null }));
}
