import { hash } from 'node:crypto';
import { explainReply, readReply } from '@/lib/smtp';
import type { Category, ProviderGroup } from '@/lib/smtp/types';
import type { Outcome, ParsedEvent, SourceName } from './types';

/** A parsed event with what lib/smtp understood of its reply: the row written to delivery_event. */
export interface NormalizedEvent {
  dedupeKey: Buffer;
  occurredAt: Date;
  source: SourceName;
  sourceHost: string | null;
  queueId: string | null;
  messageId: string | null;
  sender: string | null;
  recipient: string | null;
  recipientDomain: string | null;
  provider: ProviderGroup;
  mxHost: string | null;
  mxIp: string | null;
  sendingIp: string | null;
  outcome: Outcome;
  smtpCode: number | null;
  enhancedCode: string | null;
  reply: string | null;
  providerToken: string | null;
  providerHost: string | null;
  providerRegion: string | null;
  correlationId: string | null;
  delaySeconds: number | null;
  attempt: number | null;
  sizeBytes: number | null;
  kbRule: string | null;
  category: Category;
  scope: string | null;
  signature: string | null;
  isPerRecipient: boolean;
}

/** Events more than a day ahead of the server clock are refused: they would sit in the future of every chart. */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;
/** Nothing older than SMTP logs can plausibly be: 1990-01-01. */
export const MIN_TIME_MS = Date.UTC(1990, 0, 1);

function domainOf(address: string | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf('@');
  if (at < 0 || at === address.length - 1) return null;
  return address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '') || null;
}

/** Length of every dedupe key: the first 16 bytes of a SHA-256. */
export const DEDUPE_KEY_BYTES = 16;

/**
 * Stable de-duplication key: the provider's event id where it has one; for Postfix, source + host + queue id +
 * recipient + time + outcome, which a delivery line carries by itself, so it gets the same key whether or not its
 * qmgr/cleanup lines came in the same batch (prisma/migrations/20261129040000_postfix_dedupe_key rewrote older
 * keys to it); for Exim the same plus the reply and the host's address (a line carries them; Exim logs to the
 * second), without the Message-ID of its `<=` line, for the same reason (20261129052000_exim_dedupe_key); else
 * source + host + queue id + Message-ID + recipient + time + outcome + reply.
 */
export function dedupeKey(e: ParsedEvent): Buffer {
  const parts = e.providerEventId
    ? [e.source, 'id', e.providerEventId, e.recipient ?? '']
    : e.source === 'postfix'
      ? [e.source, e.sourceHost ?? '', e.queueId ?? '', e.recipient ?? '', String(e.occurredAt.getTime()), e.outcome]
      : e.source === 'exim'
        ? [e.source, e.sourceHost ?? '', e.queueId ?? '', e.recipient ?? '', String(e.occurredAt.getTime()), e.outcome, e.reply ?? '', e.mxIp ?? '']
        : [e.source, e.sourceHost ?? '', e.queueId ?? '', e.messageId ?? '', e.recipient ?? e.recipientDomain ?? '', String(e.occurredAt.getTime()), e.outcome, e.enhancedCode ?? '', e.reply ?? '', e.mxIp ?? ''];
  return hash('sha256', parts.join('\u0000'), 'buffer').subarray(0, DEDUPE_KEY_BYTES);
}

/**
 * A hand-off to a content filter or local service on this host (amavis on 127.0.0.1:10024, LMTP to
 * a local socket) is not a delivery to a mailbox provider: it is a context line, not an attempt.
 */
export function isLocalHop(e: ParsedEvent): boolean {
  return e.mxIp !== null && (/^127\./.test(e.mxIp) || e.mxIp === '::1' || e.mxIp.toLowerCase() === '::ffff:127.0.0.1');
}

/** Why an event's time is not acceptable, or null. */
export function timeProblem(occurredAt: Date, now: Date): string | null {
  const t = occurredAt.getTime();
  if (Number.isNaN(t)) return 'timestamp is not a valid date';
  if (t > now.getTime() + MAX_FUTURE_MS) return `timestamp ${occurredAt.toISOString()} is in the future`;
  if (t < MIN_TIME_MS) return `timestamp ${occurredAt.toISOString()} is before 1990`;
  return null;
}

/** Adds the reply analysis, provider, recipient domain and dedupe key to a parsed event. */
export function enrichEvent(e: ParsedEvent): NormalizedEvent {
  const recipientDomain = domainOf(e.recipient) ?? e.recipientDomain?.toLowerCase() ?? null;
  const replyContext = { mxHost: e.mxHost, recipientDomain, enhancedCode: e.enhancedCode, smtpCode: e.smtpCode };
  const isFailure = e.outcome !== 'delivered';
  // A delivery's 250 reply carries no failure meaning: only failures are classified by the knowledge base.
  const analysis = isFailure ? explainReply(e.reply ?? '', replyContext) : null;
  const reading = analysis ?? readReply(e.reply ?? '', replyContext);
  return {
    dedupeKey: dedupeKey(e),
    occurredAt: e.occurredAt,
    source: e.source,
    sourceHost: e.sourceHost,
    queueId: e.queueId,
    messageId: e.messageId,
    sender: e.sender,
    recipient: e.recipient,
    recipientDomain,
    // A custom domain hosted by Microsoft 365 shows no Microsoft MX in some logs, but the reply names an EOP front end.
    provider: reading.provider === 'other' && reading.providerHost ? 'microsoft-365' : reading.provider,
    mxHost: e.mxHost?.toLowerCase() ?? null,
    mxIp: e.mxIp,
    sendingIp: e.sendingIp ?? reading.sendingIp,
    outcome: e.outcome,
    smtpCode: e.smtpCode ?? reading.smtpCode,
    enhancedCode: e.enhancedCode ?? reading.enhancedCode,
    reply: e.reply,
    providerToken: reading.providerToken,
    providerHost: reading.providerHost,
    providerRegion: reading.providerRegion,
    correlationId: reading.correlationId,
    delaySeconds: e.delaySeconds === null ? null : Math.round(e.delaySeconds),
    attempt: e.attempt,
    sizeBytes: e.sizeBytes,
    kbRule: analysis?.kbRule ?? null,
    category: analysis?.category ?? 'unknown',
    scope: analysis?.scope ?? null,
    // Signatures cluster failures (top replies, incidents, the escalation package): a delivery's 250 reply has none.
    signature: analysis && e.reply ? analysis.signature : null,
    isPerRecipient: e.outcome === 'deferred' && analysis !== null && analysis.isPerRecipientTemporary,
  };
}
