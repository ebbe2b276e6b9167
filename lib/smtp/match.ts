import type { KbMatcher, KbProvider, KbRule } from './kb/rule';
import type { EnhancedCode } from './parse';
import type { ProviderGroup } from './types';

/** What a rule is matched against. */
export interface MatchInput {
  text: string;
  enhanced: EnhancedCode | null;
  token: string | null;
  temporary: boolean | null;
  /** Provider groups the reply may come from: the MX/domain group plus groups the text itself points at. */
  providers: ReadonlySet<ProviderGroup>;
}

interface EnhancedRange {
  /** null = any class (pattern written `x.…`). */
  cls: number | null;
  subject: number;
  fromDetail: number;
  toDetail: number;
}

const enhancedPatternSyntax = /^([245x])\.([0-7])\.(\d{1,3})(?:-([245x])\.([0-7])\.(\d{1,3}))?$/;

/** Parses a rule's `enhanced` pattern; throws on a malformed pattern, which is a bug in the KB data. */
export function parseEnhancedPattern(pattern: string): EnhancedRange {
  const m = enhancedPatternSyntax.exec(pattern);
  if (!m) throw new Error(`invalid enhanced pattern ${pattern}`);
  const [, cls, subject, detail, toCls = cls, toSubject = subject, toDetail = detail] = m;
  if (toCls !== cls || toSubject !== subject) throw new Error(`enhanced range ${pattern} must stay within one class and subject`);
  return { cls: cls === 'x' ? null : Number(cls), subject: Number(subject), fromDetail: Number(detail), toDetail: Number(toDetail) };
}

const rangeCache = new Map<string, EnhancedRange>();

function rangeOf(pattern: string): EnhancedRange {
  let range = rangeCache.get(pattern);
  if (!range) {
    range = parseEnhancedPattern(pattern);
    rangeCache.set(pattern, range);
  }
  return range;
}

function enhancedMatches(pattern: string, code: EnhancedCode | null): boolean {
  if (!code) return false;
  const range = rangeOf(pattern);
  return (
    (range.cls === null || range.cls === code.cls) &&
    range.subject === code.subject &&
    code.detail >= range.fromDetail &&
    code.detail <= range.toDetail
  );
}

function matcherHolds(matcher: KbMatcher, input: MatchInput): boolean {
  if (matcher.enhanced !== undefined && !enhancedMatches(matcher.enhanced, input.enhanced)) return false;
  if (matcher.token !== undefined && (input.token === null || !matcher.token.test(input.token))) return false;
  if (matcher.temporary !== undefined && matcher.temporary !== input.temporary) return false;
  if (matcher.text !== undefined && !matcher.text.test(input.text)) return false;
  return true;
}

function providerApplies(provider: KbProvider, providers: ReadonlySet<ProviderGroup>): boolean {
  if (provider === 'any') return true;
  if (provider === 'microsoft') return providers.has('microsoft-365') || providers.has('microsoft-consumer');
  return providers.has(provider);
}

/** The first rule (in KB order) whose provider applies and one of whose matchers holds. */
export function findRule(rules: readonly KbRule[], input: MatchInput): KbRule | null {
  for (const rule of rules) {
    if (providerApplies(rule.provider, input.providers) && rule.match.some((m) => matcherHolds(m, input))) return rule;
  }
  return null;
}
