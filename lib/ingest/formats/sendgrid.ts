import { z } from 'zod';
import type { Outcome, ParseContext, ParseOutput, ParsedEvent, RecordFormat } from '../types';
import { isIpLiteral, unbracketAddress } from './address';
import { parseIsoTimestamp } from './generic-ndjson';
import { describeIssues, isObject, text } from './json-fields';

/**
 * SendGrid Event Webhook records (one element of the posted JSON array; field meanings from
 * SendGrid's "Event Webhook Reference", docs/for-developers/tracking-events/event.md) and the
 * older Bounces API entries `{status, created, reason, email}`.
 */
const outcomeByEvent = new Map<string, Outcome>([
  ['delivered', 'delivered'],
  ['deferred', 'deferred'],
  // `type` is "bounce" (the receiver rejected the address) or "blocked" (the receiver refused the
  // message); both are final for SendGrid, so both are bounces.
  ['bounce', 'bounced'],
]);

/**
 * Events that are no delivery attempt to a mailbox provider. `dropped` means SendGrid never
 * tried (the address is on a suppression list, or the message was invalid): counting it as a
 * bounce would charge the receiving provider with our own suppression list, so it is context,
 * like `processed` (accepted by SendGrid) and the engagement and subscription events.
 */
const contextEvents = new Set([
  'processed',
  'dropped',
  'open',
  'click',
  'spamreport',
  'unsubscribe',
  'group_unsubscribe',
  'group_resubscribe',
]);

const unixSeconds = z
  .number({ error: 'expected unix seconds' })
  .refine((n) => Number.isFinite(n) && n > 0 && n < 1e11, { error: 'expected unix seconds' });
const emailAddress = z.string({ error: 'expected an email address' }).refine((v) => v.includes('@'), { error: 'expected an email address' });
const optionalText = z.string({ error: 'expected a string' }).nullish();
// `status` is an enhanced code ("5.0.0") in the Event Webhook and a basic code ("550") in old Bounces API entries.
const status = z.union([z.string(), z.number()], { error: 'expected a status code' }).nullish();

const wholeNumber = 'expected a whole number';

const eventSchema = z.object({
  email: emailAddress,
  timestamp: unixSeconds,
  sg_event_id: optionalText,
  sg_message_id: optionalText,
  'smtp-id': optionalText,
  ip: optionalText,
  response: optionalText,
  reason: optionalText,
  status,
  // SendGrid sends the deferral attempt count as a string ("5").
  attempt: z.union([z.string().regex(/^\d{1,6}$/, { error: wholeNumber }), z.number().int({ error: wholeNumber }).min(0, { error: wholeNumber }).max(1_000_000, { error: wholeNumber })], { error: wholeNumber }).nullish(),
});

const legacyBounceSchema = z.object({
  email: emailAddress,
  created: z.string({ error: 'expected a date and time like 2011-10-08 12:32:14' }),
  reason: optionalText,
  status,
});

function readStatus(value: string | number | null | undefined): Pick<ParsedEvent, 'smtpCode' | 'enhancedCode'> {
  const s = value === null || value === undefined ? '' : String(value).trim();
  if (/^[245]\.\d{1,3}\.\d{1,3}$/.test(s)) return { smtpCode: null, enhancedCode: s };
  if (/^[245]\d\d$/.test(s)) return { smtpCode: Number(s), enhancedCode: null };
  return { smtpCode: null, enhancedCode: null };
}

const emptyEvent = {
  source: 'sendgrid',
  sourceHost: null,
  queueId: null,
  messageId: null,
  sender: null,
  mxHost: null,
  mxIp: null,
  sendingIp: null,
  smtpCode: null,
  enhancedCode: null,
  reply: null,
  delaySeconds: null,
  attempt: null,
  sizeBytes: null,
  providerEventId: null,
} as const satisfies Partial<ParsedEvent>;

/**
 * An entry of the SendGrid v2 Bounces API (`bounces.get` with `date=1`): a final bounce. Its
 * `created` carries no zone, so it is read in the upload's declared offset like a zone-less log.
 */
function parseLegacyBounce(record: Record<string, unknown>, line: number, ctx: ParseContext): ParseOutput[] {
  const parsed = legacyBounceSchema.safeParse(record);
  if (!parsed.success) return [{ kind: 'reject', line, reason: describeIssues(parsed.error) }];
  const occurredAt = parseIsoTimestamp(parsed.data.created, ctx.utcOffsetMinutes);
  if (occurredAt === null) return [{ kind: 'reject', line, reason: 'created: expected a date and time like 2011-10-08 12:32:14' }];
  const event: ParsedEvent = {
    ...emptyEvent,
    occurredAt,
    recipient: parsed.data.email.trim(),
    outcome: 'bounced',
    ...readStatus(parsed.data.status),
    reply: text(parsed.data.reason),
  };
  return [{ kind: 'event', line, event }];
}

function parseSendgridRecord(record: unknown, line: number, ctx: ParseContext): ParseOutput[] {
  if (!isObject(record)) return [{ kind: 'reject', line, reason: 'expected a SendGrid event (a JSON object)' }];
  const name = record.event;
  if (name === undefined && 'created' in record) return parseLegacyBounce(record, line, ctx);
  if (typeof name !== 'string') return [{ kind: 'reject', line, reason: 'event: missing or not a string' }];
  if (contextEvents.has(name)) return [];
  const outcome = outcomeByEvent.get(name);
  if (outcome === undefined) return [{ kind: 'reject', line, reason: `event: unknown SendGrid event "${name.slice(0, 40)}"` }];

  const parsed = eventSchema.safeParse(record);
  if (!parsed.success) return [{ kind: 'reject', line, reason: describeIssues(parsed.error) }];
  const e = parsed.data;
  const ip = text(e.ip);
  const smtpId = text(e['smtp-id']);
  const event: ParsedEvent = {
    ...emptyEvent,
    occurredAt: new Date(e.timestamp * 1000),
    // sg_message_id is SendGrid's own id of the message, its queue id; smtp-id is the Message-ID header.
    queueId: text(e.sg_message_id),
    messageId: smtpId === null ? null : unbracketAddress(smtpId),
    recipient: e.email.trim(),
    // On delivery events `ip` is the IP SendGrid sent from (on open/click it is the reader's, but those are context).
    sendingIp: ip !== null && isIpLiteral(ip) ? ip : null,
    outcome,
    ...(outcome === 'bounced' ? readStatus(e.status) : {}),
    reply: text(outcome === 'bounced' ? e.reason : e.response),
    attempt: e.attempt === null || e.attempt === undefined ? null : Number(e.attempt),
    providerEventId: text(e.sg_event_id),
  };
  return [{ kind: 'event', line, event }];
}

/** SendGrid Event Webhook batches (and old Bounces API lists): delivered, deferred and bounce events. */
export const sendgridFormat: RecordFormat = {
  kind: 'records',
  name: 'sendgrid',
  parseRecord: parseSendgridRecord,
};
