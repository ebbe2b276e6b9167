import { db } from '@/lib/db/client';

/** Sending IPs listed at most (affected ones first, then the busiest towards the provider). */
export const IP_VOLUME_MAX_IPS = 50;
/** Days of hourly history before the incident: Microsoft's replies most often cite sudden volume changes (DOMAIN.md). */
export const HISTORY_DAYS = 30;

export interface IpHour {
  /** hour start, ISO */
  t: string;
  attempts: number;
  delivered: number;
  deferred: number;
  bounced: number;
}

export interface IpVolume {
  ip: string;
  isAffected: boolean;
  windowAttempts: number;
  historyAttempts: number;
  /** hours of the incident window, gap-filled */
  window: IpHour[];
  /** the HISTORY_DAYS × 24 hours before the window, gap-filled */
  history: IpHour[];
}

interface Row {
  ip: string;
  t: Date;
  attempts: number;
  delivered: number;
  deferred: number;
  bounced: number;
}

const HOUR_MS = 3_600_000;

/**
 * Hourly attempts per sending IP towards one provider, over the incident window and the HISTORY_DAYS before it,
 * from the minute rollup (never raw events), gap-filled with zeros in SQL.
 */
export async function getIpVolume(organizationId: string, q: { provider: string; affectedIps: string[]; from: Date; to: Date }): Promise<IpVolume[]> {
  const windowStart = new Date(Math.floor(q.from.getTime() / HOUR_MS) * HOUR_MS);
  const historyStart = new Date(windowStart.getTime() - HISTORY_DAYS * 24 * HOUR_MS);
  const busiest = await db().$queryRaw<Array<{ ip: string }>>`
    SELECT sending_ip AS ip FROM metric_minute
    WHERE organization_id = ${organizationId}::uuid AND provider = ${q.provider} AND bucket >= ${q.from} AND bucket < ${q.to} AND sending_ip <> ''
    GROUP BY sending_ip ORDER BY sum(attempts) DESC, sending_ip LIMIT ${IP_VOLUME_MAX_IPS}`;
  const affected = [...q.affectedIps].sort();
  const ips = [...new Set([...affected, ...busiest.map((r) => r.ip)])].slice(0, IP_VOLUME_MAX_IPS);
  if (ips.length === 0) return [];
  const rows = await db().$queryRaw<Row[]>`
    WITH hours AS (
      SELECT generate_series(${historyStart}::timestamptz, ${q.to}::timestamptz - interval '1 millisecond', interval '1 hour') AS t
    ), agg AS (
      SELECT sending_ip AS ip, date_bin(interval '1 hour', bucket, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS t,
             sum(attempts) AS attempts, sum(delivered) AS delivered, sum(deferred) AS deferred, sum(bounced) AS bounced
      FROM metric_minute
      WHERE organization_id = ${organizationId}::uuid AND provider = ${q.provider} AND sending_ip = ANY(${ips}::text[])
        AND bucket >= ${historyStart} AND bucket < ${q.to}
      GROUP BY 1, 2
    )
    SELECT i.ip, h.t, coalesce(a.attempts, 0)::int AS attempts, coalesce(a.delivered, 0)::int AS delivered,
           coalesce(a.deferred, 0)::int AS deferred, coalesce(a.bounced, 0)::int AS bounced
    FROM unnest(${ips}::text[]) AS i(ip) CROSS JOIN hours h LEFT JOIN agg a ON a.ip = i.ip AND a.t = h.t
    ORDER BY i.ip, h.t`;
  return ips.map((ip) => {
    const mine = rows.filter((r) => r.ip === ip);
    const toHour = (r: Row): IpHour => ({ t: r.t.toISOString(), attempts: r.attempts, delivered: r.delivered, deferred: r.deferred, bounced: r.bounced });
    const window = mine.filter((r) => r.t.getTime() >= windowStart.getTime()).map(toHour);
    const history = mine.filter((r) => r.t.getTime() < windowStart.getTime()).map(toHour);
    return {
      ip,
      isAffected: affected.includes(ip),
      windowAttempts: window.reduce((n, h) => n + h.attempts, 0),
      historyAttempts: history.reduce((n, h) => n + h.attempts, 0),
      window,
      history,
    };
  });
}
