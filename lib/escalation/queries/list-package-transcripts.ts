import { db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/prisma/client';

/** Bounds of the drill-down: IPs sampled, replies per IP × region, signatures given a first and last reply. */
export const PACKAGE_TRANSCRIPT_MAX_IPS = 20;
export const PACKAGE_TRANSCRIPTS_PER_GROUP = 3;
export const PACKAGE_MAX_SIGNATURES = 10;

export type TranscriptKind = 'sample' | 'first_seen' | 'last_seen';

/** One full failed reply with what Microsoft support asks for (DOMAIN.md "The escalation package"). */
export interface PackageTranscript {
  kind: TranscriptKind;
  occurredAt: string;
  sendingIp: string | null;
  region: string | null;
  recipient: string | null;
  recipientDomain: string | null;
  mxHost: string | null;
  providerHost: string | null;
  providerToken: string | null;
  correlationId: string | null;
  smtpCode: number | null;
  enhancedCode: string | null;
  signature: string | null;
  reply: string;
}

export interface PackageTranscriptQuery {
  provider: string;
  ips: string[];
  /** the incident's regions; none means one group per IP */
  regions: string[];
  from: Date;
  to: Date;
}

interface Row {
  kind: TranscriptKind;
  occurred_at: Date;
  sending_ip: string | null;
  provider_region: string | null;
  recipient: string | null;
  recipient_domain: string | null;
  mx_host: string | null;
  provider_host: string | null;
  provider_token: string | null;
  correlation_id: string | null;
  smtp_code: number | null;
  enhanced_code: string | null;
  signature: string | null;
  reply: string;
}

const COLUMNS = Prisma.sql`e.occurred_at, e.sending_ip, e.provider_region, e.recipient, e.recipient_domain, e.mx_host, e.provider_host, e.provider_token,
  e.correlation_id, e.smtp_code::int AS smtp_code, e.enhanced_code, e.signature, e.reply`;

/**
 * Full failed replies of an incident's provider in [from, to): the first PACKAGE_TRANSCRIPTS_PER_GROUP per sending IP ×
 * region, and the first and last reply of each of the busiest failure signatures. Bounded: the signatures and the minute
 * they were first and last seen come from signature_minute, and each raw lookup is one index range stopped after a few rows.
 */
export async function listPackageTranscripts(organizationId: string, q: PackageTranscriptQuery): Promise<PackageTranscript[]> {
  const org = Prisma.sql`${organizationId}::uuid`;
  const ips = q.ips.slice(0, PACKAGE_TRANSCRIPT_MAX_IPS);
  const regions: Array<string | null> = q.regions.length > 0 ? q.regions : [null];
  const samples =
    ips.length === 0
      ? []
      : await db().$queryRaw<Row[]>`
    SELECT 'sample' AS kind, s.* FROM unnest(${ips}::text[]) AS ip
    CROSS JOIN unnest(${regions}::text[]) AS region
    CROSS JOIN LATERAL (
      SELECT ${COLUMNS} FROM delivery_event e
      WHERE e.organization_id = ${org} AND e.sending_ip = ip AND e.occurred_at >= ${q.from} AND e.occurred_at < ${q.to}
        AND e.provider = ${q.provider} AND e.outcome IN ('deferred', 'bounced') AND e.reply IS NOT NULL
        AND (region IS NULL OR e.provider_region = region)
      ORDER BY e.occurred_at, e.id LIMIT ${PACKAGE_TRANSCRIPTS_PER_GROUP}
    ) s
    ORDER BY s.sending_ip, s.provider_region NULLS LAST, s.occurred_at`;
  const bySignature = await db().$queryRaw<Row[]>`
    WITH sig AS (
      SELECT signature, min(bucket) AS first_minute, max(bucket) AS last_minute, sum(count) AS n
      FROM signature_minute
      WHERE organization_id = ${org} AND provider = ${q.provider} AND outcome IN ('deferred', 'bounced') AND bucket >= ${q.from} AND bucket < ${q.to}
      GROUP BY signature ORDER BY n DESC, signature LIMIT ${PACKAGE_MAX_SIGNATURES}
    )
    SELECT x.* FROM sig
    CROSS JOIN LATERAL (
      (SELECT 'first_seen' AS kind, ${COLUMNS} FROM delivery_event e
        WHERE e.organization_id = ${org} AND e.provider = ${q.provider} AND e.occurred_at >= sig.first_minute AND e.occurred_at < sig.first_minute + interval '1 minute'
          AND e.signature = sig.signature AND e.outcome IN ('deferred', 'bounced') AND e.reply IS NOT NULL
        ORDER BY e.occurred_at, e.id LIMIT 1)
      UNION ALL
      (SELECT 'last_seen' AS kind, ${COLUMNS} FROM delivery_event e
        WHERE e.organization_id = ${org} AND e.provider = ${q.provider} AND e.occurred_at >= sig.last_minute AND e.occurred_at < sig.last_minute + interval '1 minute'
          AND e.signature = sig.signature AND e.outcome IN ('deferred', 'bounced') AND e.reply IS NOT NULL
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1)
    ) x
    ORDER BY sig.n DESC, sig.signature, x.kind`;
  return [...samples, ...bySignature].map((r) => ({
    kind: r.kind,
    occurredAt: r.occurred_at.toISOString(),
    sendingIp: r.sending_ip,
    region: r.provider_region,
    recipient: r.recipient,
    recipientDomain: r.recipient_domain,
    mxHost: r.mx_host,
    providerHost: r.provider_host,
    providerToken: r.provider_token,
    correlationId: r.correlation_id,
    smtpCode: r.smtp_code,
    enhancedCode: r.enhanced_code,
    signature: r.signature,
    reply: r.reply,
  }));
}
