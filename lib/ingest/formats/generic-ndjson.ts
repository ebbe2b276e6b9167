import { isIP } from 'node:net';
import { z } from 'zod';
import { outcomes, sources, type ParseContext, type ParseOutput, type RecordFormat } from '../types';

/**
 * The generic formats (NDJSON here, CSV in generic-csv.ts) carry the normalized event of
 * DESIGN.md ("A normalized event") field by field. Keys match case-insensitively and in
 * snake_case or kebab-case too (`occurred_at`, `recipient-domain`); unknown keys are ignored.
 */
const canonicalFieldNames = [
  'occurredAt',
  'source',
  'sourceHost',
  'queueId',
  'messageId',
  'sender',
  'recipient',
  'recipientDomain',
  'mxHost',
  'mxIp',
  'sendingIp',
  'outcome',
  'smtpCode',
  'enhancedCode',
  'reply',
  'delaySeconds',
  'attempt',
  'sizeBytes',
  'providerEventId',
] as const;
type GenericFieldName = (typeof canonicalFieldNames)[number];

/** Numeric fields: CSV cells holding digits become numbers before validation. */
export const numericGenericFields: ReadonlySet<GenericFieldName> = new Set(['smtpCode', 'delaySeconds', 'attempt', 'sizeBytes']);

const fieldByNormalizedKey = new Map<string, GenericFieldName>([
  ...canonicalFieldNames.map((name): [string, GenericFieldName] => [normalizeKey(name), name]),
  ['eventid', 'providerEventId'],
]);

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '');
}

/** The canonical field a column or JSON key names (`occurred_at` → occurredAt), or null when it is not one of ours. */
export function genericFieldName(key: string): GenericFieldName | null {
  return fieldByNormalizedKey.get(normalizeKey(key)) ?? null;
}

// ISO 8601 date-time: date, `T` or space, time with optional fraction, optional zone.
const isoTimestamp = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

interface WallClock {
  /** The written date and time read as if it were UTC, in ms since the epoch. */
  wallClockMs: number;
  /** The written zone, minutes east of UTC; null when the text has none. */
  offsetMinutes: number | null;
}

function readIsoTimestamp(text: string): WallClock | null {
  const m = isoTimestamp.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const day = Number(d);
  const month = Number(mo);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || Number(h) > 23 || Number(mi) > 59 || second > 60) return null;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  // A leap second (:60) is read as :59 so it stays in the same minute.
  const wallClockMs = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Math.min(second, 59), ms);
  if (new Date(wallClockMs).getUTCDate() !== day) return null;
  return { wallClockMs, offsetMinutes: zone === undefined ? null : zoneOffsetMinutes(zone) };
}

function toInstant(clock: WallClock, utcOffsetMinutes: number): Date {
  return new Date(clock.wallClockMs - (clock.offsetMinutes ?? utcOffsetMinutes) * 60_000);
}

/**
 * Parse an ISO 8601 timestamp; without a zone it is local time `utcOffsetMinutes` east of UTC.
 * Returns null for anything else, including impossible dates such as 2023-02-30.
 */
export function parseIsoTimestamp(text: string, utcOffsetMinutes: number): Date | null {
  const clock = readIsoTimestamp(text);
  return clock === null ? null : toInstant(clock, utcOffsetMinutes);
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

const text = z.string({ error: 'expected a string' }).max(10_000, { error: 'longer than 10000 characters' });
const ip = z.string({ error: 'expected an IP address' }).refine((v) => isIP(v) !== 0, { error: 'expected an IP address' });
const whole = (min: number, max: number, what: string) =>
  z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }).min(min, { error: `expected ${what}` }).max(max, { error: `expected ${what}` });

const genericEventSchema = z
  .object({
    occurredAt: z.string({ error: 'expected ISO 8601 timestamp' }).transform((value, issues) => {
      const clock = readIsoTimestamp(value);
      if (clock === null) issues.addIssue({ code: 'custom', message: 'expected ISO 8601 timestamp' });
      return clock ?? z.NEVER;
    }),
    source: z.enum(sources, { error: `expected one of ${sources.join(', ')}` }).nullish(),
    sourceHost: text.nullish(),
    queueId: text.nullish(),
    messageId: text.nullish(),
    sender: text.nullish(),
    recipient: text.refine((v) => v.includes('@'), { error: 'expected an email address' }).nullish(),
    recipientDomain: text.refine((v) => /^[a-z0-9.-]+\.?$/i.test(v), { error: 'expected a domain name' }).nullish(),
    mxHost: text.nullish(),
    mxIp: ip.nullish(),
    sendingIp: ip.nullish(),
    outcome: z.enum(outcomes, { error: `expected one of ${outcomes.join(', ')}` }),
    smtpCode: whole(200, 599, 'a reply code 200-599').nullish(),
    enhancedCode: text.regex(/^[245]\.\d{1,3}\.\d{1,3}$/, { error: 'expected an enhanced status code like 4.7.500' }).nullish(),
    reply: text.nullish(),
    delaySeconds: z.number({ error: 'expected seconds ≥ 0' }).min(0, { error: 'expected seconds ≥ 0' }).nullish(),
    attempt: whole(0, 1_000_000, 'a whole number ≥ 0').nullish(),
    sizeBytes: whole(0, Number.MAX_SAFE_INTEGER, 'a whole number of bytes').nullish(),
    providerEventId: text.nullish(),
  })
  .superRefine((event, issues) => {
    if (!event.recipient && !event.recipientDomain) {
      issues.addIssue({ code: 'custom', path: ['recipient'], message: 'either recipient or recipientDomain is required' });
    }
  });

/**
 * Validate one generic record whose keys are already canonical (see genericFieldName) and
 * turn it into an event, or a reject naming each bad field (`occurredAt: expected ISO 8601 timestamp`).
 */
export function parseGenericFields(fields: Partial<Record<GenericFieldName, unknown>>, line: number, ctx: ParseContext): ParseOutput {
  const result = genericEventSchema.safeParse(fields);
  if (!result.success) {
    const reason = result.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`).join('; ');
    return { kind: 'reject', line, reason };
  }
  const e = result.data;
  return {
    kind: 'event',
    line,
    event: {
      occurredAt: toInstant(e.occurredAt, ctx.utcOffsetMinutes),
      source: e.source ?? 'generic',
      sourceHost: e.sourceHost ?? null,
      queueId: e.queueId ?? null,
      messageId: e.messageId ?? null,
      sender: e.sender ?? null,
      recipient: e.recipient ?? null,
      recipientDomain: e.recipientDomain?.toLowerCase().replace(/\.$/, '') ?? null,
      mxHost: e.mxHost ?? null,
      mxIp: e.mxIp ?? null,
      sendingIp: e.sendingIp ?? null,
      outcome: e.outcome,
      smtpCode: e.smtpCode ?? null,
      enhancedCode: e.enhancedCode ?? null,
      reply: e.reply ?? null,
      delaySeconds: e.delaySeconds ?? null,
      attempt: e.attempt ?? null,
      sizeBytes: e.sizeBytes ?? null,
      providerEventId: e.providerEventId ?? null,
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One JSON object per line (or array element) in the normalized event shape of DESIGN.md. */
export const ndjsonFormat: RecordFormat = {
  kind: 'records',
  name: 'ndjson',
  parseRecord(record: unknown, line: number, ctx: ParseContext): ParseOutput[] {
    if (!isPlainObject(record)) return [{ kind: 'reject', line, reason: 'expected a JSON object with occurredAt and outcome' }];
    const fields: Partial<Record<GenericFieldName, unknown>> = {};
    for (const [key, raw] of Object.entries(record)) {
      const name = genericFieldName(key);
      if (name === null || name in fields) continue;
      fields[name] = typeof raw === 'string' && raw.trim() === '' ? null : typeof raw === 'string' ? raw.trim() : raw;
    }
    return [parseGenericFields(fields, line, ctx)];
  },
};
