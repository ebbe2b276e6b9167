import { z } from 'zod';
import type { Outcome, ParseContext, ParseOutput, ParsedEvent, RecordFormat } from '../types';
import { parseIsoTimestamp } from './generic-ndjson';
import { describeIssues, isObject, text } from './json-fields';

/**
 * Postmark webhook payloads (one JSON object per POST; field meanings from Postmark's webhook
 * and Bounce API documentation). Older delivery and bounce webhooks carry no `RecordType`.
 */

/** Record types that are no delivery attempt. */
const contextRecordTypes = new Set(['SpamComplaint', 'Open', 'Click', 'SubscriptionChange']);

/**
 * Bounce `Type` → outcome (types from Postmark's Bounce API "bounce types" table). Transient
 * ("Message delayed") and DnsError ("A temporary DNS error") are delay reports: the message may
 * still arrive, so they are deferrals. SoftBounce ("Unable to temporarily deliver message", e.g.
 * mailbox full) is reported when delivery failed for good with a temporary-class reason, like an
 * SES Transient bounce, so it is a bounce.
 */
const outcomeByBounceType = new Map<string, Outcome>([
  ['HardBounce', 'bounced'],
  ['SoftBounce', 'bounced'],
  ['BadEmailAddress', 'bounced'],
  ['Blocked', 'bounced'],
  ['DMARCPolicy', 'bounced'],
  ['Unknown', 'bounced'],
  ['Transient', 'deferred'],
  ['DnsError', 'deferred'],
]);

/**
 * Bounce types that report no failed delivery: replies and notices (auto-responder, address
 * change, challenge, spam/virus notification), list requests, Postmark's own deactivations and
 * errors on the sender's side (SMTP API, template rendering, inbound processing).
 */
const contextBounceTypes = new Set([
  'Unsubscribe',
  'Subscribe',
  'AutoResponder',
  'AddressChange',
  'SpamNotification',
  'OpenRelayTest',
  'VirusNotification',
  'ChallengeVerification',
  'SpamComplaint',
  'ManuallyDeactivated',
  'Unconfirmed',
  'SMTPApiError',
  'InboundError',
  'TemplateRenderingFailed',
]);

const optionalText = z.string({ error: 'expected a string' }).nullish();
const address = z.string({ error: 'expected an email address' }).refine((v) => v.includes('@'), { error: 'expected an email address' });
const isoTime = z.string({ error: 'expected an ISO 8601 timestamp' });

const deliverySchema = z.object({
  Recipient: address,
  DeliveredAt: isoTime,
  MessageID: optionalText,
  Details: optionalText,
});

const bounceSchema = z.object({
  Type: z.string({ error: 'expected a bounce type' }),
  Email: address,
  BouncedAt: isoTime,
  ID: z.union([z.number().int(), z.string()], { error: 'expected a bounce id' }).nullish(),
  MessageID: optionalText,
  Details: optionalText,
  Description: optionalText,
});

/** Postmark quotes the receiver as `smtp;550 5.1.1 …`; the RFC 3464 diagnostic type is not part of the reply. */
function withoutDiagnosticType(value: string | null | undefined): string | null {
  const t = text(value);
  return t === null ? null : text(t.replace(/^smtp;\s*/i, ''));
}

function baseEvent(occurredAt: Date, recipient: string, messageId: string | null | undefined): Omit<ParsedEvent, 'outcome' | 'reply' | 'providerEventId'> {
  return {
    occurredAt,
    source: 'postmark',
    sourceHost: null,
    queueId: null,
    messageId: text(messageId),
    sender: null,
    recipient: recipient.trim(),
    mxHost: null,
    mxIp: null,
    sendingIp: null,
    smtpCode: null,
    enhancedCode: null,
    delaySeconds: null,
    attempt: null,
    sizeBytes: null,
  };
}

function parseDelivery(record: Record<string, unknown>, line: number, ctx: ParseContext): ParseOutput[] {
  const parsed = deliverySchema.safeParse(record);
  if (!parsed.success) return [{ kind: 'reject', line, reason: describeIssues(parsed.error) }];
  const d = parsed.data;
  const occurredAt = parseIsoTimestamp(d.DeliveredAt, ctx.utcOffsetMinutes);
  if (occurredAt === null) return [{ kind: 'reject', line, reason: 'DeliveredAt: expected an ISO 8601 timestamp' }];
  const event: ParsedEvent = { ...baseEvent(occurredAt, d.Recipient, d.MessageID), outcome: 'delivered', reply: withoutDiagnosticType(d.Details), providerEventId: null };
  return [{ kind: 'event', line, event }];
}

function parseBounce(record: Record<string, unknown>, line: number, ctx: ParseContext): ParseOutput[] {
  const type = record.Type;
  if (typeof type !== 'string') return [{ kind: 'reject', line, reason: 'Type: expected a bounce type' }];
  if (contextBounceTypes.has(type)) return [];
  const outcome = outcomeByBounceType.get(type);
  if (outcome === undefined) return [{ kind: 'reject', line, reason: `Type: unknown Postmark bounce type "${type.slice(0, 40)}"` }];
  const parsed = bounceSchema.safeParse(record);
  if (!parsed.success) return [{ kind: 'reject', line, reason: describeIssues(parsed.error) }];
  const b = parsed.data;
  const occurredAt = parseIsoTimestamp(b.BouncedAt, ctx.utcOffsetMinutes);
  if (occurredAt === null) return [{ kind: 'reject', line, reason: 'BouncedAt: expected an ISO 8601 timestamp' }];
  const event: ParsedEvent = {
    ...baseEvent(occurredAt, b.Email, b.MessageID),
    outcome,
    // Details is what the receiver said; Description is Postmark's generic text for the bounce type.
    reply: withoutDiagnosticType(b.Details) ?? text(b.Description),
    providerEventId: b.ID === null || b.ID === undefined ? null : text(String(b.ID)),
  };
  return [{ kind: 'event', line, event }];
}

function parsePostmarkRecord(record: unknown, line: number, ctx: ParseContext): ParseOutput[] {
  if (!isObject(record)) return [{ kind: 'reject', line, reason: 'expected a Postmark webhook payload (a JSON object)' }];
  const recordType = record.RecordType;
  if (recordType === undefined) {
    // Webhooks from before RecordType (Postmark support article 1067) are told apart by their time field.
    if ('DeliveredAt' in record) return parseDelivery(record, line, ctx);
    if ('BouncedAt' in record) return parseBounce(record, line, ctx);
    return [{ kind: 'reject', line, reason: 'RecordType: missing (and no DeliveredAt or BouncedAt)' }];
  }
  if (typeof recordType !== 'string') return [{ kind: 'reject', line, reason: 'RecordType: expected a string' }];
  if (recordType === 'Delivery') return parseDelivery(record, line, ctx);
  if (recordType === 'Bounce') return parseBounce(record, line, ctx);
  if (contextRecordTypes.has(recordType)) return [];
  return [{ kind: 'reject', line, reason: `RecordType: unknown Postmark record type "${recordType.slice(0, 40)}"` }];
}

/** Postmark Delivery and Bounce webhooks (with or without RecordType). */
export const postmarkFormat: RecordFormat = {
  kind: 'records',
  name: 'postmark',
  parseRecord: parsePostmarkRecord,
};
