import { z } from 'zod';
import type { ParseContext, ParseOutput, ParsedEvent, RecordFormat } from '../types';
import { isIpLiteral } from './address';
import { parseIsoTimestamp } from './generic-ndjson';
import { describeIssues, isObject, text } from './json-fields';

/**
 * Amazon SES event publishing records (`eventType`) and feedback notifications (`notificationType`),
 * bare or inside an Amazon SNS envelope. Field meanings from the SES Developer Guide,
 * "Contents of event data that Amazon SES publishes to Amazon SNS" and "notification contents".
 */

/** SNS message types (SNS Developer Guide, "HTTP/S notification JSON format"). */
export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** The SNS message type when `record` is an SNS envelope, else null: lets the webhook route answer a subscription. */
export function snsEnvelopeType(record: unknown): SnsMessageType | null {
  if (!isObject(record)) return null;
  const type = record.Type;
  return type === 'Notification' || type === 'SubscriptionConfirmation' || type === 'UnsubscribeConfirmation' ? type : null;
}

/**
 * Records that are no delivery attempt: Send (accepted by SES), Reject (virus, never sent),
 * Complaint, engagement, rendering failures, subscription preferences, and the test notification
 * SES sends when a topic is attached.
 */
const contextTypes = new Set([
  'Send',
  'Reject',
  'Complaint',
  'Open',
  'Click',
  'Rendering Failure',
  'RenderingFailure',
  'Subscription',
  'AmazonSnsSubscriptionSucceeded',
]);

/**
 * Bounce subtypes where SES never contacted the receiver: the address is on the global or the
 * account suppression list. Like SendGrid's `dropped`, that is our own list, not the provider.
 */
const suppressedSubTypes = new Set(['Suppressed', 'OnAccountSuppressionList']);

const isoTime = (what: string) => z.string({ error: `expected ${what} as an ISO 8601 timestamp` });
const optionalText = z.string({ error: 'expected a string' }).nullish();
const address = z.string({ error: 'expected an email address' }).refine((v) => v.includes('@'), { error: 'expected an email address' });

const mailSchema = z.object(
  {
    timestamp: optionalText,
    source: optionalText,
    messageId: optionalText,
    // Auto-tags: `ses:outgoing-ip` is the IP SES sent from; `ses:source-ip` is the API caller's (SES Developer Guide, "auto-tags").
    tags: z.record(z.string(), z.unknown(), { error: 'expected an object' }).nullish(),
  },
  { error: 'expected an object' },
);

const deliverySchema = z.object({
  mail: mailSchema,
  delivery: z.object(
    {
      timestamp: isoTime('the delivery time'),
      recipients: z.array(address, { error: 'expected a list of addresses' }).min(1, { error: 'expected at least one address' }),
      smtpResponse: optionalText,
      reportingMTA: optionalText,
      remoteMtaIp: optionalText,
      processingTimeMillis: z.number({ error: 'expected milliseconds' }).min(0, { error: 'expected milliseconds' }).nullish(),
    },
    { error: 'expected an object' },
  ),
});

const failedRecipient = z.object(
  { emailAddress: address, status: optionalText, diagnosticCode: optionalText },
  { error: 'expected an object' },
);

const bounceSchema = z.object({
  mail: mailSchema,
  bounce: z.object(
    {
      bounceType: z.string({ error: 'expected Permanent, Transient or Undetermined' }),
      bounceSubType: optionalText,
      bouncedRecipients: z.array(failedRecipient, { error: 'expected a list of recipients' }).min(1, { error: 'expected at least one recipient' }),
      timestamp: isoTime('the bounce time'),
      feedbackId: optionalText,
      remoteMtaIp: optionalText,
    },
    { error: 'expected an object' },
  ),
});

const deliveryDelaySchema = z.object({
  mail: mailSchema,
  deliveryDelay: z.object(
    {
      timestamp: isoTime('the delay time'),
      delayType: optionalText,
      delayedRecipients: z.array(failedRecipient, { error: 'expected a list of recipients' }).min(1, { error: 'expected at least one recipient' }),
      reportingMTA: optionalText,
    },
    { error: 'expected an object' },
  ),
});

/** `dsn; mta.example.com` (an RFC 3464 name type) → `mta.example.com`. */
function withoutNameType(value: string | null | undefined): string | null {
  const t = text(value);
  return t === null ? null : text(t.replace(/^(?:dns|dsn|smtp);\s*/i, ''));
}

function ipOrNull(value: string | null | undefined): string | null {
  const t = text(value);
  return t !== null && isIpLiteral(t) ? t : null;
}

function enhanced(value: string | null | undefined): string | null {
  const s = text(value);
  return s !== null && /^[245]\.\d{1,3}\.\d{1,3}$/.test(s) ? s : null;
}

/** `Sender Name <sender@example.com>` → `sender@example.com`. */
function senderAddress(source: string | null | undefined): string | null {
  const t = text(source);
  if (t === null) return null;
  const bracketed = /<([^<>]*)>\s*$/.exec(t);
  return text(bracketed ? bracketed[1] : t);
}

function outgoingIp(tags: Record<string, unknown> | null | undefined): string | null {
  const values = tags?.['ses:outgoing-ip'];
  const first: unknown = Array.isArray(values) ? values[0] : values;
  return typeof first === 'string' ? ipOrNull(first) : null;
}

type Mail = z.infer<typeof mailSchema>;

function mailFields(mail: Mail): Pick<ParsedEvent, 'source' | 'queueId' | 'messageId' | 'sender' | 'sendingIp' | 'sizeBytes' | 'attempt'> {
  return {
    source: 'ses',
    queueId: null,
    messageId: text(mail.messageId),
    sender: senderAddress(mail.source),
    sendingIp: outgoingIp(mail.tags),
    sizeBytes: null,
    attempt: null,
  };
}

/** Seconds from SES accepting the message (`mail.timestamp`) to this event; null when unknown or negative. */
function secondsSinceSent(mail: Mail, occurredAt: Date, ctx: ParseContext): number | null {
  const sent = mail.timestamp ? parseIsoTimestamp(mail.timestamp, ctx.utcOffsetMinutes) : null;
  if (sent === null) return null;
  const seconds = (occurredAt.getTime() - sent.getTime()) / 1000;
  return seconds >= 0 ? seconds : null;
}

type SesResult = { ok: true; events: ParsedEvent[] } | { ok: false; reason: string };

function parseDelivery(record: Record<string, unknown>, ctx: ParseContext, prefix: string): SesResult {
  const parsed = deliverySchema.safeParse(record);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error, prefix) };
  const { mail, delivery } = parsed.data;
  const occurredAt = parseIsoTimestamp(delivery.timestamp, ctx.utcOffsetMinutes);
  if (occurredAt === null) return { ok: false, reason: `${prefix}delivery.timestamp: expected the delivery time as an ISO 8601 timestamp` };
  const events = delivery.recipients.map(
    (recipient): ParsedEvent => ({
      ...mailFields(mail),
      occurredAt,
      // reportingMTA of a delivery is the SES host that delivered it (a27-29.smtp-out.us-west-2.amazonses.com).
      sourceHost: withoutNameType(delivery.reportingMTA),
      recipient: recipient.trim(),
      mxHost: null,
      mxIp: ipOrNull(delivery.remoteMtaIp),
      outcome: 'delivered',
      smtpCode: null,
      enhancedCode: null,
      reply: text(delivery.smtpResponse),
      // processingTimeMillis runs from SES accepting the request to the receiver accepting the message.
      delaySeconds: delivery.processingTimeMillis === null || delivery.processingTimeMillis === undefined ? null : delivery.processingTimeMillis / 1000,
      providerEventId: null,
    }),
  );
  return { ok: true, events };
}

function parseBounce(record: Record<string, unknown>, ctx: ParseContext, prefix: string): SesResult {
  const parsed = bounceSchema.safeParse(record);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error, prefix) };
  const { mail, bounce } = parsed.data;
  if (suppressedSubTypes.has(bounce.bounceSubType ?? '')) return { ok: true, events: [] };
  const occurredAt = parseIsoTimestamp(bounce.timestamp, ctx.utcOffsetMinutes);
  if (occurredAt === null) return { ok: false, reason: `${prefix}bounce.timestamp: expected the bounce time as an ISO 8601 timestamp` };
  // SES reports a Transient bounce only after it stopped retrying (SES Developer Guide, event types:
  // "soft bounces are only included when SES fails to deliver the email after retrying"), so every
  // bounce type, Permanent, Transient or Undetermined, is a final failure.
  const kind = [bounce.bounceType, bounce.bounceSubType].filter(Boolean).join('/');
  const events = bounce.bouncedRecipients.map(
    (r): ParsedEvent => ({
      ...mailFields(mail),
      occurredAt,
      // A bounce's Reporting-MTA may be the receiver's host that wrote the DSN, so it names no host of ours.
      sourceHost: null,
      recipient: r.emailAddress.trim(),
      mxHost: null,
      mxIp: ipOrNull(bounce.remoteMtaIp),
      outcome: 'bounced',
      smtpCode: null,
      enhancedCode: enhanced(r.status),
      // Without a DSN there is no receiver text; SES's own classification is the local reason.
      reply: withoutNameType(r.diagnosticCode) ?? `SES bounce: ${kind}`,
      delaySeconds: secondsSinceSent(mail, occurredAt, ctx),
      // One feedbackId covers every recipient of the bounce; the dedupe key adds the recipient.
      providerEventId: text(bounce.feedbackId),
    }),
  );
  return { ok: true, events };
}

function parseDeliveryDelay(record: Record<string, unknown>, ctx: ParseContext, prefix: string): SesResult {
  const parsed = deliveryDelaySchema.safeParse(record);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error, prefix) };
  const { mail, deliveryDelay: delay } = parsed.data;
  const occurredAt = parseIsoTimestamp(delay.timestamp, ctx.utcOffsetMinutes);
  if (occurredAt === null) return { ok: false, reason: `${prefix}deliveryDelay.timestamp: expected the delay time as an ISO 8601 timestamp` };
  const delayType = text(delay.delayType);
  const events = delay.delayedRecipients.map(
    (r): ParsedEvent => ({
      ...mailFields(mail),
      occurredAt,
      sourceHost: withoutNameType(delay.reportingMTA),
      recipient: r.emailAddress.trim(),
      mxHost: null,
      mxIp: null,
      outcome: 'deferred',
      smtpCode: null,
      enhancedCode: enhanced(r.status),
      // delayType (IPFailure, MailboxFull, TransientCommunicationFailure…) is SES's reason when the receiver said nothing.
      reply: withoutNameType(r.diagnosticCode) ?? (delayType === null ? null : `SES delivery delay: ${delayType}`),
      delaySeconds: secondsSinceSent(mail, occurredAt, ctx),
      providerEventId: null,
    }),
  );
  return { ok: true, events };
}

const parsers = new Map<string, (record: Record<string, unknown>, ctx: ParseContext, prefix: string) => SesResult>([
  ['Delivery', parseDelivery],
  ['Bounce', parseBounce],
  ['DeliveryDelay', parseDeliveryDelay],
]);

function parseSesObject(record: Record<string, unknown>, line: number, ctx: ParseContext, prefix: string): ParseOutput[] {
  const typeKey = 'eventType' in record ? 'eventType' : 'notificationType';
  const type = record[typeKey];
  if (typeof type !== 'string') return [{ kind: 'reject', line, reason: `${prefix}eventType: missing or not a string (nor notificationType)` }];
  if (contextTypes.has(type)) return [];
  const parse = parsers.get(type);
  if (parse === undefined) return [{ kind: 'reject', line, reason: `${prefix}${typeKey}: unknown SES event type "${type.slice(0, 40)}"` }];
  const result = parse(record, ctx, prefix);
  if (!result.ok) return [{ kind: 'reject', line, reason: result.reason }];
  return result.events.map((event): ParseOutput => ({ kind: 'event', line, event }));
}

function parseSesRecord(record: unknown, line: number, ctx: ParseContext): ParseOutput[] {
  if (!isObject(record)) return [{ kind: 'reject', line, reason: 'expected an SES event or SNS message (a JSON object)' }];
  if (!('Type' in record)) return parseSesObject(record, line, ctx, '');
  const type = snsEnvelopeType(record);
  if (type === null) return [{ kind: 'reject', line, reason: 'Type: expected an SNS message type (Notification, SubscriptionConfirmation)' }];
  // Confirming a subscription is the webhook route's business (it visits SubscribeURL); nothing to ingest.
  if (type !== 'Notification') return [];
  if (typeof record.Message !== 'string') return [{ kind: 'reject', line, reason: 'Message: expected the SES event as a JSON string' }];
  let inner: unknown;
  try {
    inner = JSON.parse(record.Message);
  } catch {
    return [{ kind: 'reject', line, reason: 'Message: not valid JSON' }];
  }
  if (!isObject(inner)) return [{ kind: 'reject', line, reason: 'Message: expected a JSON object' }];
  return parseSesObject(inner, line, ctx, 'Message.');
}

/** Amazon SES Delivery, Bounce and DeliveryDelay records, bare or in an SNS Notification envelope. */
export const sesFormat: RecordFormat = {
  kind: 'records',
  name: 'ses',
  parseRecord: parseSesRecord,
};
