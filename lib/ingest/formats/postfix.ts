import type { LineFormat, LineParser, MessageContext, Outcome, ParseContext, ParseOutput, ParsedEvent, QueueKey } from '../types';
import { findBracketedHost, parseBracketedHost, unbracketAddress, type HostAndIp } from './address';
import { splitSyslogLine } from './syslog';

/**
 * Postfix mail logs (syslog). One event per `status=` line of the smtp/lmtp delivery agents (each is one
 * attempt to one recipient) and per qmgr `status=expired` line. Sender, size and Message-ID are
 * joined from the qmgr `from=` and cleanup `message-id=` lines of the same queue id. Within one batch the parser
 * joins them; a delivery line whose message did not start in its batch carries a `contextKey`, and the pipeline
 * completes it from what earlier batches kept (`keptContext`, the postfix_context table).
 *
 * Not events (context lines): local/virtual/pipe/discard/error deliveries (not an SMTP attempt to a
 * mailbox provider), address-verification probes (`status=deliverable|undeliverable…`), and
 * "delivery temporarily suspended" deferrals, which Postfix logs without connecting because the
 * destination is marked dead after an earlier failure (the earlier, real attempt is counted).
 * Status lines that would be events but carry no timestamp are rejected: they cannot be placed in time, and
 * dating them at upload time would fake a spike.
 */

/** Postfix status words → outcome. `SOFTBOUNCE` is a bounce turned into a deferral by `soft_bounce = yes` (postconf(5)). */
const outcomeByStatus = new Map<string, Outcome>([
  ['sent', 'delivered'],
  ['deferred', 'deferred'],
  ['bounced', 'bounced'],
  ['expired', 'expired'],
  ['softbounce', 'deferred'],
]);

/** Delivery agents whose attempts go to a remote SMTP/LMTP server (the last part of the syslog tag, as in `postfix-out2/smtp`). */
const attemptAgents = new Set(['smtp', 'lmtp']);

/** How many queue ids to remember sender/size/Message-ID (and, apart, removal) for; the oldest are forgotten first. */
const MAX_REMEMBERED_QUEUE_IDS = 100_000;

/** What a `status=` message says, before it is judged. */
export interface PostfixStatus {
  queueId: string | null;
  /** `to=` (null on `status=expired` lines, which name the sender instead). */
  recipient: string | null;
  /** `from=` of `status=expired` lines. */
  sender: string | null;
  /** Raw `relay=` value: `mx.example.com[192.0.2.1]:25`, `none`, `local`, `dovecot`. */
  relay: string | null;
  delaySeconds: number | null;
  dsn: string | null;
  /** Status word as logged: `sent`, `deferred`, `bounced`, `expired`, `deliverable`, … */
  status: string;
  /** Text after the status word with the outer parentheses removed. */
  detail: string | null;
}

type FieldName = 'to' | 'from' | 'relay' | 'delay' | 'dsn';

/** A character that ends an unbracketed field value: `,` or whitespace (as `\\s` in a pattern). */
const valueEnd = /[,\s]/g;

/**
 * The value of the first `name=` at the start of `head` or after `, `: `<…>` up to the first `>`, else the run
 * up to a comma or whitespace (`relay=mx[192.0.2.1]:25`, `delay=0.4`). null when the field is absent.
 */
function field(head: string, name: FieldName): string | null {
  const at = head.startsWith(`${name}=`) ? 0 : head.indexOf(`, ${name}=`);
  if (at < 0) return null;
  const start = at === 0 ? name.length + 1 : at + name.length + 3;
  if (head.charCodeAt(start) === 0x3c) {
    const close = head.indexOf('>', start + 1);
    if (close >= 0) return head.slice(start, close + 1);
  }
  valueEnd.lastIndex = start;
  const end = valueEnd.exec(head)?.index ?? head.length;
  return head.slice(start, end);
}

/**
 * Reads `QUEUEID: to=<…>, [orig_to=<…>,] relay=…, delay=…, delays=…, dsn=…, status=word (detail)` and
 * `QUEUEID: from=<…>, status=expired, returned to sender`; the queue id may be missing (quoted fragments).
 * Returns null for any other message.
 */
export function parsePostfixStatus(message: string): PostfixStatus | null {
  // Most lines of a log (cleanup, qmgr from= and removed, smtpd) have no status: one scan rejects them.
  if (!message.includes(', status=')) return null;
  const m = /^\s*(?:([0-9A-Za-z]{5,20}): )?((?:to|from)=[\s\S]*?), status=([A-Za-z][A-Za-z-]*)([\s\S]*)$/.exec(message);
  if (!m) return null;
  const [, queueId, head = '', status = '', tail = ''] = m;
  const detailText = tail.startsWith(' (') && tail.endsWith(')') ? tail.slice(2, -1) : tail.replace(/^,?\s*/, '');
  const to = field(head, 'to');
  const from = head.startsWith('from=') ? field(head, 'from') : null;
  const delay = field(head, 'delay');
  const delaySeconds = delay !== null && /^\d+(?:\.\d+)?$/.test(delay) ? Number(delay) : null;
  return {
    queueId: queueId ?? null,
    recipient: to === null ? null : unbracketAddress(to),
    sender: from === null ? null : unbracketAddress(from),
    relay: field(head, 'relay'),
    delaySeconds,
    dsn: field(head, 'dsn'),
    status,
    detail: detailText.trim() === '' ? null : detailText,
  };
}

export interface PostfixReply {
  /** The remote server's reply, or Postfix's own reason for connection-level failures. */
  reply: string;
  /** The host named in the detail (`host X[ip] said:`, `connect to X[ip]:25`), when any. */
  host: HostAndIp | null;
}

/**
 * The reply inside a status detail: `host X[ip] said: REPLY (in reply to RCPT TO command)` → REPLY,
 * likewise `refused to talk to me:`; anything else (a 250 reply of a sent line, `connect to …: Connection
 * timed out`, `TLS is required, but was not offered by host …`) is kept whole. Multi-line replies stay as
 * Postfix prints them, joined with spaces (`421-4.7.28 … 421 4.7.28 …`).
 */
export function readPostfixReply(detail: string): PostfixReply {
  const said = /^host ([^\s[\]]*\[[^\]]*\]) (?:said|refused to talk to me): ([\s\S]*?)(?:\s*\(in reply to [^()]*\))?$/.exec(detail);
  if (said) return { reply: said[2] ?? '', host: parseBracketedHost(said[1] ?? '') };
  return { reply: detail, host: findBracketedHost(detail) };
}

interface Remembered extends QueueKey {
  sender: string | null;
  sizeBytes: number | null;
  /** undefined until the batch sees the cleanup line (which may log no Message-ID: null). */
  messageId: string | null | undefined;
  /** The batch saw the message start (cleanup) or the queue id freed before it (`removed`): earlier batches' context does not apply. */
  isFromStart: boolean;
  /** Log time (ms) of the first of its lines in the batch; null for lines without a timestamp. */
  firstSeenAtMs: number | null;
}

function lastPart(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1).toLowerCase();
}

/** Whether a status line reports an SMTP/LMTP attempt; message-only lines are judged by their relay. */
function isAttempt(program: string | null, status: PostfixStatus, outcome: Outcome): boolean {
  if (outcome === 'expired') return true;
  if (program !== null) return attemptAgents.has(lastPart(program));
  if (status.relay === null) return false;
  if (parseBracketedHost(status.relay) !== null) return true;
  // relay=none: a DNS or connection failure of the smtp agent (discard logs relay=none with status=sent).
  return status.relay === 'none' && outcome !== 'delivered';
}

/** Distinct `relay=` values whose parse is kept per parser; a log names a few thousand MX hosts and addresses. */
const MAX_REMEMBERED_RELAYS = 10_000;

/** Sets `key` as the newest entry of a map holding at most MAX_REMEMBERED_QUEUE_IDS, forgetting the oldest. */
function setBounded<V>(map: Map<string, V>, key: string, value: V): void {
  if (!map.delete(key) && map.size >= MAX_REMEMBERED_QUEUE_IDS) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}

function createPostfixParser(ctx: ParseContext): LineParser {
  const memory = new Map<string, Remembered>();
  /** Queue ids whose message left the queue (`removed`) in this batch and did not start again. */
  const removed = new Map<string, QueueKey & { removedAtMs: number | null }>();
  /**
   * Queue ids for which the batch saw a message leave that it did not see start: only those can have context kept by an
   * earlier batch, so only their removal is sent (a message that starts and leaves within its batch was never kept).
   */
  const leftWithoutStart = new Map<string, true>();
  const relays = new Map<string, HostAndIp | null>();

  function relayOf(relay: string): HostAndIp | null {
    let parsed = relays.get(relay);
    if (parsed === undefined) {
      parsed = parseBracketedHost(relay);
      if (relays.size >= MAX_REMEMBERED_RELAYS) relays.clear();
      relays.set(relay, parsed);
    }
    return parsed;
  }

  function push(text: string, line: number): ParseOutput[] {
    const { occurredAtMs, host, program, message } = splitSyslogLine(text.endsWith('\r') ? text.replace(/\r+$/, '') : text, ctx);
    if (program !== null && !/^postfix/i.test(program)) return [];
    // Queue ids are unique per host and Postfix instance (multi-instance: postfix-out2/…).
    const slash = program === null ? -1 : program.indexOf('/');
    const instance = program === null ? '' : slash < 0 ? program : program.slice(0, slash);
    const keyOf = (queueId: string) => `${host ?? ''}\u0000${instance}\u0000${queueId}`;

    const status = parsePostfixStatus(message);
    if (status === null) {
      const m = /^([0-9A-Za-z]{5,20}): ([\s\S]*)$/.exec(message.trim());
      if (!m) return [];
      const [, queueId = '', body = ''] = m;
      const from = /^from=(<[^>]*>), size=(\d+),/.exec(body);
      const messageId = /^message-id=(<[^>]*>|\S*)/.exec(body);
      const key = keyOf(queueId);
      if (from) {
        // qmgr logs from= each time the message enters the active queue, its first delivery and every retry.
        const known = memory.get(key) ?? { host: host ?? '', instance, queueId, sender: null, sizeBytes: null, messageId: undefined, isFromStart: removed.has(key), firstSeenAtMs: occurredAtMs };
        known.sender = unbracketAddress(from[1] ?? '');
        known.sizeBytes = Number(from[2]);
        setBounded(memory, key, known);
      } else if (messageId) {
        // cleanup logs message-id= once, when the message enters the queue: the start of its story.
        removed.delete(key);
        const messageIdValue = unbracketAddress(messageId[1] ?? '');
        setBounded(memory, key, { host: host ?? '', instance, queueId, sender: null, sizeBytes: null, messageId: messageIdValue, isFromStart: true, firstSeenAtMs: occurredAtMs });
      } else if (body === 'removed') {
        if (memory.get(key)?.isFromStart !== true) setBounded(leftWithoutStart, key, true);
        memory.delete(key);
        setBounded(removed, key, { host: host ?? '', instance, queueId, removedAtMs: occurredAtMs });
      } else if (/\bstatus=/.test(body) && program !== null && attemptAgents.has(lastPart(program))) {
        return [{ kind: 'reject', line, reason: 'unrecognised Postfix delivery-status line (expected to=<…>, relay=…, status=…)' }];
      }
      return [];
    }

    const outcome = outcomeByStatus.get(status.status.toLowerCase());
    if (outcome === undefined || !isAttempt(program, status, outcome)) return [];
    if (status.detail?.startsWith('delivery temporarily suspended')) return [];
    if (occurredAtMs === null) {
      return [{ kind: 'reject', line, reason: 'no timestamp: a Postfix delivery-status line without its syslog date cannot be placed in time' }];
    }

    const key = status.queueId === null ? null : keyOf(status.queueId);
    const known = key === null ? undefined : memory.get(key);
    const read = outcome === 'expired' || status.detail === null ? null : readPostfixReply(status.detail);
    const relay = status.relay === null ? null : relayOf(status.relay);
    const event: ParsedEvent = {
      occurredAt: new Date(occurredAtMs),
      source: 'postfix',
      sourceHost: host,
      queueId: status.queueId,
      messageId: known?.messageId ?? null,
      sender: status.sender ?? known?.sender ?? null,
      recipient: status.recipient,
      mxHost: relay?.host ?? read?.host?.host ?? null,
      mxIp: relay?.ip ?? read?.host?.ip ?? null,
      sendingIp: null,
      outcome,
      smtpCode: null,
      enhancedCode: status.dsn !== null && /^[245]\.\d{1,3}\.\d{1,3}$/.test(status.dsn) ? status.dsn : null,
      reply: read?.reply ?? null,
      delaySeconds: status.delaySeconds,
      attempt: null,
      sizeBytes: known?.sizeBytes ?? null,
      providerEventId: null,
    };
    if (key === null || status.queueId === null || known?.isFromStart === true || removed.has(key)) return [{ kind: 'event', line, event }];
    return [{ kind: 'event', line, event, contextKey: { host: host ?? '', instance, queueId: status.queueId } }];
  }

  /** Per queue id, the batch's last word: a message that left the queue, else what its lines said (when they were dated). */
  function keptContext(): ReturnType<NonNullable<LineParser['keptContext']>> {
    const contexts: MessageContext[] = [];
    memory.forEach((r, key) => {
      if (r.firstSeenAtMs === null || removed.has(key)) return;
      contexts.push({
        host: r.host, instance: r.instance, queueId: r.queueId, isStart: r.messageId !== undefined, messageId: r.messageId ?? null,
        sender: r.sender, sizeBytes: r.sizeBytes, firstSeenAt: new Date(r.firstSeenAtMs),
      });
    });
    const gone: Array<QueueKey & { removedAt: Date }> = [];
    removed.forEach((r, key) => {
      if (r.removedAtMs !== null && leftWithoutStart.has(key)) gone.push({ host: r.host, instance: r.instance, queueId: r.queueId, removedAt: new Date(r.removedAtMs) });
    });
    return { contexts, removed: gone };
  }

  return { push, end: () => [], keptContext };
}

/** Postfix syslog lines (classic or RFC 3339 timestamps, or quoted without a prefix). */
export const postfixFormat: LineFormat = { kind: 'lines', name: 'postfix', createParser: createPostfixParser };
