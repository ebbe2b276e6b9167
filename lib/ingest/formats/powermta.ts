import type { LineFormat, LineParser, Outcome, ParseContext, ParseOutput } from '../types';
import { splitCsvLine } from './csv';
import { parseIsoTimestamp } from './generic-ndjson';

/**
 * PowerMTA accounting files (CSV, RFC 4180) as described in the PowerMTA User's Guide,
 * "Accounting records": the first column is always `type`, a header line names the
 * configured record fields in any order, and files written by several accounting
 * configurations or concatenated rotations repeat the header, which then applies to the rows after it.
 */

/**
 * Record types (the guide: `d` or `delivery`, `b`, `t`, `tq`, `r`, `f`, `rb`/`rs`).
 * `tq` (transient-queue) records report a failure of a whole queue (connection refused, 421 at
 * greeting) and carry no recipient: they become a deferred event with `recipient: null` and the
 * domain taken from the `queue` column (`domain/vmta`), because connection-level throttling (Yahoo TSS04, Microsoft S3150) often
 * shows up only there. `rb` (remote bounce) is a DSN received after the message left us.
 */
const outcomeByType = new Map<string, Outcome>([
  ['d', 'delivered'],
  ['delivery', 'delivered'],
  ['b', 'bounced'],
  ['t', 'deferred'],
  ['tq', 'deferred'],
  ['rb', 'bounced'],
]);

/** Received (`r`), feedback-loop (`f`) and remote-status (`rs`) records say nothing about a delivery attempt. */
const contextTypes = new Set(['r', 'f', 'rs']);

interface Header {
  /** Lower-cased field name → column index. */
  index: Map<string, number>;
  width: number;
}

function readHeader(fields: string[]): Header {
  return { index: new Map(fields.map((f, i) => [f.trim().toLowerCase(), i])), width: fields.length };
}

/** `2023-10-11 02:17:50+0000`, `2016-05-29 01:10:51+0200`, or UNIX time_t (the default encoding per the guide). */
function parsePowerMtaTime(text: string, ctx: ParseContext): Date | null {
  if (/^\d{9,11}(?:\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  return parseIsoTimestamp(text, ctx.utcOffsetMinutes);
}

/** `mx.example.com (192.0.2.135)`, optionally prefixed `dns;` as in DSN Remote-MTA fields. */
function parseDsnMta(text: string): { host: string | null; ip: string | null } {
  const m = /^(?:dns;\s*)?([^\s()]*)\s*(?:\(([^()]*)\))?$/i.exec(text.trim());
  if (!m) return { host: text.trim() || null, ip: null };
  return { host: m[1] || null, ip: m[2]?.trim() || null };
}

function createPowerMtaParser(ctx: ParseContext): LineParser {
  let header: Header | null = null;
  let isFirstLine = true;

  function parseRow(fields: string[], line: number, h: Header): ParseOutput[] {
    const get = (name: string): string => {
      const i = h.index.get(name.toLowerCase());
      return i === undefined ? '' : (fields[i] ?? '').trim();
    };
    const reject = (reason: string): ParseOutput[] => [{ kind: 'reject', line, reason }];

    const type = get('type').toLowerCase();
    if (contextTypes.has(type)) return [];
    const outcome = outcomeByType.get(type);
    if (outcome === undefined) return reject(`type: unknown PowerMTA record type "${get('type')}"`);

    const timeField = get('timeLogged') !== '' ? 'timeLogged' : get('timeQueued') !== '' ? 'timeQueued' : null;
    if (timeField === null) return reject('no time field: the row has neither timeLogged nor timeQueued');
    const occurredAt = parsePowerMtaTime(get(timeField), ctx);
    if (occurredAt === null) return reject(`${timeField}: not a PowerMTA time "${get(timeField)}"`);

    const numberField = (name: string): number | null | 'bad' => {
      const value = get(name);
      if (value === '') return null;
      return /^\d+$/.test(value) ? Number(value) : 'bad';
    };
    const sizeBytes = numberField('dlvSize');
    if (sizeBytes === 'bad') return reject(`dlvSize: not a whole number "${get('dlvSize')}"`);
    const delaySeconds = numberField('totalSecondsQueued');
    if (delaySeconds === 'bad') return reject(`totalSecondsQueued: not a whole number "${get('totalSecondsQueued')}"`);

    const mta = parseDsnMta(get('dsnMta'));
    const recipient = get('rcpt') || null;
    const queueDomain = get('queue').split('/')[0] ?? '';
    const messageId = get('header_Message-Id').replace(/^<|>$/g, '') || null;

    return [
      {
        kind: 'event',
        line,
        event: {
          occurredAt,
          source: 'powermta',
          sourceHost: null,
          queueId: null,
          messageId,
          sender: get('orig') || null,
          recipient,
          ...(recipient === null && type === 'tq' && queueDomain.includes('.') ? { recipientDomain: queueDomain.toLowerCase() } : {}),
          mxHost: mta.host,
          mxIp: get('dlvDestinationIp') || mta.ip,
          sendingIp: get('dlvSourceIp') || null,
          outcome,
          smtpCode: null,
          enhancedCode: /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(get('dsnStatus'))?.[1] ?? null,
          // dsnDiag is a DSN Diagnostic-Code: `smtp;451 4.7.500 …`; the reply is what follows the type.
          reply: get('dsnDiag').replace(/^smtp;\s*/i, '') || null,
          delaySeconds,
          attempt: null,
          sizeBytes,
          providerEventId: null,
        },
      },
    ];
  }

  return {
    push(text: string, line: number): ParseOutput[] {
      const content = isFirstLine ? text.replace(/^\uFEFF/, '') : text;
      isFirstLine = false;
      if (content.trim() === '') return [];
      const split = splitCsvLine(content);
      if (!split.ok) return [{ kind: 'reject', line, reason: split.reason }];
      if (split.fields[0]?.trim().toLowerCase() === 'type') {
        header = readHeader(split.fields);
        return [];
      }
      if (header === null) {
        return [{ kind: 'reject', line, reason: 'no PowerMTA header line (type,timeLogged,orig,rcpt,…) before this row' }];
      }
      if (split.fields.length !== header.width) {
        return [{ kind: 'reject', line, reason: `expected ${header.width} fields as in the header, found ${split.fields.length}` }];
      }
      return parseRow(split.fields, line, header);
    },
    end(): ParseOutput[] {
      return [];
    },
  };
}

/** PowerMTA accounting CSV (`acct-*.csv`), driven by its header line. */
export const powermtaFormat: LineFormat = {
  kind: 'lines',
  name: 'powermta',
  createParser: createPowerMtaParser,
};
