import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { kbRules } from '@/lib/smtp';
import { splitAtHours } from '../buckets';

export interface TopSignaturesInput {
  provider?: string | undefined;
  ip?: string | undefined;
  from: Date;
  to: Date;
  limit?: number | undefined;
}

export interface TopSignatureDto {
  signature: string;
  count: number;
  /** count / all non-delivery replies with a signature under the same filter and range. */
  share: number;
  deferred: number;
  bounced: number;
  expired: number;
  kbRule: string | null;
  /** What the knowledge base says of the rule; null when no rule matched. */
  kb: { meaning: string; category: string; scope: string; action: string; avoid: string | null; temporary: boolean | null } | null;
  sampleReply: string | null;
}

export interface TopSignaturesDto {
  from: string;
  to: string;
  /**
   * Where the counts come from: signature_hour for the whole UTC hours of the range, and for the partial hours at its
   * ends signature_minute (whole minutes from the minute of `from`), or raw events when filtering by IP (exact times;
   * signature_minute has no IP column). Both give what a scan of the finer source over the whole range would.
   */
  source: 'signature_hour+signature_minute' | 'signature_hour+delivery_event';
  total: number;
  signatures: TopSignatureDto[];
}

interface Row {
  signature: string;
  count: number;
  deferred: number;
  bounced: number;
  expired: number;
  kb_rule: string | null;
  sample_reply: string | null;
  total: number;
}

const ruleById = new Map(kbRules.map((r) => [r.id, r]));
const MINUTE_MS = 60_000;
/** Top reply signatures of deferrals, bounces and expiries for a provider and/or sending IP in [from, to), with the KB meaning of their rule. */
export async function getTopSignatures(organizationId: string, input: TopSignaturesInput): Promise<TopSignaturesDto> {
  const limit = Math.min(Math.max(input.limit ?? 10, 1), 100);
  const org = Prisma.sql`${organizationId}::uuid`;
  const provider = input.provider ? Prisma.sql`AND provider = ${input.provider}` : Prisma.empty;
  const byIp = input.ip !== undefined;
  // The per-minute rollup counts whole minutes from the minute of `from`; raw events count from `from` itself.
  const from = byIp ? input.from : new Date(Math.floor(input.from.getTime() / MINUTE_MS) * MINUTE_MS);
  const { hourFrom, hourTo, firstEdgeTo } = splitAtHours(from, input.to);
  const hourIp = byIp ? Prisma.sql`AND sending_ip = ${input.ip}` : Prisma.empty;
  // signature_hour stores an unknown IP as '', raw events as NULL.
  const rawIp = input.ip === '' ? Prisma.sql`sending_ip IS NULL` : Prisma.sql`sending_ip = ${input.ip ?? null}`;
  const edge = (lo: Date, hi: Date) =>
    byIp
      ? Prisma.sql`SELECT signature, outcome, kb_rule, 1 AS count, reply AS sample_reply FROM delivery_event
          WHERE organization_id = ${org} AND ${rawIp} AND occurred_at >= ${lo} AND occurred_at < ${hi}
            AND signature IS NOT NULL AND outcome <> 'delivered' ${provider}`
      : Prisma.sql`SELECT signature, outcome, kb_rule, count, sample_reply FROM signature_minute
          WHERE organization_id = ${org} AND bucket >= ${lo} AND bucket < ${hi} ${provider}`;
  const rows = await db().$queryRaw<Row[]>(Prisma.sql`
    WITH src AS (
      SELECT signature, outcome, kb_rule, count, sample_reply FROM signature_hour
      WHERE organization_id = ${org} AND bucket >= ${hourFrom} AND bucket < ${hourTo} ${hourIp} ${provider}
      UNION ALL ${edge(from, firstEdgeTo)}
      UNION ALL ${edge(hourTo, input.to)})
    SELECT signature, sum(count)::int AS count, coalesce(sum(count) FILTER (WHERE outcome = 'deferred'), 0)::int AS deferred,
           coalesce(sum(count) FILTER (WHERE outcome = 'bounced'), 0)::int AS bounced, coalesce(sum(count) FILTER (WHERE outcome = 'expired'), 0)::int AS expired,
           min(kb_rule) AS kb_rule, min(sample_reply) AS sample_reply, (sum(sum(count)) OVER ())::int AS total
    FROM src GROUP BY signature ORDER BY sum(count) DESC, signature LIMIT ${limit}`);
  const total = rows[0]?.total ?? 0;
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    source: byIp ? 'signature_hour+delivery_event' : 'signature_hour+signature_minute',
    total,
    signatures: rows.map((r) => {
      const rule = r.kb_rule ? ruleById.get(r.kb_rule) : undefined;
      return {
        signature: r.signature,
        count: r.count,
        share: total > 0 ? r.count / total : 0,
        deferred: r.deferred,
        bounced: r.bounced,
        expired: r.expired,
        kbRule: r.kb_rule,
        kb: rule ? { meaning: rule.meaning, category: rule.category, scope: rule.scope, action: rule.action, avoid: rule.avoid, temporary: rule.temporary } : null,
        sampleReply: r.sample_reply,
      };
    }),
  };
}
