import type { Outcome, ParseOutput, ParsedEvent, RecordFormat } from '../types';
import { isObject } from './json-fields';

/**
 * KumoMTA JSON log records, one per line in its log files (field meanings from the KumoMTA
 * docs, reference/log_record, "annotated schema"). Only delivery-side records are attempts.
 */
const outcomeByType = new Map<string, Outcome>([
  ['Delivery', 'delivered'],
  ['TransientFailure', 'deferred'],
  ['Bounce', 'bounced'],
  ['Expiration', 'expired'],
  // kumod logs an admin bounce as `551 5.7.1 Administrator bounced with reason: …` (crates/kumod admin_bounce_v1.rs).
  ['AdminBounce', 'bounced'],
]);

/**
 * Records that describe no delivery attempt: reception and its rejection, scheduling delays,
 * queue moves, out-of-band bounces and feedback reports (types from kumod's RecordType enum).
 */
const contextTypes = new Set(['Reception', 'Rejection', 'Delayed', 'OOB', 'Feedback', 'AdminRebind', 'DeferredInjectionRebind', 'XferOut', 'XferIn', 'Any']);

/**
 * Types whose record is one SMTP attempt. num_attempts counts the attempts before it: kumod
 * increments it only when requeueing after a failure (queue increment_attempts_and_update_delay),
 * and the docs' first-try Delivery example shows 0. So the attempt number is num_attempts + 1.
 */
const attemptTypes = new Set(['Delivery', 'TransientFailure', 'Bounce']);

type JsonObject = Record<string, unknown>;

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function wholeNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** Unix seconds (`timestamp`) or, since 2025.10.06, RFC 3339 (`event_time`). */
function readTime(record: JsonObject, secondsKey: string, textKey: string): Date | null {
  const seconds = record[secondsKey];
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 && seconds < 1e11) return new Date(seconds * 1000);
  const text = str(record[textKey]);
  if (text === null) return null;
  const parsed = new Date(text);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(parsed.getTime()) ? parsed : null;
}

/** `10.0.0.1:53210`, `[2001:db8::1]:25` or a bare address → the address alone. */
function stripPort(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) return bracketed[1];
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(address);
  return v4?.[1] ?? address;
}

function readResponse(response: unknown): Pick<ParsedEvent, 'smtpCode' | 'enhancedCode' | 'reply'> {
  if (!isObject(response)) return { smtpCode: null, enhancedCode: null, reply: null };
  const code = typeof response.code === 'number' && Number.isInteger(response.code) && response.code >= 100 && response.code <= 999 ? response.code : null;
  const e = response.enhanced_code;
  const enhancedCode =
    isObject(e) && [e.class, e.subject, e.detail].every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)
      ? `${String(e.class)}.${String(e.subject)}.${String(e.detail)}`
      : null;
  const content = typeof response.content === 'string' ? response.content.trim() : '';
  const reply = [code === null ? '' : String(code), enhancedCode ?? '', content].filter((part) => part !== '').join(' ');
  return { smtpCode: code, enhancedCode, reply: reply === '' ? null : reply };
}

function findHeader(headers: unknown, name: string): string | null {
  if (!isObject(headers)) return null;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? null : str(headers[key]);
}

function parseKumoRecord(record: unknown, line: number): ParseOutput[] {
  if (!isObject(record)) return [{ kind: 'reject', line, reason: 'expected a KumoMTA log record (a JSON object)' }];
  const type = record.type;
  if (typeof type !== 'string') return [{ kind: 'reject', line, reason: 'type: missing or not a string' }];
  if (contextTypes.has(type)) return [];
  const outcome = outcomeByType.get(type);
  if (outcome === undefined) return [{ kind: 'reject', line, reason: `type: unknown KumoMTA record type "${type.slice(0, 40)}"` }];

  // `timestamp` is when the record was logged; `created` (reception) only stands in when it is missing.
  const occurredAt = readTime(record, 'timestamp', 'event_time') ?? readTime(record, 'created', 'created_time');
  if (occurredAt === null) return [{ kind: 'reject', line, reason: 'timestamp: missing or not a unix time (nor event_time, created)' }];
  const createdAt = readTime(record, 'created', 'created_time');

  // Since 2025.12.02 a batched delivery logs one record with an array of recipients.
  const rawRecipients = record.recipient;
  const recipients = Array.isArray(rawRecipients) ? rawRecipients.map(str) : [str(rawRecipients)];
  if (recipients.length === 0) return [{ kind: 'reject', line, reason: 'recipient: empty recipient list' }];

  const peer = isObject(record.peer_address) ? record.peer_address : {};
  // With a SOCKS5 or HAProxy proxy, `address` is the source the proxy was told to bind (our public
  // IP) and `server` is the proxy itself, so `address` is the sending IP either way.
  const source = isObject(record.source_address) ? record.source_address : {};
  const sourceAddress = str(source.address);
  const numAttempts = wholeNumber(record.num_attempts);
  // size is 0 when the payload was unloaded from memory (schema doc): unknown, not empty.
  const size = wholeNumber(record.size);
  const delaySeconds = createdAt === null ? null : Math.round((occurredAt.getTime() - createdAt.getTime()) / 1000);

  const base: Omit<ParsedEvent, 'recipient'> = {
    occurredAt,
    source: 'kumomta',
    // KumoMTA names no host in its records; nodeid is the stable id of the node that logged it.
    sourceHost: str(record.nodeid),
    queueId: str(record.id),
    messageId: findHeader(record.headers, 'message-id')?.replace(/^<|>$/g, '') ?? null,
    sender: str(record.sender),
    mxHost: str(peer.name)?.replace(/\.$/, '') ?? null,
    mxIp: str(peer.addr),
    sendingIp: sourceAddress === null ? null : stripPort(sourceAddress),
    outcome,
    ...readResponse(record.response),
    delaySeconds: delaySeconds !== null && delaySeconds >= 0 ? delaySeconds : null,
    attempt: attemptTypes.has(type) && numAttempts !== null ? numAttempts + 1 : null,
    sizeBytes: size === 0 ? null : size,
    providerEventId: null,
  };
  return recipients.map((recipient) => ({ kind: 'event', line, event: { ...base, recipient } }));
}

/** KumoMTA JSON log records (local log files, or webhook batches of the same records). */
export const kumomtaFormat: RecordFormat = {
  kind: 'records',
  name: 'kumomta',
  parseRecord: parseKumoRecord,
};
