import { isIPv4, isIPv6 } from 'node:net';

/** RFC 7208 §4.6.2 qualifiers; a missing qualifier means "+". */
export type SpfQualifier = '+' | '-' | '~' | '?';

export type SpfMechanism =
  | { name: 'all'; qualifier: SpfQualifier; raw: string }
  | { name: 'include' | 'exists'; qualifier: SpfQualifier; raw: string; domainSpec: string }
  | { name: 'a' | 'mx'; qualifier: SpfQualifier; raw: string; domainSpec: string | null; cidr4: number; cidr6: number }
  | { name: 'ptr'; qualifier: SpfQualifier; raw: string; domainSpec: string | null }
  | { name: 'ip4' | 'ip6'; qualifier: SpfQualifier; raw: string; network: string; prefixLength: number };

export interface SpfRecord {
  mechanisms: SpfMechanism[];
  redirect: string | null;
  exp: string | null;
  /** Modifiers other than redirect and exp: RFC 7208 §6 says receivers ignore them. */
  unknownModifiers: string[];
}

export type SpfParseResult = { ok: true; record: SpfRecord } | { ok: false; error: string; term: string | null };

const VERSION = /^v=spf1$/i;
const MODIFIER = /^([a-z][a-z0-9_.-]*)=(.*)$/i;
const DIRECTIVE = /^([+\-~?]?)([a-z][a-z0-9]*)(.*)$/i;
const DUAL_CIDR = /^(.*?)(?:\/([0-9]+))?(?:\/\/([0-9]+))?$/;
const NUMBER = /^(0|[1-9][0-9]{0,2})$/;
// RFC 7208 §7.1: macro-letter, transformers (*DIGIT ["r"]) and delimiters.
const MACRO_BODY = /^([a-z])([0-9]*)(r?)([.\-+,/_=]*)$/i;
const DOMAIN_SPEC_LETTERS = 'slodiphv';
// RFC 7208 §7.1 toplabel: not all-numeric, so that a domain-spec cannot end in an IP literal.
const TOPLABEL = /^([a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;

/** Why a macro-string is malformed, or null when it is well formed (RFC 7208 §7.1). */
export function macroStringError(text: string): string | null {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return `character ${JSON.stringify(text[i])} is not allowed`;
    if (text[i] !== '%') continue;
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      i += 1;
      continue;
    }
    if (next !== '{') return 'a "%" must be followed by "{", "%", "_" or "-"';
    const close = text.indexOf('}', i + 2);
    if (close === -1) return 'macro "%{" is not closed with "}"';
    const body = MACRO_BODY.exec(text.slice(i + 2, close));
    const letter = body?.[1]?.toLowerCase();
    if (!body || letter === undefined) return `macro "${text.slice(i, close + 1)}" is malformed`;
    if (!DOMAIN_SPEC_LETTERS.includes(letter)) return `macro letter "${letter}" is not allowed here (c, r and t only in explanations)`;
    if (body[2] !== '' && Number(body[2]) === 0) return `macro "${text.slice(i, close + 1)}" keeps zero labels`;
    i = close;
  }
  return null;
}

/** Why a domain-spec is malformed, or null when it is well formed (RFC 7208 §7.1: macro-string domain-end). */
export function domainSpecError(spec: string): string | null {
  if (spec === '') return 'the domain is empty';
  const macroError = macroStringError(spec);
  if (macroError !== null) return macroError;
  if (spec.endsWith('}')) return null;
  const withoutDot = spec.replace(/\.$/, '');
  const lastDot = withoutDot.lastIndexOf('.');
  if (lastDot === -1) return `"${spec}" is not a fully qualified domain`;
  if (!TOPLABEL.test(withoutDot.slice(lastDot + 1))) return `"${spec}" does not end in a valid top-level label`;
  return null;
}

function parseCidr(text: string | undefined, max: number): number | null {
  if (text === undefined) return max;
  if (!NUMBER.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}

type TermResult = { mechanism: SpfMechanism } | { error: string };

function parseMechanism(term: string): TermResult {
  const match = DIRECTIVE.exec(term);
  if (!match) return { error: 'not a mechanism or modifier' };
  const qualifier = (match[1] || '+') as SpfQualifier;
  const name = (match[2] ?? '').toLowerCase();
  const rest = match[3] ?? '';
  switch (name) {
    case 'all':
      return rest === '' ? { mechanism: { name, qualifier, raw: term } } : { error: '"all" takes no argument' };
    case 'include':
    case 'exists': {
      if (!rest.startsWith(':')) return { error: `"${name}" needs ":domain"` };
      const domainSpec = rest.slice(1);
      const error = domainSpecError(domainSpec);
      return error === null ? { mechanism: { name, qualifier, raw: term, domainSpec } } : { error };
    }
    case 'ptr': {
      if (rest === '') return { mechanism: { name, qualifier, raw: term, domainSpec: null } };
      if (!rest.startsWith(':')) return { error: '"ptr" takes only ":domain"' };
      const error = domainSpecError(rest.slice(1));
      return error === null ? { mechanism: { name, qualifier, raw: term, domainSpec: rest.slice(1) } } : { error };
    }
    case 'a':
    case 'mx': {
      const cidr = DUAL_CIDR.exec(rest);
      const target = cidr?.[1] ?? '';
      const cidr4 = parseCidr(cidr?.[2], 32);
      const cidr6 = parseCidr(cidr?.[3], 128);
      if (cidr4 === null) return { error: 'IPv4 prefix length must be 0-32' };
      if (cidr6 === null) return { error: 'IPv6 prefix length must be 0-128' };
      if (target === '') return { mechanism: { name, qualifier, raw: term, domainSpec: null, cidr4, cidr6 } };
      if (!target.startsWith(':')) return { error: `"${name}" takes ":domain" and prefix lengths only` };
      const error = domainSpecError(target.slice(1));
      return error === null ? { mechanism: { name, qualifier, raw: term, domainSpec: target.slice(1), cidr4, cidr6 } } : { error };
    }
    case 'ip4':
    case 'ip6': {
      if (!rest.startsWith(':')) return { error: `"${name}" needs ":address"` };
      const value = rest.slice(1);
      const slash = value.indexOf('/');
      const network = slash === -1 ? value : value.slice(0, slash);
      const isV4 = name === 'ip4';
      if (isV4 ? !isIPv4(network) : !isIPv6(network)) return { error: `"${network}" is not an ${isV4 ? 'IPv4' : 'IPv6'} address` };
      const prefixLength = parseCidr(slash === -1 ? undefined : value.slice(slash + 1), isV4 ? 32 : 128);
      if (prefixLength === null) return { error: `prefix length must be 0-${isV4 ? 32 : 128}` };
      return { mechanism: { name, qualifier, raw: term, network, prefixLength } };
    }
    default:
      return { error: `unknown mechanism "${name}"` };
  }
}

/**
 * Parses one SPF record (RFC 7208 §4.6, §12 ABNF). Total: any input gives a record or the first
 * offending term with the reason, which receivers turn into permerror.
 */
export function parseSpfRecord(text: string): SpfParseResult {
  const terms = text.split(' ').filter((t) => t !== '');
  if (!terms[0] || !VERSION.test(terms[0])) return { ok: false, error: 'the record does not start with "v=spf1"', term: terms[0] ?? null };
  const record: SpfRecord = { mechanisms: [], redirect: null, exp: null, unknownModifiers: [] };
  for (const term of terms.slice(1)) {
    const reject = (reason: string): SpfParseResult => ({ ok: false, error: `invalid term "${term}": ${reason}`, term });
    const modifier = MODIFIER.exec(term);
    if (modifier) {
      const name = (modifier[1] ?? '').toLowerCase();
      const value = modifier[2] ?? '';
      if (name === 'redirect' || name === 'exp') {
        if (record[name] !== null) return reject(`"${name}" may appear only once (RFC 7208 §6)`);
        const error = domainSpecError(value);
        if (error !== null) return reject(error);
        record[name] = value;
      } else {
        const error = macroStringError(value);
        if (error !== null) return reject(error);
        record.unknownModifiers.push(term);
      }
      continue;
    }
    const parsed = parseMechanism(term);
    if ('error' in parsed) return reject(parsed.error);
    record.mechanisms.push(parsed.mechanism);
  }
  return { ok: true, record };
}

/** Whether a TXT string is an SPF version 1 record (RFC 7208 §4.5: "v=spf1" then a space or the end). */
export function isSpfRecord(txt: string): boolean {
  return /^v=spf1( |$)/i.test(txt);
}
