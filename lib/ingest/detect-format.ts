import { splitCsvLine } from './formats/csv';
import { genericFieldName } from './formats/generic-ndjson';
import type { FormatName } from './types';

export interface DetectedFormat {
  format: FormatName;
  /** Why, in words an API answer can show ("PowerMTA accounting header with dsnStatus"). */
  reason: string;
}

/** How many lines of the sample the log-line heuristics look at. */
const maxLinesScanned = 2_000;

/**
 * Recognise a body's format from its content alone: the first ~64 KB, possibly cut mid-line
 * or mid-JSON (so JSON is recognised by its keys, never by parsing the whole sample).
 * Returns null when unsure; the caller then asks for an explicit `?format=`.
 */
export function detectFormat(sample: string): DetectedFormat | null {
  const text = sample.replace(/^\uFEFF/, '');
  if (text.trim() === '' || looksBinary(text)) return null;
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return detectJson(start);
  return detectCsvHeader(firstNonEmptyLine(start)) ?? detectLogLines(text);
}

function looksBinary(text: string): boolean {
  const head = text.slice(0, 4096);
  let control = 0;
  for (const ch of head) {
    const code = ch.charCodeAt(0);
    if (code === 0) return true;
    if ((code < 32 && ch !== '\n' && ch !== '\r' && ch !== '\t') || ch === '\uFFFD') control += 1;
  }
  return control > head.length / 20;
}

function firstNonEmptyLine(text: string): string {
  return text.split('\n', 1)[0]?.replace(/\r$/, '') ?? '';
}

function hasKey(text: string, key: string): boolean {
  return text.includes(`"${key}"`) && new RegExp(`"${escapeRegExp(key)}"\\s*:`).test(text);
}

function keyHasValue(text: string, key: string, values: readonly string[]): boolean {
  return new RegExp(`"${escapeRegExp(key)}"\\s*:\\s*"(?:${values.map(escapeRegExp).join('|')})"`).test(text);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const kumoTypes = ['Reception', 'Delivery', 'Bounce', 'TransientFailure', 'Expiration', 'AdminBounce', 'OOB', 'Feedback', 'Rejection', 'Delayed'];
// SES event publishing and SES notification types (AWS SES developer guide, event and notification contents).
const sesEventTypes = ['Bounce', 'Complaint', 'Delivery', 'Send', 'Reject', 'Open', 'Click', 'Rendering Failure', 'DeliveryDelay', 'Subscription', 'Received'];
const sendgridEvents = ['processed', 'deferred', 'delivered', 'bounce', 'dropped', 'open', 'click', 'spamreport', 'unsubscribe'];
const postmarkRecordTypes = ['Delivery', 'Bounce', 'SpamComplaint', 'Open', 'Click', 'SubscriptionChange'];

/** Specific provider keys first; the generic shape last, as a provider payload never carries both `occurredAt` and `outcome`. */
function detectJson(text: string): DetectedFormat | null {
  if ((hasKey(text, 'occurredAt') || hasKey(text, 'occurred_at')) && hasKey(text, 'outcome')) {
    return { format: 'ndjson', reason: 'JSON records with occurredAt and outcome (the normalized event shape)' };
  }
  if (hasKey(text, 'TopicArn') && keyHasValue(text, 'Type', ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'])) {
    return { format: 'ses', reason: 'Amazon SNS envelope (Type, TopicArn) carrying SES notifications' };
  }
  if (keyHasValue(text, 'eventType', sesEventTypes) || keyHasValue(text, 'notificationType', sesEventTypes) || ((hasKey(text, 'eventType') || hasKey(text, 'notificationType')) && hasKey(text, 'mail'))) {
    return { format: 'ses', reason: 'Amazon SES event or notification (eventType/notificationType, mail)' };
  }
  if (keyHasValue(text, 'RecordType', postmarkRecordTypes) || (hasKey(text, 'MessageID') && ['ServerID', 'DeliveredAt', 'BouncedAt'].some((k) => hasKey(text, k)))) {
    return { format: 'postmark', reason: 'Postmark webhook (RecordType, MessageID, ServerID/DeliveredAt)' };
  }
  if (['event-data', 'log-level', 'delivery-status'].some((k) => hasKey(text, k))) {
    return { format: 'mailgun', reason: 'Mailgun event (event-data, log-level or delivery-status)' };
  }
  if (hasKey(text, 'sg_event_id') || hasKey(text, 'sg_message_id') || (keyHasValue(text, 'event', sendgridEvents) && hasKey(text, 'smtp-id'))) {
    return { format: 'sendgrid', reason: 'SendGrid event webhook (sg_event_id / smtp-id)' };
  }
  // SendGrid's legacy Bounces API returns an array of {status, created, reason, email}.
  if (text.startsWith('[') && hasKey(text, 'created') && hasKey(text, 'reason') && (hasKey(text, 'email') || hasKey(text, 'status'))) {
    return { format: 'sendgrid', reason: 'SendGrid bounce list (email, created, reason)' };
  }
  if (keyHasValue(text, 'type', kumoTypes) && ['egress_pool', 'queue', 'response', 'num_attempts', 'bounce_classification'].some((k) => hasKey(text, k))) {
    return { format: 'kumomta', reason: 'KumoMTA log record (type, queue/response/egress_pool)' };
  }
  return null;
}

const powermtaFields = ['timeLogged', 'timeQueued', 'orig', 'rcpt', 'dsnStatus', 'dsnDiag', 'dsnMta', 'dsnAction', 'dlvSourceIp', 'dlvDestinationIp', 'bounceCat', 'vmta'];

function detectCsvHeader(line: string): DetectedFormat | null {
  const split = splitCsvLine(line);
  if (!split.ok || split.fields.length < 2) return null;
  const fields = split.fields.map((f) => f.trim());
  if (fields[0]?.toLowerCase() === 'type') {
    const known = powermtaFields.filter((f) => fields.includes(f));
    if (known.length >= 2) return { format: 'powermta', reason: `PowerMTA accounting header (type, ${known.slice(0, 3).join(', ')})` };
  }
  const columns = fields.map(genericFieldName);
  if (columns.includes('occurredAt') && columns.includes('outcome')) {
    return { format: 'csv', reason: 'CSV header with occurredAt and outcome columns' };
  }
  return null;
}

// `postfix/smtp[123]:`, `postfix/submission/smtpd[9]:`, multi-instance `postfix-out/smtp[9]:`.
const postfixProgram = /\bpostfix(?:-[\w.-]+)?(?:\/[\w.-]+)+\[\d+\]:/;
// Message part only (syslog prefix dropped): `QUEUEID: to=<…>, relay=…, status=deferred`.
const postfixDelivery = /^\s*(?:[0-9A-Za-z]{5,}: )?to=<[^>]*>,.*\bstatus=(?:sent|deferred|bounced|expired)\b/;
// Exim mainlog: `2023-03-24 10:02:24 [pid] 1pfdJV-004eVE-9X ==`; ids are 6-6-2 or (4.97+) 6-11-4.
const eximLine = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{3})?(?: [+-]\d{4})?(?: \[\d+\])? [0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4} /;

function detectLogLines(text: string): DetectedFormat | null {
  let postfix = 0;
  let exim = 0;
  for (const raw of text.split('\n', maxLinesScanned)) {
    const line = raw.replace(/\r$/, '');
    if (postfixProgram.test(line) || postfixDelivery.test(line)) postfix += 1;
    else if (eximLine.test(line)) exim += 1;
  }
  if (postfix === 0 && exim === 0) return null;
  return postfix >= exim
    ? { format: 'postfix', reason: `${postfix} Postfix log line(s) (postfix/…[pid]: or to=<…> status=)` }
    : { format: 'exim', reason: `${exim} Exim mainlog line(s) (date time message-id)` };
}
