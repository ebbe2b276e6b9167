import type { LimitedIdentity } from './types';

/**
 * Field extraction from one SMTP reply text. Every pattern here is linear: no nested
 * quantifiers, and every unbounded run is anchored by a literal that cannot repeat inside it.
 */

/**
 * Replies longer than this are cut before analysis. RFC 5321 §4.5.3.1.5 limits a reply line to
 * 512 octets; the longest real multi-line replies in the corpus are about 2 KB.
 */
const maxReplyChars = 16_384;

/** Diagnostic-type prefix of DSN fields and MTA logs: `smtp;`, `SMTP; `, `X-Postfix; `. */
const diagnosticPrefix = /^\s*(?:smtp|x-[a-z-]{1,40}|unknown)\s*;\s*/i;

/** A basic reply code where one can start: text start, or after a separator (`said: 421`, `smtp;550`, `<421`). */
const basicCodePattern = /(?<=^|[\s;:<('"=])([245][0-5]\d)(?=[\s-]|$)/;

/**
 * RFC 3463 enhanced status: class 2/4/5, subject 0–7, detail up to 3 digits, not part of a longer
 * dotted number (Yahoo's `4.16.55.1`, IPv4 addresses).
 */
const enhancedCodePattern = /(?<![\w.])([245])\.([0-7])\.(\d{1,3})(?![\d]|\.\d)/;
const enhancedCodeGlobal = new RegExp(enhancedCodePattern.source, 'g');

export interface EnhancedCode {
  cls: number;
  subject: number;
  detail: number;
}

export function parseEnhancedCode(value: string | null | undefined): EnhancedCode | null {
  if (!value) return null;
  const m = /^\s*([245])\.([0-7])\.(\d{1,3})\s*$/.exec(value);
  return m ? { cls: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) } : null;
}

export function formatEnhancedCode(code: EnhancedCode): string {
  return `${code.cls}.${code.subject}.${code.detail}`;
}

/** Whitespace other than single spaces: a tab, a newline, a non-breaking space or two in a row. */
const unevenWhitespace = /[^\S ]| \s/;

/** `text` with every run of whitespace made one space; most replies have none to change, and are returned as they are. */
function collapseWhitespace(text: string): string {
  return unevenWhitespace.test(text) ? text.replace(/\s+/g, ' ') : text;
}

/** The reply text without diagnostic-type prefix, literal `\n` escapes (Exim) or repeated whitespace. */
export function cleanReply(reply: string): string {
  const cut = reply.length > maxReplyChars ? reply.slice(0, maxReplyChars) : reply;
  const unescaped = cut.includes('\\n') ? cut.replace(/\\n/g, ' ') : cut;
  return collapseWhitespace(unescaped.replace(diagnosticPrefix, '')).trim();
}

/** Whether cleanReply would change an already cleaned text again (a second diagnostic prefix, as in `smtp; smtp; 550 …`). */
export function hasDiagnosticPrefix(text: string): boolean {
  return diagnosticPrefix.test(text);
}

export function findBasicCode(text: string): number | null {
  const m = basicCodePattern.exec(text);
  return m ? Number(m[1]) : null;
}

/** Patterns built for one basic reply code, made once per code (at most 1 000 codes, 100–999). */
const enhancedAfterCode = new Map<number, RegExp>();
const continuationPrefix = new Map<number, RegExp>();

function codePattern(cache: Map<number, RegExp>, code: number, make: (code: number) => RegExp): RegExp {
  let pattern = cache.get(code);
  if (pattern === undefined) {
    pattern = make(code);
    if (Number.isInteger(code) && code >= 100 && code <= 999) cache.set(code, pattern);
  }
  return pattern;
}

/** The enhanced code that follows the basic code, else the first one anywhere in the text. */
export function findEnhancedCode(text: string, basicCode: number | null): EnhancedCode | null {
  if (basicCode !== null) {
    const afterCode = codePattern(enhancedAfterCode, basicCode, (code) => new RegExp(`(?<=^|[\\s;:<('"=])${code}[ -] ?#?([245]\\.[0-7]\\.\\d{1,3})(?!\\d|\\.\\d)`)).exec(text);
    const inline = parseEnhancedCode(afterCode?.[1]);
    if (inline) return inline;
  }
  enhancedCodeGlobal.lastIndex = 0;
  const m = enhancedCodeGlobal.exec(text);
  return m ? { cls: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) } : null;
}

/**
 * Text for rule matching: multi-line replies repeat their code on every line
 * (`550-5.7.26 … 550-5.7.26 … 550 5.7.26 …`); those repeats are removed after the first line.
 */
export function joinContinuationLines(text: string, basicCode: number | null): string {
  if (basicCode === null) return text;
  const first = text.indexOf(String(basicCode));
  if (first < 0) return text;
  const head = text.slice(0, first + 3);
  const repeated = codePattern(continuationPrefix, basicCode, (code) => new RegExp(`\\s${code}[ -](?:[245x]\\.[\\dx]{1,3}\\.[\\dx]{1,3}\\s)?`, 'g'));
  return head + collapseWhitespace(text.slice(first + 3).replace(repeated, ' '));
}

function isIpv4(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 4) return false;
  if (!parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return false;
  return value !== '0.0.0.0';
}

function isIpv6(value: string): boolean {
  if (value.length > 45 || !value.includes(':') || !/^[0-9a-fA-F:.]+$/.test(value)) return false;
  const doubleColons = value.split('::').length - 1;
  if (doubleColons > 1) return false;
  const groups = value.split(':').filter((g) => g.length > 0);
  const last = groups[groups.length - 1] ?? '';
  const hasV4Tail = last.includes('.');
  if (hasV4Tail && !isIpv4(last)) return false;
  const hexGroups = hasV4Tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const width = hexGroups.length + (hasV4Tail ? 2 : 0);
  return doubleColons === 1 ? width < 8 : width === 8;
}

function isIpAddress(value: string): boolean {
  return isIpv4(value) || isIpv6(value);
}

/**
 * Where providers name the connecting (our) IP. Each pattern captures one candidate; a candidate
 * that is not a valid address (masked `x.x.x.x`, `IP.IP.IP.IP`) is skipped.
 */
const sendingIpPatterns: readonly RegExp[] = [
  // Microsoft: "Server busy. Please try again later from [203.0.113.7]", "messages from [185.234.69.116] weren't sent"
  /\bfrom \[([0-9a-fA-F:.]{2,45})\]/i,
  // Microsoft 4.7.650/651/652: "The mail server [52.198.124.32] has been …"
  /\bThe mail server \[([0-9a-fA-F:.]{2,45})\]/i,
  // Microsoft 5.7.606 / 5.7.511: "banned sending IP [198.51.100.222]", "banned sender[2.2.2.2]"
  /\bbanned sen(?:ding IP|der) ?\[([0-9a-fA-F:.]{2,45})\]/i,
  // Yahoo: "Messages from 157.245.96.95 temporarily deferred"; legacy Hotmail "messages from 62.210.82.129 weren't sent"
  /\bMessages from ([0-9a-fA-F:.]{2,45}) /i,
  // Gmail puts the client IP right after the codes: "550-5.7.1 [1.2.3.4      18] Our system …", "550-5.7.25 [192.0.2.202] The IP …"
  /^[245]\d\d[ -][245]\.\d\.\d{1,3} \[([0-9a-fA-F:.]{2,45})(?: \d{1,3})?\]/,
  // Yahoo blocklist: "Connections will not be accepted from 1.2.3.4,", "Mail from 1.2.3.4 not allowed"
  /\b(?:accepted from|Mail from) ([0-9a-fA-F:.]{2,45})\b/i,
  // Generic: "IP 45.79.0.243 is blocked", "IP address 198.51.100.5 rejected", "Fix reverse DNS for 203.0.113.2", "client [203.0.113.225] blocked"
  /\b(?:IP|IP address|reverse DNS for|client) \[?([0-9a-fA-F:.]{2,45})\]?/i,
];

export function findSendingIp(text: string): string | null {
  for (const pattern of sendingIpPatterns) {
    const candidate = pattern.exec(text)?.[1]?.replace(/[.:]$/, '');
    if (candidate && isIpAddress(candidate)) return candidate;
  }
  return null;
}

/** Provider diagnostic tokens, most specific first. */
const tokenPatterns: readonly RegExp[] = [
  // Microsoft: "(S77714)", "(S3150)", "(AS843)", "(AS16012609)"
  /\((A?S\d{3,9})\)/,
  // Microsoft: "AS(843)", "AS(201806281)"
  /\b(AS\(\d{3,12}\))/,
  // Bracketed codes: Yahoo "[TSS04]", "[IPTS04]", "[BL21]", "[PH01]"; Apple "[CS01]"
  /\[([A-Z]{2,5}\d{1,3})\]/,
  // Comcast block/rate/DMARC codes: "BL000000", "RL000001", "DM000001", "ES000010"
  /\b((?:BL|RL|ES|DM)\d{6})\b/,
  // Legacy Hotmail "550 SC-001 (BAY004-MC4F27)"
  /\b(SC-\d{3})\b/,
  // Orange "OFR006_102", "LPN007_416"; GoDaddy "IB508"; Cox/Spectrum "AUP#CDRBL"
  /\b((?:OFR|LPN)\d{0,3}_\d{3})\b/,
  /\b(IB\d{3})\b/,
  /\b(AUP#[\w-]{1,20})/,
];

export function findProviderToken(text: string): string | null {
  for (const pattern of tokenPatterns) {
    const m = pattern.exec(text);
    if (m?.[1]) return m[1];
  }
  return null;
}

export interface MicrosoftFrontEnd {
  host: string;
  region: string | null;
  timestamp: string | null;
  correlationId: string | null;
}

/** "[MW2NAM12FT080.eop-nam12.prod.protection.outlook.com 2023-10-11T02:17:50.557Z 08DBC41AE3EEAC91]" */
const frontEndPattern =
  /\[([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,6}\.outlook\.com)(?: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,7})?Z) ([0-9A-Z]{16}))?/gi;

function regionOf(host: string): string | null {
  const labels = host.split('.');
  // Second label names the region: "eop-nam12", "eurprd05", "eop-EUR03", "namprd04", "JPNP222".
  const second = /^(?:eop-)?([a-z]{3})(?:prd|p)?\d{1,4}$/i.exec(labels[1] ?? '');
  if (second?.[1]) return second[1].toUpperCase();
  // First label carries it too: "MW2NAM12FT080", "PR2FRA01FT009".
  const first = /^[A-Z]{2,3}\d([A-Z]{3})\d{2}/i.exec(labels[0] ?? '');
  return first?.[1] ? first[1].toUpperCase() : null;
}

/**
 * The Exchange Online front end that answered. Replies relayed inside Microsoft list several
 * hosts; the EOP one (`*.protection.outlook.com`) is the edge the sender talked to.
 */
export function findMicrosoftFrontEnd(text: string): MicrosoftFrontEnd | null {
  frontEndPattern.lastIndex = 0;
  let chosen: RegExpExecArray | null = null;
  for (let m = frontEndPattern.exec(text); m !== null; m = frontEndPattern.exec(text)) {
    if (chosen === null || /\.protection\.outlook\.com$/i.test(m[1] ?? '')) chosen = m;
  }
  if (!chosen?.[1]) return null;
  const stamp = chosen[2] ?? null;
  const isValidStamp = stamp !== null && !Number.isNaN(Date.parse(stamp));
  return {
    host: chosen[1],
    region: regionOf(chosen[1]),
    timestamp: isValidStamp ? new Date(stamp).toISOString() : null,
    correlationId: chosen[3] ?? null,
  };
}

/** Gmail 4.7.28 / 5.7.28 names the identity it limits: "originating from your IP address" / "IP netblock" / "DKIM domain" / "SPF domain". */
export function findLimitedIdentity(text: string): LimitedIdentity | null {
  const m = /unusual rate of (?:unsolicited )?mail originating from your (IP address|IP netblock|DKIM domain|SPF domain)/i.exec(text);
  switch (m?.[1]?.toLowerCase()) {
    case 'ip address':
      return 'ip';
    case 'ip netblock':
      return 'netblock';
    case 'dkim domain':
      return 'dkim-domain';
    case 'spf domain':
      return 'spf-domain';
    default:
      return null;
  }
}
