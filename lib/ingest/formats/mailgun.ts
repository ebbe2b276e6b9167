import { z } from 'zod';
import type { Outcome, ParseOutput, ParsedEvent, RecordFormat } from '../types';
import { isIpLiteral, unbracketAddress } from './address';
import { describeIssues, isObject, text } from './json-fields';

/**
 * Mailgun events (field meanings from Mailgun's documentation, source/api-events.rst): a webhook
 * body `{"signature": {…}, "event-data": {…}}`, an Events API page `{"items": […], "paging": {…}}`
 * or one bare event object. The webhook signature is checked by the route, not here.
 */

/**
 * Events that are no delivery attempt: `accepted` (Mailgun queued it), `rejected` (Mailgun refused
 * it from us), engagement, and stored/list bookkeeping.
 */
const contextEvents = new Set([
  'accepted',
  'rejected',
  'opened',
  'clicked',
  'unsubscribed',
  'complained',
  'stored',
  'list_member_uploaded',
  'list_member_upload_error',
  'list_uploaded',
]);

/**
 * `failed` with these reasons means Mailgun did not try to deliver: the address is on the bounce,
 * unsubscribe or complaint suppression list (Mailgun codes 605–607). Like SendGrid's `dropped`,
 * that is our own list speaking, not the receiving provider, so it is context.
 */
const suppressionReasons = new Set(['suppress-bounce', 'suppress-unsubscribe', 'suppress-complaint']);

const optionalText = z.string({ error: 'expected a string' }).nullish();
const wholeNumber = z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).min(0, { error: 'expected a whole number' });

const eventSchema = z.object({
  event: z.string({ error: 'expected a string' }),
  id: optionalText,
  // Unix seconds with a fraction (1529692199.626182).
  timestamp: z
    .number({ error: 'expected unix seconds' })
    .refine((n) => Number.isFinite(n) && n > 0 && n < 1e11, { error: 'expected unix seconds' }),
  recipient: z.string({ error: 'expected an email address' }).refine((v) => v.includes('@'), { error: 'expected an email address' }),
  severity: z.enum(['temporary', 'permanent'], { error: 'expected "temporary" or "permanent"' }).nullish(),
  reason: optionalText,
  envelope: z.object({ sender: optionalText, 'sending-ip': optionalText }, { error: 'expected an object' }).nullish(),
  'delivery-status': z
    .object(
      {
        code: z.number({ error: 'expected a number' }).int({ error: 'expected a whole number' }).nullish(),
        message: optionalText,
        description: optionalText,
        'mx-host': optionalText,
        'attempt-no': wholeNumber.nullish(),
        'enhanced-code': optionalText,
        'bounce-code': optionalText,
      },
      { error: 'expected an object' },
    )
    .nullish(),
  message: z
    .object(
      {
        headers: z.object({ 'message-id': optionalText }, { error: 'expected an object' }).nullish(),
        size: wholeNumber.nullish(),
      },
      { error: 'expected an object' },
    )
    .nullish(),
});

/** RFC 3464 diagnostic type (`smtp; 550-5.1.1 …`) is not part of the server's reply. */
function withoutDiagnosticType(reply: string | null): string | null {
  return reply === null ? null : text(reply.replace(/^smtp;\s*/i, ''));
}

function enhanced(value: string | null | undefined): string | null {
  const s = text(value);
  return s !== null && /^[245]\.\d{1,3}\.\d{1,3}$/.test(s) ? s : null;
}

/** `failed` is temporary (Mailgun retries) or permanent; without `severity`, the reply class decides. */
function failedOutcome(severity: 'temporary' | 'permanent' | null | undefined, code: number | null): Outcome | null {
  if (severity === 'temporary') return 'deferred';
  if (severity === 'permanent') return 'bounced';
  if (code !== null && code >= 400 && code < 500) return 'deferred';
  if (code !== null && code >= 500 && code < 600) return 'bounced';
  return null;
}

function parseEvent(value: unknown, line: number, path: string): ParseOutput[] {
  if (!isObject(value)) return [{ kind: 'reject', line, reason: `${path || '(record)'}: expected a Mailgun event (a JSON object)` }];
  const name = value.event;
  if (typeof name !== 'string') return [{ kind: 'reject', line, reason: `${path ? `${path}.` : ''}event: missing or not a string` }];
  if (contextEvents.has(name)) return [];
  if (name !== 'delivered' && name !== 'failed') {
    return [{ kind: 'reject', line, reason: `${path ? `${path}.` : ''}event: unknown Mailgun event "${name.slice(0, 40)}"` }];
  }
  const parsed = eventSchema.safeParse(value);
  if (!parsed.success) return [{ kind: 'reject', line, reason: describeIssues(parsed.error, path) }];
  const e = parsed.data;
  if (name === 'failed' && suppressionReasons.has(e.reason ?? '')) return [];

  const status = e['delivery-status'] ?? {};
  // Mailgun's own codes (605 suppressed, 607 complained) are not SMTP replies.
  const code = typeof status.code === 'number' && status.code >= 200 && status.code < 600 ? status.code : null;
  const outcome: Outcome | null = name === 'delivered' ? 'delivered' : failedOutcome(e.severity, code);
  if (outcome === null) return [{ kind: 'reject', line, reason: `${path ? `${path}.` : ''}severity: expected "temporary" or "permanent"` }];

  const sendingIp = text(e.envelope?.['sending-ip']);
  const sender = text(e.envelope?.sender);
  const messageId = text(e.message?.headers?.['message-id']);
  const event: ParsedEvent = {
    occurredAt: new Date(e.timestamp * 1000),
    source: 'mailgun',
    sourceHost: null,
    queueId: null,
    messageId: messageId === null ? null : unbracketAddress(messageId),
    sender: sender === null ? null : unbracketAddress(sender),
    recipient: e.recipient.trim(),
    mxHost: text(status['mx-host'])?.replace(/\.$/, '') ?? null,
    mxIp: null,
    // Redacted samples show "xxx.xxx.xxx.xxx"; only a real address is a sending IP.
    sendingIp: sendingIp !== null && isIpLiteral(sendingIp) ? sendingIp : null,
    outcome,
    smtpCode: code,
    enhancedCode: enhanced(status['enhanced-code']) ?? enhanced(status['bounce-code']),
    // `message` is the receiver's reply without its code; `description` is Mailgun's own wording, used when there is no reply.
    reply: withoutDiagnosticType(text(status.message)) ?? text(status.description),
    // session-seconds is the length of the SMTP session, not time in queue, so there is no delay.
    delaySeconds: null,
    attempt: status['attempt-no'] ?? null,
    sizeBytes: e.message?.size ?? null,
    providerEventId: text(e.id),
  };
  return [{ kind: 'event', line, event }];
}

function parseMailgunRecord(record: unknown, line: number): ParseOutput[] {
  if (!isObject(record)) return [{ kind: 'reject', line, reason: 'expected a Mailgun event (a JSON object)' }];
  // The pipeline hands a whole Events API page over as one record; each item is one event.
  if ('items' in record) {
    if (!Array.isArray(record.items)) return [{ kind: 'reject', line, reason: 'items: expected an array of Mailgun events' }];
    return record.items.flatMap((item, i) => parseEvent(item, line, `items.${i}`));
  }
  if ('event-data' in record) return parseEvent(record['event-data'], line, 'event-data');
  return parseEvent(record, line, '');
}

/** Mailgun webhook bodies, Events API pages and bare events: delivered and failed (temporary or permanent). */
export const mailgunFormat: RecordFormat = {
  kind: 'records',
  name: 'mailgun',
  parseRecord: parseMailgunRecord,
};
