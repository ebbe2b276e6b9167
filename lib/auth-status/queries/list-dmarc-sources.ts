import { db } from '@/lib/db/client';
import { dmarcScopeSql, type DmarcScope } from './dmarc-scope';

export interface DmarcSourceRow {
  domain: string;
  sourceIp: string;
  messages: number;
  spfAlignedPass: number;
  dkimAlignedPass: number;
  dmarcPass: number;
  /** 0..1 */
  dmarcPassRate: number | null;
  dispositions: Record<string, number>;
  reporters: string[];
  firstSeenAt: string;
  lastSeenAt: string;
  /** whether the IP is one of our sending IPs; null when those are not known yet */
  isOurs: boolean | null;
}

/**
 * Sources of mail with our domains in From, per domain and source IP, over the latest report window.
 * A source that is not one of our sending IPs (`isOurs: false`) is possible spoofing or a forgotten sender.
 */
export async function listDmarcSources(organizationId: string, scope: DmarcScope, ourIps: string[]): Promise<DmarcSourceRow[]> {
  const rows = await db().$queryRaw<Array<{ domain: string; source_ip: string; messages: number; spf: number; dkim: number; dmarc: number; dispositions: Record<string, number>; reporters: string[]; first_at: Date; last_at: Date }>>`
    WITH d AS (SELECT r.* FROM dmarc_record r WHERE ${dmarcScopeSql(organizationId, scope)}),
    by_disposition AS (
      SELECT header_from, source_ip, jsonb_object_agg(disposition, n) AS dispositions
      FROM (SELECT header_from, source_ip, disposition, sum(count)::int AS n FROM d GROUP BY 1, 2, 3) x
      GROUP BY 1, 2
    )
    SELECT d.header_from AS domain, d.source_ip, sum(d.count)::int AS messages,
      coalesce(sum(d.count) FILTER (WHERE d.spf_aligned), 0)::int AS spf, coalesce(sum(d.count) FILTER (WHERE d.dkim_aligned), 0)::int AS dkim,
      coalesce(sum(d.count) FILTER (WHERE d.dmarc_pass), 0)::int AS dmarc, b.dispositions,
      array_agg(DISTINCT d.reporter_org ORDER BY d.reporter_org) AS reporters, min(d.begin_at) AS first_at, max(d.begin_at) AS last_at
    FROM d JOIN by_disposition b USING (header_from, source_ip)
    GROUP BY d.header_from, d.source_ip, b.dispositions
    ORDER BY messages DESC, domain, d.source_ip`;
  const ours = new Set(ourIps);
  return rows.map((r) => ({
    domain: r.domain,
    sourceIp: r.source_ip,
    messages: r.messages,
    spfAlignedPass: r.spf,
    dkimAlignedPass: r.dkim,
    dmarcPass: r.dmarc,
    dmarcPassRate: r.messages > 0 ? r.dmarc / r.messages : null,
    dispositions: r.dispositions,
    reporters: r.reporters,
    firstSeenAt: r.first_at.toISOString(),
    lastSeenAt: r.last_at.toISOString(),
    isOurs: ourIps.length === 0 ? null : ours.has(r.source_ip),
  }));
}
