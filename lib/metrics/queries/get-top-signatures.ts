import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { kbRules } from '@/lib/smtp';

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
  /** Where the counts come from: the per-minute rollup, or raw events when filtering by IP (the rollup has no IP column). */
  source: 'signature_minute' | 'delivery_event';
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

/** Top reply signatures of deferrals, bounces and expiries for a provider and/or sending IP in [from, to), with the KB meaning of their rule. */
export async function getTopSignatures(organizationId: string, input: TopSignaturesInput): Promise<TopSignaturesDto> {
  const limit = Math.min(Math.max(input.limit ?? 10, 1), 100);
  const byIp = input.ip !== undefined;
  const rows = byIp
    ? await db().$queryRaw<Row[]>`
        SELECT signature, count(*)::int AS count, (count(*) FILTER (WHERE outcome = 'deferred'))::int AS deferred,
               (count(*) FILTER (WHERE outcome = 'bounced'))::int AS bounced, (count(*) FILTER (WHERE outcome = 'expired'))::int AS expired,
               min(kb_rule) AS kb_rule, min(reply) AS sample_reply, (sum(count(*)) OVER ())::int AS total
        FROM delivery_event
        WHERE organization_id = ${organizationId}::uuid AND sending_ip = ${input.ip} AND occurred_at >= ${input.from} AND occurred_at < ${input.to}
          AND signature IS NOT NULL AND outcome <> 'delivered' ${input.provider ? Prisma.sql`AND provider = ${input.provider}` : Prisma.empty}
        GROUP BY signature ORDER BY count(*) DESC, signature LIMIT ${limit}`
    : await db().$queryRaw<Row[]>`
        SELECT signature, sum(count)::int AS count, coalesce(sum(count) FILTER (WHERE outcome = 'deferred'), 0)::int AS deferred,
               coalesce(sum(count) FILTER (WHERE outcome = 'bounced'), 0)::int AS bounced, coalesce(sum(count) FILTER (WHERE outcome = 'expired'), 0)::int AS expired,
               min(kb_rule) AS kb_rule, min(sample_reply) AS sample_reply, (sum(sum(count)) OVER ())::int AS total
        FROM signature_minute
        WHERE organization_id = ${organizationId}::uuid AND bucket >= date_trunc('minute', ${input.from}::timestamptz) AND bucket < ${input.to}
          ${input.provider ? Prisma.sql`AND provider = ${input.provider}` : Prisma.empty}
        GROUP BY signature ORDER BY sum(count) DESC, signature LIMIT ${limit}`;
  const total = rows[0]?.total ?? 0;
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    source: byIp ? 'delivery_event' : 'signature_minute',
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
