import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const alertEvents = ['incident.opened', 'incident.reopened', 'incident.escalated', 'incident.recovered', 'incident.resolved'] as const;
export type AlertEvent = (typeof alertEvents)[number];
export const alertEndpointKinds = ['slack', 'generic'] as const;
export type AlertEndpointKind = (typeof alertEndpointKinds)[number];

/** The header carrying `sha256=<hex HMAC-SHA256 of the body with the endpoint's secret>`. */
export const SIGNATURE_HEADER = 'X-Deferral-Desk-Signature';
/** The outbox row id: the same alert sent twice (after a crash) carries the same key. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const EVENT_HEADER = 'X-Deferral-Desk-Event';

/** What an alert says about the incident, frozen when the alert is written. */
export const alertPayloadSchema = z.object({
  event: z.enum(alertEvents),
  at: z.string(),
  incident: z.object({
    id: z.string(),
    path: z.string(),
    provider: z.string(),
    status: z.string(),
    scope: z.string(),
    escalation: z.string(),
    kbRule: z.string().nullable(),
    signature: z.string(),
    startedAt: z.string(),
    affectedIps: z.array(z.string()),
    affectedDomains: z.array(z.string()),
  }),
});
export type AlertPayload = z.infer<typeof alertPayloadSchema>;

const headline: Record<AlertEvent, string> = {
  'incident.opened': 'Incident opened',
  'incident.reopened': 'Incident reopened',
  'incident.escalated': 'Incident escalated',
  'incident.recovered': 'Incident recovered',
  'incident.resolved': 'Incident resolved',
};

/** One line for people: "Incident escalated: microsoft-365 · microsoft.server-busy · receiver-side · escalate". */
export function alertSummary(p: AlertPayload): string {
  return `${headline[p.event]}: ${p.incident.provider} · ${p.incident.kbRule ?? 'unknown reply'} · ${p.incident.scope}-side · ${p.incident.escalation}`;
}

/**
 * The request body for an endpoint: Slack's incoming-webhook shape (`text` as the fallback and
 * notification line, `blocks` for the message) or the payload as generic JSON with the outbox id.
 */
export function alertBody(kind: AlertEndpointKind, id: string, p: AlertPayload): string {
  if (kind === 'generic') return JSON.stringify({ id, ...p });
  const text = alertSummary(p);
  const ips = p.incident.affectedIps.length > 0 ? p.incident.affectedIps.join(', ') : 'none known';
  return JSON.stringify({
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Status*\n${p.incident.status}` },
          { type: 'mrkdwn', text: `*Started*\n${p.incident.startedAt}` },
          { type: 'mrkdwn', text: `*Sending IPs*\n${ips}` },
          { type: 'mrkdwn', text: `*Domains*\n${p.incident.affectedDomains.length}` },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `\`${p.incident.signature}\` · ${p.incident.path}` }] },
    ],
  });
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes, keyed with the endpoint's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does: recompute the signature and compare in constant time. */
export function verifySignature(secret: string, body: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** First retry after 30 s, doubling up to an hour. */
const BACKOFF_BASE_SECONDS = 30;
const BACKOFF_MAX_SECONDS = 3600;
/** After this many attempts (about two hours of retries) the alert is given up as failed. */
export const MAX_ALERT_ATTEMPTS = 8;

/** Seconds to wait after the `attempt`-th failed attempt (1-based): 30, 60, 120 … capped at 3600. */
export function backoffSeconds(attempt: number): number {
  return Math.min(BACKOFF_BASE_SECONDS * 2 ** Math.max(0, attempt - 1), BACKOFF_MAX_SECONDS);
}

/**
 * Whether an answer is worth retrying: no answer, a server error, 408 or 429. Other 4xx mean the
 * request itself is refused (a deleted Slack webhook answers 404), so retrying would not help.
 */
export function isRetryable(statusCode: number | null): boolean {
  return statusCode === null || statusCode >= 500 || statusCode === 408 || statusCode === 429;
}
