import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';

/** Bounds of the drill-down into raw events: IPs looked at, and replies kept per IP × region. */
export const TRANSCRIPT_MAX_IPS = 20;
export const TRANSCRIPTS_PER_GROUP = 2;

/** One full provider reply, with what an escalation to the provider asks for. */
export interface TranscriptDto {
  occurredAt: string;
  sendingIp: string;
  /** provider front-end region (Microsoft: NAM, EUR, APC …), null when the reply names none */
  region: string | null;
  recipientDomain: string | null;
  mxHost: string | null;
  queueId: string | null;
  smtpCode: number | null;
  enhancedCode: string | null;
  reply: string;
  providerToken: string | null;
  providerHost: string | null;
  correlationId: string | null;
}

export interface TranscriptQuery {
  provider: string;
  /** the incident's rule; replies are matched on it, else on the signature */
  kbRule: string | null;
  signature: string;
  ips: string[];
  /** regions seen in the incident; none means one group per IP */
  regions: string[];
  from: Date;
  to: Date;
}

interface Row {
  occurred_at: Date;
  sending_ip: string;
  provider_region: string | null;
  recipient_domain: string | null;
  mx_host: string | null;
  queue_id: string | null;
  smtp_code: number | null;
  enhanced_code: string | null;
  reply: string;
  provider_token: string | null;
  provider_host: string | null;
  correlation_id: string | null;
}

/**
 * Sample transcripts of an incident: the first TRANSCRIPTS_PER_GROUP failed replies of its kind per
 * affected sending IP and provider region in [from, to). A bounded drill-down into delivery_event:
 * one index range per IP × region, each stopped after a few rows.
 */
export async function listIncidentTranscripts(organizationId: string, q: TranscriptQuery): Promise<TranscriptDto[]> {
  const ips = q.ips.slice(0, TRANSCRIPT_MAX_IPS);
  if (ips.length === 0) return [];
  const regions: Array<string | null> = q.regions.length > 0 ? q.regions : [null];
  const matches = q.kbRule === null ? Prisma.sql`e.signature = ${q.signature}` : Prisma.sql`e.kb_rule = ${q.kbRule}`;
  const rows = await db().$queryRaw<Row[]>`
    SELECT s.* FROM unnest(${ips}::text[]) AS ip
    CROSS JOIN unnest(${regions}::text[]) AS region
    CROSS JOIN LATERAL (
      SELECT e.occurred_at, e.sending_ip, e.provider_region, e.recipient_domain, e.mx_host, e.queue_id, e.smtp_code::int AS smtp_code,
             e.enhanced_code, e.reply, e.provider_token, e.provider_host, e.correlation_id
      FROM delivery_event e
      WHERE e.organization_id = ${organizationId}::uuid AND e.sending_ip = ip AND e.occurred_at >= ${q.from} AND e.occurred_at < ${q.to}
        AND e.provider = ${q.provider} AND e.outcome IN ('deferred', 'bounced') AND e.reply IS NOT NULL AND ${matches}
        AND (region IS NULL OR e.provider_region = region)
      ORDER BY e.occurred_at, e.id LIMIT ${TRANSCRIPTS_PER_GROUP}
    ) s
    ORDER BY s.sending_ip, s.provider_region NULLS LAST, s.occurred_at`;
  return rows.map((r) => ({
    occurredAt: r.occurred_at.toISOString(),
    sendingIp: r.sending_ip,
    region: r.provider_region,
    recipientDomain: r.recipient_domain,
    mxHost: r.mx_host,
    queueId: r.queue_id,
    smtpCode: r.smtp_code,
    enhancedCode: r.enhanced_code,
    reply: r.reply,
    providerToken: r.provider_token,
    providerHost: r.provider_host,
    correlationId: r.correlation_id,
  }));
}
