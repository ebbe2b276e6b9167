import type { ParseContext } from '../types';

/**
 * Timestamps and the syslog prefix of MTA log lines (Postfix via syslog, Exim mainlog).
 * Lines are matched from their start; whatever follows the timestamp is handed back as `rest`.
 */

const MINUTE_MS = 60_000;
/** A classic syslog date may lie this far in the future of `now` (clock skew between hosts). */
const ALLOWED_SKEW_MS = 24 * 60 * MINUTE_MS;
const monthIndex = new Map(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i]));

interface Clock {
  year: number;
  /** 0-based. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (0-based) of the proleptic Gregorian calendar, as Date counts them. */
function daysInMonth(year: number, month: number): number {
  const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 1 && isLeap ? 29 : (DAYS_IN_MONTH[month] ?? 0);
}

/**
 * The UTC instant (ms) of a wall-clock time `offsetMinutes` east of UTC; null when the fields name no real time (Feb 30,
 * 25:00) or a year before 100 (Date.UTC would read 0050 as 1950). Checked by arithmetic, without a Date.
 */
function toInstant(c: Clock, offsetMinutes: number): number | null {
  if (c.hour > 23 || c.minute > 59 || c.second > 59) return null;
  if (!(c.year >= 100) || !(c.month >= 0 && c.month <= 11) || !(c.day >= 1 && c.day <= daysInMonth(c.year, c.month))) return null;
  return Date.UTC(c.year, c.month, c.day, c.hour, c.minute, c.second, c.millisecond) - offsetMinutes * MINUTE_MS;
}

/** Milliseconds of a decimal fraction of a second: its first three digits (`5` → 500, `123456` → 123). */
function fractionToMs(fraction: string | undefined): number {
  if (fraction === undefined) return 0;
  let ms = 0;
  for (let i = 0; i < 3; i += 1) ms = ms * 10 + (i < fraction.length ? fraction.charCodeAt(i) - 48 : 0);
  return ms;
}

function zoneOffsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/** The last second an ISO timestamp named, with its zone and default offset, and its instant: log lines come in runs of the same second. */
let lastSecond: { text: string; zone: string | undefined; offset: number; ms: number | null } = { text: '', zone: undefined, offset: NaN, ms: null };

export interface TimestampMatch {
  occurredAt: Date;
  /** The line after the timestamp and the whitespace following it. */
  rest: string;
}

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?: ?(Z|[+-]\d{2}:?\d{2})(?![\d:]))?(?:\s+|$)/;

/**
 * An ISO 8601 / RFC 3339 timestamp at the start of `text`: rsyslog's `2023-03-12T10:13:46.123456+01:00`
 * and Exim's `2023-10-11 02:17:50.123 +0100`. Without a zone the time is local, `utcOffsetMinutes` east of UTC.
 */
export function matchIsoTimestamp(text: string, utcOffsetMinutes: number): TimestampMatch | null {
  const found = matchIsoInstant(text, utcOffsetMinutes);
  return found === null ? null : { occurredAt: new Date(found.ms), rest: found.rest };
}

/** matchIsoTimestamp as milliseconds since the epoch, without a Date. */
function matchIsoInstant(text: string, utcOffsetMinutes: number): { ms: number; rest: string } | null {
  const m = isoPattern.exec(text);
  if (!m) return null;
  // The pattern's first 19 characters: YYYY-MM-DD, T or space, HH:MM:SS.
  const second = text.slice(0, 19);
  const zone = m[8];
  if (second !== lastSecond.text || zone !== lastSecond.zone || utcOffsetMinutes !== lastSecond.offset) {
    const [, y, mo, d, h, mi, s] = m;
    const clock = { year: Number(y), month: Number(mo) - 1, day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), millisecond: 0 };
    lastSecond = { text: second, zone, offset: utcOffsetMinutes, ms: toInstant(clock, zone === undefined ? utcOffsetMinutes : zoneOffsetMinutes(zone)) };
  }
  if (lastSecond.ms === null) return null;
  return { ms: lastSecond.ms + fractionToMs(m[7]), rest: text.slice(m[0].length) };
}

const classicPattern = /^([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:\s+|$)/;

/**
 * A classic syslog timestamp (`Oct 11 02:17:50`, RFC 3164) at the start of `text`. It has no year:
 * the year is the latest one that puts the time no more than a day after `ctx.now` (a December line
 * read on 2 January belongs to the previous year; a line is never placed in the future beyond clock skew).
 */
export function matchClassicTimestamp(text: string, ctx: ParseContext): TimestampMatch | null {
  const found = matchClassicInstant(text, ctx);
  return found === null ? null : { occurredAt: new Date(found.ms), rest: found.rest };
}

/** matchClassicTimestamp as milliseconds since the epoch, without a Date. */
function matchClassicInstant(text: string, ctx: ParseContext): { ms: number; rest: string } | null {
  const m = classicPattern.exec(text);
  if (!m) return null;
  const [, mon, d, h, mi, s, fraction] = m;
  const month = monthIndex.get((mon ?? '').toLowerCase());
  if (month === undefined) return null;
  const latest = ctx.now.getTime() + ALLOWED_SKEW_MS;
  const localNowYear = new Date(ctx.now.getTime() + ctx.utcOffsetMinutes * MINUTE_MS).getUTCFullYear();
  // Up to 8 years back, so that 29 February finds a leap year.
  for (let year = localNowYear + 1; year >= localNowYear - 8; year -= 1) {
    const clock = { year, month, day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), millisecond: fractionToMs(fraction) };
    const ms = toInstant(clock, ctx.utcOffsetMinutes);
    if (ms !== null && ms <= latest) return { ms, rest: text.slice(m[0].length) };
  }
  return null;
}

export interface SyslogLine {
  /**
   * Milliseconds since the epoch (a number: most lines of a log are context lines whose time is seldom needed, and
   * Dates cost more than numbers); null when the line carries no (valid) timestamp, e.g. a message copied without its prefix.
   */
  occurredAtMs: number | null;
  host: string | null;
  /** The syslog tag without the pid: `postfix/smtp`, `postfix-out2/smtp`, `postfix/amavis/smtp`. */
  program: string | null;
  /** The message after `program[pid]: `, or the whole line when no prefix was recognised. */
  message: string;
}

/** `<host> <program>[<pid>]: ` after the timestamp. */
const hostAndTagPattern = /^(\S+) ([^\s[\]:]+)(?:\[\d+\])?: /;

/**
 * Splits `<timestamp> <host> <program>[<pid>]: <message>`. Also accepts a bare `program[pid]: message`
 * (lines quoted without date and host) and a bare message.
 */
export function splitSyslogLine(text: string, ctx: ParseContext): SyslogLine {
  const stamp = matchIsoInstant(text, ctx.utcOffsetMinutes) ?? matchClassicInstant(text, ctx);
  if (stamp !== null) {
    const prefix = hostAndTagPattern.exec(stamp.rest);
    if (prefix) return { occurredAtMs: stamp.ms, host: prefix[1] ?? null, program: prefix[2] ?? null, message: stamp.rest.slice(prefix[0].length) };
    return { occurredAtMs: stamp.ms, host: null, program: null, message: stamp.rest };
  }
  const tag = /^([^\s[\]:]+)\[\d+\]: /.exec(text);
  if (tag) return { occurredAtMs: null, host: null, program: tag[1] ?? null, message: text.slice(tag[0].length) };
  return { occurredAtMs: null, host: null, program: null, message: text };
}
