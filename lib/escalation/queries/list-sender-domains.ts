import { db } from '@/lib/db/client';

/** Attempts looked at to find the sender domains of the stream: the first of the window. */
export const SENDER_SAMPLE_EVENTS = 20_000;
const MAX_DOMAINS = 10;

/**
 * The envelope-sender domains of the mail a provider deferred in [from, to), the most frequent first, from a bounded
 * sample of SENDER_SAMPLE_EVENTS failed attempts; the domains configured by hand follow when the logs carry no sender.
 */
export async function listSenderDomains(organizationId: string, q: { provider: string; from: Date; to: Date }): Promise<string[]> {
  const rows = await db().$queryRaw<Array<{ domain: string }>>`
    WITH sample AS (
      SELECT sender FROM delivery_event
      WHERE organization_id = ${organizationId}::uuid AND provider = ${q.provider} AND occurred_at >= ${q.from} AND occurred_at < ${q.to}
        AND outcome IN ('deferred', 'bounced') AND sender IS NOT NULL
      ORDER BY occurred_at, id LIMIT ${SENDER_SAMPLE_EVENTS}
    ), seen AS (
      SELECT lower(split_part(sender, '@', 2)) AS domain, count(*) AS n FROM sample WHERE sender LIKE '%@%' GROUP BY 1
    )
    SELECT domain FROM (
      SELECT domain, n, 0 AS src FROM seen WHERE domain <> ''
      UNION ALL SELECT domain, 0, 1 FROM sending_domain WHERE organization_id = ${organizationId}::uuid AND NOT EXISTS (SELECT 1 FROM seen)
    ) d ORDER BY src, n DESC, domain LIMIT ${MAX_DOMAINS}`;
  return rows.map((r) => r.domain);
}
