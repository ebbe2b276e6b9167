import type { LineFormat, LineParser, Outcome, ParseContext, ParseOutput, ParsedEvent } from '../types';
import { isIpLiteral, unbracketAddress } from './address';
import { matchIsoTimestamp } from './syslog';

/**
 * Exim main log (`mainlog`), as described in the Exim specification, chapter "Log files":
 * `=>` delivery, `->` further address delivered in the same delivery, `==` deferral, `**` failure,
 * `<=` arrival (sender, size and Message-ID are remembered per message id for later lines).
 *
 * Only attempts that reached for a remote host are events: the line names one (`H=`), or the
 * deferral is a network-level failure (`Connection refused`, `No route to host`). Not events
 * (context lines): local deliveries (files, pipes, `:blackhole:`), `retry time not reached` and
 * `SMTP delivery explicitly queued` deferrals (Exim did not try), per-host error lines without
 * `==`/`**` (Exim follows them with the recipient line, which is counted), and routing failures
 * with no host (`Unrouteable address`). `** … retry timeout exceeded` is the message giving up: `expired`.
 */

const MAX_REMEMBERED_MESSAGES = 100_000;

/** Old (6-6-2, base 62) and Exim 4.97+ (6-11-4) message ids. */
const messageIdPattern = /^([0-9A-Za-z]{6}-(?:[0-9A-Za-z]{6}-[0-9A-Za-z]{2}|[0-9A-Za-z]{11}-[0-9A-Za-z]{4}))(?: |$)/;

const networkFailure = /Connection refused|Connection timed out|Connection reset|No route to host|Network is unreachable|Host is unreachable|TLS error|SMTP timeout/i;
/** Exim's "did not try" deferrals: retry data says wait (errno -52/-53), or queue_smtp_domains / -odqs. */
const notTried = /retry time not reached|SMTP delivery explicitly queued/i;
const gaveUp = /retry timeout exceeded|retry time not reached for any host .*after a long failure period/i;

interface Remembered {
  sender: string | null;
  sizeBytes: number | null;
  messageId: string | null;
}

/** Exim durations (`QT=1h2m3s`, `DT=0.5s`, `3d4h`) in seconds. */
export function parseEximDuration(text: string): number | null {
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (!m || text === '') return null;
  const [, w = '0', d = '0', h = '0', mi = '0', s = '0'] = m;
  return Number(w) * 604_800 + Number(d) * 86_400 + Number(h) * 3_600 + Number(mi) * 60 + Number(s);
}

/** The value of `KEY=` in a delivery line, honouring Exim's quoting (`C="250 OK"`, `DN="CN=x"`). */
type FieldKey = 'S' | 'id' | 'F' | 'QT' | 'DT' | 'C';
const fieldPatterns = new Map<FieldKey, RegExp>(
  (['S', 'id', 'F', 'QT', 'DT', 'C'] as const).map((key) => [key, new RegExp(`(?:^|\\s)${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|(\\S+))`)]),
);

function fieldValue(rest: string, key: FieldKey): string | null {
  const m = fieldPatterns.get(key)?.exec(rest);
  if (!m) return null;
  if (m[1] !== undefined) return m[1].replace(/\\(.)/g, '$1');
  return m[2] ?? null;
}

/** `H=mx.example.com [192.0.2.1]:25`, `H=[192.0.2.1]`; the marker `*` and DNSSEC tags are ignored. */
function remoteHost(rest: string): { host: string | null; ip: string | null } | null {
  const m = /(?:^|\s)H=(\[[^\]]+\]|[^\s[]+)(?: \[([^\]]+)\])?/.exec(rest);
  if (!m) return null;
  const first = m[1] ?? '';
  if (first.startsWith('[')) {
    const ip = first.slice(1, -1);
    return { host: null, ip: isIpLiteral(ip) ? ip : null };
  }
  const ip = m[2] ?? '';
  return { host: first.toLowerCase(), ip: isIpLiteral(ip) ? ip : null };
}

/** The text after the first `: ` that is not inside a quoted field value. */
function textAfterFields(rest: string): string | null {
  let isQuoted = false;
  for (let i = 0; i < rest.length - 1; i += 1) {
    const c = rest[i];
    if (c === '\\') i += 1;
    else if (c === '"') isQuoted = !isQuoted;
    else if (!isQuoted && c === ':' && rest[i + 1] === ' ') return rest.slice(i + 2).trim();
  }
  return null;
}

/**
 * The reply of a `==`/`**` line: after `SMTP error from remote mail server after <command>: ` (also LMTP
 * and PRDR errors), else Exim's own reason with a trailing ` H=host [ip]: …` cut off. Exim writes line
 * breaks of multi-line replies as `\n`; they become spaces, as Postfix prints them.
 */
export function readEximReply(rest: string): string | null {
  const smtp = /(?:SMTP|LMTP|PRDR) error (?:from remote mail server )?after [\s\S]*?: (\d{3}[ -][\s\S]*)$/.exec(rest);
  const text = smtp ? (smtp[1] ?? '') : (textAfterFields(rest) ?? '').replace(/ H=\S+[\s\S]*$/, '');
  const joined = text.replace(/\\n/g, ' ').trim();
  return joined === '' ? null : joined;
}

function createEximParser(ctx: ParseContext): LineParser {
  const memory = new Map<string, Remembered>();

  function remember(id: string, value: Remembered): void {
    memory.delete(id);
    if (memory.size >= MAX_REMEMBERED_MESSAGES) {
      const oldest = memory.keys().next();
      if (!oldest.done) memory.delete(oldest.value);
    }
    memory.set(id, value);
  }

  function push(text: string, line: number): ParseOutput[] {
    const stripped = text.replace(/\r+$/, '');
    const stamp = matchIsoTimestamp(stripped, ctx.utcOffsetMinutes);
    const afterStamp = (stamp?.rest ?? stripped).replace(/^\[\d+\] /, '');
    const id = messageIdPattern.exec(afterStamp);
    if (!id) return [];
    const messageKey = id[1] ?? '';
    const body = afterStamp.slice(id[0].length);
    const flag = /^(<=|=>|->|==|\*\*) (\S+)(?: ([\s\S]*))?$/.exec(body);
    if (!flag) {
      if (body === 'Completed') memory.delete(messageKey);
      return [];
    }
    const [, marker = '', address = '', rest = ''] = flag;

    if (marker === '<=') {
      const size = fieldValue(rest, 'S');
      remember(messageKey, {
        sender: unbracketAddress(address),
        sizeBytes: size !== null && /^\d+$/.test(size) ? Number(size) : null,
        messageId: fieldValue(rest, 'id'),
      });
      return [];
    }

    const host = remoteHost(rest);
    let outcome: Outcome;
    if (marker === '=>' || marker === '->') {
      if (host === null) return [];
      outcome = 'delivered';
    } else if (marker === '==') {
      if (notTried.test(rest) || (host === null && !networkFailure.test(rest))) return [];
      outcome = 'deferred';
    } else if (gaveUp.test(rest)) {
      outcome = 'expired';
    } else {
      if (host === null && !networkFailure.test(rest)) return [];
      outcome = 'bounced';
    }
    if (stamp === null) {
      return [{ kind: 'reject', line, reason: 'no timestamp: an Exim delivery line without its date cannot be placed in time' }];
    }

    // `=> local <original@domain>` names the address twice; the first token may lack the domain or end in `:`.
    const bare = address.replace(/:$/, '');
    // `** rcpt: reason` (no router or transport): the colon went with the address token.
    const fields = bare === address ? rest : `: ${rest}`;
    const original = /^<([^>]*)>/.exec(rest);
    const recipient = bare.includes('@') ? bare : (original?.[1] ?? bare);
    const known = memory.get(messageKey);
    const sender = fieldValue(rest, 'F');
    const interfaceIp = /(?:^|\s)I=\[([^\]]+)\]/.exec(rest)?.[1] ?? null;
    const queueTime = fieldValue(rest, 'QT') ?? fieldValue(rest, 'DT');
    const confirmation = fieldValue(rest, 'C');
    const event: ParsedEvent = {
      occurredAt: stamp.occurredAt,
      source: 'exim',
      sourceHost: null,
      queueId: messageKey,
      messageId: known?.messageId ?? null,
      sender: sender !== null ? unbracketAddress(sender) : (known?.sender ?? null),
      recipient: recipient === '' ? null : recipient,
      mxHost: host?.host ?? null,
      mxIp: host?.ip ?? null,
      sendingIp: interfaceIp !== null && isIpLiteral(interfaceIp) ? interfaceIp : null,
      outcome,
      smtpCode: null,
      enhancedCode: null,
      reply: outcome === 'delivered' ? (confirmation === null ? null : confirmation.replace(/\\n/g, ' ')) : readEximReply(fields),
      delaySeconds: queueTime === null ? null : parseEximDuration(queueTime),
      attempt: null,
      sizeBytes: known?.sizeBytes ?? null,
      providerEventId: null,
    };
    return [{ kind: 'event', line, event }];
  }

  return { push, end: () => [] };
}

/** Exim main log lines (`YYYY-MM-DD HH:MM:SS[.mmm] [+zone] [[pid]] <message id> …`). */
export const eximFormat: LineFormat = { kind: 'lines', name: 'exim', createParser: createEximParser };
