import { z } from 'zod';
import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';
import { ApiError } from '@/lib/http/errors';
import { parseQuery } from '@/lib/http/query';
import { outcomes } from '../types';

/** A normalized event as the API returns it (DESIGN.md). */
export interface EventDto {
  id: string;
  occurredAt: string;
  source: string;
  sourceHost: string | null;
  queueId: string | null;
  messageId: string | null;
  recipient: string | null;
  recipientDomain: string | null;
  provider: string;
  mxHost: string | null;
  mxIp: string | null;
  sendingIp: string | null;
  outcome: string;
  smtpCode: number | null;
  enhancedCode: string | null;
  reply: string | null;
  providerToken: string | null;
  providerHost: string | null;
  correlationId: string | null;
  delaySeconds: number | null;
  attempt: number | null;
  kbRule: string | null;
  category: string;
  scope: string | null;
}

export const eventFilterSchema = z.object({
  provider: z.string().max(64).optional(),
  ip: z.string().max(64).optional(),
  domain: z.string().max(255).optional(),
  outcome: z.enum(outcomes).optional(),
  signature: z.string().max(2000).optional(),
  kbRule: z.string().max(128).optional(),
  from: z.coerce.date({ message: 'must be an ISO 8601 time' }).optional(),
  to: z.coerce.date({ message: 'must be an ISO 8601 time' }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
});
export type EventFilter = z.infer<typeof eventFilterSchema>;

export function eventFilterFromSearchParams(params: URLSearchParams): EventFilter {
  return parseQuery(params, eventFilterSchema);
}

function decodeCursor(cursor: string): { t: Date; id: bigint } {
  const [t, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(t ?? '');
  if (!id || !/^\d+$/.test(id) || Number.isNaN(date.getTime())) throw new ApiError('bad_request', 'cursor: not a cursor this API returned');
  return { t: date, id: BigInt(id) };
}

function encodeCursor(t: Date, id: bigint): string {
  return Buffer.from(`${t.toISOString()}|${id}`).toString('base64url');
}

interface Row {
  id: bigint;
  occurred_at: Date;
  source: string;
  source_host: string | null;
  queue_id: string | null;
  message_id: string | null;
  recipient: string | null;
  recipient_domain: string | null;
  provider: string;
  mx_host: string | null;
  mx_ip: string | null;
  sending_ip: string | null;
  outcome: string;
  smtp_code: number | null;
  enhanced_code: string | null;
  reply: string | null;
  provider_token: string | null;
  provider_host: string | null;
  correlation_id: string | null;
  delay_seconds: number | null;
  attempt: number | null;
  kb_rule: string | null;
  category: string;
  scope: string | null;
}

/** The WHERE clause for an event filter; always scoped to the organisation. */
export function eventWhere(organizationId: string, f: Omit<EventFilter, 'limit' | 'cursor'>): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`organization_id = ${organizationId}::uuid`];
  if (f.provider) parts.push(Prisma.sql`provider = ${f.provider}`);
  if (f.ip) parts.push(Prisma.sql`sending_ip = ${f.ip}`);
  if (f.domain) parts.push(Prisma.sql`recipient_domain = ${f.domain.toLowerCase()}`);
  if (f.outcome) parts.push(Prisma.sql`outcome = ${f.outcome}::outcome`);
  if (f.signature) parts.push(Prisma.sql`signature = ${f.signature}`);
  if (f.kbRule) parts.push(Prisma.sql`kb_rule = ${f.kbRule}`);
  if (f.from) parts.push(Prisma.sql`occurred_at >= ${f.from}`);
  if (f.to) parts.push(Prisma.sql`occurred_at < ${f.to}`);
  return Prisma.join(parts, ' AND ');
}

/** Events newest first with keyset pagination on (occurred_at, id). */
export async function listEvents(organizationId: string, filter: EventFilter): Promise<{ events: EventDto[]; nextCursor: string | null }> {
  const where = [eventWhere(organizationId, filter)];
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    where.push(Prisma.sql`(occurred_at, id) < (${c.t}, ${c.id})`);
  }
  const rows = await db().$queryRaw<Row[]>`
    SELECT id, occurred_at, source, source_host, queue_id, message_id, recipient, recipient_domain, provider, mx_host, mx_ip,
           sending_ip, outcome::text AS outcome, smtp_code, enhanced_code, reply, provider_token, provider_host, correlation_id,
           delay_seconds, attempt, kb_rule, category::text AS category, scope
    FROM delivery_event WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY occurred_at DESC, id DESC LIMIT ${filter.limit + 1}`;
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    events: page.map(toDto),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.occurred_at, last.id) : null,
  };
}

function toDto(r: Row): EventDto {
  return {
    id: r.id.toString(),
    occurredAt: r.occurred_at.toISOString(),
    source: r.source,
    sourceHost: r.source_host,
    queueId: r.queue_id,
    messageId: r.message_id,
    recipient: r.recipient,
    recipientDomain: r.recipient_domain,
    provider: r.provider,
    mxHost: r.mx_host,
    mxIp: r.mx_ip,
    sendingIp: r.sending_ip,
    outcome: r.outcome,
    smtpCode: r.smtp_code,
    enhancedCode: r.enhanced_code,
    reply: r.reply,
    providerToken: r.provider_token,
    providerHost: r.provider_host,
    correlationId: r.correlation_id,
    delaySeconds: r.delay_seconds,
    attempt: r.attempt,
    kbRule: r.kb_rule,
    category: r.category,
    scope: r.scope,
  };
}
