import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';

/** Messages analysed at most: the most recently deferred ones in the range. */
export const DEFAULT_MAX_MESSAGES = 1_000;
/** Retries closer than this against a throttling provider are a storm; Microsoft's S77714 guidance asks for back-off, not short loops. */
export const STORM_INTERVAL_SECONDS = 300;
/** Share of a provider's sampled deferrals that must be throttling-category for a storm flag. */
export const STORM_THROTTLING_SHARE = 0.5;
const MAX_EXAMPLES = 5;

export interface RetryBehaviourInput {
  from: Date;
  to: Date;
  provider?: string | undefined;
  maxMessages?: number | undefined;
}

export interface ProviderRetryDto {
  provider: string;
  messages: number;
  attemptsPerMessage: { avg: number; max: number };
  /** Seconds between consecutive attempts of the same message; null without any retry. */
  intervals: { count: number; medianSeconds: number | null; p90Seconds: number | null };
  deferrals: number;
  throttlingDeferrals: number;
  /** Median retry interval under 5 min while most of the provider's deferrals are throttling-category. */
  retryStorm: boolean;
  /** Deferred messages attempted from two or more sending IPs within the range. */
  ipRotation: { flagged: boolean; messages: number; examples: Array<{ queueId: string; recipient: string; sendingIps: string[] }> };
}

export interface RetryBehaviourDto {
  from: string;
  to: string;
  /** e.g. "sampled 1000 messages": the analysis is bounded, never a scan of every message. */
  sample: { messages: number; maxMessages: number; description: string };
  /** A message is one recipient of one queue entry: source + source host + queue id (else message id) + recipient. */
  providers: ProviderRetryDto[];
}

interface Row {
  provider: string;
  messages: number;
  avg_attempts: number;
  max_attempts: number;
  intervals: number;
  median_s: number | null;
  p90_s: number | null;
  deferrals: number;
  throttling: number;
  rotated: number;
  examples: Array<{ queueId: string; recipient: string; sendingIps: string[] }> | null;
}

interface SampledMessage {
  source: string;
  host: string;
  q: string;
  rcpt: string;
  first_seen_at: Date | null;
}

/**
 * Retry behaviour per provider from raw events, bounded: the range, and at most `maxMessages` messages (the most
 * recently deferred). Flags the two mistakes Microsoft's S77714 guidance warns about: retry storms and IP rotation.
 *
 * Two index-range reads instead of a scan of the range: the sample comes from the newest deferrals (the occurred_at
 * index, LIMIT), and its attempts are read from the earliest first_seen_at of the sampled messages in message_state
 * (every attempt of a message happens at or after it), so a 30-day range reads hours of events, not 30 days.
 */
export async function getRetryBehaviour(organizationId: string, input: RetryBehaviourInput): Promise<RetryBehaviourDto> {
  const maxMessages = Math.min(Math.max(input.maxMessages ?? DEFAULT_MAX_MESSAGES, 1), 10_000);
  const org = Prisma.sql`${organizationId}::uuid`;
  const providerFilter = input.provider ? Prisma.sql`AND provider = ${input.provider}` : Prisma.empty;
  // A message is keyed as lib/queue/queue-sql.ts keys message_state: md5 of source | host | queue id (else message id) | recipient.
  const sampled = await db().$queryRaw<SampledMessage[]>`
    WITH recent AS (
      SELECT source, coalesce(source_host, '') AS host, coalesce(queue_id, message_id) AS q, coalesce(recipient, recipient_domain, '') AS rcpt, occurred_at
      FROM delivery_event
      WHERE organization_id = ${org} AND occurred_at >= ${input.from} AND occurred_at < ${input.to} AND outcome = 'deferred'
        AND coalesce(queue_id, message_id) IS NOT NULL ${providerFilter}
      ORDER BY occurred_at DESC LIMIT ${maxMessages * 4}),
    sample AS (SELECT source, host, q, rcpt FROM recent GROUP BY 1, 2, 3, 4 ORDER BY max(occurred_at) DESC, q LIMIT ${maxMessages})
    SELECT s.source, s.host, s.q, s.rcpt, m.first_seen_at
    FROM sample s LEFT JOIN message_state m
      ON m.organization_id = ${org} AND m.message_key = decode(md5(concat_ws('|', s.source, s.host, s.q, s.rcpt)), 'hex')`;
  // Without a state row (never expected: ingest writes both in one transaction) the bound falls back to the range start.
  const earliest = sampled.reduce((t, m) => Math.min(t, m.first_seen_at?.getTime() ?? input.from.getTime()), input.to.getTime());
  const attemptsFrom = new Date(Math.max(input.from.getTime(), earliest));
  const rows = await db().$queryRaw<Row[]>`
    WITH sample AS (
      SELECT * FROM unnest(${sampled.map((m) => m.source)}::text[], ${sampled.map((m) => m.host)}::text[], ${sampled.map((m) => m.q)}::text[],
                           ${sampled.map((m) => m.rcpt)}::text[]) AS s(source, host, q, rcpt)),
    attempts AS (
      SELECT s.source, s.host, s.q, s.rcpt, e.provider, e.outcome, e.category, e.sending_ip,
             extract(epoch FROM e.occurred_at - lag(e.occurred_at) OVER (PARTITION BY s.source, s.host, s.q, s.rcpt ORDER BY e.occurred_at, e.id))::float8 AS gap
      -- COLLATE "C": the same equality (the database collation is deterministic), but sorting the range's attempts by
      -- these keys for a merge join compares bytes instead of locale rules (40 ms of 13 000 rows at 10 M events).
      FROM sample s JOIN delivery_event e
        ON e.organization_id = ${org} AND coalesce(e.queue_id, e.message_id) COLLATE "C" = s.q COLLATE "C"
       AND e.occurred_at >= ${attemptsFrom} AND e.occurred_at < ${input.to}
       AND e.source COLLATE "C" = s.source COLLATE "C" AND coalesce(e.source_host, '') COLLATE "C" = s.host COLLATE "C"
       AND coalesce(e.recipient, e.recipient_domain, '') COLLATE "C" = s.rcpt COLLATE "C"),
    msgs AS (
      SELECT q, rcpt, min(provider) AS provider, count(*) AS attempts, count(DISTINCT sending_ip) AS ips,
             array_agg(DISTINCT sending_ip ORDER BY sending_ip) FILTER (WHERE sending_ip IS NOT NULL) AS ip_list
      FROM attempts GROUP BY source, host, q, rcpt),
    per_provider AS (
      SELECT provider, count(*)::int AS messages, avg(attempts)::float8 AS avg_attempts, max(attempts)::int AS max_attempts,
             (count(*) FILTER (WHERE ips >= 2))::int AS rotated
      FROM msgs GROUP BY provider),
    gaps AS (
      SELECT provider, (count(gap))::int AS intervals,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_s, percentile_cont(0.9) WITHIN GROUP (ORDER BY gap) AS p90_s,
             (count(*) FILTER (WHERE outcome = 'deferred'))::int AS deferrals,
             (count(*) FILTER (WHERE outcome = 'deferred' AND category = 'throttling'))::int AS throttling
      FROM attempts GROUP BY provider),
    examples AS (
      SELECT provider, json_agg(json_build_object('queueId', q, 'recipient', rcpt, 'sendingIps', ip_list) ORDER BY q, rcpt) AS examples
      FROM (SELECT *, row_number() OVER (PARTITION BY provider ORDER BY q, rcpt) AS n FROM msgs WHERE ips >= 2) x
      WHERE n <= ${MAX_EXAMPLES} GROUP BY provider)
    SELECT p.provider, p.messages, p.avg_attempts, p.max_attempts, g.intervals, g.median_s, g.p90_s, g.deferrals, g.throttling, p.rotated, x.examples
    FROM per_provider p JOIN gaps g USING (provider) LEFT JOIN examples x USING (provider)
    ORDER BY p.messages DESC, p.provider`;
  const messages = rows.reduce((n, r) => n + r.messages, 0);
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    sample: {
      messages,
      maxMessages,
      description: `sampled ${messages} messages: the most recently deferred in the range (at most ${maxMessages}), with all their attempts in the range`,
    },
    providers: rows.map((r) => ({
      provider: r.provider,
      messages: r.messages,
      attemptsPerMessage: { avg: r.avg_attempts, max: r.max_attempts },
      intervals: { count: r.intervals, medianSeconds: r.median_s, p90Seconds: r.p90_s },
      deferrals: r.deferrals,
      throttlingDeferrals: r.throttling,
      retryStorm: r.median_s !== null && r.median_s < STORM_INTERVAL_SECONDS && r.deferrals > 0 && r.throttling / r.deferrals > STORM_THROTTLING_SHARE,
      ipRotation: { flagged: r.rotated > 0, messages: r.rotated, examples: r.examples ?? [] },
    })),
  };
}
